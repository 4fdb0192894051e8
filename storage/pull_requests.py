"""Per pull request state people set with commands: ignored (`ignore`) or not (`resume`)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import PullRequestState
from storage.types import utcnow
from storage.upsert import upsert


class PullRequestStore:
    """Queries for `pull_request_states`."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def set_ignored(self, repository: str, pr_number: int, ignored: bool, *, by: str | None,
                          provider: str = "github") -> None:
        now = utcnow()
        async with self._sessions.begin() as session:
            await upsert(
                session, PullRequestState,
                {"provider": provider, "repository_full_name": repository, "pr_number": int(pr_number),
                 "ignored": ignored, "changed_by": by, "created_at": now, "updated_at": now},
                conflict=("provider", "repository_full_name", "pr_number"),
                update=("ignored", "changed_by", "updated_at"),
            )

    async def get(self, repository: str, pr_number: int, provider: str = "github") -> PullRequestState | None:
        async with self._sessions() as session:
            result = await session.execute(select(PullRequestState).where(
                PullRequestState.provider == provider, PullRequestState.repository_full_name == repository,
                PullRequestState.pr_number == int(pr_number)))
            return result.scalar_one_or_none()

    async def ignored_among(self, repository: str, numbers: Collection[int], provider: str = "github") -> set[int]:
        """Which of these pull requests people told the bot to ignore."""
        if not numbers:
            return set()
        async with self._sessions() as session:
            result = await session.execute(select(PullRequestState.pr_number).where(
                PullRequestState.provider == provider, PullRequestState.repository_full_name == repository,
                PullRequestState.pr_number.in_(sorted({int(n) for n in numbers})),
                PullRequestState.ignored.is_(True)))
            return {int(n) for n in result.scalars()}
