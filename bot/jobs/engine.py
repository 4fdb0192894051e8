"""The procrastinate app: its PostgreSQL connector (psycopg) and the tasks registered on it.

A delivery's job is `devflowfix.deliver(delivery_pk=…)` with a queueing lock per delivery (one job waits per
delivery, however many times it is deferred) and a lock per repository (one repository's deliveries run one at a
time, in order). A job that raises is retried with exponential backoff; the delivery's own retries (RetryLater)
are new jobs scheduled at the delivery's next attempt.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

import procrastinate
from procrastinate import exceptions as job_errors
from procrastinate.jobs import Job

from bot.jobs import tasks
from bot.maintenance.schedule import WORK
from storage.jobs import DELIVERY_QUEUEING_LOCK, DELIVERY_TASK
from storage.migrate import job_conninfo

log = logging.getLogger(__name__)

QUEUE = "deliveries"
JOB_RETRY = procrastinate.RetryStrategy(max_attempts=8, exponential_wait=2)  # 2, 4, 8 … 256 s between attempts


def build_app(
    database_url: str, *, pool_size: int = 4, periodic_work: bool = True, checks_seconds: int = 10
) -> procrastinate.App:
    """A fresh procrastinate app on DATABASE_URL's PostgreSQL with every task registered (not opened yet).

    The sweep and the stalled-job check run every `checks_seconds` (croniter's sixth field is the seconds); the
    maintenance of bot/maintenance at its own period unless `periodic_work` is off."""
    if not logging.getLogger().isEnabledFor(logging.DEBUG):  # a line per job start and end is DEBUG's business
        logging.getLogger("procrastinate").setLevel(logging.WARNING)
    connector = procrastinate.PsycopgConnector(
        conninfo=job_conninfo(database_url), min_size=1, max_size=max(pool_size, 2),
        kwargs={"application_name": "devflowfix-jobs"},
    )
    app = procrastinate.App(connector=connector)
    app.task(name=DELIVERY_TASK, queue=QUEUE, pass_context=True, retry=JOB_RETRY)(tasks.deliver)
    sweep = app.task(name="devflowfix.sweep_orphans", queue="maintenance", pass_context=True,
                     queueing_lock="devflowfix.sweep_orphans")(tasks.sweep_orphans)
    every = f"* * * * * */{checks_seconds}"
    app.periodic(cron=every, periodic_id="sweep")(sweep)
    stalled = app.task(name="devflowfix.retry_stalled", queue="maintenance", pass_context=True,
                       queueing_lock="devflowfix.retry_stalled")(tasks.retry_stalled)
    app.periodic(cron=every, periodic_id="stalled")(stalled)
    maintenance = app.task(name="devflowfix.maintenance", queue="maintenance", pass_context=True)(tasks.maintenance)
    for job in WORK.values() if periodic_work else ():
        app.periodic(cron=job.cron, periodic_id=job.name, task_kwargs={"name": job.name},
                     queueing_lock=f"devflowfix.maintenance.{job.name}")(maintenance)
    return app


def delivery_job(
    app: procrastinate.App, delivery_pk: int, lock: str | None, *, at: dt.datetime | None = None
) -> Job:
    """The job that runs one recorded delivery (not deferred yet). The delivery writer writes the same job in the
    statement that records a delivery (storage/deliveries.py, `defer_jobs_on_record`)."""
    task = app.tasks[DELIVERY_TASK]
    return task.configure(lock=lock, queueing_lock=f"{DELIVERY_QUEUEING_LOCK}{delivery_pk}", schedule_at=at,
                          task_kwargs={"delivery_pk": delivery_pk}).job


async def defer_deliveries(app: procrastinate.App, items: Sequence[tuple[int, str | None]]) -> int:
    """Defer a job for each (row id, repository lock); one already waiting for a delivery is left as it is.

    One INSERT for the batch; if one of them already has a job waiting (the queueing lock), one by one."""
    jobs = [delivery_job(app, pk, lock) for pk, lock in items]
    if not jobs:
        return 0
    try:
        await app.job_manager.batch_defer_jobs_async(jobs)
        return len(jobs)
    except job_errors.AlreadyEnqueued:
        pass
    deferred = 0
    for job in jobs:
        try:
            await app.job_manager.defer_job_async(job)
            deferred += 1
        except job_errors.AlreadyEnqueued:
            continue
    return deferred
