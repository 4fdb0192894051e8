"""The audit trail: who changed what (from the console or the API) and when, one row per change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import AuditEvent
from storage.types import utcnow


class AuditStore:
    """Appends to and reads `audit_events`."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def record(
        self, *, user_id: str | None, action: str, target_kind: str, target_id: str,
        details: Mapping[str, Any] | None = None, via: str = "api",
    ) -> AuditEvent:
        event = AuditEvent(user_id=user_id, action=action[:64], target_kind=target_kind[:32],
                           target_id=str(target_id)[:100], details=dict(details or {}), via=via[:16],
                           created_at=utcnow())
        async with self._sessions.begin() as session:
            session.add(event)
        return event

    async def for_target(self, target_kind: str, target_id: str, limit: int = 50) -> list[AuditEvent]:
        """The newest changes to one thing first."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(AuditEvent).where(AuditEvent.target_kind == target_kind, AuditEvent.target_id == target_id)
                .order_by(AuditEvent.id.desc()).limit(limit)
            )
            return list(rows.scalars())

    async def by_user(self, user_id: str, limit: int = 50) -> list[AuditEvent]:
        async with self._sessions() as session:
            rows = await session.execute(
                select(AuditEvent).where(AuditEvent.user_id == user_id).order_by(AuditEvent.id.desc()).limit(limit)
            )
            return list(rows.scalars())
