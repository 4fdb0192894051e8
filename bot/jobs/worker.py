"""`python -m bot worker` on PostgreSQL: a procrastinate worker running delivery jobs and the periodic work.

LISTEN/NOTIFY wakes it as soon as a job is deferred (polling every few seconds is only the fallback). On SIGTERM
or SIGINT it stops fetching jobs, lets the running ones finish for SHUTDOWN_GRACE_SECONDS, then cancels the rest:
each hands its delivery back (pending, due now) and its job is retried elsewhere. It then exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot.jobs.engine import build_app
from bot.services import Services
from bot.settings import Settings

log = logging.getLogger(__name__)

FALLBACK_POLL_SECONDS = 5.0


async def work(settings: Settings, *, name: str | None = None, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set (or a SIGTERM/SIGINT arrives), then shut down within the grace."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):  # first: a SIGTERM while starting stops it cleanly too
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    services = await Services.create(settings)
    services.db.writer.start()
    app = build_app(settings.database_url, pool_size=settings.worker_concurrency + 4,
                    periodic_work=settings.periodic_work, checks_seconds=settings.job_checks_seconds)
    heartbeat = settings.worker_heartbeat_seconds
    try:
        async with app.open_async():
            running = loop.create_task(app.run_worker_async(
                name=name or "worker", concurrency=settings.worker_concurrency, install_signal_handlers=False,
                additional_context={"services": services}, listen_notify=True,
                fetch_job_polling_interval=FALLBACK_POLL_SECONDS,
                shutdown_graceful_timeout=settings.shutdown_grace_seconds,
                update_heartbeat_interval=heartbeat, stalled_worker_timeout=heartbeat * 3,
            ), name="procrastinate-worker")
            log.info("worker running (%d at a time, woken by LISTEN/NOTIFY)", settings.worker_concurrency)
            stopping = loop.create_task(stop.wait())
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not running.done():
                log.info("stopping: finishing the jobs in hand (at most %.0fs)", settings.shutdown_grace_seconds)
                running.cancel()  # procrastinate stops fetching, waits for the running jobs, then aborts them
            with contextlib.suppress(asyncio.CancelledError):
                await running
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
        await services.close()
    log.info("worker stopped")
