"""The job engine's jobs written with the records (real PostgreSQL): one statement records a batch of deliveries
and defers each new pending one's job, so every recorded delivery has exactly one job and no job lacks its row."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

from sqlalchemy import text

from bot.jobs.engine import QUEUE, build_app, defer_deliveries
from bot.jobs.worker import work
from storage.database import Database
from storage.deliveries import IGNORED, NewDelivery, Recorded, repository_lock
from storage.jobs import DELIVERY_TASK
from storage.types import utcnow
from tests.conftest import make_settings
from tests.helpers import load

BODY = json.dumps(load("github/installation/created.payload.json")).encode()



def delivery(delivery_id: str, repository: str | None = "octo/x", **extra: Any) -> NewDelivery:
    return NewDelivery("github", delivery_id, "installation", "created", 1, repository, BODY, **extra)


async def select(db: Database, sql: str) -> list[Any]:
    async with db.engine.connect() as conn:
        return list((await conn.execute(text(sql))).all())


async def jobs(db: Database) -> list[Any]:
    return await select(db, "SELECT queue_name, task_name, priority, lock, queueing_lock, args, status::text, "
                            "scheduled_at FROM procrastinate_jobs ORDER BY id")


async def record_all(db: Database, deliveries: list[NewDelivery]) -> list[Recorded]:
    """Recorded concurrently, as concurrent requests are: one group commit takes them together."""
    return list(await asyncio.gather(*(db.writer.record(d) for d in deliveries)))


async def test_a_batch_gives_each_new_pending_delivery_exactly_one_job(pg: Database) -> None:
    pg.writer.defer_jobs_on_record(QUEUE)
    first = await pg.writer.record(delivery("seen-before"))
    assert first.deferred and first.id is not None
    batch = [delivery(f"d-{i}", repository=f"octo/r{i % 3}") for i in range(12)]
    batch += [delivery("d-3"),  # the same delivery twice in one batch: the first one wins
              delivery("seen-before"),  # a redelivery of one recorded earlier
              delivery("no-repository", repository=None),
              delivery("ignored", status=IGNORED)]  # recorded finished at the door: nothing to run
    results = await record_all(pg, batch)
    by_id = {d.delivery_id: r for d, r in zip(batch, results, strict=True) if r.id is not None}
    assert sorted(by_id) == sorted([f"d-{i}" for i in range(12)] + ["no-repository", "ignored"])
    assert [r.duplicate for r in results[12:14]] == [True, True] and not any(r.deferred for r in results[12:14])
    assert not by_id["ignored"].deferred
    assert all(r.deferred for name, r in by_id.items() if name != "ignored")

    rows = {r[0]: r for r in await select(pg, "SELECT delivery_id, id, repository, status FROM webhook_deliveries")}
    found = await jobs(pg)
    assert len(found) == 14  # "seen-before", the 12, "no-repository": one each, none for the ignored one
    pks = sorted(job[5]["delivery_pk"] for job in found)
    assert pks == sorted(pk for _, pk, _, status in rows.values() if status == "pending")
    for queue, task, priority, lock, queueing_lock, args, status, scheduled_at in found:
        (_, pk, repository, _), = [row for row in rows.values() if row[1] == args["delivery_pk"]]
        assert (queue, task, priority, status, scheduled_at) == (QUEUE, DELIVERY_TASK, 0, "todo", None)
        assert (lock, queueing_lock) == (repository_lock("github", repository), f"delivery:{pk}")
    now = utcnow()
    assert await pg.jobs.orphans(now=now, settled=now + dt.timedelta(seconds=1)) == []  # nothing for the sweep


async def test_the_job_written_with_the_record_is_the_one_procrastinate_defers(postgres_url: str,
                                                                             pg: Database) -> None:
    """The statement builds the same row as `bot.jobs.engine.delivery_job` through procrastinate's own API."""
    recorded = await pg.writer.record(delivery("by-api"))  # no jobs on record: deferred the old way
    assert recorded.id is not None and not recorded.deferred
    app = build_app(postgres_url, periodic_work=False)
    async with app.open_async():
        assert await defer_deliveries(app, [(recorded.id, repository_lock("github", "octo/x"))]) == 1
    pg.writer.defer_jobs_on_record(QUEUE)
    with_record = await pg.writer.record(delivery("with-record"))
    assert with_record.deferred
    by_api, by_record = await jobs(pg)
    assert by_api[5] == {"delivery_pk": recorded.id} and by_record[5] == {"delivery_pk": with_record.id}
    assert by_api[:4] + by_api[6:] == by_record[:4] + by_record[6:]
    assert (by_api[4], by_record[4]) == (f"delivery:{recorded.id}", f"delivery:{with_record.id}")


