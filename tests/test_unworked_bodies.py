"""A delivery finished at the door (no handler wants it, or its handlers' settlers found no work) is recorded without
its body unless KEEP_UNWORKED_BODIES says otherwise; a delivery that runs keeps it, and the purge counts the
bodiless rows as purged already."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.appkeys import QUEUE
from bot.server import create_app
from bot.services import Services
from storage.database import Database
from tests.conftest import make_settings
from tests.helpers import load, send_github
from tests.test_settling import GREEN, open_incident, rows

INSTALL = load("github/installation/created.payload.json")  # its handler runs: queued
STAR = load("github/ping/payload.json")


async def serve(aiohttp_client: Any, database_url: str, db: Database, **overrides: object) -> tuple[TestClient, Any]:
    settings = make_settings(database_url, **overrides)
    services = await Services.create(settings, db=db)
    client: TestClient = await aiohttp_client(create_app(settings, services=services, migrate=False))
    return client, services


@pytest.mark.parametrize("keep", [False, True], ids=["default", "kept"])
async def test_bodies_of_deliveries_that_need_no_work(
    aiohttp_client: Any, database_url: str, db: Database, keep: bool
) -> None:
    client, services = await serve(aiohttp_client, database_url, db, keep_unworked_bodies=keep)
    await open_incident(db, 1, branch="another-branch")
    answers = {}
    for name, event, payload in (("green", "workflow_run", GREEN), ("queued", "installation", INSTALL),
                                 ("unrouted", "star", STAR)):
        status, body = await send_github(client, event, payload, delivery=f"body-{name}")
        assert status == 202
        answers[name] = body["status"]
    await client.app[QUEUE].join(timeout=10)
    assert answers == {"green": "done", "queued": "queued", "unrouted": "ignored"}
    found = {r.delivery_id: r for r in await rows(db)}
    assert (found["body-green"].status, found["body-unrouted"].status) == ("done", "ignored")
    assert found["body-queued"].status == "done", found["body-queued"].last_error
    assert found["body-queued"].body != b""  # it ran from its body: kept like every delivery that runs
    for name in ("body-green", "body-unrouted"):
        assert (found[name].body != b"") is keep
    # the purge takes the bodies still there and counts the bodiless rows as done already
    purged = await db.deliveries.purge_bodies(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1))
    assert purged == (3 if keep else 1)
    await services.http.close()
