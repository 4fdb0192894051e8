"""What the sharper verdicts remember: failures that passed on a re-run of the same commit (per test id or job
name), the one issue per failure signature on the default branch, and which broken configuration files were
reported already (once per repository and blob sha, across processes). Every claim is one INSERT .. ON CONFLICT
DO NOTHING or a conditional UPDATE, so concurrent deliveries act once."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ConfigReport, DefaultBranchIssue, FlakyFailure
from storage.types import utcnow
from storage.upsert import insert_new


class VerdictStore:
    """Queries for `flaky_failures`, `default_branch_issues` and `config_reports`."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    # ---- flaky memory
    async def _count(self, provider: str, repository: str, keys: Sequence[str], column: str,
                     signature: str | None) -> None:
        now = utcnow()
        async with self._sessions.begin() as session:
            for key in dict.fromkeys(keys):
                await insert_new(session, FlakyFailure, {
                    "provider": provider, "repository_full_name": repository, "key": key, "failures": 0,
                    "flakes": 0, "signature": signature, "created_at": now, "updated_at": now,
                }, conflict=("provider", "repository_full_name", "key"))
                col = getattr(FlakyFailure, column)
                await session.execute(
                    update(FlakyFailure).where(FlakyFailure.provider == provider,
                                               FlakyFailure.repository_full_name == repository,
                                               FlakyFailure.key == key)
                    .values({column: col + 1, "updated_at": now})
                )

    async def count_failure(self, provider: str, repository: str, keys: Sequence[str], signature: str | None) -> None:
        """One more failure of each key (a test id or a job name)."""
        await self._count(provider, repository, keys, "failures", signature)

    async def count_flake(self, provider: str, repository: str, keys: Sequence[str], signature: str | None) -> None:
        """Each key's failure passed when the same commit was re-run."""
        await self._count(provider, repository, keys, "flakes", signature)

    async def flaky(self, provider: str, repository: str, keys: Sequence[str]) -> list[FlakyFailure]:
        """The keys among `keys` that passed on a re-run before (most flakes first)."""
        return await self._remembered(provider, repository, keys, flaky_only=True)

    async def memory(self, provider: str, repository: str, keys: Sequence[str]) -> list[FlakyFailure]:
        """Every remembered key among `keys` (for the incident page's flake rate)."""
        return await self._remembered(provider, repository, keys, flaky_only=False)

    async def _remembered(self, provider: str, repository: str, keys: Sequence[str], *,
                          flaky_only: bool) -> list[FlakyFailure]:
        if not keys:
            return []
        query = select(FlakyFailure).where(FlakyFailure.provider == provider,
                                           FlakyFailure.repository_full_name == repository,
                                           FlakyFailure.key.in_(sorted(set(keys))))
        if flaky_only:
            query = query.where(FlakyFailure.flakes > 0).order_by(FlakyFailure.flakes.desc(), FlakyFailure.key)
        else:
            query = query.order_by(FlakyFailure.key)
        async with self._sessions() as session:
            return list((await session.execute(query)).scalars())

    # ---- default-branch issues
    async def claim_issue(self, provider: str, repository: str, workflow: str, signature: str, owner: str,
                          incident_id: str) -> tuple[DefaultBranchIssue, bool]:
        """(the signature's issue row, whether this delivery is to create the issue). A closed issue's row is
        claimed again (a new failure after it was resolved opens a new issue)."""
        now = utcnow()
        where = (DefaultBranchIssue.provider == provider, DefaultBranchIssue.repository_full_name == repository,
                 DefaultBranchIssue.workflow_name == workflow, DefaultBranchIssue.signature == signature)
        async with self._sessions.begin() as session:
            created = await insert_new(session, DefaultBranchIssue, {
                "provider": provider, "repository_full_name": repository, "workflow_name": workflow,
                "signature": signature, "state": "creating", "claimed_by": owner, "incident_id": incident_id,
                "created_at": now, "updated_at": now,
            }, conflict=("provider", "repository_full_name", "workflow_name", "signature"))
            if not created:
                result = await session.execute(
                    update(DefaultBranchIssue).where(*where, DefaultBranchIssue.state == "closed")
                    .values(state="creating", claimed_by=owner, number=None, url=None, incident_id=incident_id,
                            updated_at=now)
                    .execution_options(synchronize_session=False)
                )
                created = int(getattr(result, "rowcount", 0) or 0) == 1
            row = (await session.execute(select(DefaultBranchIssue).where(*where))).scalar_one()
            mine = row.state == "creating" and row.claimed_by == owner
            return row, created or mine

    async def issue_opened(self, row_id: int, *, number: int, url: str | None) -> None:
        async with self._sessions.begin() as session:
            await session.execute(update(DefaultBranchIssue).where(DefaultBranchIssue.id == row_id)
                                  .values(state="open", number=number, url=url, updated_at=utcnow()))

    async def release_issue(self, row_id: int, owner: str) -> None:
        """Creating failed: the next delivery may try (it looks the issue up by its marker first)."""
        async with self._sessions.begin() as session:
            await session.execute(update(DefaultBranchIssue).where(
                DefaultBranchIssue.id == row_id, DefaultBranchIssue.state == "creating",
                DefaultBranchIssue.claimed_by == owner).values(claimed_by=None))

    async def open_issues(self, provider: str, repository: str, workflow: str) -> list[DefaultBranchIssue]:
        async with self._sessions() as session:
            rows = await session.execute(select(DefaultBranchIssue).where(
                DefaultBranchIssue.provider == provider, DefaultBranchIssue.repository_full_name == repository,
                DefaultBranchIssue.workflow_name == workflow, DefaultBranchIssue.state == "open"))
            return list(rows.scalars())

    async def close_issue(self, row_id: int) -> bool:
        """Mark the issue closed; True for the one delivery that did (it closes it at the forge)."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(DefaultBranchIssue).where(DefaultBranchIssue.id == row_id, DefaultBranchIssue.state == "open")
                .values(state="closed", updated_at=utcnow()).execution_options(synchronize_session=False)
            )
            return int(getattr(result, "rowcount", 0) or 0) == 1

    # ---- broken configuration files
    async def first_config_report(self, provider: str, repository: str, blob: str) -> bool:
        """True for the first process to report this file's blob; every other one stays quiet."""
        async with self._sessions.begin() as session:
            return await insert_new(session, ConfigReport, {
                "provider": provider, "repository_full_name": repository, "blob": blob[:128],
                "created_at": utcnow(),
            }, conflict=("provider", "repository_full_name", "blob"))

    async def forget_config_report(self, provider: str, repository: str, blob: str) -> None:
        """The report could not be written: a later event may try again."""
        async with self._sessions.begin() as session:
            await session.execute(delete(ConfigReport).where(
                ConfigReport.provider == provider, ConfigReport.repository_full_name == repository,
                ConfigReport.blob == blob[:128]))
