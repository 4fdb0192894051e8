"""The external mode on PostgreSQL: procrastinate jobs point at recorded deliveries (real PostgreSQL, real HTTP)."""

from __future__ import annotations

import asyncio
import json

from aiohttp.test_utils import TestClient
from sqlalchemy import select, text

from bot.jobs.worker import work
from bot.server import create_app
from bot.services import Services
from bot.settings import Settings
from storage.database import Database
from storage.deliveries import NewDelivery
from storage.models import WebhookDelivery
from tests.conftest import make_settings
from tests.helpers import load, send_github

BODY = json.dumps(load("github/installation/created.payload.json")).encode()



def external(url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {"queue_mode": "external", "worker_heartbeat_seconds": 1.0,
                                 "shutdown_grace_seconds": 5.0, "worker_concurrency": 3}
    values.update(overrides)
    return make_settings(url, **values)


async def rows(db: Database) -> list[WebhookDelivery]:
    async with db.sessions() as s:
        return list((await s.execute(select(WebhookDelivery).order_by(WebhookDelivery.id))).scalars())


async def until(predicate: object, timeout: float = 20) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def all_done(db: Database, n: int) -> bool:
    found = await rows(db)
    return len(found) == n and all(r.status == "done" for r in found)


async def test_two_workers_run_every_job_once(aiohttp_client: object, postgres_url: str, pg: Database) -> None:
    settings = external(postgres_url)
    web_services = await Services.create(settings, db=pg)
    client: TestClient = await aiohttp_client(create_app(settings, services=web_services, migrate=False))  # type: ignore[operator]
    stop = asyncio.Event()
    workers = [asyncio.create_task(work(settings, name=f"w{i}", stop=stop)) for i in range(2)]
    for i in range(40):
        status, body = await send_github(client, "installation", BODY, delivery=f"job-{i}")
        assert (status, body["status"]) == (202, "queued")
    await until(lambda: all_done(pg, 40))
    assert all(r.attempts == 1 for r in await rows(pg))  # no delivery ran twice
    counts = await pg.jobs.counts()
    assert counts == {"succeeded": 40}, counts  # one job each, each run once
    stop.set()
    await asyncio.gather(*workers)
    await web_services.http.close()


async def test_the_sweep_defers_a_delivery_that_has_no_job(postgres_url: str, pg: Database) -> None:
    # A crash between the record and the defer: the row is there, no job points at it.
    await pg.writer.record(NewDelivery("github", "orphan", "installation", "created", 1, "octo/x", BODY))
    async with pg.engine.begin() as conn:
        await conn.execute(text("UPDATE webhook_deliveries SET received_at = received_at - interval '1 minute'"))
    assert await pg.jobs.counts() == {}
    stop = asyncio.Event()
    worker = asyncio.create_task(work(external(postgres_url), stop=stop))
    await until(lambda: all_done(pg, 1), timeout=30)  # the sweep runs every 10 s
    assert (await rows(pg))[0].attempts == 1
    assert (await pg.jobs.counts()).get("succeeded") == 1
    stop.set()
    await worker
