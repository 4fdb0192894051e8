"""A repository's figures for the console and `/api/v1/repositories/{id}/statistics`: incidents by category,
time to fix, what became of the fix pull requests, and its workflow runs (one query each)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Incident, WorkflowRun

FIXED_STATES = ("resolved", "fixed")
TIME_TO_FIX_SAMPLE = 1000  # the newest fixed incidents the figures are computed from


@dataclass
class RepositoryStatistics:
    incidents_total: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    fix_prs: dict[str, int] = field(default_factory=dict)  # fix_state -> count (open, fixed, failed, merged, closed)
    fixed_count: int = 0
    time_to_fix_median_seconds: float | None = None
    time_to_fix_mean_seconds: float | None = None


class StatisticsStore:
    """Read-only aggregates over `incidents` and `workflow_runs` for one repository."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def for_repository(self, repository: str, provider: str = "github") -> RepositoryStatistics:
        where = (Incident.provider == provider, Incident.repository_full_name == repository)
        found = RepositoryStatistics()
        async with self._sessions() as session:
            rows = await session.execute(
                select(Incident.category, func.count()).where(*where).group_by(Incident.category)
            )
            found.by_category = {str(c or "unknown"): int(n) for c, n in rows.all()}
            rows = await session.execute(select(Incident.status, func.count()).where(*where).group_by(Incident.status))
            found.by_status = {str(s): int(n) for s, n in rows.all()}
            rows = await session.execute(
                select(Incident.fix_state, func.count())
                .where(*where, Incident.fix_pr_number.is_not(None)).group_by(Incident.fix_state)
            )
            found.fix_prs = {str(s or "unknown"): int(n) for s, n in rows.all()}
            rows = await session.execute(
                select(Incident.created_at, Incident.updated_at)
                .where(*where, Incident.status.in_(FIXED_STATES))
                .order_by(Incident.updated_at.desc()).limit(TIME_TO_FIX_SAMPLE)
            )
            spans: list[tuple[Any, Any]] = [(r[0], r[1]) for r in rows.all()]
        durations = [max((u - c).total_seconds(), 0.0) for c, u in spans if c is not None and u is not None]
        found.incidents_total = sum(found.by_status.values())
        found.fixed_count = sum(found.by_status.get(s, 0) for s in FIXED_STATES)
        if durations:
            found.time_to_fix_median_seconds = float(statistics.median(durations))
            found.time_to_fix_mean_seconds = float(statistics.fmean(durations))
        return found

    async def workflow_runs(
        self, repository: str, *, offset: int = 0, limit: int = 30, provider: str = "github"
    ) -> tuple[int, list[WorkflowRun]]:
        """(how many, one page newest first) of the runs the bot looked at."""
        where = (WorkflowRun.provider == provider, WorkflowRun.repository_full_name == repository)
        async with self._sessions() as session:
            total = (await session.execute(select(func.count()).select_from(WorkflowRun).where(*where))).scalar()
            rows = await session.execute(
                select(WorkflowRun).where(*where).order_by(WorkflowRun.created_at.desc(), WorkflowRun.id)
                .offset(offset).limit(limit)
            )
            return int(total or 0), list(rows.scalars())


def seconds_text(value: float | None) -> str:
    """A duration as a person reads it: 45 s, 12 min, 3.5 h, 2.0 d."""
    if value is None:
        return "—"
    if value < 120:
        return f"{value:.0f} s"
    if value < 7200:
        return f"{value / 60:.0f} min"
    if value < 172800:
        return f"{value / 3600:.1f} h"
    return f"{value / 86400:.1f} d"
