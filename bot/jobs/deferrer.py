"""The web process's side of the job engine: a job for each recorded delivery.

Given the delivery writer, a webhook's job is written in the statement that records the delivery (the writer's
group commit: one statement and one commit serve every delivery recorded meanwhile, rows and jobs), so the web
process makes no defer of its own and no crash can come between the record and its job. What is submitted here
(a redelivery from the console, or a delivery the writer recorded without its job) is deferred after the answer,
batched likewise. A defer that fails (PostgreSQL hiccup, a crash before it ran) loses nothing: the delivery is
recorded, and the sweep (`bot.jobs.tasks.sweep_orphans`) defers every recorded delivery that has no job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import procrastinate

from bot.jobs.engine import QUEUE, build_app, defer_deliveries
from storage.deliveries import DeliveryWriter

log = logging.getLogger(__name__)

MAX_BATCH = 500


class JobQueue:
    """`submit` from the webhook endpoints; a background task defers what was submitted, in batches."""

    def __init__(
        self, database_url: str, *, app: procrastinate.App | None = None, writer: DeliveryWriter | None = None
    ) -> None:
        self.app = app or build_app(database_url)
        self._writer = writer
        self._pending: list[tuple[int, str | None]] = []
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._opened = False
        self.deferred = 0

    def submit(self, delivery_pk: int, lock: str | None = None) -> None:
        self._pending.append((delivery_pk, lock))
        self._idle.clear()
        self._wake.set()

    async def start(self) -> None:
        await self.app.open_async()
        self._opened = True
        if self._writer is not None:
            self._writer.defer_jobs_on_record(QUEUE)
        self._task = asyncio.get_running_loop().create_task(self._run(), name="job-deferrer")

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                try:
                    self.deferred += await defer_deliveries(self.app, batch)
                except Exception as exc:  # recorded all the same: the sweep defers them
                    log.warning("deferring %d jobs failed (%s); the sweep will defer them", len(batch),
                                type(exc).__name__)
            if not self._pending:
                self._idle.set()

    async def join(self, timeout: float | None = None) -> None:
        """Wait until everything submitted was deferred (the workers run it)."""
        await asyncio.wait_for(self._idle.wait(), timeout)

    async def stop(self, grace: float = 10.0) -> None:
        if self._writer is not None:
            self._writer.defer_jobs_on_record(None)
        with contextlib.suppress(TimeoutError):
            await self.join(grace)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._opened:
            await self.app.close_async()
            self._opened = False
