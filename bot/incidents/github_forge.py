"""The GitHub adapter of the incident port: one `workflow_run` delivery's run, read and written through the
installation's client: the PR (a fork's found by its head), the failed jobs and the context
(`bot/incidents/github_context.py`), the re-run, the fix PR (`bot/fixes/pull_request.py`), the PR's one comment
and the check run (`bot/fixes/publish.py`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import gidgethub

from bot.fixes import publish
from bot.fixes.edits import EditRejected
from bot.fixes.pull_request import OpenedFix, open_fix_pr
from bot.forges import github_actions as actions
from bot.forges import github_issues as issues
from bot.forges import github_repos as repos
from bot.forges.errors import RetryLater
from bot.forges.github_client import GitHubClient
from bot.incidents.forge import BaseFailure, ForgeRefused, IssueRef, Nouns
from bot.incidents.github_context import FailureContext, PullRef, RunInfo, gather_failure
from bot.incidents.job_logs import analyze_job_log
from bot.incidents.run import FailedJob, FailedRun, FileTree, Gathered, PullFacts
from bot.settings import Settings
from storage.database import Database
from storage.models import Incident, RepositoryConnection

log = logging.getLogger(__name__)

FAILING = ("failure", "timed_out", "startup_failure")
NOUNS = Nouns(forge="GitHub", change="pull request", short="PR", ref="#", run="workflow", identity="App")


def failed_run(run: RunInfo) -> FailedRun:
    pull = run.pull_requests[0] if run.pull_requests else None
    return FailedRun(
        provider="github", repo=run.repo, run_id=run.run_id, run_attempt=run.run_attempt,
        workflow_name=run.workflow_name, head_sha=run.head_sha, head_branch=run.head_branch,
        conclusion=run.conclusion, succeeded=run.conclusion == "success", failed=run.conclusion in FAILING,
        run_number=run.run_number, workflow_path=run.workflow_path, event=run.event, html_url=run.html_url,
        installation_id=run.installation_id, default_branch=run.default_branch,
        pr_number=pull.number if pull else None, pull_requests=tuple(p.number for p in run.pull_requests),
    )


class GitHubForge:
    """The GitHub side of one delivery's incident work."""

    provider = "github"
    nouns = NOUNS
    removed_is_watched = False  # a repository removed from the installation is not ours any more

    def __init__(
        self, db: Database, settings: Settings, github: Callable[[], GitHubClient], owner: str, info: RunInfo
    ) -> None:
        self.db = db
        self.settings = settings
        self.github = github
        self.owner = owner
        self.info = info
        self._run = failed_run(info)
        self._pull: PullRef | None = info.pull_requests[0] if info.pull_requests else None
        self._context: FailureContext | None = None

    @property
    def run(self) -> FailedRun:
        return self._run

    @property
    def calls(self) -> int:
        return self.github().calls

    async def verified(self) -> bool:
        return True  # the App's deliveries are signed for the installation; the repository is the event's

    async def connection(self) -> tuple[bool, RepositoryConnection | None]:
        return True, await self.db.installations.repository(self.info.repo)

    async def pull(self) -> PullFacts:
        gh = self.github()
        run = self.info
        pull = self._pull
        pr_data: dict[str, Any] | None = None
        is_fork = run.from_fork
        if pull is None and run.from_fork and run.head_repo and run.head_branch:
            owner = run.head_repo.split("/", 1)[0]
            pr_data = await repos.find_pull(gh, run.repo, f"{owner}:{run.head_branch}")
        elif pull is not None:
            pr_data = await repos.get_pull(gh, run.repo, pull.number)
        if pr_data is not None:
            head, base = pr_data.get("head") or {}, pr_data.get("base") or {}
            pull = PullRef(int(pr_data["number"]), head.get("ref"), head.get("sha"), base.get("ref"), base.get("sha"))
            is_fork = ((head.get("repo") or {}).get("full_name") or run.repo) != run.repo
        self._pull = pull
        labels = frozenset(str(lb.get("name")) for lb in (pr_data or {}).get("labels") or [])
        head_now = str((pr_data or {}).get("head", {}).get("sha") or "") or None
        return PullFacts(pull.number if pull else None, pull.head_ref if pull else None,
                         pull.base_ref if pull else None, is_fork, labels, head_sha=head_now)

    async def gather(self, pull: PullFacts, *, want_sources: bool) -> Gathered:
        ctx = await gather_failure(self.github(), self.info, self.settings, pull=self._pull,
                                   want_sources=want_sources)
        self._context = ctx
        failures = [
            FailedJob(f.job.name, f.job.id, f.job.html_url, f.analysis, step=f.step.name if f.step else None,
                      step_number=f.step.number if f.step else None, log_truncated=f.log_truncated,
                      baseline_used=f.baseline_used)
            for f in ctx.failures
        ]
        diff = list(ctx.diff) if ctx.diff is not None else None
        return Gathered(failures, ctx.other_failed_jobs, ci_file=ctx.workflow_file, diff=diff, tree=ctx.tree,
                        refs=ctx.refs, files=ctx.files)

    async def rerun_failed(self, gathered: Gathered) -> None:
        try:
            await actions.rerun_failed_jobs(self.github(), self.info.repo, self.info.run_id)
        except gidgethub.BadRequest as exc:  # no `actions: write`, or the run is too old to re-run
            raise ForgeRefused(int(exc.status_code), str(exc)) from None

    async def tree(self) -> FileTree | None:
        return await repos.get_tree(self.github(), self.info.repo, self.info.head_sha)

    async def file(self, path: str, *, max_bytes: int) -> str | None:
        return await repos.get_file(self.github(), self.info.repo, path, self.info.head_sha, max_bytes=max_bytes)

    async def open_fix(
        self, *, tree: FileTree, changed: dict[str, str], branch: str, base: str, title: str, body: str,
        message: str, labels: Sequence[str],
    ) -> OpenedFix:
        if not isinstance(tree, repos.Tree):
            raise EditRejected("the failing commit's tree is not a GitHub tree")
        try:
            return await open_fix_pr(
                self.github(), self.info.repo, tree=tree, head_sha=self.info.head_sha, changed=changed,
                branch=branch, base=base, title=title, body=body, message=message,
                default_branch=self.info.default_branch, labels=labels,
            )
        except gidgethub.BadRequest as exc:  # e.g. no `pull_requests: write`
            raise ForgeRefused(int(exc.status_code), str(exc)) from None

    async def publish(self, incident: Incident, *, thread: bool = True) -> None:
        gh = self.github()
        try:
            await publish.upsert_check_run(gh, self.db, incident)
        except gidgethub.BadRequest as exc:  # e.g. the App lacks `checks: write`: the comment still goes out
            log.warning("check run not written for %s: HTTP %s", incident.repository_full_name, exc.status_code)
        if incident.pr_number and thread:  # a push with no PR gets the check run only
            await self.publish_thread(incident.pr_number)

    async def refresh(self, incident: Incident) -> None:
        if not incident.check_run_id:
            return
        try:
            await publish.upsert_check_run(self.github(), self.db, incident)
        except gidgethub.BadRequest as exc:
            log.warning("check run of %s not updated: HTTP %s", incident.id, exc.status_code)

    async def publish_thread(self, number: int) -> None:
        await publish.upsert_pr_comment(self.github(), self.db, self.info.repo, number, self.owner)

    # ---- the verdicts
    async def newer_run(self, head_sha: str) -> str | None:
        info = self.info
        try:
            run = await actions.newest_run_of_workflow(self.github(), info.repo, head_sha, info.workflow_id,
                                                       info.workflow_name)
        except gidgethub.BadRequest:
            return None
        return str(run["html_url"]) if run and run.get("html_url") else None

    async def base_failure(self, base_ref: str, job: str) -> BaseFailure | None:
        """The base branch's latest completed run of this workflow (one call); when it failed, its incident's
        signature, else its job's log analyzed (two or three calls more)."""
        if self.info.workflow_id is None:
            return None
        try:
            return await self._base_failure(self.github(), base_ref, job)
        except gidgethub.BadRequest as exc:  # the verdict is only sharper with it: no answer, no verdict
            log.info("base branch %s not read (HTTP %s)", base_ref, exc.status_code)
            return None

    async def _base_failure(self, gh: GitHubClient, base_ref: str, job: str) -> BaseFailure | None:
        info = self.info
        assert info.workflow_id is not None
        run = await actions.latest_completed_run(gh, info.repo, info.workflow_id, base_ref)
        if run is None or run.get("conclusion") not in FAILING:
            return None
        run_id = int(run["id"])
        known = await self.db.incidents.for_run(info.repo, run_id)
        if known is not None and known.signature:
            return BaseFailure(run_id, run.get("html_url"), known.signature, known.merged_into_id or known.id)
        twin = next((j for j in await actions.run_jobs(gh, info.repo, run_id) if j.name == job and j.failed), None)
        if twin is None:
            return BaseFailure(run_id, run.get("html_url"), None)
        analyzed = await analyze_job_log(
            lambda job_id: actions.download_job_log(gh, info.repo, job_id, max_bytes=self.settings.max_log_bytes),
            twin.id, None, baseline_errors=(RetryLater, gidgethub.BadRequest),
        )
        return BaseFailure(run_id, run.get("html_url"), analyzed.analysis.signature)

    async def find_issue(self, marker: str) -> IssueRef | None:
        found = await issues.find_marked_issue(self.github(), self.info.repo, marker)
        return IssueRef(*found) if found else None

    async def open_issue(self, title: str, body: str, labels: list[str]) -> IssueRef:
        try:
            return IssueRef(*await issues.create_issue(self.github(), self.info.repo, title, body, labels))
        except gidgethub.BadRequest as exc:  # 410: issues are turned off; 403: no `issues: write`
            raise ForgeRefused(int(exc.status_code), str(exc)) from None

    async def comment_issue(self, number: int, body: str) -> None:
        try:
            await issues.comment_on_issue(self.github(), self.info.repo, number, body)
        except gidgethub.BadRequest as exc:
            raise ForgeRefused(int(exc.status_code), str(exc)) from None

    async def close_issue(self, number: int) -> None:
        try:
            await issues.close_issue(self.github(), self.info.repo, number)
        except gidgethub.BadRequest as exc:
            raise ForgeRefused(int(exc.status_code), str(exc)) from None
