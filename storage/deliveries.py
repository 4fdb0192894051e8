"""The webhook delivery log: group-committed inserts, claiming work, finishing it, and history queries."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from sqlalchemy import exc as sa_exc
from sqlalchemy import false, func, or_, select, text, true, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from storage.jobs import DELIVERY_QUEUEING_LOCK, DELIVERY_TASK
from storage.models import WebhookDelivery
from storage.types import compress, decompress, utcnow

log = logging.getLogger(__name__)

PENDING, RUNNING, DONE, FAILED, IGNORED = "pending", "running", "done", "failed", "ignored"
UNFINISHED = (PENDING, RUNNING)
FINISHED = (DONE, FAILED, IGNORED)
MARK_LINGER = 0.02  # seconds the end of a delivery may wait to share the commit of the next recorded one


def repository_lock(provider: str, repository: str | None) -> str | None:
    """The name under which the work on one repository is serialised (None: no repository, no lock)."""
    return f"repo:{provider}:{repository}" if repository else None


@dataclass(slots=True)
class NewDelivery:
    """A verified delivery, as it is written before the answer."""

    provider: str
    delivery_id: str
    event: str
    action: str | None
    installation_id: int | None
    repository: str | None
    body: bytes
    status: str = PENDING
    received_at: dt.datetime = field(default_factory=utcnow)
    attempts: int = 0
    lease_until: dt.datetime | None = None  # recorded as running: claimed by the process that recorded it
    finished_at: dt.datetime | None = None  # recorded finished (done or ignored at the door)
    facts: object = None  # what the endpoint read of the body (bot/webhook_facts.py; never stored)
    job_deferred: bool = False  # its job engine's job was written in the transaction that recorded it

    def row(self) -> dict[str, object]:
        return {
            "provider": self.provider,
            "delivery_id": self.delivery_id,
            "event": self.event,
            "action": self.action,
            "installation_id": self.installation_id,
            "repository": self.repository,
            "body": self.body,
            "status": self.status,
            "attempts": self.attempts,
            "received_at": self.received_at,
            "lease_until": self.lease_until,
            "finished_at": self.finished_at,
        }

    def as_claimed(self, delivery_pk: int) -> ClaimedDelivery:
        """The row as it was written: what the handlers get, without reading it back."""
        return ClaimedDelivery(
            delivery_pk, self.provider, self.delivery_id, self.event, self.action, self.installation_id,
            self.repository, self.body, self.attempts, self.received_at, self.lease_until, facts=self.facts,
        )


@dataclass(slots=True)
class ClaimedDelivery:
    """A delivery being run, as the dispatcher and the handlers see it (a plain value, no session behind it)."""

    id: int
    provider: str
    delivery_id: str
    event: str
    action: str | None
    installation_id: int | None
    repository: str | None
    body: bytes
    attempts: int
    received_at: dt.datetime
    lease_until: dt.datetime | None = None
    status: str = RUNNING
    facts: object = None  # what the endpoint read of the body, when it handed it over (bot/webhook_facts.py)

    @classmethod
    def of(cls, row: WebhookDelivery) -> ClaimedDelivery:
        return cls(row.id, row.provider, row.delivery_id, row.event, row.action, row.installation_id,
                   row.repository, row.body, row.attempts, row.received_at, row.lease_until, row.status)


@dataclass(slots=True, frozen=True)
class DeliverySummary:
    """A delivery as the history shows it: everything but the body."""

    id: int
    provider: str
    delivery_id: str
    event: str
    action: str | None
    installation_id: int | None
    repository: str | None
    received_at: dt.datetime
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: dt.datetime | None
    finished_at: dt.datetime | None


_SUMMARY_COLUMNS = tuple(getattr(WebhookDelivery, name) for name in DeliverySummary.__slots__)


@dataclass(slots=True, frozen=True)
class Recorded:
    """What recording a delivery did: its row id, or None when the delivery id was seen before; `deferred`: its job
    (the job engine's, PostgreSQL) was written in the same transaction, so nobody defers it again."""

    id: int | None
    deferred: bool = False

    @property
    def duplicate(self) -> bool:
        return self.id is None


@dataclass(slots=True)
class _Mark:
    """A change to a recorded delivery, written in the writer's next group commit.

    claim: take it to run (the conditional UPDATE of `DeliveryStore.claim`; the future gets the row, or None);
    finish: its end (done, failed, ignored); retry: pending again, due at `when`.
    """

    kind: str
    pk: int
    future: asyncio.Future[Any]
    status: str | None = None
    error: str | None = None
    when: dt.datetime | None = None  # claim: the lease's end; retry: when it is due
    steal: bool = False


def _column_text(value: str | None) -> str | None:
    """An error fit for a text column: PostgreSQL refuses NUL, and one refused mark would fail its batch."""
    return None if value is None else value.replace("\x00", "\\0")


OnRecorded = Callable[[list[tuple[int, "NewDelivery"]]], None]
_Queued = tuple[NewDelivery, asyncio.Future[Recorded]] | _Mark


def _future_of(item: _Queued) -> asyncio.Future[Any]:
    """Whoever waits for a queued insert or mark."""
    return item.future if isinstance(item, _Mark) else item[1]


class WriterClosed(RuntimeError):
    """The delivery writer was closed before this write was committed: nothing of it is durable (a record: the
    sender gets a 503 and redelivers; a mark: the delivery stays unfinished and runs again)."""

    def __init__(self) -> None:
        super().__init__("the delivery writer is closed")


class DeliveryWriter:
    """Writes deliveries durably, committing the inserts of concurrent requests together (group commit).

    Each caller awaits its own row; the writer takes everything queued while the previous commit ran and
    writes it in one transaction, so one commit serves many requests. On SQLite the batch runs on a dedicated
    sqlite3 connection (SQLAlchemy's per-statement thread hops cost more than the write): with `synchronous`
    NORMAL a commit makes no fsync, so the batch is written on the event loop's thread, in the time the thread
    hop alone would cost; only while another connection holds the write lock (or with FULL) does it wait in a
    thread of its own. On PostgreSQL it is one multi-row INSERT .. ON CONFLICT DO NOTHING RETURNING.

    The queue's marks on recorded deliveries (claim, finish, retry later) ride in the same transactions, so
    running a delivery costs no commit of its own. In the embedded mode (`claim_on_record`) a delivery is
    written already claimed by this process (running, attempt 1, with a lease), and the queue is told the rows
    it now holds: a delivery that needs no work then costs its record and its finish, both group-committed.
    """

    def __init__(self, engine: AsyncEngine, *, max_batch: int = 256, sqlite_synchronous: str = "normal") -> None:
        self._engine = engine
        self._max_batch = max_batch
        self._queue: asyncio.Queue[_Queued] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._sqlite: _SqliteBatchWriter | None = None
        self._claim_lease: dt.timedelta | None = None
        self._on_recorded: OnRecorded | None = None
        self._held: list[asyncio.Future[Any]] = []  # the futures of the batch being taken or written
        self._closed = False
        self._job_queue: str | None = None
        self._pg_conn: AsyncConnection | None = None  # PostgreSQL: the connection new rows alone are written on
        self._pg_driver: Any = None  # its asyncpg connection
        self._pg_prepared: dict[str, Any] = {}  # the statements prepared on it
        if engine.dialect.name == "sqlite":
            self._sqlite = _SqliteBatchWriter(str(engine.url.database), synchronous=sqlite_synchronous)

    def start(self) -> None:
        """Start writing (again, after a close: a server started on this database later)."""
        self._closed = False
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="delivery-writer")

    async def close(self) -> None:
        """Stop writing. Every write not yet committed, in the batch at hand or still queued, fails at once with
        `WriterClosed` (nobody waits for a commit that will never come), and so does any write asked for until
        `start` is called again."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        pending = list(self._held)
        self._held = []
        while not self._queue.empty():
            item = self._queue.get_nowait()
            pending.append(_future_of(item))
        for future in pending:
            if not future.done():
                future.set_exception(WriterClosed())
        if self._sqlite is not None:
            self._sqlite.close()
        if self._pg_conn is not None:
            conn, self._pg_conn, self._pg_driver, self._pg_prepared = self._pg_conn, None, None, {}
            with contextlib.suppress(Exception):
                await conn.close()

    def claim_on_record(self, lease: dt.timedelta | None, on_recorded: OnRecorded | None = None) -> None:
        """From now on write each pending delivery as running, claimed by this process (the embedded queue is
        its only worker), and after each commit call `on_recorded` with the (row id, delivery) pairs written so.
        `None` turns it off."""
        self._claim_lease = lease
        self._on_recorded = on_recorded if lease is not None else None

    def defer_jobs_on_record(self, queue: str | None) -> None:
        """From now on (PostgreSQL) write the job engine's job of each pending delivery in the statement that records
        it, on the job queue `queue` (`bot.jobs.engine.QUEUE`): no defer of its own, and no window between
        the record and its job. `None` turns it off."""
        self._job_queue = queue if self._sqlite is None else None

    async def record(self, delivery: NewDelivery) -> Recorded:
        """Write `delivery` and return once it is committed."""
        if self._closed:
            raise WriterClosed()
        if self._task is None:
            self.start()
        if self._claim_lease is not None and delivery.status == PENDING:
            delivery.status, delivery.attempts = RUNNING, 1
            delivery.lease_until = delivery.received_at + self._claim_lease
        future: asyncio.Future[Recorded] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((delivery, future))
        return await future

    # ---- marks on recorded deliveries, group-committed with the inserts
    def _mark(self, mark: _Mark) -> asyncio.Future[Any]:
        if self._closed:
            mark.future.set_exception(WriterClosed())
            return mark.future
        if self._task is None:
            self.start()
        self._queue.put_nowait(mark)
        return mark.future

    async def claim(self, delivery_pk: int, *, lease: dt.timedelta, steal: bool = False) -> ClaimedDelivery | None:
        """`DeliveryStore.claim` in the next group commit: the claimed delivery, or None if it isn't ours."""
        future: asyncio.Future[ClaimedDelivery | None] = asyncio.get_running_loop().create_future()
        claimed: ClaimedDelivery | None = await self._mark(
            _Mark("claim", delivery_pk, future, when=utcnow() + lease, steal=steal)
        )
        return claimed

    def finish_soon(self, delivery_pk: int, status: str, error: str | None = None) -> asyncio.Future[None]:
        """Mark the delivery finished in the next group commit; the future is done once that is durable."""
        future = asyncio.get_running_loop().create_future()
        return self._mark(_Mark("finish", delivery_pk, future, status=status, error=_column_text(error)))

    def retry_later_soon(self, delivery_pk: int, when: dt.datetime, error: str) -> asyncio.Future[None]:
        future = asyncio.get_running_loop().create_future()
        return self._mark(_Mark("retry", delivery_pk, future, when=when, error=_column_text(error)))

    async def finish(self, delivery_pk: int, status: str, error: str | None = None) -> None:
        await self.finish_soon(delivery_pk, status, error)

    async def retry_later(self, delivery_pk: int, when: dt.datetime, error: str) -> None:
        await self.retry_later_soon(delivery_pk, when, error)

    async def _take(self) -> tuple[list[tuple[NewDelivery, asyncio.Future[Recorded]]], list[_Mark]]:
        """Everything queued while the previous commit ran: the inserts (at most `max_batch`) and the marks.

        Ends of deliveries alone don't make a commit at once: they need not be durable before anything else (a
        crash only runs the delivery again), so they wait up to `MARK_LINGER` for the next recorded delivery or
        claim to share its commit; one fsync then serves both (at one client, half the commits).

        Once the first item is there, the event loop gets one more turn before the batch is taken: the requests
        read in the turn that queued it (their handlers not yet at `record`) then share this commit instead of
        making the next one (at 32 clients, batches of ~10 rows became ~20: less CPU per row, the same answers)."""
        batch: list[tuple[NewDelivery, asyncio.Future[Recorded]]] = []
        marks: list[_Mark] = []
        urgent = False  # an insert or a claim: someone waits for this commit
        item = await self._queue.get()
        self._held.append(_future_of(item))
        await asyncio.sleep(0)
        while True:
            if isinstance(item, _Mark):
                marks.append(item)
                urgent = urgent or item.kind == "claim"
            else:
                batch.append(item)
                urgent = True
            if len(batch) >= self._max_batch or len(marks) >= self._max_batch * 4:
                break
            if self._queue.empty():
                if urgent:
                    break
                try:
                    item = await asyncio.wait_for(self._queue.get(), MARK_LINGER)
                except TimeoutError:
                    break
            else:
                item = self._queue.get_nowait()
            self._held.append(_future_of(item))
        # One lock order for every transaction (PostgreSQL: two workers' batches can't deadlock on each other)
        marks.sort(key=lambda m: m.pk)
        return batch, marks

    async def _run(self) -> None:
        while True:
            self._held = []  # the previous batch's futures are all settled
            batch, marks = await self._take()
            rows: dict[tuple[str, str], NewDelivery] = {}
            for d, _ in batch:  # the same id twice in one batch: the first one wins, as across batches
                rows.setdefault((d.provider, d.delivery_id), d)
            try:
                if self._sqlite is not None:
                    ids, marked = await self._sqlite.write(list(rows.values()), marks)
                    self._sqlite.maybe_checkpoint()
                else:
                    ids, marked = await self._write(list(rows.values()), marks)
            except Exception as exc:
                if marks:  # the marks must not be lost with a batch one bad insert failed: alone, once more
                    await self._marks_alone(marks)
                    marks = []
                if not batch:
                    continue
                # the callers get the error (a 503 for the sender to retry); we go on
                log.error("recording %d deliveries failed: %s", len(batch), type(exc).__name__)
                if len(rows) > 1 and not _storage_down(exc):
                    await self._write_one_by_one(batch, list(rows.values()))
                    continue
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            _settle(marks, marked)
            self._hand_over(rows.values(), ids)
            for delivery, future in batch:
                # pop: a second copy of one delivery id in the same batch is a duplicate, like across batches
                row_id = ids.pop((delivery.provider, delivery.delivery_id), None)
                if not future.done():
                    future.set_result(Recorded(row_id, deferred=row_id is not None and delivery.job_deferred))

    def _hand_over(self, deliveries: Iterable[NewDelivery], ids: dict[tuple[str, str], int]) -> None:
        """Tell the queue which of the deliveries just committed were written claimed by this process."""
        if self._on_recorded is None:
            return
        claimed = [(ids[(d.provider, d.delivery_id)], d) for d in deliveries
                   if d.status == RUNNING and (d.provider, d.delivery_id) in ids]
        if claimed:
            try:
                self._on_recorded(claimed)
            except Exception:  # the rows are durable and running: recovery would still find them
                log.exception("on_recorded callback")

    async def _write_one_by_one(
        self, batch: list[tuple[NewDelivery, asyncio.Future[Recorded]]], deliveries: list[NewDelivery]
    ) -> None:
        """After a failed batch: each row in a transaction of its own, so one row the database refuses fails alone
        and the others are recorded. Stops (failing the rest) once the database itself looks down, or after a few
        rows in a row failed, so a dead database is not asked hundreds of times."""
        ids: dict[tuple[str, str], int] = {}
        failed: dict[tuple[str, str], Exception] = {}
        streak: Exception | None = None
        in_a_row = 0
        for d in deliveries:
            key = (d.provider, d.delivery_id)
            if streak is not None and (in_a_row >= MAX_FAILURES_IN_A_ROW or _storage_down(streak)):
                failed[key] = streak
                continue
            try:
                written, _ = await (self._sqlite.write([d], []) if self._sqlite is not None else self._write([d]))
            except Exception as exc:
                failed[key], streak, in_a_row = exc, exc, in_a_row + 1
                continue
            ids.update(written)
            streak, in_a_row = None, 0
        self._hand_over(deliveries, ids)  # before the answers: the endpoints submit these ids once they answer
        refused = sum(1 for key in failed if not _storage_down(failed[key]))
        log.error("recorded %d of %d deliveries one by one; %d refused by the database",
                  len(ids), len(deliveries), refused)
        for delivery, future in batch:
            key = (delivery.provider, delivery.delivery_id)
            if future.done():
                continue
            if key in failed:
                future.set_exception(failed[key])
            else:
                row_id = ids.pop(key, None)
                future.set_result(Recorded(row_id, deferred=row_id is not None and delivery.job_deferred))

    async def _marks_alone(self, marks: list[_Mark]) -> None:
        try:
            if self._sqlite is not None:
                _, marked = await self._sqlite.write([], marks)
            else:
                _, marked = await self._write([], marks)
        except Exception as exc:  # storage is down: the deliveries stay unfinished and run again later
            log.error("marking %d deliveries failed: %s", len(marks), type(exc).__name__)
            for mark in marks:
                if not mark.future.done():
                    mark.future.set_exception(exc)
            return
        _settle(marks, marked)

    async def _write(
        self, deliveries: Sequence[NewDelivery], marks: Sequence[_Mark] = ()
    ) -> tuple[dict[tuple[str, str], int], list[Any]]:
        """PostgreSQL: the batch in one transaction; the rows in one prepared statement, with their jobs when the
        job engine's defers ride along. If writing the jobs fails for a reason of its own (the job engine's schema
        missing, say), the rows are written without them: the deferrer, then the sweep, defer their jobs."""
        if deliveries and self._job_queue is not None:
            try:
                return await self._write_pg(deliveries, marks, self._job_queue)
            except Exception as exc:
                if _storage_down(exc):
                    raise
                log.warning("recording %d deliveries with their jobs failed (%s); recording them without",
                            len(deliveries), type(exc).__name__)
        return await self._write_pg(deliveries, marks, None)

    async def _write_pg(
        self, deliveries: Sequence[NewDelivery], marks: Sequence[_Mark], job_queue: str | None
    ) -> tuple[dict[tuple[str, str], int], list[Any]]:
        stmt = _PG_RECORD_WITH_JOBS if job_queue else _PG_RECORD
        inserted: dict[tuple[str, str], int] = {}
        if marks:
            async with self._engine.begin() as conn:
                if deliveries:
                    result = await conn.execute(stmt, _pg_columns(deliveries, job_queue))
                    inserted = {(r.provider, r.delivery_id): r.id for r in result}
                marked = await _pg_marks(conn, marks)
        else:  # new rows alone (a web process): one statement, atomic by itself, on the writer's own connection
            rows = await self._pg_alone(stmt, _pg_columns(deliveries, job_queue))  # (id, provider, delivery_id)
            inserted = {(r[1], r[2]): r[0] for r in rows}
            marked = []
        if job_queue:
            for d in deliveries:
                d.job_deferred = d.status == PENDING and (d.provider, d.delivery_id) in inserted
        return inserted, marked

    async def _pg_alone(self, stmt: Any, params: dict[str, Any]) -> list[Any]:
        """One statement, atomic by itself, on a connection the writer keeps, prepared once on it and run on the
        driver (asyncpg) itself: one round trip, where a pooled `begin()` costs six (the pool's ping in a
        transaction of its own and its rollback, BEGIN, the statement, COMMIT), and none of SQLAlchemy's work per
        execution. A kept connection found dead (the server restarted) is given up and the statement tried once
        more on a fresh one from the pool, as the pool's ping would have; a fresh one that fails fails the batch."""
        sql, order = _positional(stmt, self._engine)
        args = [params[name] for name in order]
        while True:
            if self._pg_driver is not None and self._pg_driver.is_closed():  # asyncpg saw the server hang up
                await self._drop_pg_conn()
            fresh = self._pg_conn is None
            if self._pg_conn is None:
                pooled = await self._engine.connect()
                try:
                    self._pg_conn = await pooled.execution_options(isolation_level="AUTOCOMMIT")
                    self._pg_driver = (await pooled.get_raw_connection()).driver_connection
                    self._pg_prepared = {}
                except BaseException:
                    self._pg_conn = None
                    await pooled.close()
                    raise
            try:
                prepared = self._pg_prepared.get(sql)
                if prepared is None:
                    prepared = self._pg_prepared[sql] = await self._pg_driver.prepare(sql)
                return list(await prepared.fetch(*args))
            except Exception as exc:
                # a plan prepared before a migration changed the table: prepared again on a fresh connection
                stale = isinstance(exc, asyncpg.exceptions.InvalidCachedStatementError)
                if not stale and not _storage_down(exc):  # a row refused: nothing else happened on the connection
                    raise
                await self._drop_pg_conn()
                if fresh:
                    raise
            except BaseException:  # cancelled mid-statement: the connection's state is unknown
                await self._drop_pg_conn()
                raise

    async def _drop_pg_conn(self) -> None:
        conn, self._pg_conn, self._pg_driver, self._pg_prepared = self._pg_conn, None, None, {}
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.invalidate()


