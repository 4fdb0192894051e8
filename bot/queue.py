"""Runs recorded deliveries after the answer: the embedded queue in the server process, or worker processes.

The database is the queue: every delivery is a row written before the answer. In the embedded mode the web
process is the only worker: its recorder writes each delivery already claimed by this process (running, attempt
1), hands the queue the rows it holds, and the endpoints submit their ids once the answer has left; at start it
takes back whatever a crash left unfinished. In the external mode web processes only record, and
`python -m bot worker` processes poll for due rows; each claims a row with a conditional UPDATE (one winner) and
holds it with a lease it renews while the handlers run, so a worker that dies gives its rows back once the lease
runs out. Claims and ends are marks in the recorder's group commit: one durable transaction serves many.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time

from bot.dispatch import record_outcome, run_handlers
from bot.services import Services
from storage.deliveries import ClaimedDelivery, NewDelivery
from storage.types import utcnow

log = logging.getLogger(__name__)

# Bodies of recorded deliveries kept in memory until they run (past this, a waiting delivery is read back).
FRESH_BODY_BYTES = 64 * 2**20
# A delivery recorded as running whose endpoint never submitted it (the client went away before the answer was
# written) is queued by the scheduler after this many seconds.
UNSUBMITTED_SECONDS = 5.0


class DeliveryQueue:
    """A bounded set of asyncio workers over delivery row ids.

    `shared=False` (embedded): fed by `submit` from the webhook endpoints; the recorder claims each delivery as
    it writes it and gives the queue its body, so a delivery runs without a claim of its own nor a read; at
    start the queue takes back what was left running or pending, later (on a timer) what comes due.
    `shared=True` (worker process): polls for due rows and rows whose lease ran out; never steals a live lease.
    """

    def __init__(
        self, services: Services, *, concurrency: int = 4, poll_seconds: float = 5.0, shared: bool = False
    ) -> None:
        self._services = services
        self._concurrency = concurrency
        self._poll = poll_seconds
        self._shared = shared
        self._lease = dt.timedelta(seconds=services.settings.delivery_lease_seconds)
        self._queue: asyncio.Queue[int] = asyncio.Queue()
        self._queued: set[int] = set()  # queued, running, or finishing (until its end is durable)
        self._in_flight: set[int] = set()
        self._steal: set[int] = set()  # left running by a previous life of this process: ours to take
        # recorded as running by this process, not run yet: row id -> (body or None past the cap, when)
        self._fresh: dict[int, tuple[NewDelivery | None, float]] = {}
        self._fresh_bytes = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def runs_here(self) -> bool:
        """Whether this process runs what its endpoints record (embedded), so they may settle work at the door."""
        return not self._shared

    def submit(self, delivery_pk: int, lock: str | None = None) -> None:
        if delivery_pk in self._queued:
            return
        self._queued.add(delivery_pk)
        self._idle.clear()
        self._queue.put_nowait(delivery_pk)

    def _recorded(self, rows: list[tuple[int, NewDelivery]]) -> None:
        """The recorder wrote these deliveries claimed by this process (called right after its commit)."""
        now = time.monotonic()
        for pk, delivery in rows:
            if self._fresh_bytes + len(delivery.body) <= FRESH_BODY_BYTES:
                self._fresh[pk] = (delivery, now)
                self._fresh_bytes += len(delivery.body)
            else:
                self._fresh[pk] = (None, now)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        if not self._shared:
            # Before anything is recorded: what this process records from now on is claimed by it as it is written.
            self._services.db.writer.claim_on_record(self._lease, self._recorded)
            # This process is the only one that runs handlers, so the only one that writes incidents: a green run
            # with nothing open is settled from memory (SQLite only; see storage/incidents.py `_OpenIndex`).
            await self._services.db.incidents.keep_open_index()
        self._tasks = [loop.create_task(self._worker(), name=f"worker-{i}") for i in range(self._concurrency)]
        self._tasks.append(loop.create_task(self._scheduler(), name="queue-scheduler"))
        if self._shared:
            self._tasks.append(loop.create_task(self._heartbeat(), name="lease-heartbeat"))
        await self.recover(at_start=True)

    async def recover(self, *, at_start: bool = False) -> int:
        """Queue what is unfinished: pending and due, or running without a live worker.

        Embedded: at start everything unfinished (this process is the only worker, so a running row was left by
        its previous life); later only pending rows that came due (the running ones are this process's own).
        """
        if self._shared and len(self._queued) >= self._concurrency * 2:
            return 0  # enough local work; leave the rest to other workers
        pks = await self._services.db.deliveries.unfinished(
            now=utcnow(), expired_only=self._shared, pending_only=not self._shared and not at_start,
            limit=max(self._concurrency * 4, 16) if self._shared else 1000,
        )
        fresh = [pk for pk in pks if pk not in self._queued and pk not in self._fresh]
        if at_start and not self._shared:
            self._steal.update(fresh)
        for pk in fresh:
            self.submit(pk)
        if fresh and not self._shared:
            log.info("queued %d unfinished deliveries", len(fresh))
        return len(fresh)

    async def join(self, timeout: float | None = None) -> None:
        """Wait until nothing is queued or running (tests and `receive` use it)."""
        await asyncio.wait_for(self._idle.wait(), timeout)

    async def stop(self, grace: float = 10.0) -> None:
        """Let running work finish for `grace` seconds; what is cut off stays unfinished and runs again later."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), grace)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if not self._shared:
            self._services.db.writer.claim_on_record(None)
            self._services.db.incidents.drop_open_index()

    async def _worker(self) -> None:
        while True:
            pk = await self._queue.get()
            # Behind the answers: what became ready meanwhile (requests read, answers to write) runs first. Without
            # this a worker with a backlog runs delivery after delivery without giving the event loop back.
            await asyncio.sleep(0)
            self._in_flight.add(pk)
            ending: asyncio.Future[None] | None = None
            try:
                delivery = await self._take(pk)
                if delivery is not None:
                    outcome = await run_handlers(self._services, delivery)
                    # The end rides in the recorder's next group commit; the worker goes on meanwhile.
                    ending = record_outcome(self._services, pk, outcome)
                    ending.add_done_callback(lambda f, pk=pk: self._ended(pk, f))
            except asyncio.CancelledError:
                raise
            except Exception:  # a storage error: the delivery stays unfinished and is picked up again later
                log.exception("delivery %s could not be run", pk)
            finally:
                if ending is None:
                    self._ended(pk)

    async def _take(self, pk: int) -> ClaimedDelivery | None:
        """The delivery to run: as recorded (ours since its commit: no claim, no read), or claimed now."""
        fresh = self._fresh.pop(pk, None)
        if fresh is not None:
            delivery, _ = fresh
            if delivery is not None:
                self._fresh_bytes -= len(delivery.body)
                return delivery.as_claimed(pk)
            row = await self._services.db.deliveries.get(pk)  # past the memory cap: read it back
            return None if row is None else ClaimedDelivery.of(row)
        steal = pk in self._steal
        self._steal.discard(pk)
        return await self._services.db.writer.claim(pk, lease=self._lease, steal=steal)

    def _ended(self, pk: int, ending: asyncio.Future[None] | None = None) -> None:
        if ending is not None and not ending.cancelled() and ending.exception() is not None:
            log.error("the end of delivery %s was not recorded: %s (it runs again later)", pk,
                      type(ending.exception()).__name__)
        self._queued.discard(pk)
        self._in_flight.discard(pk)
        if not self._queued:
            self._idle.set()

    async def _scheduler(self) -> None:
        while True:
            await asyncio.sleep(self._poll)
            try:
                if self._shared:
                    await self.recover()
                    continue
                self._submit_unsubmitted()
                due = await self._services.db.deliveries.next_due()
                if due is not None and due <= utcnow():
                    await self.recover()
            except Exception:
                log.exception("queue scheduler")

    def _submit_unsubmitted(self) -> None:
        """Recorded as ours, but its endpoint never submitted it (the client left before the answer): run it."""
        stale = time.monotonic() - UNSUBMITTED_SECONDS
        for pk, (_, recorded_at) in list(self._fresh.items()):
            if recorded_at < stale and pk not in self._queued:
                self.submit(pk)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self._lease.total_seconds() / 3)
            try:
                await self._services.db.deliveries.renew(sorted(self._in_flight), self._lease)
            except Exception:
                log.exception("lease heartbeat")


class RecordOnlyQueue:
    """The web process of the external mode: deliveries are recorded; worker processes run them."""

    def submit(self, delivery_pk: int, lock: str | None = None) -> None:
        return None

    async def start(self) -> None:
        return None

    async def join(self, timeout: float | None = None) -> None:
        return None

    async def stop(self, grace: float = 10.0) -> None:
        return None
