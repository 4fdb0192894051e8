"""The port the incident pipeline (`bot/incidents/pipeline.py`) talks to a forge through, and what crosses it.

An adapter per forge (`bot/incidents/github_forge.py`, `bot/incidents/gitlab_forge.py`) holds one delivery's
failed run and client; it reads the connection, the pull/merge request, gathers the failed jobs (their logs
analyzed against the baseline's), the CI file, the diff and the files; re-runs failed jobs, reads and writes the
fix (a branch, one commit, a PR or MR), and publishes (the one comment or note per PR/MR, the check run or commit
comment). Every rule about what to do with those stays in the pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.fixes.pull_request import OpenedFix
from bot.incidents.run import FailedRun, FileTree, Gathered, PullFacts
from storage.models import Incident, RepositoryConnection


class ForgeRefused(Exception):
    """The forge answered a write with a 4xx (no permission, too old, …); `status` says which."""

    def __init__(self, status: int, message: str = "") -> None:
        super().__init__(message or f"HTTP {status}")
        self.status = status


@dataclass(frozen=True)
class Nouns:
    """The forge's words in what people read."""

    forge: str  # GitHub | GitLab
    change: str  # pull request | merge request
    short: str  # PR | MR
    ref: str  # "#" | "!"
    run: str  # workflow | pipeline
    identity: str  # App | bot account


@dataclass(frozen=True)
class BaseFailure:
    """The base branch's latest finished run of the same workflow, which failed; `signature` of its job with the
    same name (None: not known), `incident_id` when the bot has an incident for it."""

    run_id: int
    url: str | None
    signature: str | None
    incident_id: str | None = None


@dataclass(frozen=True)
class IssueRef:
    number: int
    url: str | None


class Forge(Protocol):
    provider: str
    nouns: Nouns
    removed_is_watched: bool  # a connection removed at the forge: still watched (GitLab) or not ours (GitHub)

    @property
    def run(self) -> FailedRun:
        """The run (pipeline) this delivery is about, as verified."""
        ...

    @property
    def calls(self) -> int:
        """API calls this delivery made (kept with the incident)."""
        ...

    async def verified(self) -> bool:
        """Whether the delivery speaks for the repository it names (False: refused, nothing is done)."""
        ...

    async def connection(self) -> tuple[bool, RepositoryConnection | None]:
        """(accepted, the repository's connection); not accepted: the delivery names a project it is not."""
        ...

    async def pull(self) -> PullFacts:
        """The pull/merge request the run tested (a fork's, labels)."""
        ...

    async def gather(self, pull: PullFacts, *, want_sources: bool) -> Gathered:
        """Failed jobs (analyzed against the baseline), and with `want_sources` the CI file, diff and files."""
        ...

    async def rerun_failed(self, gathered: Gathered) -> None:
        """Run the failed jobs again (once); ForgeRefused when the forge will not."""
        ...

    async def tree(self) -> FileTree | None:
        """The tree at the failing commit."""
        ...

    async def file(self, path: str, *, max_bytes: int) -> str | None:
        """A file's text at the failing commit."""
        ...

    async def open_fix(
        self, *, tree: FileTree, changed: dict[str, str], branch: str, base: str, title: str, body: str,
        message: str, labels: Sequence[str],
    ) -> OpenedFix:
        """Branch from the failing commit, one commit, a PR/MR into `base`; EditRejected or ForgeRefused."""
        ...

    async def publish(self, incident: Incident, *, thread: bool = True) -> None:
        """Write the incident where people look (the check run or commit comment, and the PR's/MR's one note);
        `thread` False (the repository's `comment` setting): no PR comment, MR note or commit comment."""
        ...

    async def refresh(self, incident: Incident) -> None:
        """Update what already shows the incident outside the PR's/MR's note (a check run); never create."""
        ...

    async def publish_thread(self, number: int) -> None:
        """Render the PR's/MR's incidents into its one comment/note."""
        ...

    # ---- the verdicts (bot/incidents/verdicts.py, bot/incidents/branch_issues.py)
    async def newer_run(self, head_sha: str) -> str | None:
        """The page of the run of this workflow on the PR's/MR's newer head (None while there is none)."""
        ...

    async def base_failure(self, base_ref: str, job: str) -> BaseFailure | None:
        """The base branch's latest finished run of this workflow when it failed (its `job`'s signature)."""
        ...

    async def find_issue(self, marker: str) -> IssueRef | None:
        """An open issue whose body holds `marker`."""
        ...

    async def open_issue(self, title: str, body: str, labels: list[str]) -> IssueRef:
        """A new issue (ForgeRefused when the forge will not)."""
        ...

    async def comment_issue(self, number: int, body: str) -> None:
        ...

    async def close_issue(self, number: int) -> None:
        ...