_POSITIONAL: dict[int, tuple[str, list[str]]] = {}


def _positional(stmt: Any, engine: AsyncEngine) -> tuple[str, list[str]]:
    """A constant statement as the driver takes it ($1, $2, ...) and its parameters' names in that order."""
    known = _POSITIONAL.get(id(stmt))
    if known is None:
        compiled = stmt.compile(dialect=engine.dialect)
        known = _POSITIONAL[id(stmt)] = (str(compiled), list(compiled.positiontup or ()))
    return known


# The batch of new deliveries as one array per column: one statement text whatever the batch's size, so PostgreSQL
# parses and plans it once per connection (asyncpg keeps it prepared), where a multi-row VALUES is a new text, and
# a new plan, for each size.
_PG_INPUT = """
    WITH input AS (
      SELECT * FROM unnest(
        CAST(:provider AS varchar[]), CAST(:delivery_id AS varchar[]), CAST(:event AS varchar[]),
        CAST(:action AS varchar[]), CAST(:installation_id AS bigint[]), CAST(:repository AS varchar[]),
        CAST(:body AS bytea[]), CAST(:status AS varchar[]), CAST(:attempts AS integer[]),
        CAST(:received_at AS timestamptz[]), CAST(:lease_until AS timestamptz[]), CAST(:finished_at AS timestamptz[]),
        CAST(:job_lock AS text[])
      ) AS t(provider, delivery_id, event, action, installation_id, repository, body, status, attempts, received_at,
             lease_until, finished_at, job_lock)
    ), recorded AS (
      INSERT INTO webhook_deliveries (provider, delivery_id, event, action, installation_id, repository, body, status,
                                      attempts, received_at, lease_until, finished_at)
      SELECT provider, delivery_id, event, action, installation_id, repository, body, status, attempts, received_at,
             lease_until, finished_at
      FROM input
      ON CONFLICT (provider, delivery_id) DO NOTHING
      RETURNING id, provider, delivery_id, status
    )"""
