"""The delivery recorder on SQLite: `synchronous` as configured, batches written on the event loop while the write
lock is free and in the writer's thread while another connection holds it; deliveries settled at the door only
where this process runs the handlers."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import text

from bot.server import create_app
from bot.services import Services
from storage.database import Database
from storage.deliveries import NewDelivery, WriterClosed
from storage.types import compress, decompress
from tests.conftest import make_settings
from tests.helpers import load, send_github

GREEN = load("github/workflow_run/completed.payload.json")
PING = json.dumps(load("github/ping/payload.json")).encode()


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "bot.sqlite3"
    path.write_bytes(sqlite_template.read_bytes())
    return f"sqlite+aiosqlite:///{path}"


@pytest.mark.parametrize(("setting", "pragma"), [("normal", 1), ("full", 2)])
async def test_synchronous_is_the_configured_one_on_every_connection(sqlite_url: str, setting: str,
                                                                     pragma: int) -> None:
    db = Database.connect(sqlite_url, sqlite_synchronous=setting)
    try:
        async with db.engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA synchronous"))).scalar() == pragma
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        await db.writer.record(NewDelivery("github", "d-1", "ping", None, None, None, PING))
        writer = db.writer._sqlite
        assert writer is not None and writer._conn is not None
        assert writer._conn.execute("PRAGMA synchronous").fetchone()[0] == pragma
        # NORMAL: written on the event loop (no fsync to wait for); FULL: in the writer's thread
        assert (writer.inline_writes, writer.thread_writes) == ((1, 0) if setting == "normal" else (0, 1))
    finally:
        await db.close()


async def test_a_held_write_lock_sends_the_batch_to_the_thread_and_loses_nothing(sqlite_url: str) -> None:
    db = Database.connect(sqlite_url)
    other = sqlite3.connect(sqlite_url.split(":///", 1)[1], isolation_level=None, check_same_thread=False)
    try:
        await db.writer.record(NewDelivery("github", "before", "ping", None, None, None, PING))
        other.execute("BEGIN IMMEDIATE")  # e.g. a handler's transaction
        pending = [asyncio.create_task(db.writer.record(NewDelivery("github", f"d-{i}", "ping", None, None, None,
                                                                    PING))) for i in range(5)]
        await asyncio.sleep(0.05)
        assert not any(task.done() for task in pending)  # waiting for the lock, in the thread: the loop goes on
        other.execute("COMMIT")
        recorded = await asyncio.wait_for(asyncio.gather(*pending), 10)
        assert all(r.id is not None for r in recorded)
        writer = db.writer._sqlite
        assert writer is not None and writer.inline_writes >= 1 and writer.thread_writes >= 1
        await db.writer.record(NewDelivery("github", "after", "ping", None, None, None, PING))
        count = other.execute("SELECT count(*) FROM webhook_deliveries").fetchone()[0]
        assert count == 7
    finally:
        other.close()
        await db.close()


async def test_each_caller_gets_its_own_rows_id_in_a_batch_with_and_without_duplicates(sqlite_url: str) -> None:
    """A batch with no duplicate takes its ids from the largest id before it (not read back); one with a delivery
    seen before reads them back. Either way each caller's id is its own row's, and a duplicate gets none."""
    db = Database.connect(sqlite_url)
    path = sqlite_url.split(":///", 1)[1]
    try:
        await db.writer.record(NewDelivery("github", "seen", "ping", None, None, None, PING))
        for names in (["a-0", "a-1", "a-2", "a-3"], ["b-0", "seen", "b-1", "b-0", "b-2"]):
            recorded = await asyncio.gather(*(
                db.writer.record(NewDelivery("github", name, "ping", None, None, None, b"" if i == 1 else PING))
                for i, name in enumerate(names)))
            with sqlite3.connect(path) as conn:
                ids = dict(conn.execute("SELECT delivery_id, id FROM webhook_deliveries"))
            first_time = [name not in names[:i] and name != "seen" for i, name in enumerate(names)]
            expected = [ids[n] if new else None for n, new in zip(names, first_time, strict=True)]
            assert [r.id for r in recorded] == expected
        with sqlite3.connect(path) as conn:  # an empty body is stored as the one frame a purged row holds
            rows = conn.execute("SELECT delivery_id, body FROM webhook_deliveries")
            bodies = {name: bytes(body) for name, body in rows}
        assert bodies["a-1"] == compress(b"") and decompress(bodies["a-1"]) == b""
        assert decompress(bodies["a-0"]) == PING
    finally:
        await db.close()


async def test_closing_fails_every_write_not_committed_at_once_and_every_later_one(sqlite_url: str) -> None:
    """Writes waiting behind another connection's lock, and writes still queued, when the writer closes: each fails
    with WriterClosed at once (a 503 for a record, a rerun for a mark), nobody waits out a shutdown grace for a
    commit that will never come. What was committed before stays."""
    db = Database.connect(sqlite_url)
    path = sqlite_url.split(":///", 1)[1]
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        first = await db.writer.record(NewDelivery("github", "kept", "ping", None, None, None, PING))
        assert first.id is not None
        other.execute("BEGIN IMMEDIATE")
        held = [asyncio.create_task(db.writer.record(NewDelivery("github", f"held-{i}", "ping", None, None, None,
                                                                 PING))) for i in range(3)]
        marks = [db.writer.finish_soon(first.id, "done")]
        await asyncio.sleep(0.05)
        assert not any(task.done() for task in held)
        await asyncio.wait_for(db.writer.close(), 5)
        results = await asyncio.wait_for(asyncio.gather(*held, *marks, return_exceptions=True), 1)
        assert all(isinstance(r, WriterClosed) for r in results), results
        with pytest.raises(WriterClosed):
            await db.writer.record(NewDelivery("github", "late", "ping", None, None, None, PING))
        with pytest.raises(WriterClosed):
            await db.writer.finish(first.id, "done")
        other.execute("ROLLBACK")
        rows = [r[0] for r in other.execute("SELECT delivery_id FROM webhook_deliveries")]
        assert rows == ["kept"]
        db.writer.start()  # a server started on this database again
        again = await db.writer.record(NewDelivery("github", "again", "ping", None, None, None, PING))
        assert again.id is not None
    finally:
        other.close()
        await db.close()


async def test_closing_on_postgresql_fails_the_batch_blocked_behind_another_transaction(postgres_url: str) -> None:
    """The same on PostgreSQL: the batch's INSERT waits on another transaction's uncommitted row with the same key
    (the unique index makes it wait for that transaction's end); the close cancels it and fails every write of the
    batch and the queue with WriterClosed, and nothing of the batch is written."""
    db = Database.connect(postgres_url)
    other = await asyncpg.connect(postgres_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await other.execute("DELETE FROM webhook_deliveries WHERE delivery_id LIKE 'pg-close-%'")
        first = await db.writer.record(NewDelivery("github", "pg-close-kept", "ping", None, None, None, PING))
        assert first.id is not None
        blocker = other.transaction()
        await blocker.start()
        await other.execute(
            "INSERT INTO webhook_deliveries (provider, delivery_id, event, received_at, body, status, attempts)"
            " VALUES ('github', 'pg-close-held-0', 'ping', now(), '\\x00'::bytea, 'pending', 0)"
        )
        held = [asyncio.create_task(db.writer.record(NewDelivery("github", f"pg-close-held-{i}", "ping", None, None,
                                                                 None, PING))) for i in range(3)]
        await asyncio.sleep(0.3)
        assert not any(task.done() for task in held)
        queued = db.writer.finish_soon(first.id, "done")
        await asyncio.wait_for(db.writer.close(), 5)
        results = await asyncio.wait_for(asyncio.gather(*held, queued, return_exceptions=True), 1)
        assert all(isinstance(r, WriterClosed) for r in results), results
        with pytest.raises(WriterClosed):
            await db.writer.record(NewDelivery("github", "pg-close-late", "ping", None, None, None, PING))
        await blocker.rollback()
        rows = [r[0] for r in await other.fetch(
            "SELECT delivery_id FROM webhook_deliveries WHERE delivery_id LIKE 'pg-close-%' ORDER BY id")]
        assert rows == ["pg-close-kept"]
        db.writer.start()
        again = await db.writer.record(NewDelivery("github", "pg-close-again", "ping", None, None, None, PING))
        assert again.id is not None
    finally:
        await other.close()
        await db.close()


async def _green(client: TestClient, delivery: str) -> dict[str, Any]:
    status, answer = await send_github(client, "workflow_run", GREEN, delivery=delivery)
    assert status == 202, answer
    return answer


async def test_a_green_run_is_settled_at_the_door_only_where_the_handlers_run(
    aiohttp_client: Any, sqlite_url: str
) -> None:
    for mode, answer, row in (("embedded", "done", ("done", 1, True)), ("external", "queued", ("pending", 0, False))):
        settings = make_settings(sqlite_url, queue_mode=mode)
        db = Database.connect(sqlite_url)
        services = await Services.create(settings, db=db)
        client: TestClient = await aiohttp_client(create_app(settings, services=services, migrate=False))
        assert (await _green(client, f"green-{mode}"))["status"] == answer
        found = await db.deliveries.by_delivery_id("github", f"green-{mode}")
        assert found is not None
        assert (found.status, found.attempts, found.finished_at is not None) == row
        await client.close()
        await services.http.close()
        await db.close()
