"""Deliveries that need no work cost no write beyond their record; the queue's marks ride in the group commit.

A green run with nothing open on its branch is settled with one read (and resolves what is open when something
is); the embedded recorder writes deliveries claimed by this process, and a crash before their end still runs them
again; claims through the recorder still give each delivery to one worker.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import event, select

from bot import queue as queue_module
from bot.appkeys import QUEUE
from bot.incidents.github_context import RunInfo
from bot.queue import DeliveryQueue
from bot.server import create_app
from bot.services import Services
from bot.settings import Settings
from storage import deliveries as deliveries_module
from storage.database import Database
from storage.deliveries import NewDelivery
from storage.models import Incident, WebhookDelivery
from tests.helpers import load, send_github

GREEN = load("github/workflow_run/completed.payload.json")  # success, branch master, workflow "" (its path)
REPO = GREEN["repository"]["full_name"]
BRANCH = GREEN["workflow_run"]["head_branch"]
WORKFLOW = RunInfo.from_event(GREEN).workflow_name
INSTALL_BODY = json.dumps(load("github/installation/created.payload.json")).encode()


async def rows(db: Database) -> list[WebhookDelivery]:
    async with db.sessions() as s:
        return list((await s.execute(select(WebhookDelivery).order_by(WebhookDelivery.id))).scalars())


async def incidents(db: Database) -> dict[str, Incident]:
    async with db.sessions() as s:
        return {i.id: i for i in (await s.execute(select(Incident))).scalars()}


async def open_incident(db: Database, run_id: int, *, branch: str | None = BRANCH, workflow: str = WORKFLOW,
                        status: str = "open", fix_state: str | None = None) -> str:
    incident = await db.incidents.claim_run({
        "provider": "github", "repository_full_name": REPO, "run_id": run_id, "run_attempt": 1,
        "workflow_name": workflow, "head_branch": branch, "head_sha": "a" * 40,
    })
    await db.incidents.update(incident.id, status=status, fix_state=fix_state)
    return incident.id


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement SQLAlchemy sends while the block runs (the point reads on SQLite send none)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.strip().split()[0].upper() + " " + statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def until(predicate: Any, timeout: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


# ---- a green run with nothing open: one read, no write
async def test_a_green_run_with_nothing_open_writes_nothing_but_its_delivery(client: TestClient, db: Database) -> None:
    await open_incident(db, 1, branch="another-branch")  # open elsewhere: not this branch's business
    before = await incidents(db)
    index = db.incidents.open_index
    if db.engine.dialect.name == "sqlite":  # the embedded queue keeps the open incidents in memory (SQLite)
        assert index is not None and await index.load()
        answered = index.answers
    else:
        assert index is None
    with statements(db) as seen:
        status, _ = await send_github(client, "workflow_run", GREEN, delivery="green-1")
        assert status == 202
        await client.app[QUEUE].join(timeout=10)
    writes = [s for s in seen if s.split()[0] in ("INSERT", "UPDATE", "DELETE")]
    # nothing but the delivery's record and its end (SQLite: on the recorder's own connection, not SQLAlchemy's)
    assert [s for s in writes if "webhook_deliveries" not in s] == []
    reads = [s for s in seen if "incidents" in s]
    if db.engine.dialect.name == "sqlite":
        assert seen == []  # the record and the end bypass SQLAlchemy; the index answered, no read at all
        assert index is not None and index.answers == answered + 1
    else:
        assert len(reads) == 1 and reads[0].startswith("SELECT")  # one indexed read
    [row] = [r for r in await rows(db) if r.delivery_id == "green-1"]
    assert (row.status, row.attempts, row.finished_at is not None, row.lease_until) == ("done", 1, True, None)
    assert {i: x.status for i, x in (await incidents(db)).items()} == {i: x.status for i, x in before.items()}


async def test_the_settling_read_still_resolves_what_is_open(client: TestClient, db: Database) -> None:
    resolved = await open_incident(db, 1)
    rerun = await open_incident(db, 2, status="rerun")
    other_branch = await open_incident(db, 3, branch="feature")
    other_workflow = await open_incident(db, 4, workflow="Lint")
    fix_open = await open_incident(db, 5, fix_state="open")  # its fix PR decides, not a green run
    status, _ = await send_github(client, "workflow_run", GREEN, delivery="green-2")
    assert status == 202
    await client.app[QUEUE].join(timeout=10)
    found = await incidents(db)
    assert {i: found[i].status for i in (resolved, rerun, other_branch, other_workflow, fix_open)} == {
        resolved: "resolved", rerun: "resolved", other_branch: "open", other_workflow: "open", fix_open: "open"}
    assert found[resolved].links["resolved_by"]["run_id"] == GREEN["workflow_run"]["id"]
    [row] = [r for r in await rows(db) if r.delivery_id == "green-2"]
    assert row.status == "done", row.last_error


@pytest.mark.parametrize("point_reads", [True, False], ids=["point-read", "ordinary-read"])
async def test_resolve_open_finds_the_same_incidents_either_way(db: Database, point_reads: bool) -> None:
    store = db.incidents
    if not point_reads and store._point_reads is not None:
        store._point_reads.exists = lambda sql, params: None  # type: ignore[method-assign]  # e.g. busy
    assert await store.resolve_open(REPO, BRANCH, WORKFLOW, {"run_id": 9}) == []
    assert await store.resolve_open(REPO, None, WORKFLOW, {"run_id": 9}) == []
    no_branch = await open_incident(db, 1, branch=None)
    on_branch = await open_incident(db, 2)
    assert [i.id for i in await store.resolve_open(REPO, None, WORKFLOW, {"run_id": 9})] == [no_branch]
    assert await store.any_resolvable(REPO, BRANCH, WORKFLOW)
    assert not await store.any_resolvable(REPO, BRANCH, WORKFLOW, provider="gitlab")
    assert [i.id for i in await store.resolve_open(REPO, BRANCH, WORKFLOW, {"run_id": 9})] == [on_branch]
    assert not await store.any_resolvable(REPO, BRANCH, WORKFLOW)


# ---- the embedded recorder claims as it writes; a crash before the end still reruns
async def test_embedded_deliveries_are_recorded_claimed_and_run_without_a_claim_of_their_own(
    client: TestClient, db: Database
) -> None:
    recorded: list[tuple[str, int]] = []
    original = db.writer._on_recorded
    assert original is not None  # the embedded queue asked for it at start

    def spy(claimed: list[tuple[int, NewDelivery]]) -> None:
        recorded.extend((d.status, d.attempts) for _, d in claimed)
        original(claimed)

    db.writer._on_recorded = spy
    answers = await asyncio.gather(*[send_github(client, "installation", INSTALL_BODY, delivery=f"emb-{i}")
                                     for i in range(20)])
    assert {status for status, _ in answers} == {202}
    await client.app[QUEUE].join(timeout=10)
    assert recorded == [("running", 1)] * 20
    assert {(r.status, r.attempts) for r in await rows(db)} == {("done", 1)}


async def test_a_crash_after_recording_claimed_reruns_the_delivery_on_start(
    aiohttp_client: Any, settings: Settings, db: Database
) -> None:
    # The embedded process recorded two deliveries claimed (running, attempt 1) and died before their ends.
    db.writer.claim_on_record(dt.timedelta(minutes=2))
    for delivery_id in ("crash-a", "crash-b"):
        await db.writer.record(NewDelivery("github", delivery_id, "installation", "created", 1, None, INSTALL_BODY))
    db.writer.claim_on_record(None)
    assert {(r.status, r.attempts) for r in await rows(db)} == {("running", 1)}

    services = await Services.create(settings, db=db)
    client: TestClient = await aiohttp_client(create_app(settings, services=services, migrate=False))
    await client.app[QUEUE].join(timeout=10)
    assert {(r.delivery_id, r.status, r.attempts) for r in await rows(db)} == {
        ("crash-a", "done", 2), ("crash-b", "done", 2)}
    await services.http.close()


async def test_an_end_lost_in_a_crash_runs_the_delivery_again(
    aiohttp_client: Any, settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deliveries_module, "MARK_LINGER", 30.0)  # the end waits for a commit that never comes
    services = await Services.create(settings, db=db)
    queue = DeliveryQueue(services, concurrency=1, poll_seconds=60)
    await queue.start()
    recorded = await db.writer.record(NewDelivery("github", "crash-c", "installation", "created", 1, None,
                                                  INSTALL_BODY))
    assert recorded.id is not None
    queue.submit(recorded.id)

    async def handled() -> bool:
        return await db.installations.get(load("github/installation/created.payload.json")["installation"]["id"]) \
            is not None

    await until(handled)
    await asyncio.sleep(0.05)
    await db.writer.close()  # the process dies: the end of the delivery was still waiting in memory
    await queue.stop(grace=0)
    [row] = await rows(db)
    assert (row.status, row.attempts) == ("running", 1)

    client: TestClient = await aiohttp_client(create_app(settings, services=services, migrate=False))
    monkeypatch.setattr(deliveries_module, "MARK_LINGER", 0.02)
    await client.app[QUEUE].join(timeout=10)
    [row] = await rows(db)
    assert (row.status, row.attempts) == ("done", 2)
    await services.http.close()


async def test_deliveries_recorded_one_by_one_after_a_failed_batch_still_run(client: TestClient, db: Database) -> None:
    queue = client.app[QUEUE]

    def new(delivery_id: str) -> NewDelivery:
        return NewDelivery("github", delivery_id, "installation", "created", 1, None, INSTALL_BODY)

    results = await asyncio.gather(
        *[db.writer.record(new(f"ok-{i}")) for i in range(5)],
        db.writer.record(new("bad-\udcff")),  # no database can encode a lone surrogate: the batch fails
        *[db.writer.record(new(f"ok-{i}")) for i in range(5, 10)],
        return_exceptions=True,
    )
    assert isinstance(results[5], Exception)
    for result in results[:5] + results[6:]:
        assert not isinstance(result, BaseException) and result.id is not None
        queue.submit(result.id)  # as the endpoint does once it has answered
    await queue.join(timeout=10)
    assert {(r.delivery_id, r.status, r.attempts) for r in await rows(db)} == {
        (f"ok-{i}", "done", 1) for i in range(10)}


async def test_a_delivery_whose_endpoint_never_submitted_it_runs_anyway(
    services: Services, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue_module, "UNSUBMITTED_SECONDS", 0.0)
    queue = DeliveryQueue(services, concurrency=2, poll_seconds=0.05)
    await queue.start()
    try:
        # recorded claimed, but the client went away before the answer was written: nobody called submit()
        await db.writer.record(NewDelivery("github", "orphan", "installation", "created", 1, None, INSTALL_BODY))

        async def done() -> bool:
            return [r.status for r in await rows(db)] == ["done"]

        await until(done)
    finally:
        await queue.stop()


async def test_past_the_memory_cap_a_waiting_delivery_is_read_back(
    client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue_module, "FRESH_BODY_BYTES", 0)
    for i in range(3):
        assert (await send_github(client, "installation", INSTALL_BODY, delivery=f"cap-{i}"))[0] == 202
    await client.app[QUEUE].join(timeout=10)
    assert {(r.status, r.attempts) for r in await rows(db)} == {("done", 1)}
    assert client.app[QUEUE]._fresh == {}


# ---- claims through the recorder: one winner per delivery
async def test_claims_through_two_recorders_give_each_delivery_to_one(database_url: str, db: Database) -> None:
    for i in range(30):
        await db.writer.record(NewDelivery("github", f"share-{i}", "installation", "created", 1, None, INSTALL_BODY))
    pks = [r.id for r in await rows(db)]
    others = [Database.connect(database_url) for _ in range(2)]
    lease = dt.timedelta(seconds=60)
    try:
        results = await asyncio.gather(*[w.writer.claim(pk, lease=lease) for pk in pks for w in others])
        won = [r.id for r in results if r is not None]
        assert sorted(won) == sorted(pks)  # every delivery claimed exactly once
        assert {(r.status, r.attempts) for r in await rows(db)} == {("running", 1)}
        [claimed] = [r for r in results if r is not None and r.id == pks[0]]
        assert json.loads(claimed.body) == json.loads(INSTALL_BODY)
        assert claimed.received_at.tzinfo is not None and claimed.lease_until is not None
        # a live lease is not taken again; steal (the embedded queue at start) takes it
        assert await others[0].writer.claim(pks[0], lease=lease) is None
        assert (await others[0].writer.claim(pks[0], lease=lease, steal=True)) is not None
    finally:
        for other in others:
            await other.close()


async def test_marks_are_not_lost_with_a_batch_that_fails(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    await db.writer.record(NewDelivery("github", "marked", "installation", "created", 1, None, INSTALL_BODY))
    [row] = await rows(db)
    writer = db.writer
    real = writer._sqlite.write if writer._sqlite is not None else writer._write

    async def failing(deliveries: list[NewDelivery], marks: Any = ()) -> Any:
        if deliveries:
            raise RuntimeError("this batch cannot be written")
        return await real(deliveries, marks)

    if writer._sqlite is not None:
        monkeypatch.setattr(writer._sqlite, "write", failing)
    else:
        monkeypatch.setattr(writer, "_write", failing)
    # the end and a new delivery in the same batch: the batch fails, the end is written alone
    ending = writer.finish_soon(row.id, "failed", "boom\x00with a NUL")
    recording = asyncio.ensure_future(
        writer.record(NewDelivery("github", "unlucky", "installation", "created", 1, None, INSTALL_BODY)))
    await ending
    with pytest.raises(RuntimeError):
        await recording
    [row] = await rows(db)
    assert (row.status, row.last_error) == ("failed", "boom\\0with a NUL")


async def test_retry_later_through_the_recorder(db: Database) -> None:
    await db.writer.record(NewDelivery("github", "later", "installation", "created", 1, None, INSTALL_BODY))
    [row] = await rows(db)
    lease = dt.timedelta(seconds=60)
    assert await db.writer.claim(row.id, lease=lease) is not None
    when = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    await db.writer.retry_later(row.id, when, "rate limited")
    assert await db.writer.claim(row.id, lease=lease) is None  # not before it comes due
    [row] = await rows(db)
    assert (row.status, row.last_error, row.lease_until) == ("pending", "rate limited", None)
    assert abs((row.next_attempt_at - when).total_seconds()) < 1  # type: ignore[operator]
    await db.writer.retry_later(row.id, when - dt.timedelta(hours=2), "rate limited")
    claimed = await db.writer.claim(row.id, lease=lease)
    assert claimed is not None and claimed.attempts == 2

