"""A failed job's log analyzed against its green twin's: the same steps for every forge.

Download the failed log, then (best effort) the twin's as the baseline, run the analyzer in a thread, and close
the spooled files whatever happens.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.analysis import Analysis, analyze
from bot.forges.github_actions import JobLog

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AnalyzedLog:
    analysis: Analysis
    truncated: bool  # the log was longer than the cap: its middle was skipped
    baseline_used: bool


async def analyze_job_log(
    download: Callable[[int], Awaitable[JobLog | None]],
    job_id: int,
    twin_id: int | None,
    *,
    baseline_errors: tuple[type[BaseException], ...],
) -> AnalyzedLog:
    """Analyze job `job_id`'s log with job `twin_id`'s (the same job in the last green run) as the baseline.

    A baseline that can't be had (`baseline_errors`: rate limit, a refusal) only makes the analysis less sharp;
    it is logged and skipped. A failed log that is gone (None) is analyzed as empty.
    """
    job_log = await download(job_id)
    base_log: JobLog | None = None
    if job_log is not None and twin_id is not None:
        try:  # the baseline only sharpens the analysis: its loss is no reason to wait
            base_log = await download(twin_id)
        except baseline_errors as exc:
            log.info("baseline log of job %s not used: %s", twin_id, exc)
    try:
        analysis = await asyncio.to_thread(
            analyze, job_log.file if job_log else b"", baseline=base_log.file if base_log else None
        )
    finally:
        for item in (job_log, base_log):
            if item is not None:
                item.close()
    return AnalyzedLog(analysis, bool(job_log and job_log.truncated), base_log is not None)
