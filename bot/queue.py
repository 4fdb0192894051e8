"""Runs recorded deliveries after the answer, in the server process: workers, crash recovery and retries."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.dispatch import run_delivery
from bot.services import Services
from storage.types import utcnow

log = logging.getLogger(__name__)


class InProcessQueue:
    """The embedded queue: a bounded set of asyncio workers over delivery ids, fed by the webhook endpoints,
    by the recovery of unfinished deliveries at start, and by a scheduler for retries that come due.
    """

    def __init__(self, services: Services, *, concurrency: int = 4, poll_seconds: float = 5.0) -> None:
        self._services = services
        self._concurrency = concurrency
        self._poll = poll_seconds
        self._queue: asyncio.Queue[int] = asyncio.Queue()
        self._queued: set[int] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._idle = asyncio.Event()
        self._idle.set()
        self._running = 0

    def submit(self, delivery_pk: int) -> None:
        if delivery_pk in self._queued:
            return
        self._queued.add(delivery_pk)
        self._idle.clear()
        self._queue.put_nowait(delivery_pk)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._worker(), name=f"worker-{i}") for i in range(self._concurrency)]
        self._tasks.append(loop.create_task(self._scheduler(), name="retry-scheduler"))
        await self.recover()

    async def recover(self) -> int:
        """Queue what was recorded but not finished (a crash, a restart) or whose retry is due."""
        pks = await self._services.db.deliveries.unfinished(now=utcnow())
        for pk in pks:
            self.submit(pk)
        if pks:
            log.info("queued %d unfinished deliveries", len(pks))
        return len(pks)

    async def join(self, timeout: float | None = None) -> None:
        """Wait until nothing is queued or running (tests and `receive` use it)."""
        await asyncio.wait_for(self._idle.wait(), timeout)

    async def stop(self, grace: float = 10.0) -> None:
        """Let running work finish for `grace` seconds; what is cut off stays unfinished and reruns at start."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), grace)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def _worker(self) -> None:
        while True:
            pk = await self._queue.get()
            self._running += 1
            try:
                await run_delivery(self._services, pk)
            except asyncio.CancelledError:
                raise
            except Exception:  # a storage error: the delivery stays unfinished and is picked up again later
                log.exception("delivery %s could not be run", pk)
            finally:
                self._queued.discard(pk)
                self._running -= 1
                if self._queue.empty() and self._running == 0:
                    self._idle.set()

    async def _scheduler(self) -> None:
        while True:
            await asyncio.sleep(self._poll)
            try:
                due = await self._services.db.deliveries.next_due()
                if due is not None and due <= utcnow():
                    await self.recover()
            except Exception:
                log.exception("retry scheduler")
