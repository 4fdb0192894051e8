"""The embedded mode's periodic work: one asyncio task in the web process running each job at its period."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.maintenance.schedule import WORK, Periodic
from bot.services import Services

log = logging.getLogger(__name__)

FIRST_DELAY = 30.0  # seconds after start before the first run (the server answers first)


class PeriodicTimer:
    """Runs every job of `schedule.WORK` every `every` seconds; one failing never stops the others."""

    def __init__(self, services: Services, *, first_delay: float = FIRST_DELAY) -> None:
        self._services = services
        self._first = first_delay
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._loop(p), name=f"periodic-{p.name}") for p in WORK.values()]

    async def _loop(self, job: Periodic) -> None:
        await asyncio.sleep(self._first)
        while True:
            try:
                result = await job.run(self._services)
                log.debug("periodic %s: %s", job.name, result)
            except Exception:
                log.exception("periodic %s failed (runs again in %.0fs)", job.name, job.every)
            await asyncio.sleep(job.every)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
