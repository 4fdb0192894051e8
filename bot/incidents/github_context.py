"""Gathers what explains a failed run, through the installation's client, with few calls: the run's failed jobs
and their logs, the same jobs' logs in the last green run (the analyzer's baseline), the tree at the failing
commit (fetched before the analysis, so the files errors name come back as repository paths), the workflow file,
the diff under test, and the source files the analysis points at. The analyzer runs in worker processes
(`bot/incidents/job_logs.py`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import gidgethub

from bot.analysis import Analysis
from bot.forges import github_actions as actions
from bot.forges import github_repos as repos
from bot.forges.errors import RetryLater
from bot.forges.github_actions import Job, Step
from bot.forges.github_client import GitHubClient
from bot.forges.github_repos import ChangedFile, Tree
from bot.incidents.job_logs import analyze_job_log
from bot.incidents.run import resolve_paths
from bot.settings import Settings

__all__ = ["FailureContext", "JobFailure", "PullRef", "RunInfo", "gather_failure", "resolve_paths"]

log = logging.getLogger(__name__)

MAX_FAILED_JOBS = 3  # logs downloaded per run; the rest are listed by name
BOT_BRANCH_PREFIX = "devflowfix/"


@dataclass(frozen=True)
class PullRef:
    number: int
    head_ref: str | None = None
    head_sha: str | None = None
    base_ref: str | None = None
    base_sha: str | None = None


@dataclass(frozen=True)
class RunInfo:
    """The facts of a `workflow_run` event the pipeline uses."""

    repo: str
    repo_id: int | None
    default_branch: str | None
    installation_id: int | None
    run_id: int
    run_attempt: int
    run_number: int | None
    workflow_id: int | None
    workflow_name: str
    workflow_path: str | None
    event: str | None
    head_branch: str | None
    head_sha: str
    head_repo: str | None
    html_url: str | None
    conclusion: str | None
    pull_requests: tuple[PullRef, ...] = ()

    @property
    def from_fork(self) -> bool:
        return bool(self.head_repo) and self.head_repo != self.repo

    @property
    def on_bot_branch(self) -> bool:
        return (self.head_branch or "").startswith(BOT_BRANCH_PREFIX)

    @classmethod
    def from_event(cls, data: dict[str, Any]) -> RunInfo:
        wr = data["workflow_run"]
        repo = data["repository"]
        pulls = []
        for pr in wr.get("pull_requests") or []:
            base_repo = (pr.get("base") or {}).get("repo") or {}
            if base_repo.get("id") not in (None, repo.get("id")):
                continue  # GitHub lists PRs of other repositories that share the head commit
            pulls.append(PullRef(
                int(pr["number"]), (pr.get("head") or {}).get("ref"), (pr.get("head") or {}).get("sha"),
                (pr.get("base") or {}).get("ref"), (pr.get("base") or {}).get("sha"),
            ))
        return cls(
            repo=str(repo["full_name"]), repo_id=repo.get("id"), default_branch=repo.get("default_branch"),
            installation_id=(data.get("installation") or {}).get("id"),
            run_id=int(wr["id"]), run_attempt=int(wr.get("run_attempt") or 1), run_number=wr.get("run_number"),
            workflow_id=wr.get("workflow_id"), workflow_name=str(wr.get("name") or wr.get("path") or "workflow"),
            workflow_path=wr.get("path"), event=wr.get("event"), head_branch=wr.get("head_branch"),
            head_sha=str(wr["head_sha"]), head_repo=(wr.get("head_repository") or {}).get("full_name"),
            html_url=wr.get("html_url"), conclusion=wr.get("conclusion"), pull_requests=tuple(pulls),
        )


@dataclass
class JobFailure:
    job: Job
    step: Step | None
    analysis: Analysis
    log_truncated: bool = False
    baseline_used: bool = False


@dataclass
class FailureContext:
    run: RunInfo
    failures: list[JobFailure]
    other_failed_jobs: list[str] = field(default_factory=list)
    baseline_run: dict[str, Any] | None = None
    workflow_file: str | None = None
    diff: list[ChangedFile] | None = None
    tree: Tree | None = None
    refs: list[tuple[str, int | None]] = field(default_factory=list)  # repository paths the errors point at
    files: dict[str, str] = field(default_factory=dict)

    @property
    def primary(self) -> JobFailure | None:
        known = [f for f in self.failures if f.analysis.category != "unknown"]
        pool = known or self.failures
        return pool[0] if pool else None


async def gather_failure(
    gh: GitHubClient, run: RunInfo, settings: Settings, *, pull: PullRef | None, want_sources: bool
) -> FailureContext:
    """Everything the explanation needs (the tree always: the analyzer maps paths with it); `want_sources` fetches
    the CI file, the diff and the referenced files too."""
    jobs = await actions.run_jobs(gh, run.repo, run.run_id)
    # a job cancelled by a failing sibling (fail-fast) is not the failure; it is looked at only if nothing failed
    failed = [j for j in jobs if j.failed] or [j for j in jobs if j.conclusion == "cancelled"]
    ctx = FailureContext(run, [], other_failed_jobs=[j.name for j in failed[MAX_FAILED_JOBS:]])
    if not failed:
        return ctx
    ctx.baseline_run = await _baseline_run(gh, run, pull)
    baseline_jobs: dict[str, Job] = {}
    if ctx.baseline_run is not None:
        baseline_jobs = {j.name: j for j in await actions.run_jobs(gh, run.repo, int(ctx.baseline_run["id"]))}

    # the tree first: the analyzer maps the files errors name to repository paths with it (one call)
    ctx.tree = await repos.get_tree(gh, run.repo, run.head_sha)
    paths = list(ctx.tree.entries) if ctx.tree is not None else None
    for job in failed[:MAX_FAILED_JOBS]:
        twin = baseline_jobs.get(job.name)
        analyzed = await analyze_job_log(
            lambda job_id: actions.download_job_log(gh, run.repo, job_id, max_bytes=settings.max_log_bytes),
            job.id, twin.id if twin is not None else None, baseline_errors=(RetryLater, gidgethub.BadRequest),
            tree=paths,
        )
        step = job.failed_steps[0] if job.failed_steps else None
        ctx.failures.append(
            JobFailure(job, step, analyzed.analysis, analyzed.truncated, analyzed.baseline_used)
        )

    # the workflow file and the diff feed the LLM; without one, the diff is needed only to tell a flaky failure
    if want_sources and run.workflow_path:
        ctx.workflow_file = await repos.get_file(
            gh, run.repo, run.workflow_path, run.head_sha, max_bytes=settings.max_context_file_bytes
        )
    if want_sources or any(f.analysis.category == "infrastructure" for f in ctx.failures):
        ctx.diff = await _diff(gh, run, pull, ctx.baseline_run)

    primary = ctx.primary
    wanted = [(f.path, f.line) for f in primary.analysis.files] if primary else []
    ctx.refs = resolve_paths(wanted, ctx.tree)
    if want_sources:
        for path in dict.fromkeys(p for p, _ in ctx.refs):
            if len(ctx.files) >= settings.max_context_files:
                break
            entry = ctx.tree.entries.get(path) if ctx.tree else None
            if entry is not None and (entry.size or 0) > settings.max_context_file_bytes:
                continue
            text = await repos.get_file(gh, run.repo, path, run.head_sha, max_bytes=settings.max_context_file_bytes)
            if text is not None:
                ctx.files[path] = text
    return ctx


async def _baseline_run(gh: GitHubClient, run: RunInfo, pull: PullRef | None) -> dict[str, Any] | None:
    """The last green run of this workflow on the same branch, else on the PR's base or the default branch."""
    if run.workflow_id is None:
        return None
    branches = [run.head_branch if not run.from_fork else None, pull.base_ref if pull else None, run.default_branch]
    wanted = list(dict.fromkeys(b for b in branches if b))
    if not wanted:
        return None
    return await actions.last_successful_run(gh, run.repo, run.workflow_id, wanted, before_run=run.run_id)


async def _diff(
    gh: GitHubClient, run: RunInfo, pull: PullRef | None, baseline_run: dict[str, Any] | None
) -> list[ChangedFile] | None:
    """The change the run tested: the PR's base...head, or for a push the last green commit...head.

    A `workflow_run` event does not carry a push's `before`; the last green run of the branch is the better
    base anyway (everything since then is to blame), and with none, the head commit's own change.
    """
    if pull is not None and pull.base_sha:
        return await repos.compare(gh, run.repo, pull.base_sha, run.head_sha)
    if baseline_run is not None and baseline_run.get("head_branch") == run.head_branch:
        base = str(baseline_run.get("head_sha") or "")
        if base and base != run.head_sha:
            return await repos.compare(gh, run.repo, base, run.head_sha)
    return await repos.commit_files(gh, run.repo, run.head_sha)
