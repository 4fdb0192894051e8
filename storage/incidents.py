"""Incidents, their runs, fix attempts, the per-PR comment and the LLM budget: every decision made in SQL.

Concurrent deliveries are settled here, never in memory: the incident of a run is one row (`uq_incidents_run`),
the work on it is a lease taken with a conditional UPDATE, the fix PR is claimed with another, the per-PR comment
with an INSERT .. ON CONFLICT DO NOTHING, and the LLM's daily cap with a guarded increment.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Collection, Mapping
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, text, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from storage.models import FixAttempt, ForgeNote, Incident, LLMUsage, WorkflowRun, new_id
from storage.types import utcnow
from storage.upsert import dialect_name

OPEN = "open"
MERGED = "merged"
FIXED = "fixed"
RESOLVED = "resolved"
SKIPPED = "skipped"
LIVE_FIX_STATES = ("creating", "open")
RESOLVABLE = (OPEN, "rerun")

log = logging.getLogger(__name__)


def _insert(session: AsyncSession) -> Any:
    return sqlite_insert if dialect_name(session) == "sqlite" else pg_insert


def _rows(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


class _SqlitePointReads:
    """Indexed point reads on SQLite on the event loop's own thread, over a connection of their own.

    One such read takes ~10 µs, a fraction of a thread hop (SQLAlchemy + aiosqlite cost ~0.5 ms for the same
    query). In WAL mode a reader does not wait for writers; a busy database (recovery after a crash, a checkpoint
    that needs every reader gone) answers `None` at once and the caller takes the ordinary path. The database
    stays the truth: nothing is cached between reads.
    """

    def __init__(self, path: str) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None

    def exists(self, sql: str, params: tuple[Any, ...]) -> bool | None:
        """Whether the query finds a row; None when the read could not be made now."""
        try:
            if self._conn is None:
                conn = sqlite3.connect(self._path, timeout=0, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA query_only=1")
                self._conn = conn
            return self._conn.execute(sql, params).fetchone() is not None
        except sqlite3.Error as exc:
            log.debug("point read not made (%s): the ordinary path answers", type(exc).__name__)
            return None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


_Key = tuple[str, str | None, str | None, str | None]  # repository, branch, workflow, provider (None: any)


class _BatchedReads:
    """`any_resolvable` over a database server: the questions asked while one query runs share the next one.

    Each green run's handler would otherwise wait for a round trip of its own while the answers keep the event
    loop busy; one read of the open incidents of the repositories asked about answers all of them. The first
    question goes out at once; nothing is cached between reads.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._pending: list[tuple[_Key, asyncio.Future[bool]]] = []
        self._running = False

    async def any_resolvable(self, key: _Key) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((key, future))
        if not self._running:
            self._running = True
            asyncio.get_running_loop().create_task(self._run())
        return await future

    async def _run(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    found = await self._open_keys({key[0] for key, _ in batch})
                except Exception as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (repository, branch, workflow, provider), future in batch:
                    hit = any(r == repository and b == branch and w == workflow and (provider is None or p == provider)
                              for r, b, w, p in found)
                    if not future.done():
                        future.set_result(hit)
        finally:
            self._running = False

    async def _open_keys(self, repositories: set[str]) -> set[_Key]:
        query = (
            select(Incident.repository_full_name, Incident.head_branch, Incident.workflow_name, Incident.provider)
            .where(Incident.repository_full_name.in_(sorted(repositories)), Incident.status.in_(RESOLVABLE))
            .distinct()
        )
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        return {(repo, branch, workflow, provider) for repo, branch, workflow, provider in rows}


class _OpenIndex:
    """The (repository, branch, workflow, provider) of every resolvable incident, kept in memory where this process
    is the only one that writes incidents (the embedded mode on SQLite), so a green run with nothing open on its
    branch is settled without a read.

    It may only ever hold more than the database (then the database is asked, as without it), never less: it is
    loaded with one read, and every write that could make an incident resolvable (or move one) drops it before it
    starts and again when it ends; a load that overlapped such a write is thrown away. The next question after a
    drop goes to the database and starts a load in the background. Past `MAX_KEYS` keys it is not kept at all
    (until a write changes the incidents). It is read again every `MAX_AGE` seconds all the same, so even a process
    that should not be there (a worker beside the embedded queue) can only leave it behind for that long.
    """

    MAX_KEYS = 20_000
    MAX_AGE = 60.0

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self.keys: set[_Key] | None = None
        self.generation = 0  # moves on whenever a write that may touch it starts or ends
        self.writing = 0  # such writes in flight
        self._load: asyncio.Task[None] | None = None
        self._loaded_at = 0.0
        self._too_large: int | None = None  # the generation at which a load found too many keys
        self.loads = self.answers = 0  # loads kept, questions answered (tests and the bench read them)

    def answer(self, key: _Key) -> bool | None:
        """Whether the key has a resolvable incident; None when the index cannot say (not loaded)."""
        if self.keys is None or key[3] is None:
            return None
        if time.monotonic() - self._loaded_at > self.MAX_AGE:
            self.drop()
            return None
        self.answers += 1
        return key in self.keys

    def drop(self) -> None:
        self.keys = None
        self.generation += 1

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[None]:
        self.writing += 1
        self.drop()
        try:
            yield
        finally:
            self.writing -= 1
            self.drop()

    def load_soon(self) -> None:
        if self._load is None and self.writing == 0 and self._too_large != self.generation:
            self._load = asyncio.get_running_loop().create_task(self._loaded(), name="open-incident-index")

    async def load(self) -> bool:
        """Load it now; False when a write overlapped (it stays unloaded) or it would be too large."""
        generation = self.generation
        if self.writing:
            return False
        query = (
            select(Incident.repository_full_name, Incident.head_branch, Incident.workflow_name, Incident.provider)
            .where(Incident.status.in_(RESOLVABLE)).distinct().limit(self.MAX_KEYS + 1)
        )
        loaded_at = time.monotonic()
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        if generation != self.generation or self.writing:
            return False
        if len(rows) > self.MAX_KEYS:
            self._too_large = generation
            return False
        self.keys = {(r, b, w, p) for r, b, w, p in rows}
        self._loaded_at = loaded_at
        self.loads += 1
        return True

    async def _loaded(self) -> None:
        try:
            await self.load()
        except Exception as exc:  # the database answers instead, and the next question tries again
            log.debug("open-incident index not loaded: %s", type(exc).__name__)
        finally:
            self._load = None


# The columns whose change can make an incident resolvable or move it to another key of the index.
_INDEXED = frozenset({"status", "repository_full_name", "head_branch", "workflow_name", "provider"})


class IncidentStore:
    """Queries for the incident aggregate (incidents, workflow_runs, fix_attempts, forge_notes, llm_usage)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, sqlite_path: str | None = None) -> None:
        self._sessions = sessions
        self._point_reads = _SqlitePointReads(sqlite_path) if sqlite_path else None
        self._batched_reads = _BatchedReads(sessions)
        self._open_index: _OpenIndex | None = None

    async def keep_open_index(self) -> None:
        """Keep the resolvable incidents' keys in memory (`_OpenIndex`), loaded now: only where this process is
        the only one that writes incidents (the embedded queue; SQLite, whose database no worker shares)."""
        if self._point_reads is None:
            return
        if self._open_index is None:
            self._open_index = _OpenIndex(self._sessions)
        try:
            await self._open_index.load()
        except Exception as exc:  # the database answers meanwhile; the first question loads it again
            log.warning("open-incident index not loaded: %s", type(exc).__name__)

    def drop_open_index(self) -> None:
        self._open_index = None

    @property
    def open_index(self) -> _OpenIndex | None:
        return self._open_index

    def _writing(self, values: Collection[str] | None = None) -> contextlib.AbstractAsyncContextManager[None]:
        """Around a write that may make an incident resolvable (`values`: the columns it sets; None: any)."""
        index = self._open_index
        if index is None or (values is not None and _INDEXED.isdisjoint(values)):
            return contextlib.nullcontext()
        return index.write()

    def close(self) -> None:
        if self._point_reads is not None:
            self._point_reads.close()

    # ---- the incident of a run
    async def claim_run(self, values: Mapping[str, Any]) -> Incident:
        """The incident of this run: created once whatever the number of deliveries (ON CONFLICT DO NOTHING)."""
        now = utcnow()
        row = {"id": new_id(), "created_at": now, "updated_at": now, "status": "analyzing", **values}
        async with self._writing(("status",) if row["status"] in RESOLVABLE else ()), self._sessions.begin() as session:
            stmt = _insert(session)(Incident.__table__).values(**row)
            await session.execute(
                stmt.on_conflict_do_nothing(index_elements=["provider", "repository_full_name", "run_id"])
            )
            found = await session.execute(
                select(Incident).where(
                    Incident.provider == row.get("provider", "github"),
                    Incident.repository_full_name == row["repository_full_name"],
                    Incident.run_id == row["run_id"],
                )
            )
            return found.scalar_one()

    async def record_run(self, values: Mapping[str, Any]) -> None:
        """Remember the run (one row per run attempt) and the incident it belongs to."""
        now = utcnow()
        row = {"id": new_id(), "created_at": now, "updated_at": now, **values}
        async with self._sessions.begin() as session:
            stmt = _insert(session)(WorkflowRun.__table__).values(**row)
            await session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["provider", "repository_full_name", "run_id", "run_attempt"],
                    set_={"incident_id": stmt.excluded.incident_id, "conclusion": stmt.excluded.conclusion,
                          "updated_at": now},
                )
            )

    async def for_run(self, repository: str, run_id: int, provider: str = "github") -> Incident | None:
        async with self._sessions() as session:
            result = await session.execute(
                select(Incident).where(Incident.provider == provider, Incident.repository_full_name == repository,
                                       Incident.run_id == run_id)
            )
            return result.scalar_one_or_none()

    async def get(self, incident_id: str) -> Incident | None:
        async with self._sessions() as session:
            return await session.get(Incident, incident_id)

    async def lease(
        self, incident_id: str, owner: str, attempt: int, seconds: int = 600, *, again: bool = False
    ) -> bool:
        """Take the work on this run attempt: no one else holds it and it was not done yet (or it is ours).

        `again` (someone asked for it with a command) takes an attempt that was done already, not an older one.
        """
        now = utcnow()
        done = Incident.processed_attempt <= attempt if again else Incident.processed_attempt < attempt
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(Incident)
                .where(
                    Incident.id == incident_id,
                    done,
                    or_(Incident.lease_until.is_(None), Incident.lease_until < now, Incident.lease_owner == owner),
                )
                .values(lease_owner=owner, lease_until=now + dt.timedelta(seconds=seconds), run_attempt=attempt)
            )
            return _rows(result) == 1

    async def expire_stale(self, now: dt.datetime, unleased_for: dt.timedelta) -> int:
        """Incidents left `analyzing` by work that died: a lease that ran out, or none taken for `unleased_for`.

        Their lease is dropped and they go back to `open` (the attempt stays unprocessed, so a retried delivery
        or a command still takes it); returns how many."""
        async with self._writing(), self._sessions.begin() as session:
            result = await session.execute(
                update(Incident)
                .where(
                    Incident.status == "analyzing",
                    or_(Incident.lease_until < now,
                        and_(Incident.lease_until.is_(None), Incident.updated_at < now - unleased_for)),
                )
                .values(status=OPEN, lease_owner=None, lease_until=None, updated_at=now)
            )
            return _rows(result)

    async def release(self, incident_id: str, owner: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(Incident)
                .where(Incident.id == incident_id, Incident.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            )

    async def finish(self, incident_id: str, owner: str, attempt: int, **values: Any) -> None:
        """The work on this attempt is done: record it and let go of the lease."""
        async with self._writing(values), self._sessions.begin() as session:
            await session.execute(
                update(Incident)
                .where(Incident.id == incident_id)
                .values(processed_attempt=attempt, lease_owner=None, lease_until=None, **values)
            )

    async def update(self, incident_id: str, **values: Any) -> None:
        async with self._writing(values), self._sessions.begin() as session:
            await session.execute(update(Incident).where(Incident.id == incident_id).values(**values))

    async def open_with_signature(
        self, repository: str, branch: str | None, signature: str, exclude_id: str, *, provider: str | None = None
    ) -> Incident | None:
        """The oldest open incident on the same branch with the same failure signature (deduplication)."""
        async with self._sessions() as session:
            result = await session.execute(
                select(Incident)
                .where(
                    Incident.provider == provider if provider else true(),
                    Incident.repository_full_name == repository,
                    Incident.head_branch == branch,
                    Incident.signature == signature,
                    Incident.status == OPEN,
                    Incident.id != exclude_id,
                )
                .order_by(Incident.created_at)
                .limit(1)
            )
            return result.scalar_one_or_none()

    async def merge_into(self, target_id: str, run: Mapping[str, Any]) -> Incident:
        """Count one more occurrence on `target_id` and remember the latest run that showed it."""
        async with self._sessions.begin() as session:
            target = await session.get(Incident, target_id, with_for_update=True)
            assert target is not None
            links = dict(target.links or {})
            merged = list(links.get("merged_runs") or [])
            if run.get("run_id") in merged:  # the same run merged again (a retried delivery): count it once
                return target
            target.occurrences = (target.occurrences or 1) + 1
            links["merged_runs"] = [*merged, run.get("run_id")][-50:]
            links["latest_run"] = dict(run)
            target.links = links
            if run.get("head_sha"):
                target.head_sha = str(run["head_sha"])
        return target

    async def supersede(self, old_id: str, new_id: str) -> bool:
        """The open incident `old_id` is the same failure as `new_id`, which takes over: the old one is merged into
        it and its occurrences move over (the reverse of `merge_into`, used when a person asks for a fix).
        """
        async with self._writing(), self._sessions.begin() as session:  # a status the index may hold
            old = await session.get(Incident, old_id, with_for_update=True)
            if old is None or old.status != OPEN:
                return False
            new = await session.get(Incident, new_id, with_for_update=True)
            assert new is not None
            counted = new.merged_into_id == old_id  # it was merged there before: the old count includes it
            new.occurrences = (old.occurrences or 1) + (0 if counted else (new.occurrences or 1))
            new.merged_into_id = None
            old.status, old.merged_into_id = MERGED, new_id
            return True

    async def resolve_open(
        self, repository: str, branch: str | None, workflow_name: str | None, run: Mapping[str, Any], *,
        provider: str | None = None,
    ) -> list[Incident]:
        """A green run of the workflow on the branch: its open incidents went away (a fix PR still open keeps its
        incident open). Each is resolved by one conditional UPDATE, so of concurrent deliveries of green runs
        exactly one gets it back (and publishes it); `run` is remembered as `links["resolved_by"]`.
        """
        if not await self.any_resolvable(repository, branch, workflow_name, provider=provider):
            return []  # the common case (a green run with nothing open): one indexed read, no write
        live_fix = or_(Incident.fix_state.is_(None), Incident.fix_state.not_in(LIVE_FIX_STATES))
        conditions = (
            Incident.repository_full_name == repository, Incident.head_branch == branch,
            Incident.workflow_name == workflow_name, Incident.status.in_(RESOLVABLE), live_fix,
            Incident.provider == provider if provider else true(),
        )
        async with self._sessions() as session:
            candidates = list((await session.execute(select(Incident).where(*conditions))).scalars())
        resolved: list[Incident] = []
        if not candidates:
            return resolved
        async with self._writing():  # the in-memory index (if kept) is loaded again without them
            for incident in candidates:
                links = {**(incident.links or {}), "resolved_by": dict(run)}
                async with self._sessions.begin() as session:
                    result = await session.execute(
                        update(Incident).where(Incident.id == incident.id, *conditions)
                        .values(status=RESOLVED, links=links)
                        .execution_options(synchronize_session=False)
                    )
                    if _rows(result) == 1:
                        incident.status, incident.links = RESOLVED, links
                        resolved.append(incident)
        return resolved

    async def any_resolvable(
        self, repository: str, branch: str | None, workflow_name: str | None, *, provider: str | None = None
    ) -> bool:
        """Whether the branch has an open (or re-run) incident of this workflow: one read over the index on
        (repository, branch). False settles a green run without any write; True may still find nothing to resolve
        (a fix PR still open keeps its incident), which `resolve_open` decides row by row."""
        index = self._open_index
        if index is not None:
            found_in_index = index.answer((repository, branch, workflow_name, provider))
            if found_in_index is not None:
                return found_in_index
            index.load_soon()
        if self._point_reads is not None:
            sql = ["SELECT 1 FROM incidents WHERE repository_full_name = ?"]
            params: list[Any] = [repository]
            for column, value in (("head_branch", branch), ("workflow_name", workflow_name), ("provider", provider)):
                if value is None and column == "provider":
                    continue
                sql.append(f"{column} IS NULL" if value is None else f"{column} = ?")
                if value is not None:
                    params.append(value)
            sql.append("status IN ('open', 'rerun') LIMIT 1")
            found = self._point_reads.exists(" AND ".join(sql), tuple(params))
            if found is not None:
                return found
        return await self._batched_reads.any_resolvable((repository, branch, workflow_name, provider))

    async def for_pull_request(
        self, repository: str, pr_number: int, limit: int = 10, *, provider: str = "github"
    ) -> list[Incident]:
        """The pull (merge) request's incidents on `provider`, newest first (those merged into another left out)."""
        async with self._sessions() as session:
            result = await session.execute(
                select(Incident)
                .where(Incident.provider == provider, Incident.repository_full_name == repository,
                       Incident.pr_number == pr_number, Incident.status != MERGED)
                .order_by(Incident.created_at.desc())
                .limit(limit)
            )
            return list(result.scalars())

    # ---- the fix PR
    async def claim_fix(self, incident_id: str, owner: str, target_branch: str) -> bool:
        """Claim the fix PR of this incident: none yet (or our own unfinished one), none open on the branch."""
        other = aliased(Incident)
        async with self._sessions.begin() as session:
            me = await session.get(Incident, incident_id)
            assert me is not None
            if dialect_name(session) == "postgresql":
                # two incidents claiming the same branch at once: serialise them (SQLite serialises writers itself)
                key = f"fix:{me.repository_full_name}:{target_branch}"
                await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
            busy = exists().where(
                other.repository_full_name == me.repository_full_name,
                other.fix_target_branch == target_branch,
                other.fix_state.in_(LIVE_FIX_STATES),
                other.id != incident_id,
            )
            result = await session.execute(
                update(Incident)
                .where(
                    Incident.id == incident_id,
                    or_(Incident.fix_state.is_(None),
                        and_(Incident.fix_state == "creating", Incident.fix_claim == owner)),
                    ~busy,
                )
                .values(fix_state="creating", fix_claim=owner, fix_target_branch=target_branch)
                .execution_options(synchronize_session=False)
            )
            return _rows(result) == 1

    async def release_fix(self, incident_id: str, owner: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(Incident)
                .where(Incident.id == incident_id, Incident.fix_state == "creating", Incident.fix_claim == owner)
                .values(fix_state=None, fix_claim=None)
            )

    async def fix_opened(self, incident_id: str, attempt: Mapping[str, Any]) -> FixAttempt:
        """The fix PR exists: record the attempt (idempotent on its commit) and mark the incident."""
        now = utcnow()
        async with self._sessions.begin() as session:
            row = {"id": new_id(), "created_at": now, "updated_at": now, "incident_id": incident_id,
                   "provider": "github", **attempt}
            stmt = _insert(session)(FixAttempt.__table__).values(**row)
            await session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["provider", "repository_full_name", "branch", "commit_sha"],
                    set_={"pr_number": stmt.excluded.pr_number, "pr_url": stmt.excluded.pr_url, "updated_at": now},
                )
            )
            await session.execute(
                update(Incident)
                .where(Incident.id == incident_id)
                .values(fix_state="open", fix_pr_number=attempt.get("pr_number"), fix_branch=attempt["branch"],
                        attempts=Incident.attempts + 1)
            )
            found = await session.execute(
                select(FixAttempt).where(FixAttempt.provider == row["provider"],
                                         FixAttempt.repository_full_name == attempt["repository_full_name"],
                                         FixAttempt.branch == attempt["branch"],
                                         FixAttempt.commit_sha == attempt["commit_sha"])
            )
            return found.scalar_one()

    async def attempts_count(
        self, repository: str, *, pr_number: int | None, target_branch: str, provider: str = "github"
    ) -> int:
        """Fix PRs (MRs) already opened for this pull (merge) request (or, with none, for this branch)."""
        async with self._sessions() as session:
            query = select(func.count()).select_from(FixAttempt).where(
                FixAttempt.provider == provider, FixAttempt.repository_full_name == repository
            )
            if pr_number is not None:
                query = query.where(FixAttempt.source_pr_number == pr_number)
            else:
                query = query.where(FixAttempt.target_branch == target_branch, FixAttempt.source_pr_number.is_(None))
            return int((await session.execute(query)).scalar_one())

    async def attempt_for_branch(self, repository: str, branch: str, provider: str = "github") -> FixAttempt | None:
        """The newest fix attempt pushed to `branch` of the repository (project) on `provider`."""
        async with self._sessions() as session:
            result = await session.execute(
                select(FixAttempt)
                .where(FixAttempt.provider == provider, FixAttempt.repository_full_name == repository,
                       FixAttempt.branch == branch)
                .order_by(FixAttempt.created_at.desc())
                .limit(1)
            )
            return result.scalar_one_or_none()

    async def attempts_of(self, incident_id: str) -> list[FixAttempt]:
        async with self._sessions() as session:
            result = await session.execute(
                select(FixAttempt).where(FixAttempt.incident_id == incident_id).order_by(FixAttempt.created_at)
            )
            return list(result.scalars())

    async def verify_attempt(self, attempt_id: str, *, success: bool, run_id: int) -> bool:
        """Record how the fix PR's own run ended; False if that was already recorded (a repeated delivery)."""
        status = FIXED if success else "failed"
        async with self._writing(), self._sessions.begin() as session:  # a status the index may hold
            attempt = await session.get(FixAttempt, attempt_id)
            assert attempt is not None
            result = await session.execute(
                update(FixAttempt)
                .where(FixAttempt.id == attempt_id,
                       or_(FixAttempt.verify_run_id.is_(None), FixAttempt.verify_run_id != run_id,
                           FixAttempt.status != status))
                .values(status=status, verify_run_id=run_id)
            )
            if _rows(result) != 1:
                return False
            values: dict[str, Any] = {"fix_state": FIXED if success else "failed"}
            if success:
                values["status"] = FIXED
            await session.execute(update(Incident).where(Incident.id == attempt.incident_id).values(**values))
            return True

    async def close_fix(self, repository: str, branch: str, *, merged: bool = False) -> int:
        """The fix PR was closed (merged or not: `fix_state` says which): the branch is free for another fix."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(Incident)
                .where(Incident.repository_full_name == repository, Incident.fix_branch == branch,
                       Incident.fix_state.in_(LIVE_FIX_STATES))
                .values(fix_state="merged" if merged else "closed")
            )
            return _rows(result)

    # ---- the LLM's daily cap
    async def take_llm_call(self, repository: str, cap: int, *, day: str | None = None) -> bool:
        """Count one LLM call for the repository today, unless the cap is reached (then False)."""
        day = day or utcnow().strftime("%Y-%m-%d")
        async with self._sessions.begin() as session:
            stmt = _insert(session)(LLMUsage.__table__).values(repository_full_name=repository, day=day, calls=0)
            await session.execute(stmt.on_conflict_do_nothing(index_elements=["repository_full_name", "day"]))
            result = await session.execute(
                update(LLMUsage)
                .where(LLMUsage.repository_full_name == repository, LLMUsage.day == day, LLMUsage.calls < cap)
                .values(calls=LLMUsage.calls + 1)
            )
            return _rows(result) == 1

    async def llm_calls(self, repository: str, *, day: str | None = None) -> int:
        day = day or utcnow().strftime("%Y-%m-%d")
        async with self._sessions() as session:
            result = await session.execute(
                select(LLMUsage.calls).where(LLMUsage.repository_full_name == repository, LLMUsage.day == day)
            )
            return int(result.scalar_one_or_none() or 0)

    # ---- the incidents of a merge request, and the one note per PR/MR (or pipeline commit) the bot writes
    async def for_merge_request(
        self, repository: str, iid: int, *, provider: str = "gitlab", limit: int = 10
    ) -> list[Incident]:
        return await self.for_pull_request(repository, iid, limit, provider=provider)

    async def claim_note(self, provider: str, repository: str, target: str, owner: str) -> tuple[ForgeNote, bool]:
        """(the note's row, whether we may write it first). Only one delivery ever creates a note."""
        now = utcnow()
        where = (ForgeNote.provider == provider, ForgeNote.repository_full_name == repository,
                 ForgeNote.target == target)
        async with self._sessions.begin() as session:
            stmt = _insert(session)(ForgeNote.__table__).values(
                provider=provider, repository_full_name=repository, target=target, claimed_by=owner, posted=False,
                created_at=now, updated_at=now,
            )
            await session.execute(
                stmt.on_conflict_do_nothing(index_elements=["provider", "repository_full_name", "target"])
            )
            row = (await session.execute(select(ForgeNote).where(*where))).scalar_one()
            return row, (not row.posted and row.claimed_by == owner)

    async def set_note(
        self, provider: str, repository: str, target: str, owner: str, *, note_id: int | None, posted: bool
    ) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(ForgeNote)
                .where(ForgeNote.provider == provider, ForgeNote.repository_full_name == repository,
                       ForgeNote.target == target)
                .values(note_id=note_id, posted=posted, claimed_by=owner, updated_at=utcnow())
            )

    async def release_note(self, provider: str, repository: str, target: str, owner: str) -> None:
        """Give the claim up (writing failed) so the next delivery may try."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(ForgeNote)
                .where(ForgeNote.provider == provider, ForgeNote.repository_full_name == repository,
                       ForgeNote.target == target, ForgeNote.posted.is_(False), ForgeNote.claimed_by == owner)
                .values(claimed_by=None)
            )

    async def reclaim_note(self, provider: str, repository: str, target: str, owner: str, stale: int = 120) -> bool:
        """Take over a claim nobody holds: its writer gave it up, or took more than `stale` seconds (died)."""
        stale_before = utcnow() - dt.timedelta(seconds=stale)
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(ForgeNote)
                .where(ForgeNote.provider == provider, ForgeNote.repository_full_name == repository,
                       ForgeNote.target == target, ForgeNote.posted.is_(False),
                       or_(ForgeNote.claimed_by.is_(None), ForgeNote.claimed_by == owner,
                           ForgeNote.updated_at < stale_before))
                .values(claimed_by=owner, updated_at=utcnow())
            )
            return _rows(result) == 1

    # ---- history for the API
    async def for_repository(
        self, repository: str, *, offset: int = 0, limit: int = 30, provider: str = "github"
    ) -> tuple[int, list[Incident]]:
        """(how many, one page newest first) of a repository's incidents."""
        where = (Incident.provider == provider, Incident.repository_full_name == repository)
        async with self._sessions() as session:
            total = (await session.execute(select(func.count()).select_from(Incident).where(*where))).scalar()
            rows = await session.execute(
                select(Incident).where(*where).order_by(Incident.created_at.desc(), Incident.id)
                .offset(offset).limit(limit)
            )
            return int(total or 0), list(rows.scalars())
