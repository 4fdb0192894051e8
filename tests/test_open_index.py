"""The embedded queue's in-memory index of open incidents (storage/incidents.py `_OpenIndex`, SQLite only).

It settles a green run with nothing open without any read, so it must never hold less than the database: every
write that may open (or move) an incident drops it, a load that overlapped such a write is thrown away, it is
loaded again from the database after a restart, and what is open is still resolved by a green run.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.appkeys import QUEUE
from bot.server import create_app
from bot.services import Services
from bot.settings import Settings
from storage.database import Database
from tests.helpers import send_github
from tests.test_settling import BRANCH, GREEN, REPO, WORKFLOW, incidents, open_incident, rows, statements

KEY = (REPO, BRANCH, WORKFLOW, "github")


def sqlite_only(db: Database) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the index is kept on SQLite only (a database server is shared with worker processes)")


async def test_the_index_is_kept_on_sqlite_only_and_loaded_at_start(client: TestClient, db: Database) -> None:
    index = db.incidents.open_index
    if db.engine.dialect.name != "sqlite":
        assert index is None  # workers may write incidents there: every question goes to the database
        return
    assert index is not None and index.keys == set() and index.loads >= 1


async def test_the_index_follows_the_writes(client: TestClient, db: Database) -> None:
    sqlite_only(db)
    index = db.incidents.open_index
    assert index is not None
    assert await db.incidents.any_resolvable(*KEY[:3], provider="github") is False
    incident = await db.incidents.claim_run({
        "provider": "github", "repository_full_name": REPO, "run_id": 7, "run_attempt": 1,
        "workflow_name": WORKFLOW, "head_branch": BRANCH, "head_sha": "a" * 40,
    })
    assert index.keys is not None and KEY not in index.keys  # analyzing: not resolvable, the index stays
    await db.incidents.update(incident.id, category="test")  # no indexed column: the index stays
    assert index.keys is not None
    await db.incidents.finish(incident.id, "owner", 1, status="open")
    assert index.keys is None  # dropped: the database answers, and a load starts
    assert await db.incidents.any_resolvable(*KEY[:3], provider="github") is True

    async def loaded() -> bool:
        return index.keys is not None

    await until(loaded)
    assert index.keys == {KEY}
    answered = index.answers
    assert await db.incidents.any_resolvable(*KEY[:3], provider="github") is True
    assert await db.incidents.any_resolvable(REPO, "elsewhere", WORKFLOW, provider="github") is False
    assert index.answers == answered + 2
    # moved to another branch by an update: dropped, and loaded again with the new key only
    await db.incidents.update(incident.id, head_branch="elsewhere")
    assert index.keys is None and await index.load()
    assert index.keys == {(REPO, "elsewhere", WORKFLOW, "github")}
    await db.incidents.update(incident.id, status="superseded")
    assert index.keys is None and await index.load()
    assert index.keys == set()


async def test_a_load_that_overlaps_a_write_is_thrown_away(client: TestClient, db: Database) -> None:
    sqlite_only(db)
    index = db.incidents.open_index
    assert index is not None
    async with index.write():
        assert not await index.load()  # a write in flight: whatever is read may already be old
        assert index.keys is None
    load = asyncio.get_running_loop().create_task(index.load())
    await asyncio.sleep(0)  # the load has taken its generation and waits for its read
    index.drop()  # a write began (and ended) meanwhile
    assert not await load
    assert index.keys is None
    assert await index.load() and index.keys == set()


async def test_a_green_run_resolves_what_the_index_holds(client: TestClient, db: Database) -> None:
    sqlite_only(db)
    opened = await open_incident(db, 1)
    index = db.incidents.open_index
    assert index is not None and await index.load() and KEY in (index.keys or set())
    status, _ = await send_github(client, "workflow_run", GREEN, delivery="green-index-1")
    assert status == 202
    await client.app[QUEUE].join(timeout=10)
    assert (await incidents(db))[opened].status == "resolved"
    [row] = [r for r in await rows(db) if r.delivery_id == "green-index-1"]
    assert row.status == "done", row.last_error
    # the resolution dropped the index: loaded again, it holds nothing, and the next green run costs no read
    assert await index.load() and index.keys == set()
    with statements(db) as seen:
        status, _ = await send_github(client, "workflow_run", GREEN, delivery="green-index-2")
        assert status == 202
        await client.app[QUEUE].join(timeout=10)
    assert seen == []
    [row] = [r for r in await rows(db) if r.delivery_id == "green-index-2"]
    assert (row.status, row.attempts) == ("done", 1)


async def test_after_a_restart_the_index_is_read_from_the_database(
    aiohttp_client: Any, settings: Settings, db: Database
) -> None:
    sqlite_only(db)
    opened = await open_incident(db, 1)  # written before this process's queue ever ran
    services = await Services.create(settings, db=db)
    client: TestClient = await aiohttp_client(create_app(settings, services=services, migrate=False))
    index = db.incidents.open_index
    assert index is not None and index.keys == {KEY}
    status, _ = await send_github(client, "workflow_run", GREEN, delivery="green-restart-1")
    assert status == 202
    await client.app[QUEUE].join(timeout=10)
    assert (await incidents(db))[opened].status == "resolved"
    await services.http.close()


async def test_a_delivery_settled_at_the_door_is_not_run_again_after_a_restart(
    aiohttp_client: Any, settings: Settings, db: Database
) -> None:
    services = await Services.create(settings, db=db)
    client: TestClient = await aiohttp_client(create_app(settings, services=services, migrate=False))
    status, body = await send_github(client, "workflow_run", GREEN, delivery="green-door-1")
    assert (status, body["status"]) == (202, "done")  # settled at the door: recorded finished with its receipt
    [row] = [r for r in await rows(db) if r.delivery_id == "green-door-1"]
    assert (row.status, row.attempts, row.lease_until, row.finished_at is not None) == ("done", 1, None, True)
    await client.close()
    # started again on the same database: nothing to take back, the delivery is never run a second time
    client = await aiohttp_client(create_app(settings, services=services, migrate=False))
    await client.app[QUEUE].join(timeout=10)
    assert await db.deliveries.unfinished() == []
    [row] = [r for r in await rows(db) if r.delivery_id == "green-door-1"]
    assert (row.status, row.attempts) == ("done", 1)
    await services.http.close()


async def until(predicate: Any, timeout: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_the_index_is_read_again_once_it_is_old(
    client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite_only(db)
    index = db.incidents.open_index
    assert index is not None and await index.load()
    monkeypatch.setattr(type(index), "MAX_AGE", 0.0)  # e.g. a worker that should not be there wrote meanwhile
    assert index.answer(KEY) is None and index.keys is None  # the database answers, and a load starts
    loads = index.loads
    assert await db.incidents.any_resolvable(*KEY[:3], provider="github") is False

    async def loaded() -> bool:
        return index.loads > loads

    await until(loaded)


async def test_an_index_too_large_is_not_kept_nor_loaded_again_until_a_write(
    client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite_only(db)
    index = db.incidents.open_index
    assert index is not None
    await open_incident(db, 1)
    monkeypatch.setattr(type(index), "MAX_KEYS", 0)
    assert not await index.load() and index.keys is None
    index.load_soon()
    assert index._load is None  # nothing changed since: no load per question
    assert await db.incidents.any_resolvable(*KEY[:3], provider="github") is True  # the database answers
    await open_incident(db, 2, branch="other")
    index.load_soon()
    assert index._load is not None

    async def done() -> bool:
        return index._load is None

    await until(done)
