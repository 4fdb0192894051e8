"""People: who signed in (GitHub or GitLab account ids) and where each one stands in the token migration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import User, new_id
from storage.types import utcnow
from storage.upsert import upsert

MIGRATION_STATUSES = ("pending", "migrated", "failed", "rolled_back")


class UserStore:
    """Queries on `users`."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def get(self, user_id: str) -> User | None:
        async with self._sessions() as session:
            return await session.get(User, user_id)

    async def by_github_id(self, github_user_id: int) -> User | None:
        async with self._sessions() as session:
            result = await session.execute(select(User).where(User.github_user_id == github_user_id))
            return result.scalar_one_or_none()

    async def by_gitlab_id(self, gitlab_user_id: int) -> User | None:
        async with self._sessions() as session:
            result = await session.execute(select(User).where(User.gitlab_user_id == gitlab_user_id))
            return result.scalar_one_or_none()

    async def find(self, ref: str) -> User | None:
        """A user by id, or by GitHub login (case-insensitive), for the command line."""
        async with self._sessions() as session:
            found = await session.get(User, ref)
            if found is not None:
                return found
            result = await session.execute(
                select(User).where(func.lower(User.github_login) == ref.lower()).limit(1)
            )
            return result.scalar_one_or_none()

    async def upsert_github(
        self, github_user_id: int, login: str, *, name: str | None = None, email: str | None = None
    ) -> User:
        """The user with this GitHub account id, created on first sight (race-safe), login kept current."""
        now = utcnow()
        values = {
            "id": new_id(), "github_user_id": github_user_id, "github_login": login, "name": name, "email": email,
            "token_migration_status": "pending", "created_at": now, "updated_at": now,
        }
        async with self._sessions.begin() as session:
            await upsert(
                session, User, values, conflict=["github_user_id"], update=["github_login", "updated_at"]
            )
        user = await self.by_github_id(github_user_id)
        assert user is not None
        return user

    async def attach_github(self, user_id: str, github_user_id: int, login: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(User).where(User.id == user_id).values(github_user_id=github_user_id, github_login=login)
            )

    async def attach_gitlab(self, user_id: str, gitlab_user_id: int, username: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(User).where(User.id == user_id).values(gitlab_user_id=gitlab_user_id, gitlab_username=username)
            )

    async def create_gitlab(self, gitlab_user_id: int, username: str, *, name: str | None = None) -> User:
        now = utcnow()
        values = {
            "id": new_id(), "gitlab_user_id": gitlab_user_id, "gitlab_username": username, "name": name,
            "token_migration_status": "pending", "created_at": now, "updated_at": now,
        }
        async with self._sessions.begin() as session:
            await upsert(
                session, User, values, conflict=["gitlab_user_id"], update=["gitlab_username", "updated_at"]
            )
        user = await self.by_gitlab_id(gitlab_user_id)
        assert user is not None
        return user

    async def set_migration(
        self, user_id: str, status: str, *, error: str | None = None, migrated_at: dt.datetime | None = None
    ) -> None:
        if status not in MIGRATION_STATUSES:
            raise ValueError(f"unknown migration status {status!r}")
        async with self._sessions.begin() as session:
            await session.execute(
                update(User)
                .where(User.id == user_id)
                .values(token_migration_status=status, token_migration_error=error, token_migrated_at=migrated_at)
            )

    async def for_migration(self, statuses: Sequence[str], limit: int, after: str | None = None) -> list[User]:
        """Up to `limit` users in `statuses`, least recently updated first (so a batch moves on)."""
        async with self._sessions() as session:
            query = select(User).where(User.token_migration_status.in_(list(statuses)))
            if after is not None:
                query = query.where(User.id > after)
            result = await session.execute(query.order_by(User.updated_at, User.id).limit(limit))
            return list(result.scalars())

    async def migration_counts(self) -> dict[str, int]:
        async with self._sessions() as session:
            result = await session.execute(
                select(User.token_migration_status, func.count()).group_by(User.token_migration_status)
            )
            counts = {status: 0 for status in MIGRATION_STATUSES}
            counts.update({str(status): int(n) for status, n in result.all()})
            return counts
