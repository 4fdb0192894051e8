"""Installations of the GitHub App and the repositories they give us, kept in step with the webhooks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Installation, RepositoryConnection, new_id
from storage.types import utcnow
from storage.upsert import upsert


class InstallationStore:
    """Upserts and state changes for installations and their repository connections."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def upsert(self, data: Mapping[str, Any]) -> None:
        """Create or refresh an installation from the webhook's `installation` object (race-safe)."""
        account = data.get("account") or {}
        now = utcnow()
        values = {
            "id": int(data["id"]),
            "account_login": str(account.get("login") or ""),
            "account_id": account.get("id"),
            "account_type": account.get("type"),
            "repository_selection": data.get("repository_selection"),
            "permissions": dict(data.get("permissions") or {}),
            "events": list(data.get("events") or []),
            "suspended_at": _parse_time(data.get("suspended_at")),
            "deleted_at": None,
            "created_at": now,
            "updated_at": now,
        }
        async with self._sessions.begin() as session:
            await upsert(
                session, Installation, values, conflict=["id"],
                update=[k for k in values if k not in ("id", "created_at")],
            )

    async def get(self, installation_id: int) -> Installation | None:
        async with self._sessions() as session:
            return await session.get(Installation, installation_id)

    async def set_suspended(self, installation_id: int, suspended: bool) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(Installation)
                .where(Installation.id == installation_id)
                .values(suspended_at=utcnow() if suspended else None)
            )

    async def delete(self, installation_id: int) -> None:
        """Mark the installation deleted and stop watching its repositories (history is kept)."""
        now = utcnow()
        async with self._sessions.begin() as session:
            await session.execute(
                update(Installation).where(Installation.id == installation_id).values(deleted_at=now)
            )
            await session.execute(
                update(RepositoryConnection)
                .where(RepositoryConnection.installation_id == installation_id)
                .values(removed_at=now)
            )

    async def add_repositories(self, installation_id: int, repos: Iterable[Mapping[str, Any]]) -> int:
        """Connect each repository to the installation (re-adding one keeps its per-repository settings)."""
        count = 0
        now = utcnow()
        async with self._sessions.begin() as session:
            for repo in repos:
                values: dict[str, Any] = {
                    "id": new_id(),
                    "provider": "github",
                    "repository_id": str(repo["id"]),
                    "full_name": str(repo.get("full_name") or repo.get("name") or repo["id"]),
                    "installation_id": installation_id,
                    "removed_at": None,
                    "created_at": now,
                    "updated_at": now,
                    "is_enabled": True,
                    "auto_pr_enabled": True,
                    "allow_workflow_edits": False,
                }
                update = ["full_name", "installation_id", "removed_at", "updated_at"]
                if "private" in repo:
                    values["is_private"] = bool(repo["private"])
                    update.append("is_private")
                await upsert(
                    session, RepositoryConnection, values,
                    conflict=["provider", "repository_id"], update=update,
                )
                count += 1
        return count

    async def remove_repositories(self, installation_id: int, repos: Iterable[Mapping[str, Any]]) -> int:
        ids = [str(r["id"]) for r in repos]
        if not ids:
            return 0
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(RepositoryConnection)
                .where(
                    RepositoryConnection.provider == "github",
                    RepositoryConnection.installation_id == installation_id,
                    RepositoryConnection.repository_id.in_(ids),
                )
                .values(removed_at=utcnow())
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def repositories(self, installation_id: int, *, active_only: bool = True) -> list[RepositoryConnection]:
        async with self._sessions() as session:
            query = select(RepositoryConnection).where(RepositoryConnection.installation_id == installation_id)
            if active_only:
                query = query.where(RepositoryConnection.removed_at.is_(None))
            return list((await session.execute(query.order_by(RepositoryConnection.full_name))).scalars())

    async def repository(self, full_name: str, provider: str = "github") -> RepositoryConnection | None:
        async with self._sessions() as session:
            result = await session.execute(
                select(RepositoryConnection)
                .where(RepositoryConnection.provider == provider, RepositoryConnection.full_name == full_name)
                .order_by(RepositoryConnection.removed_at.is_not(None))
                .limit(1)
            )
            return result.scalar_one_or_none()


def _parse_time(value: object) -> dt.datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
