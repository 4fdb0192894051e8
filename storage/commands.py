"""The comments that commanded the bot: claimed once per comment (whatever the deliveries), with the results of
the commands done so far, so a delivery run again resumes instead of re-running jobs or replying twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import CommandComment, table_of
from storage.types import utcnow
from storage.upsert import dialect_name

RUNNING = "running"
DONE = "done"


class CommandStore:
    """Queries for `command_comments`."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def claim(
        self, repository: str, comment_id: int, owner: str, *, pr_number: int, author: str | None,
        commands: list[str], seconds: int = 900, provider: str = "github",
    ) -> CommandComment | None:
        """The comment's row if this delivery may work on it now: not done, and nobody else holds it (or their
        hold expired). None when it was handled already or another delivery is handling it.
        """
        now = utcnow()
        async with self._sessions.begin() as session:
            insert = sqlite_insert if dialect_name(session) == "sqlite" else pg_insert
            stmt = insert(table_of(CommandComment)).values(
                provider=provider, repository_full_name=repository, comment_id=comment_id, pr_number=pr_number,
                author=author, commands=commands, status=RUNNING, results={}, created_at=now, updated_at=now,
            )
            await session.execute(
                stmt.on_conflict_do_nothing(index_elements=["provider", "repository_full_name", "comment_id"])
            )
            where = (
                CommandComment.provider == provider, CommandComment.repository_full_name == repository,
                CommandComment.comment_id == comment_id,
            )
            result = await session.execute(
                update(CommandComment)
                .where(*where, CommandComment.status != DONE,
                       or_(CommandComment.claimed_by.is_(None), CommandComment.claimed_by == owner,
                           CommandComment.lease_until.is_(None), CommandComment.lease_until < now))
                .values(claimed_by=owner, lease_until=now + dt.timedelta(seconds=seconds), updated_at=now)
            )
            if int(getattr(result, "rowcount", 0) or 0) != 1:
                return None
            return (await session.execute(select(CommandComment).where(*where))).scalar_one()

    async def record(self, row_id: int, owner: str, name: str, result: str) -> None:
        """One command of the comment is done: remember its answer (a rerun of the delivery skips it)."""
        async with self._sessions.begin() as session:
            row = await session.get(CommandComment, row_id, with_for_update=True)
            if row is None or row.claimed_by != owner:
                return
            row.results = {**(row.results or {}), name: result}

    async def finish(self, row_id: int, owner: str, values: Mapping[str, Any] | None = None) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(CommandComment)
                .where(CommandComment.id == row_id, CommandComment.claimed_by == owner)
                .values(status=DONE, lease_until=None, updated_at=utcnow(), **dict(values or {}))
            )

    async def set_reply(self, row_id: int, reply_comment_id: int) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(CommandComment).where(CommandComment.id == row_id)
                .values(reply_comment_id=reply_comment_id, updated_at=utcnow())
            )

    async def get(self, repository: str, comment_id: int, provider: str = "github") -> CommandComment | None:
        async with self._sessions() as session:
            result = await session.execute(
                select(CommandComment).where(
                    CommandComment.provider == provider, CommandComment.repository_full_name == repository,
                    CommandComment.comment_id == comment_id,
                )
            )
            return result.scalar_one_or_none()
