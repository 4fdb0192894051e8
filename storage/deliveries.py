"""The webhook delivery log: group-committed inserts, claiming work, finishing it, and history queries."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import sqlite3
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import exc as sa_exc
from sqlalchemy import func, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.models import WebhookDelivery
from storage.types import compress, utcnow

log = logging.getLogger(__name__)

PENDING, RUNNING, DONE, FAILED, IGNORED = "pending", "running", "done", "failed", "ignored"
UNFINISHED = (PENDING, RUNNING)


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
            "attempts": 0,
            "received_at": self.received_at,
        }


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
    """What recording a delivery did: its row id, or None when the delivery id was seen before."""

    id: int | None

    @property
    def duplicate(self) -> bool:
        return self.id is None


class DeliveryWriter:
    """Writes deliveries durably, committing the inserts of concurrent requests together (group commit).

    Each caller awaits its own row; the writer takes everything queued while the previous commit ran and
    writes it in one transaction, so one commit (one fsync) serves many requests. On SQLite the batch runs
    on a dedicated sqlite3 connection in one thread hop (SQLAlchemy's per-statement hops cost more than the
    write); on PostgreSQL it is one multi-row INSERT .. ON CONFLICT DO NOTHING RETURNING.
    """

    def __init__(self, engine: AsyncEngine, *, max_batch: int = 256) -> None:
        self._engine = engine
        self._max_batch = max_batch
        self._queue: asyncio.Queue[tuple[NewDelivery, asyncio.Future[Recorded]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._sqlite: _SqliteBatchWriter | None = None
        if engine.dialect.name == "sqlite":
            self._sqlite = _SqliteBatchWriter(str(engine.url.database))

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="delivery-writer")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._sqlite is not None:
            self._sqlite.close()

    async def record(self, delivery: NewDelivery) -> Recorded:
        """Write `delivery` and return once it is committed."""
        if self._task is None:
            self.start()
        future: asyncio.Future[Recorded] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((delivery, future))
        return await future

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            rows: dict[tuple[str, str], NewDelivery] = {}
            for d, _ in batch:  # the same id twice in one batch: the first one wins, as across batches
                rows.setdefault((d.provider, d.delivery_id), d)
            try:
                if self._sqlite is not None:
                    ids = await self._sqlite.write(list(rows.values()))
                    self._sqlite.maybe_checkpoint()
                else:
                    ids = await self._write(list(rows.values()))
            except Exception as exc:  # the callers get the error (a 503 for the sender to retry); we go on
                log.error("recording %d deliveries failed: %s", len(batch), type(exc).__name__)
                if len(rows) > 1 and not _storage_down(exc):
                    await self._write_one_by_one(batch, list(rows.values()))
                    continue
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for delivery, future in batch:
                # pop: a second copy of one delivery id in the same batch is a duplicate, like across batches
                row_id = ids.pop((delivery.provider, delivery.delivery_id), None)
                if not future.done():
                    future.set_result(Recorded(row_id))

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
                written = await (self._sqlite.write([d]) if self._sqlite is not None else self._write([d]))
            except Exception as exc:
                failed[key], streak, in_a_row = exc, exc, in_a_row + 1
                continue
            ids.update(written)
            streak, in_a_row = None, 0
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
                future.set_result(Recorded(ids.pop(key, None)))

    async def _write(self, deliveries: Sequence[NewDelivery]) -> dict[tuple[str, str], int]:
        table = WebhookDelivery.__table__
        stmt = (
            pg_insert(table)
            .on_conflict_do_nothing(index_elements=["provider", "delivery_id"])
            .returning(table.c.id, table.c.provider, table.c.delivery_id)
        )
        async with self._engine.begin() as conn:
            result = await conn.execute(stmt, [d.row() for d in deliveries])
            return {(r.provider, r.delivery_id): r.id for r in result}


MAX_FAILURES_IN_A_ROW = 3


def _storage_down(exc: BaseException) -> bool:
    """An error of the database rather than of a row in it (locked, full, unreachable): retrying row by row would
    only fail every row again, more slowly."""
    if isinstance(exc, sqlite3.OperationalError | OSError | TimeoutError):
        return True
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.DisconnectionError):
        return True
    return isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated


_SQLITE_INSERT = (
    "INSERT INTO webhook_deliveries (provider, delivery_id, event, action, installation_id, repository, body,"
    " status, attempts, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)"
    " ON CONFLICT (provider, delivery_id) DO NOTHING RETURNING id"
)


class _SqliteBatchWriter:
    """One sqlite3 connection on one thread of its own: a whole batch is one call, one transaction.

    The WAL is checkpointed by a second thread and connection (PASSIVE, at most once a second) instead of
    inside whichever commit crosses SQLite's auto-checkpoint threshold, so no answer waits for a checkpoint.
    """

    CHECKPOINT_EVERY = 1.0  # seconds

    def __init__(self, path: str) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._checkpoint_conn: sqlite3.Connection | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="delivery-writer")
        self._checkpointer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wal-checkpoint")
        self._checkpoint: asyncio.Future[None] | None = None
        self._last_checkpoint = 0.0

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, timeout=10, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._open()
            self._conn.execute("PRAGMA wal_autocheckpoint=0")  # the checkpoint thread does it
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

    def _write_sync(self, deliveries: list[NewDelivery]) -> dict[tuple[str, str], int]:
        conn = self._connect()
        inserted: dict[tuple[str, str], int] = {}
        conn.execute("BEGIN IMMEDIATE")
        try:
            for d in deliveries:
                row = conn.execute(
                    _SQLITE_INSERT,
                    (d.provider, d.delivery_id, d.event, d.action, d.installation_id, d.repository, compress(d.body),
                     d.status, _sqlite_time(d.received_at)),
                ).fetchone()
                if row is not None:
                    inserted[(d.provider, d.delivery_id)] = int(row[0])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return inserted

    async def write(self, deliveries: list[NewDelivery]) -> dict[tuple[str, str], int]:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._write_sync, deliveries)

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


def _log_checkpoint_error(future: asyncio.Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.warning("WAL checkpoint failed: %s", type(future.exception()).__name__)


def _sqlite_time(value: dt.datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores, so both paths read back the same values."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


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
        takeable = or_(
            (WebhookDelivery.status == PENDING)
            & or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= now),
            (WebhookDelivery.status == RUNNING)
            & (true() if steal else or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now)),
        )
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
        self, *, now: dt.datetime | None = None, limit: int = 1000, expired_only: bool = False
    ) -> list[int]:
        """Deliveries recorded but not finished, oldest first: pending and due, and running ones (all of them,
        or with `expired_only` just those whose worker's lease ran out)."""
        now = now or utcnow()
        running = WebhookDelivery.status == RUNNING
        if expired_only:
            running = running & or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now)
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

    async def next_due(self) -> dt.datetime | None:
        async with self._sessions() as session:
            result = await session.execute(
                select(WebhookDelivery.next_attempt_at)
                .where(WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at.is_not(None))
                .order_by(WebhookDelivery.next_attempt_at)
                .limit(1)
            )
            return result.scalar_one_or_none()

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
