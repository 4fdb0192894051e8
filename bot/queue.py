"""Runs recorded deliveries after the answer: the embedded queue in the server process, or worker processes.

The database is the queue: every delivery is a row written before the answer. In the embedded mode the web
process is the only worker: the endpoints hand it row ids, and at start it takes back whatever a crash left
running. In the external mode web processes only record, and `python -m bot worker` processes poll for due
rows; each claims a row with a conditional UPDATE (one winner) and holds it with a lease it renews while the
handlers run, so a worker that dies gives its rows back once the lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

from bot.dispatch import run_delivery
from bot.services import Services
from storage.types import utcnow

log = logging.getLogger(__name__)


class DeliveryQueue:
    """A bounded set of asyncio workers over delivery row ids.

    `shared=False` (embedded): fed by `submit` from the webhook endpoints; at start and on a timer it queues what
    is unfinished or due, taking back rows left running (this process is the only worker).
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
        self._queued: set[int] = set()
        self._in_flight: set[int] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._idle = asyncio.Event()
        self._idle.set()

    def submit(self, delivery_pk: int) -> None:
        if delivery_pk in self._queued:
            return
        self._queued.add(delivery_pk)
        self._idle.clear()
        self._queue.put_nowait(delivery_pk)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._worker(), name=f"worker-{i}") for i in range(self._concurrency)]
        self._tasks.append(loop.create_task(self._scheduler(), name="queue-scheduler"))
        if self._shared:
            self._tasks.append(loop.create_task(self._heartbeat(), name="lease-heartbeat"))
        await self.recover()

    async def recover(self) -> int:
        """Queue what is unfinished: pending and due, or running without a live worker."""
        if self._shared and len(self._queued) >= self._concurrency * 2:
            return 0  # enough local work; leave the rest to other workers
        pks = await self._services.db.deliveries.unfinished(
            now=utcnow(), expired_only=self._shared, limit=max(self._concurrency * 4, 16) if self._shared else 1000
        )
        fresh = [pk for pk in pks if pk not in self._queued]
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

    async def _worker(self) -> None:
        while True:
            pk = await self._queue.get()
            self._in_flight.add(pk)
            try:
                await run_delivery(self._services, pk, steal=not self._shared)
            except asyncio.CancelledError:
                raise
            except Exception:  # a storage error: the delivery stays unfinished and is picked up again later
                log.exception("delivery %s could not be run", pk)
            finally:
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
                else:
                    due = await self._services.db.deliveries.next_due()
                    if due is not None and due <= utcnow():
                        await self.recover()
            except Exception:
                log.exception("queue scheduler")

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self._lease.total_seconds() / 3)
            try:
                await self._services.db.deliveries.renew(sorted(self._in_flight), self._lease)
            except Exception:
                log.exception("lease heartbeat")


class RecordOnlyQueue:
    """The web process of the external mode: deliveries are recorded; worker processes run them."""

    def submit(self, delivery_pk: int) -> None:
        return None

    async def start(self) -> None:
        return None

    async def join(self, timeout: float | None = None) -> None:
        return None

    async def stop(self, grace: float = 10.0) -> None:
        return None