_PG_RECORD = text(_PG_INPUT + " SELECT id, provider, delivery_id FROM recorded")  # noqa: S608 - constant text
# ... and with the job of each new pending delivery, through the job engine's own bulk defer (procrastinate's
# `procrastinate_defer_jobs_v1`, the function its `batch_defer_jobs` calls), as `bot.jobs.engine.delivery_job`
# builds it: queue, task, priority 0, the repository's lock, a queueing lock and the row id as the argument.
# The jobs CTE yields one row whatever it defers, so the join runs it exactly once.
_PG_JOBS = """, deferred AS (
      SELECT procrastinate_defer_jobs_v1(array_agg(ROW(
               CAST(:job_queue AS varchar), CAST(:job_task AS varchar), 0, i.job_lock,
               CAST(:job_queueing_lock AS text) || r.id, jsonb_build_object('delivery_pk', r.id), NULL
             )::procrastinate_job_to_defer_v1 ORDER BY r.id)) AS job_ids
      FROM recorded r JOIN input i ON i.provider = r.provider AND i.delivery_id = r.delivery_id
      WHERE r.status = 'pending'
    )
    SELECT r.id, r.provider, r.delivery_id FROM recorded r CROSS JOIN deferred"""
_PG_RECORD_WITH_JOBS = text(_PG_INPUT + _PG_JOBS)


