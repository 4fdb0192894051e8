"""What the jobs do: run one recorded delivery, find deliveries without a job, retry stalled jobs, and the periodic
maintenance (bot/maintenance). Each takes the worker's `Services` from the job context."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import Any

from procrastinate import JobContext

from bot.dispatch import record_outcome, run_handlers
from bot.services import Services
from storage.deliveries import PENDING, UNFINISHED, ClaimedDelivery, repository_lock
from storage.types import utcnow

log = logging.getLogger(__name__)

ORPHAN_AFTER = dt.timedelta(seconds=5)  # a delivery recorded this long ago with no job: its defer was lost


class Busy(Exception):
    """Another worker holds the delivery's lease: the job is retried later (procrastinate's backoff)."""


def services_of(context: JobContext) -> Services:
    services = (context.additional_context or {}).get("services")
    assert isinstance(services, Services), "the worker runs with its Services in additional_context"
    return services


async def deliver(context: JobContext, delivery_pk: int) -> str:
    """Run the delivery `delivery_pk` if it is unfinished. Safe to run twice: the claim is a conditional UPDATE.

    A retried job (its worker died or stopped: procrastinate counts the attempt) takes the delivery over without
    waiting for the old lease; cancelled at shutdown, it hands the delivery back (pending, due now)."""
    services = services_of(context)
    attempts = context.job.attempts if context.job is not None else 0
    return await run_one(services, delivery_pk, steal=attempts > 0, defer_retry=_defer_retry(context))


async def run_one(services: Services, delivery_pk: int, *, steal: bool, defer_retry: Any = None) -> str:
    writer = services.db.writer
    lease = dt.timedelta(seconds=services.settings.delivery_lease_seconds)
    delivery = await writer.claim(delivery_pk, lease=lease, steal=steal)
    if delivery is None:
        row = await services.db.deliveries.get(delivery_pk)
        if row is None or row.status not in UNFINISHED:
            return "finished"  # done by an earlier job (a duplicate), or gone
        if row.status == PENDING:
            return "not due"  # due later: the job deferred for then (or the sweep) runs it
        raise Busy(f"delivery {delivery_pk} is held by another worker until {row.lease_until}")
    renewing = asyncio.get_running_loop().create_task(_renew(services, delivery_pk, lease))
    try:
        outcome = await run_handlers(services, delivery)
    except asyncio.CancelledError:  # shutdown past the grace: hand it back, due now, for the next worker
        with contextlib.suppress(Exception):
            await asyncio.shield(writer.retry_later(delivery_pk, utcnow(), "handed back at shutdown"))
        raise
    finally:
        renewing.cancel()
    await record_outcome(services, delivery_pk, outcome)
    if outcome.status == PENDING and defer_retry is not None:
        assert outcome.retry_at is not None
        await defer_retry(delivery, outcome.retry_at)
    return outcome.status


def _defer_retry(context: JobContext) -> Any:
    async def defer(delivery: ClaimedDelivery, when: dt.datetime) -> None:
        from bot.jobs.engine import delivery_job

        app = context.app
        assert app is not None
        job = delivery_job(app, delivery.id, repository_lock(delivery.provider, delivery.repository), at=when)
        try:
            await app.job_manager.defer_job_async(job)
        except Exception as exc:  # AlreadyEnqueued (one waits already) or storage: the sweep defers it when due
            log.info("retry of delivery %s not deferred now (%s): the sweep will", delivery.id, type(exc).__name__)

    return defer


async def _renew(services: Services, delivery_pk: int, lease: dt.timedelta) -> None:
    while True:
        await asyncio.sleep(lease.total_seconds() / 3)
        try:
            await services.db.deliveries.renew([delivery_pk], lease)
        except Exception:
            log.exception("lease renewal of delivery %s", delivery_pk)


async def sweep_orphans(context: JobContext, timestamp: int) -> int:
    """Defer a job for every unfinished delivery that has none (a crash between the record and the defer)."""
    from bot.jobs.engine import defer_deliveries

    services = services_of(context)
    now = utcnow()
    orphans = await services.db.jobs.orphans(now=now, settled=now - ORPHAN_AFTER)
    if not orphans:
        return 0
    app = context.app
    assert app is not None
    deferred = await defer_deliveries(app, [(pk, repository_lock(p, repo)) for pk, p, repo in orphans])
    log.warning("deferred %d recorded deliveries that had no job", deferred)
    return deferred


async def retry_stalled(context: JobContext, timestamp: int) -> int:
    """Jobs whose worker stopped sending heartbeats (killed, frozen): back to the queue, counted as an attempt."""
    app = context.app
    assert app is not None
    services = services_of(context)
    stalled = await app.job_manager.get_stalled_jobs(
        seconds_since_heartbeat=services.settings.worker_heartbeat_seconds * 3
    )
    count = 0
    for job in stalled:
        if context.job is not None and job.id == context.job.id:
            continue
        await app.job_manager.retry_job(job)
        count += 1
    if count:
        log.warning("retried %d jobs of stalled workers", count)
    return count


async def maintenance(context: JobContext, timestamp: int, name: str) -> Any:
    from bot.maintenance.schedule import WORK

    return await WORK[name].run(services_of(context))