async def test_a_refused_row_fails_alone_and_takes_no_job_with_it(pg: Database) -> None:
    pg.writer.defer_jobs_on_record(QUEUE)
    good = [delivery(f"good-{i}") for i in range(4)]
    bad = delivery("bad\x00id")  # PostgreSQL refuses NUL in text: the batch fails, then each row alone
    results = await asyncio.gather(*(pg.writer.record(d) for d in [*good, bad]), return_exceptions=True)
    assert isinstance(results[-1], Exception)
    assert all(isinstance(r, Recorded) and r.deferred for r in results[:4])
    assert len(await select(pg, "SELECT id FROM webhook_deliveries")) == 4
    assert sorted(job[5]["delivery_pk"] for job in await jobs(pg)) == sorted(
        r.id for r in results[:4] if isinstance(r, Recorded) and r.id is not None)


async def test_jobs_that_cannot_be_written_leave_the_records_to_the_deferrer_and_the_sweep(
    postgres_url: str, pg: Database
) -> None:
    # A job the job engine refuses (here a queue name past its column's length): the deliveries are recorded all
    # the same, without jobs, and say so; the endpoint then submits them, and the sweep finds what is left.
    pg.writer.defer_jobs_on_record("q" * 200)
    results = await record_all(pg, [delivery("a"), delivery("b")])
    assert all(r.id is not None and not r.deferred for r in results)
    assert await jobs(pg) == []
    async with pg.engine.begin() as conn:
        await conn.execute(text("UPDATE webhook_deliveries SET received_at = received_at - interval '1 minute'"))
    stop = asyncio.Event()
    settings = make_settings(postgres_url, queue_mode="external", worker_heartbeat_seconds=1.0,
                             shutdown_grace_seconds=5.0)
    worker = asyncio.create_task(work(settings, stop=stop))
    try:
        for _ in range(1200):  # the sweep runs every 10 s (a minute: a busy machine starts the worker slowly)
            done = await select(pg, "SELECT count(*) FROM webhook_deliveries WHERE status = 'done'")
            if done[0][0] == 2:
                break
            await asyncio.sleep(0.05)
        assert done[0][0] == 2
        assert await pg.jobs.counts() == {"succeeded": 2}  # one job each, from the sweep
    finally:
        stop.set()
        await worker


async def test_the_writers_connection_killed_by_the_server_is_replaced(pg: Database) -> None:
    pg.writer.defer_jobs_on_record(QUEUE)
    assert (await pg.writer.record(delivery("before"))).deferred
    async with pg.engine.begin() as conn:  # the server ends every other session of this database (a restart)
        killed = await conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        assert any(row[0] for row in killed)
    after = await pg.writer.record(delivery("after"))
    assert after.id is not None and after.deferred
    assert len(await jobs(pg)) == 2


async def test_a_statement_prepared_before_a_migration_is_prepared_again(pg: Database) -> None:
    # A release migrates the table while this process keeps its connection and its prepared statement.
    pg.writer.defer_jobs_on_record(QUEUE)
    assert (await pg.writer.record(delivery("before"))).deferred
    async with pg.engine.begin() as conn:
        await conn.execute(text("ALTER TABLE webhook_deliveries ALTER COLUMN delivery_id TYPE varchar(101)"))
    try:
        after = await pg.writer.record(delivery("after"))
        assert after.id is not None and after.deferred
    finally:
        async with pg.engine.begin() as conn:
            await conn.execute(text("ALTER TABLE webhook_deliveries ALTER COLUMN delivery_id TYPE varchar(100)"))
    assert len(await jobs(pg)) == 2
