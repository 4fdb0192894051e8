"""Worker processes (QUEUE_MODE=external): the web process only records; workers share the rows by leases."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.queue import DeliveryQueue
from bot.server import create_app
from bot.services import Services
from storage.database import Database
from storage.deliveries import NewDelivery
from storage.models import WebhookDelivery
from storage.types import utcnow
from tests.conftest import make_settings
from tests.helpers import load, send_github

BODY = json.dumps(load("github/installation/created.payload.json")).encode()


async def rows(db: Database) -> list[WebhookDelivery]:
    async with db.sessions() as s:
        return list((await s.execute(select(WebhookDelivery).order_by(WebhookDelivery.id))).scalars())


async def until(predicate: object, timeout: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_external_mode_records_and_workers_run_each_delivery_once(
    aiohttp_client: object, database_url: str, db: Database
) -> None:
    settings = make_settings(database_url, queue_mode="external", worker_poll_seconds=0.05)
    web_services = await Services.create(settings, db=db)
    client: TestClient = await aiohttp_client(create_app(settings, services=web_services, migrate=False))  # type: ignore[operator]
    for i in range(12):
        status, body = await send_github(client, "installation", BODY, delivery=f"ext-{i}")
        assert (status, body["status"]) == (202, "queued")
    await asyncio.sleep(0.2)
    assert {r.status for r in await rows(db)} == {"pending"}  # the web process ran nothing

    # Two workers, each with its own engine, as two processes would have.
    worker_dbs = [Database.connect(database_url) for _ in range(2)]
    workers = []
    for wdb in worker_dbs:
        services = await Services.create(settings, db=wdb)
        queue = DeliveryQueue(services, concurrency=3, poll_seconds=0.05, shared=True)
        await queue.start()
        workers.append((services, queue))

    async def all_done() -> bool:
        return all(r.status == "done" for r in await rows(db))

    await until(all_done)
    assert all(r.attempts == 1 for r in await rows(db))  # nobody ran a delivery twice
    for services, queue in workers:
        await queue.stop()
        await services.close()
    await web_services.http.close()


async def test_a_live_lease_is_respected_and_an_expired_one_taken_over(database_url: str, db: Database) -> None:
    settings = make_settings(database_url, delivery_lease_seconds=60)
    await db.writer.record(NewDelivery("github", "leased", "installation", "created", 1, None, BODY))
    [row] = await rows(db)
    assert await db.deliveries.claim(row.id, lease=dt.timedelta(seconds=60)) is not None  # worker A has it
    assert await db.deliveries.claim(row.id, lease=dt.timedelta(seconds=60)) is None  # worker B may not
    assert await db.deliveries.unfinished(expired_only=True) == []
    assert await db.deliveries.unfinished(now=utcnow() + dt.timedelta(seconds=61), expired_only=True) == [row.id]

    # Worker A died; its lease runs out and worker B takes the delivery over.
    async with db.sessions.begin() as s:
        (await s.get(WebhookDelivery, row.id)).lease_until = utcnow() - dt.timedelta(seconds=1)  # type: ignore[union-attr]
    services = await Services.create(settings, db=db)
    queue = DeliveryQueue(services, concurrency=1, poll_seconds=0.05, shared=True)
    await queue.start()

    async def done() -> bool:
        return (await rows(db))[0].status == "done"

    await until(done)
    assert (await rows(db))[0].attempts == 2
    await queue.stop()
    await services.http.close()


async def test_a_worker_renews_the_lease_of_what_it_runs(database_url: str, db: Database) -> None:
    await db.writer.record(NewDelivery("github", "renew", "installation", "created", 1, None, BODY))
    [row] = await rows(db)
    await db.deliveries.claim(row.id, lease=dt.timedelta(seconds=5))
    await db.deliveries.renew([row.id], dt.timedelta(seconds=300))
    [renewed] = await rows(db)
    assert renewed.lease_until is not None and renewed.lease_until > utcnow() + dt.timedelta(seconds=200)