def _pg_columns(deliveries: Sequence[NewDelivery], job_queue: str | None) -> dict[str, Any]:
    return {
        "provider": [d.provider for d in deliveries], "delivery_id": [d.delivery_id for d in deliveries],
        "event": [d.event for d in deliveries], "action": [d.action for d in deliveries],
        "installation_id": [d.installation_id for d in deliveries], "repository": [d.repository for d in deliveries],
        "body": [compress(d.body) for d in deliveries], "status": [d.status for d in deliveries],
        "attempts": [d.attempts for d in deliveries], "received_at": [d.received_at for d in deliveries],
        "lease_until": [d.lease_until for d in deliveries], "finished_at": [d.finished_at for d in deliveries],
        "job_lock": [repository_lock(d.provider, d.repository) for d in deliveries],
        **({"job_queue": job_queue, "job_task": DELIVERY_TASK, "job_queueing_lock": DELIVERY_QUEUEING_LOCK}
           if job_queue else {}),
    }


def _settle(marks: Sequence[_Mark], results: Sequence[Any]) -> None:
    for mark, result in zip(marks, results, strict=True):
        if mark.kind == "claim" and result is not None:  # the claimed row, as the handlers get it
            result = ClaimedDelivery(id=mark.pk, **result)
        if not mark.future.done():
            mark.future.set_result(result)


