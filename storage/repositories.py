"""Watched repositories as the web API sees them: look-ups by GitHub id, per-repository settings, the
per-repository figures of a list page (open incidents, last event) in one query each, GitLab projects
connected by a person's OAuth token (their webhook id and encrypted secret), and GitHub repositories connected
without the App (a repository webhook installed with a person's legacy OAuth token or PAT).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Incident, RepositoryConnection, WebhookDelivery, new_id
from storage.types import utcnow
from storage.upsert import upsert

SETTINGS = ("is_enabled", "auto_pr_enabled", "allow_workflow_edits")
OPEN_INCIDENT_STATES = ("analyzing", "open", "rerun")
CHUNK = 500  # ids per IN (...) list: far below SQLite's and asyncpg's bound-parameter limits


def _chunks(values: list[str], size: int = CHUNK) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


class RepositoryStore:
    """Queries on `repository_connections` for the repositories API."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def get(self, connection_id: str) -> RepositoryConnection | None:
        async with self._sessions() as session:
            return await session.get(RepositoryConnection, connection_id)

    async def watched(self, repository_ids: Collection[str], provider: str = "github") -> list[RepositoryConnection]:
        """The connected (not removed) repositories among these provider repository ids, by full name."""
        rows: list[RepositoryConnection] = []
        async with self._sessions() as session:
            for chunk in _chunks(sorted(set(repository_ids))):
                result = await session.execute(
                    select(RepositoryConnection).where(
                        RepositoryConnection.provider == provider,
                        RepositoryConnection.repository_id.in_(chunk),
                        RepositoryConnection.removed_at.is_(None),
                    )
                )
                rows.extend(result.scalars())
        return sorted(rows, key=lambda r: (r.full_name.lower(), r.id))

    async def connected_by(self, user_id: str, provider: str = "gitlab") -> list[RepositoryConnection]:
        """The repositories (GitLab projects) a person connected with their own token, by full name."""
        async with self._sessions() as session:
            result = await session.execute(
                select(RepositoryConnection).where(
                    RepositoryConnection.provider == provider, RepositoryConnection.user_id == user_id,
                    RepositoryConnection.removed_at.is_(None),
                )
            )
            return sorted(result.scalars(), key=lambda r: (r.full_name.lower(), r.id))

    async def by_provider_id(self, provider: str, repository_id: str) -> RepositoryConnection | None:
        """The row of a provider's repository (or GitLab project) id, removed or not."""
        async with self._sessions() as session:
            result = await session.execute(
                select(RepositoryConnection).where(
                    RepositoryConnection.provider == provider, RepositoryConnection.repository_id == repository_id
                )
            )
            return result.scalar_one_or_none()

    async def connect_gitlab(
        self, *, project_id: str, full_name: str, user_id: str, oauth_connection_id: str, webhook_id: str,
        webhook_secret_enc: bytes, is_private: bool | None, default_branch: str | None,
    ) -> RepositoryConnection:
        """Insert or revive the row of a GitLab project connected by a person (one row per project)."""
        now = utcnow()
        values = {
            "id": new_id(), "provider": "gitlab", "repository_id": project_id, "full_name": full_name,
            "user_id": user_id, "oauth_connection_id": oauth_connection_id, "webhook_id": webhook_id,
            "webhook_secret_enc": webhook_secret_enc, "is_private": is_private, "default_branch": default_branch,
            "removed_at": None, "created_at": now, "updated_at": now,
        }
        changed = ("full_name", "user_id", "oauth_connection_id", "webhook_id", "webhook_secret_enc", "is_private",
                   "default_branch", "removed_at", "updated_at")
        async with self._sessions.begin() as session:
            await upsert(session, RepositoryConnection, values, conflict=("provider", "repository_id"),
                         update=changed)
        row = await self.by_provider_id("gitlab", project_id)
        assert row is not None
        return row

    async def remove_gitlab(self, connection_id: str) -> None:
        """A disconnected GitLab project: removed, its hook id and secret forgotten."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(RepositoryConnection)
                .where(RepositoryConnection.id == connection_id)
                .values(removed_at=utcnow(), webhook_id=None, webhook_secret_enc=None, updated_at=utcnow())
            )

    async def connect_github_hook(
        self, *, repository_id: str, full_name: str, user_id: str, oauth_connection_id: str, webhook_id: str,
        webhook_secret_enc: bytes, is_private: bool | None, default_branch: str | None,
    ) -> RepositoryConnection:
        """Insert or revive the row of a GitHub repository watched through a repository webhook (no App)."""
        now = utcnow()
        values = {
            "id": new_id(), "provider": "github", "repository_id": repository_id, "full_name": full_name,
            "installation_id": None, "user_id": user_id, "oauth_connection_id": oauth_connection_id,
            "webhook_id": webhook_id, "webhook_secret_enc": webhook_secret_enc, "is_private": is_private,
            "default_branch": default_branch, "removed_at": None, "is_enabled": True, "created_at": now,
            "updated_at": now,
        }
        changed = ("full_name", "installation_id", "user_id", "oauth_connection_id", "webhook_id",
                   "webhook_secret_enc", "is_private", "default_branch", "removed_at", "is_enabled", "updated_at")
        async with self._sessions.begin() as session:
            await upsert(session, RepositoryConnection, values, conflict=("provider", "repository_id"),
                         update=changed)
        row = await self.by_provider_id("github", repository_id)
        assert row is not None
        return row

    async def by_webhook_id(self, provider: str, webhook_id: str) -> RepositoryConnection | None:
        """The connected repository whose own webhook has this id (none for App installations)."""
        async with self._sessions() as session:
            result = await session.execute(
                select(RepositoryConnection).where(
                    RepositoryConnection.provider == provider, RepositoryConnection.webhook_id == webhook_id,
                    RepositoryConnection.removed_at.is_(None),
                ).limit(1)
            )
            return result.scalar_one_or_none()

    async def hooked(self, provider: str, full_name: str) -> RepositoryConnection | None:
        """The repository of this name watched through its own webhook (not through an App installation)."""
        async with self._sessions() as session:
            result = await session.execute(
                select(RepositoryConnection).where(
                    RepositoryConnection.provider == provider, RepositoryConnection.full_name == full_name,
                    RepositoryConnection.removed_at.is_(None), RepositoryConnection.installation_id.is_(None),
                    RepositoryConnection.webhook_id.is_not(None),
                ).limit(1)
            )
            return result.scalar_one_or_none()

    async def with_own_hooks(self, provider: str | None = None) -> list[RepositoryConnection]:
        """Every connected repository watched through its own webhook (a GitHub repository hook in OAuth mode, a
        GitLab project hook), by full name."""
        async with self._sessions() as session:
            result = await session.execute(
                select(RepositoryConnection).where(
                    RepositoryConnection.provider == provider if provider else RepositoryConnection.id.is_not(None),
                    RepositoryConnection.removed_at.is_(None), RepositoryConnection.installation_id.is_(None),
                    RepositoryConnection.webhook_id.is_not(None),
                ).order_by(RepositoryConnection.full_name, RepositoryConnection.id)
            )
            return list(result.scalars())

    async def set_hook_health(self, connection_id: str, health: str) -> None:
        """What the health check found about the repository's own webhook (`ok`, or what is wrong)."""
        async with self._sessions.begin() as session:
            now = utcnow()
            await session.execute(
                update(RepositoryConnection).where(RepositoryConnection.id == connection_id)
                .values(hook_health=health[:255], hook_checked_at=now)
            )

    async def remove_hook(self, connection_id: str) -> None:
        """A repository connected by its own webhook, disconnected: removed, its hook id and secret forgotten."""
        await self.remove_gitlab(connection_id)

    async def set_enabled(self, connection_id: str, enabled: bool) -> RepositoryConnection | None:
        """Monitoring on or off (an App-installed repository's connect and disconnect)."""
        return await self.update_settings(connection_id, {"is_enabled": enabled})

    async def update_settings(self, connection_id: str, values: Mapping[str, bool]) -> RepositoryConnection | None:
        """Set some of `SETTINGS` on one repository; the row as it is afterwards (None if it is gone)."""
        changes = {k: bool(v) for k, v in values.items() if k in SETTINGS}
        async with self._sessions.begin() as session:
            if changes:
                await session.execute(
                    update(RepositoryConnection)
                    .where(RepositoryConnection.id == connection_id)
                    .values(**changes, updated_at=utcnow())
                )
        return await self.get(connection_id)

    async def open_incidents(self, full_names: Collection[str], provider: str = "github") -> dict[str, int]:
        """Open (or being analyzed / re-run) incidents per repository full name."""
        names = sorted(set(full_names))
        counts: dict[str, int] = {}
        async with self._sessions() as session:
            for chunk in _chunks(names):
                result = await session.execute(
                    select(Incident.repository_full_name, func.count())
                    .where(Incident.provider == provider, Incident.repository_full_name.in_(chunk),
                           Incident.status.in_(OPEN_INCIDENT_STATES))
                    .group_by(Incident.repository_full_name)
                )
                counts.update({name: int(n) for name, n in result.all()})
        return counts

    async def last_events(self, full_names: Collection[str], provider: str = "github") -> dict[str, dt.datetime]:
        """When each repository's last webhook delivery was received."""
        names = sorted(set(full_names))
        last: dict[str, dt.datetime] = {}
        async with self._sessions() as session:
            for chunk in _chunks(names):
                result = await session.execute(
                    select(WebhookDelivery.repository, func.max(WebhookDelivery.id))
                    .where(WebhookDelivery.provider == provider, WebhookDelivery.repository.in_(chunk))
                    .group_by(WebhookDelivery.repository)
                )
                newest = [pk for _, pk in result.all()]
                if not newest:
                    continue
                times = await session.execute(
                    select(WebhookDelivery.repository, WebhookDelivery.received_at).where(
                        WebhookDelivery.id.in_(newest)
                    )
                )
                last.update({name: received for name, received in times.all() if name is not None})
        return last
