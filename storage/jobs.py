"""The job engine's side of the delivery log (PostgreSQL, external mode): which recorded deliveries have no job.

procrastinate owns its tables (`procrastinate_jobs`, ...); this reads them to find what a crash between recording a
delivery and deferring its job left behind, and counts what waits (for the sweep, the tests and the benchmark).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

DELIVERY_TASK = "devflowfix.deliver"  # the name bot/jobs registers the delivery task under
DELIVERY_QUEUEING_LOCK = "delivery:"  # + the row id: one job waits per delivery, however often it is deferred

# Unfinished deliveries (pending and due, or running with a lease that ran out) recorded before `settled`, for
# which no job waits or runs. A delivery's job carries its row id as `delivery_pk` in its arguments.
_ORPHANS = text(
    """
    SELECT d.id, d.provider, d.repository FROM webhook_deliveries d
    WHERE d.received_at < :settled
      AND ((d.status = 'pending' AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= :now))
           OR (d.status = 'running' AND (d.lease_until IS NULL OR d.lease_until < :now)))
      AND NOT EXISTS (
        SELECT 1 FROM procrastinate_jobs j
        WHERE j.task_name = :task AND j.status IN ('todo', 'doing')
          AND j.args ->> 'delivery_pk' = d.id::text)
    ORDER BY d.id
    LIMIT :limit
    """
)

_COUNTS = text("SELECT status::text, count(*) FROM procrastinate_jobs WHERE task_name = :task GROUP BY status")


class JobLinks:
    """Queries across the delivery log and procrastinate's job table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def orphans(
        self, *, now: dt.datetime, settled: dt.datetime, limit: int = 500
    ) -> list[tuple[int, str, str | None]]:
        """(row id, provider, repository) of the unfinished deliveries that no job points at."""
        async with self._engine.connect() as conn:
            result = await conn.execute(
                _ORPHANS, {"now": now, "settled": settled, "task": DELIVERY_TASK, "limit": limit}
            )
            return [(int(r[0]), str(r[1]), r[2]) for r in result.all()]

    async def counts(self) -> dict[str, int]:
        """Delivery jobs by status (todo, doing, succeeded, failed, aborted...)."""
        async with self._engine.connect() as conn:
            result = await conn.execute(_COUNTS, {"task": DELIVERY_TASK})
            return {str(r[0]): int(r[1]) for r in result.all()}