_CLAIMED_COLUMNS = ("provider", "delivery_id", "event", "action", "installation_id", "repository", "body",
                    "attempts", "received_at", "lease_until")


def _takeable(now: dt.datetime, steal: bool) -> Any:
    """What a claim may take: a pending delivery that is due; a running one only once its lease ran out (its
    worker died), or with `steal` when this process is the only worker (the embedded queue after a restart)."""
    return or_(
        (WebhookDelivery.status == PENDING)
        & or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= now),
        (WebhookDelivery.status == RUNNING)
        & (true() if steal else or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now)),
    )


async def _pg_marks(conn: AsyncConnection, marks: Sequence[_Mark]) -> list[Any]:
    """The marks in a few statements (a round trip each): the claims in one UPDATE .. RETURNING per kind, the ends
    without an error in one UPDATE per status, the rest one by one. Rows are locked in id order."""
    now = utcnow()
    results: list[Any] = [None] * len(marks)
    claims: dict[bool, list[int]] = {}
    ends: dict[str, list[int]] = {}
    for i, mark in enumerate(marks):
        if mark.kind == "claim":
            claims.setdefault(mark.steal, []).append(i)
        elif mark.kind == "finish" and mark.error is None and mark.status is not None:
            ends.setdefault(mark.status, []).append(i)
        else:
            values: dict[str, Any] = (
                {"status": mark.status, "last_error": mark.error, "finished_at": now, "lease_until": None}
                if mark.kind == "finish" else
                {"status": PENDING, "last_error": mark.error, "next_attempt_at": mark.when, "lease_until": None}
            )
            await conn.execute(update(WebhookDelivery).where(WebhookDelivery.id == mark.pk).values(**values))
    for status, indexes in ends.items():
        await conn.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(sorted({marks[i].pk for i in indexes})))
            .values(status=status, last_error=None, finished_at=now, lease_until=None)
        )
    for steal, indexes in claims.items():
        lease_until = max(marks[i].when or now for i in indexes)
        result = await conn.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(sorted({marks[i].pk for i in indexes})), _takeable(now, steal))
            .values(status=RUNNING, attempts=WebhookDelivery.attempts + 1, next_attempt_at=None,
                    lease_until=lease_until)
            .returning(WebhookDelivery.id, *(getattr(WebhookDelivery, c) for c in _CLAIMED_COLUMNS))
        )
        claimed = {row[0]: dict(zip(_CLAIMED_COLUMNS, row[1:], strict=True)) for row in result}
        for i in indexes:  # the same delivery claimed twice in one batch: the first claim has it
            results[i] = claimed.pop(marks[i].pk, None)
    return results


MAX_FAILURES_IN_A_ROW = 3


def _storage_down(exc: BaseException) -> bool:
    """An error of the database rather than of a row in it (locked, full, unreachable): retrying row by row would
    only fail every row again, more slowly."""
    if isinstance(exc, sqlite3.OperationalError | OSError | TimeoutError):
        return True
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.DisconnectionError):
        return True
    if isinstance(exc, asyncpg.InterfaceError | asyncpg.exceptions.InternalClientError):
        return True  # asyncpg's own, on the writer's kept connection: it is gone or in a state it cannot use
    # PostgreSQL's classes of errors about the server rather than a row: connection (08), resources such as a full
    # disk (53), operator intervention such as a shutdown (57), the system (58)
    if isinstance(exc, asyncpg.PostgresError) and str(getattr(exc, "sqlstate", ""))[:2] in ("08", "53", "57", "58"):
        return True
    return isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated


_SQLITE_INSERT = (
    "INSERT INTO webhook_deliveries (provider, delivery_id, event, action, installation_id, repository, body,"
    " status, attempts, received_at, lease_until, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (provider, delivery_id) DO NOTHING"
)
_SQLITE_CLAIM = (
    "UPDATE webhook_deliveries SET status = 'running', attempts = attempts + 1, next_attempt_at = NULL,"
    " lease_until = ?1 WHERE id = ?2 AND ((status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?3))"
    " OR (status = 'running' AND (?4 OR lease_until IS NULL OR lease_until < ?3)))"
    " RETURNING provider, delivery_id, event, action, installation_id, repository, body, attempts, received_at,"
    " lease_until"
)
_SQLITE_FINISH = (
    "UPDATE webhook_deliveries SET status = ?, last_error = ?, finished_at = ?, lease_until = NULL WHERE id = ?"
)
_SQLITE_RETRY = (
    "UPDATE webhook_deliveries SET status = 'pending', last_error = ?, next_attempt_at = ?, lease_until = NULL"
    " WHERE id = ?"
)


def _sqlite_marks(conn: sqlite3.Connection, marks: Sequence[_Mark]) -> list[Any]:
    """The marks' results in order; the ends in one `executemany` (one statement stepped in C) when no delivery
    has two marks in the batch."""
    now = _sqlite_time(utcnow())
    if len({mark.pk for mark in marks}) < len(marks):
        return [_sqlite_mark(conn, mark, now) for mark in marks]
    conn.executemany(_SQLITE_FINISH, [(m.status, m.error, now, m.pk) for m in marks if m.kind == "finish"])
    return [None if mark.kind == "finish" else _sqlite_mark(conn, mark, now) for mark in marks]


def _sqlite_mark(conn: sqlite3.Connection, mark: _Mark, now: str) -> Any:
    if mark.kind == "claim":
        assert mark.when is not None
        row = conn.execute(_SQLITE_CLAIM, (_sqlite_time(mark.when), mark.pk, now, int(mark.steal))).fetchone()
        if row is None:
            return None
        values = dict(zip(_CLAIMED_COLUMNS, row, strict=True))
        values["body"] = decompress(bytes(values["body"]))
        values["received_at"] = _from_sqlite_time(values["received_at"])
        values["lease_until"] = _from_sqlite_time(values["lease_until"])
        return values
    if mark.kind == "finish":
        conn.execute(_SQLITE_FINISH, (mark.status, mark.error, now, mark.pk))
    else:
        assert mark.when is not None
        conn.execute(_SQLITE_RETRY, (mark.error, _sqlite_time(mark.when), mark.pk))
    return None


class _SqliteBatchWriter:
    """One sqlite3 connection: a whole batch is one call, one transaction.

    With `synchronous` NORMAL (WAL mode: a commit writes the WAL and syncs nothing) the batch is written right on
    the event loop's thread when the write lock is free at once, which it nearly always is: a few hundred
    microseconds for dozens of rows, less than a thread hop and its wake-ups cost. When another connection holds
    the lock (a handler's transaction), or with FULL (a commit waits for the disk), the batch goes to a thread of
    its own that waits for the lock. The connection is only ever used by one batch at a time.

    The WAL is checkpointed by a second thread and connection (PASSIVE, at most once a second) instead of
    inside whichever commit crosses SQLite's auto-checkpoint threshold, so no answer waits for a checkpoint; the
    checkpoint syncs the WAL first, so with NORMAL a power loss can lose at most the last second or so of commits.
    """

    CHECKPOINT_EVERY = 1.0  # seconds

    def __init__(self, path: str, *, synchronous: str = "normal") -> None:
        self._path = path
        self._synchronous = synchronous.upper()
        self._inline = self._synchronous == "NORMAL"
        self.inline_writes = self.thread_writes = 0  # batches written each way (tests and the bench read them)
        self._conn: sqlite3.Connection | None = None
        self._checkpoint_conn: sqlite3.Connection | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="delivery-writer")
        self._checkpointer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wal-checkpoint")
        self._checkpoint: asyncio.Future[None] | None = None
        self._last_checkpoint = 0.0

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, timeout=10, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={self._synchronous}")
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._open()
            self._conn.execute("PRAGMA wal_autocheckpoint=0")  # the checkpoint thread does it
            self._conn.execute("PRAGMA busy_timeout=0")  # never wait on the event loop; the thread path waits
        return self._conn

    def _checkpoint_sync(self) -> None:
        if self._checkpoint_conn is None:
            self._checkpoint_conn = self._open()
        self._checkpoint_conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def maybe_checkpoint(self) -> None:
        """Start a checkpoint in the background if the last one is done and a second has passed."""
        loop = asyncio.get_running_loop()
        if (self._checkpoint is not None and not self._checkpoint.done()) or (
            loop.time() - self._last_checkpoint < self.CHECKPOINT_EVERY
        ):
            return
        self._last_checkpoint = loop.time()
        self._checkpoint = loop.run_in_executor(self._checkpointer, self._checkpoint_sync)
        self._checkpoint.add_done_callback(_log_checkpoint_error)

    def _write_sync(
        self, deliveries: list[NewDelivery], marks: Sequence[_Mark] = ()
    ) -> tuple[dict[tuple[str, str], int], list[Any]]:
        """In the writer's thread: wait for the write lock, then write the batch."""
        conn = self._connect()
        _begin_immediate(conn)
        conn.execute("PRAGMA busy_timeout=10000")  # the statements inside the transaction keep the usual wait
        try:
            return self._write_locked(conn, deliveries, marks)
        finally:
            conn.execute("PRAGMA busy_timeout=0")

    def _write_inline(
        self, deliveries: list[NewDelivery], marks: Sequence[_Mark]
    ) -> tuple[dict[tuple[str, str], int], list[Any]] | None:
        """On the event loop: the batch written if the write lock is free right now, else None (nothing written)."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _busy(exc):
                return None
            raise
        try:
            return self._write_locked(conn, deliveries, marks)
        except sqlite3.OperationalError as exc:  # rolled back: it is written whole in the thread instead
            if _busy(exc):
                return None
            raise

    def _write_locked(
        self, conn: sqlite3.Connection, deliveries: list[NewDelivery], marks: Sequence[_Mark]
    ) -> tuple[dict[tuple[str, str], int], list[Any]]:
        """The batch in the transaction just begun (the write lock held): committed, or rolled back and raised."""
        inserted: dict[tuple[str, str], int] = {}
        try:
            if deliveries:
                inserted = _sqlite_insert(conn, deliveries)
            marked = _sqlite_marks(conn, marks) if marks else []
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return inserted, marked

    async def write(
        self, deliveries: list[NewDelivery], marks: Sequence[_Mark] = ()
    ) -> tuple[dict[tuple[str, str], int], list[Any]]:
        if self._inline:
            written = self._write_inline(deliveries, marks)
            if written is not None:
                self.inline_writes += 1
                return written
        self.thread_writes += 1
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._write_sync, deliveries, marks)

    def close(self) -> None:
        def _close() -> None:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

        def _close_checkpointer() -> None:
            if self._checkpoint_conn is not None:
                self._checkpoint_conn.close()
                self._checkpoint_conn = None

        self._checkpointer.submit(_close_checkpointer).result(timeout=30)
        self._executor.submit(_close).result(timeout=10)
        self._executor.shutdown(wait=True)
        self._checkpointer.shutdown(wait=True)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="delivery-writer")
        self._checkpointer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wal-checkpoint")
        self._checkpoint = None


BUSY_POLL = (0.0002, 0.002)  # first and longest sleep between tries for the write lock (seconds)
BUSY_TIMEOUT = 10.0


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """Take SQLite's write lock, trying again every millisecond or so while another connection holds it.

    SQLite's own busy handler sleeps 1, 2, 5, 10, 20, 25, 50, 100 ms between tries: a handler's transaction that
    held the lock for 10 ms made every answer in the batch wait for 20 to 40 ms. This waits at most ~2 ms past
    the release (in the writer's thread; the event loop goes on). The connection's busy_timeout is 0."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    delay = BUSY_POLL[0]
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or time.monotonic() > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, BUSY_POLL[1])


def _busy(exc: sqlite3.OperationalError) -> bool:
    """Another connection holds the lock (SQLITE_BUSY, SQLITE_LOCKED and their extended codes)."""
    return exc.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _log_checkpoint_error(future: asyncio.Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.warning("WAL checkpoint failed: %s", type(future.exception()).__name__)


_SQLITE_TIME = "%04d-%02d-%02d %02d:%02d:%02d.%06d"


def _sqlite_time(value: dt.datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores (`isoformat(" ", "microseconds")` of the naive UTC time), so
    both paths read back the same values; formatted from the fields, in half the time of `replace` + `isoformat`."""
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return _SQLITE_TIME % (value.year, value.month, value.day, value.hour, value.minute, value.second,
                           value.microsecond)


def _sqlite_insert(conn: sqlite3.Connection, deliveries: Sequence[NewDelivery]) -> dict[tuple[str, str], int]:
    """Insert the deliveries (the write lock held); the row ids of those that were not duplicates.

    One `executemany` (the statement stepped in C, row after row) and one read of the rows past the table's
    largest id before it: a rowid table without AUTOINCREMENT gives each new row the largest id + 1, so the new
    rows are exactly those, and when every row went in (no duplicate, nearly always) they are before + 1,
    before + 2, ... in the order given, so they are not read back at all. (A RETURNING clause per row cost about a
    third more per row.) Only when the ids
    near their end (SQLite then picks free ids at random) is each row inserted with its own RETURNING."""
    rows = []
    for d in deliveries:
        received = _sqlite_time(d.received_at)
        finished = None if d.finished_at is None else (
            received if d.finished_at == d.received_at else _sqlite_time(d.finished_at))
        rows.append((d.provider, d.delivery_id, d.event, d.action, d.installation_id, d.repository, compress(d.body),
                     d.status, d.attempts, received, None if d.lease_until is None else _sqlite_time(d.lease_until),
                     finished))
    before = conn.execute("SELECT max(id) FROM webhook_deliveries").fetchone()[0] or 0
    inserted: dict[tuple[str, str], int] = {}
    if before >= _LAST_ROWID - len(rows):  # pragma: no cover - 2**63 rows
        for values in rows:
            row = conn.execute(_SQLITE_INSERT + " RETURNING id", values).fetchone()
            if row is not None:
                inserted[(str(values[0]), str(values[1]))] = int(row[0])
        return inserted
    changes = conn.total_changes
    conn.executemany(_SQLITE_INSERT, rows)
    if conn.total_changes - changes == len(rows):  # no duplicate (nearly always): the ids follow, in order
        return {(d.provider, d.delivery_id): before + i for i, d in enumerate(deliveries, 1)}
    for pk, provider, delivery_id in conn.execute(
        "SELECT id, provider, delivery_id FROM webhook_deliveries WHERE id > ?", (before,)
    ):
        inserted[(provider, delivery_id)] = pk
    return inserted


_LAST_ROWID = 2**63 - 1


def _from_sqlite_time(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)


class DeliveryStore:
    """Queries over webhook_deliveries for the queue, the dispatcher and the API."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def get(self, delivery_pk: int) -> WebhookDelivery | None:
        async with self._sessions() as session:
            return await session.get(WebhookDelivery, delivery_pk)

    async def claim(
        self, delivery_pk: int, *, lease: dt.timedelta, steal: bool = False
    ) -> WebhookDelivery | None:
        """Take a delivery to run: mark it running with a lease and count the attempt; None if it isn't ours.

        A pending delivery that is due can be taken; a running one only once its lease ran out (its worker
        died), or with `steal` when this process is the only worker (the embedded queue after a restart).
        """
        now = utcnow()
        takeable = _takeable(now, steal)
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_pk, takeable)
                .values(status=RUNNING, attempts=WebhookDelivery.attempts + 1, next_attempt_at=None,
                        lease_until=now + lease)
                .returning(WebhookDelivery.id)
            )
            if result.scalar_one_or_none() is None:
                return None
            return await session.get(WebhookDelivery, delivery_pk)

    async def renew(self, delivery_pks: list[int], lease: dt.timedelta) -> None:
        """Extend the leases of deliveries this worker is still running (its heartbeat)."""
        if not delivery_pks:
            return
        async with self._sessions.begin() as session:
            await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id.in_(delivery_pks), WebhookDelivery.status == RUNNING)
                .values(lease_until=utcnow() + lease)
            )

    async def finish(self, delivery_pk: int, status: str, error: str | None = None) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_pk)
                .values(status=status, last_error=error, finished_at=utcnow(), lease_until=None)
            )

    async def retry_later(self, delivery_pk: int, when: dt.datetime, error: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_pk)
                .values(status=PENDING, last_error=error, next_attempt_at=when, lease_until=None)
            )

    async def unfinished(
        self, *, now: dt.datetime | None = None, limit: int = 1000, expired_only: bool = False,
        pending_only: bool = False,
    ) -> list[int]:
        """Deliveries recorded but not finished, oldest first: pending and due, and running ones (all of them,
        with `expired_only` just those whose worker's lease ran out, with `pending_only` none)."""
        now = now or utcnow()
        running = WebhookDelivery.status == RUNNING
        if expired_only:
            running = running & or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now)
        if pending_only:
            running = false()
        async with self._sessions() as session:
            result = await session.execute(
                select(WebhookDelivery.id)
                .where(
                    or_(
                        (WebhookDelivery.status == PENDING)
                        & or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= now),
                        running,
                    )
                )
                .order_by(WebhookDelivery.id)
                .limit(limit)
            )
            return list(result.scalars())

    async def backlog(self) -> tuple[int, dt.datetime | None]:
        """(how many deliveries are recorded and unfinished, when the oldest of them was received): the metrics."""
        async with self._sessions() as session:
            result = await session.execute(
                select(func.count(), func.min(WebhookDelivery.received_at))
                .where(WebhookDelivery.status.in_(UNFINISHED))
            )
            count, oldest = result.one()
            return int(count or 0), oldest

    async def next_due(self) -> dt.datetime | None:
        async with self._sessions() as session:
            result = await session.execute(
                select(WebhookDelivery.next_attempt_at)
                .where(WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at.is_not(None))
                .order_by(WebhookDelivery.next_attempt_at)
                .limit(1)
            )
            return result.scalar_one_or_none()

    async def purge_bodies(self, received_before: dt.datetime, *, limit: int = 5000) -> int:
        """Drop the bodies of finished deliveries received before `received_before` (their history stays)."""
        async with self._sessions.begin() as session:
            ids = select(WebhookDelivery.id).where(
                WebhookDelivery.status.in_(FINISHED), WebhookDelivery.received_at < received_before,
                func.length(WebhookDelivery.body) > len(compress(b"")),  # not purged yet
            ).limit(limit)
            result = await session.execute(
                update(WebhookDelivery).where(WebhookDelivery.id.in_(ids)).values(body=b"")
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def known(self, provider: str, delivery_ids: Sequence[str]) -> set[str]:
        """Which of these delivery ids are recorded."""
        if not delivery_ids:
            return set()
        async with self._sessions() as session:
            result = await session.execute(
                select(WebhookDelivery.delivery_id).where(
                    WebhookDelivery.provider == provider, WebhookDelivery.delivery_id.in_(list(delivery_ids))
                )
            )
            return set(result.scalars())

    async def by_delivery_id(self, provider: str, delivery_id: str) -> WebhookDelivery | None:
        async with self._sessions() as session:
            result = await session.execute(
                select(WebhookDelivery).where(
                    WebhookDelivery.provider == provider, WebhookDelivery.delivery_id == delivery_id
                )
            )
            return result.scalar_one_or_none()

    # ---- history (never the body)
    async def summary(self, delivery_pk: int) -> DeliverySummary | None:
        async with self._sessions() as session:
            row = (await session.execute(select(*_SUMMARY_COLUMNS).where(WebhookDelivery.id == delivery_pk))).first()
            return DeliverySummary(*row) if row is not None else None

    async def for_repository(
        self, repository: str, *, offset: int = 0, limit: int = 30, provider: str = "github"
    ) -> tuple[int, list[DeliverySummary]]:
        """(how many, one page newest first) of the deliveries about one repository."""
        where = (WebhookDelivery.provider == provider, WebhookDelivery.repository == repository)
        async with self._sessions() as session:
            total = (await session.execute(select(func.count()).select_from(WebhookDelivery).where(*where))).scalar()
            rows = await session.execute(
                select(*_SUMMARY_COLUMNS).where(*where).order_by(WebhookDelivery.id.desc()).offset(offset).limit(limit)
            )
            return int(total or 0), [DeliverySummary(*row) for row in rows.all()]

    async def redeliver(self, delivery_pk: int) -> bool:
        """Put a failed delivery back to pending, due now, with a fresh retry budget; False unless it was failed."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_pk, WebhookDelivery.status == FAILED)
                .values(status=PENDING, attempts=0, next_attempt_at=None, lease_until=None, finished_at=None)
            )
            return int(getattr(result, "rowcount", 0) or 0) == 1
