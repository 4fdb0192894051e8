"""The GitLab adapter of the incident port: one `Pipeline Hook` delivery's pipeline, keyed by its verified project,
read and written through the project's client: the failed jobs and the context (`bot/incidents/gitlab_context.py`),
the jobs' retry, the fix merge request (a branch from the failing sha, one commit of `actions`, an MR into the
failing MR's source branch, labelled), the one note per merge request kept up to date, or one comment on the commit
of a pipeline with no merge request."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence

import gidgetlab

from bot.fixes import gitlab_render as render
from bot.fixes.edits import GITLAB_CI_FILE, EditRejected, written_modes
from bot.fixes.publish import claim_note
from bot.fixes.pull_request import OpenedFix, check_fix_branch
from bot.fixes.render import one_line
from bot.forges import gitlab_ci as ci
from bot.forges import gitlab_issues as issues
from bot.forges import gitlab_notes as notes
from bot.forges import gitlab_project_paths as project_paths
from bot.forges import gitlab_repos as glrepos
from bot.forges.errors import RetryLater
from bot.forges.gitlab_client import GitLabClient
from bot.incidents.forge import BaseFailure, ForgeRefused, IssueRef, Nouns
from bot.incidents.gitlab_context import PipelineInfo, gather_pipeline
from bot.incidents.job_logs import analyze_job_log
from bot.incidents.run import FailedRun, FileTree, Gathered, PullFacts
from bot.settings import Settings
from storage.database import Database
from storage.models import ForgeNote, Incident, RepositoryConnection
from storage.types import utcnow

log = logging.getLogger(__name__)

PROVIDER = "gitlab"
WORKFLOW = "GitLab pipeline"  # one pipeline per ref: a green one resolves what failed before on the ref
NOUNS = Nouns(forge="GitLab", change="merge request", short="MR", ref="!", run="pipeline", identity="bot account")
MAX_TITLE = 255


def failed_run(p: PipelineInfo, attempt: int = 1) -> FailedRun:
    return FailedRun(
        provider=PROVIDER, repo=p.project, run_id=p.pipeline_id, run_attempt=attempt, workflow_name=WORKFLOW,
        head_sha=p.sha, head_branch=p.ref, conclusion=p.status, succeeded=p.status == "success",
        failed=p.status == "failed", workflow_path=GITLAB_CI_FILE, event=p.source, html_url=p.web_url,
        default_branch=p.default_branch, pr_number=p.mr_iid, pull_requests=(p.mr_iid,) if p.mr_iid else (),
    )


async def verified_project(
    db: Database, client: GitLabClient | None, project_id: int, claimed: str
) -> tuple[str | None, RepositoryConnection | None]:
    """The path a delivery's project id is keyed by, if the path it claims is that project's (None: refused),
    and the project's connection. A connected project's is the path recorded when it was connected; any other's
    is what GitLab says (`GET /projects/:id`, cached), so a delivery cannot speak for another project."""
    conn = await db.repositories.by_provider_id(PROVIDER, str(project_id))
    if conn is not None and conn.removed_at is None:
        return (conn.full_name if conn.full_name.casefold() == claimed.casefold() else None), conn
    if client is None:
        return None, conn  # nobody to ask, and nobody to act either
    return await project_paths.matches(client, project_id, claimed), conn


class GitLabForge:
    """The GitLab side of one delivery's incident work."""

    provider = PROVIDER
    nouns = NOUNS
    removed_is_watched = True  # a disconnected project falls back to the global secret and token

    def __init__(
        self, db: Database, settings: Settings, gitlab: Callable[[], GitLabClient | None], owner: str,
        pipeline: PipelineInfo,
    ) -> None:
        self.db = db
        self.settings = settings
        self.gitlab = gitlab
        self.owner = owner
        self.pipeline = pipeline
        self._run = failed_run(pipeline)
        self._jobs: list[ci.Job] = []
        self._checked: tuple[bool, RepositoryConnection | None] | None = None

    def _client(self) -> GitLabClient:
        client = self.gitlab()
        assert client is not None, "checked by the caller"
        return client

    @property
    def run(self) -> FailedRun:
        return self._run

    @property
    def calls(self) -> int:
        client = self.gitlab()
        return client.calls if client is not None else 0

    async def verified(self) -> bool:
        """The pipeline keyed by its verified project: the path recorded for a connected project id (whose own
        secret verified the delivery), else the path GitLab gives that id; a delivery naming another path is
        refused (the webhook refuses a connected project's already; this holds if its cache was stale)."""
        if self._checked is None:
            p = self.pipeline
            path, conn = await verified_project(self.db, self.gitlab(), p.project_id, p.project)
            if path is None:
                log.warning("gitlab delivery refused: its project path does not match project %s", p.project_id)
            else:
                self.pipeline = dataclasses.replace(p, project=path)
                self._run = failed_run(self.pipeline, self._run.run_attempt)
            self._checked = (path is not None, conn)
        return self._checked[0]

    async def connection(self) -> tuple[bool, RepositoryConnection | None]:
        """The verified project's connection; a pipeline whose incident was re-run is worked on as its second
        attempt (a retried job fails the same pipeline again)."""
        if not await self.verified():
            return False, self._checked[1] if self._checked else None
        p = self.pipeline
        existing = await self.db.incidents.for_run(p.project, p.pipeline_id, provider=PROVIDER)
        attempt = 1
        if existing is not None:
            attempt = existing.processed_attempt + 1 if existing.status == "rerun" else max(existing.run_attempt, 1)
        self._run = failed_run(p, attempt)
        return True, self._checked[1] if self._checked else None

    async def pull(self) -> PullFacts:
        """The merge request with its labels now (one that was added after the hook was sent counts too)."""
        p = self.pipeline
        if p.mr_iid is None:
            return PullFacts()
        try:  # one read: the MR's head now (the hook does not carry it) and its labels now (a skip label added later)
            mr = await glrepos.get_merge_request(self._client(), p.mr_project_id or p.project_id, p.mr_iid)
        except gidgetlab.BadRequest as exc:  # e.g. 403: the head stays unknown, the hook's labels count
            log.info("merge request !%s not read (HTTP %s)", p.mr_iid, exc.status_code)
            mr = None
        head_now = str((mr or {}).get("sha") or "") or None
        labels = p.mr_labels if mr is None else glrepos.merge_request_labels_of(mr)
        return PullFacts(p.mr_iid, p.mr_source_branch or p.ref, p.mr_target_branch, p.mr_from_fork, labels,
                         head_sha=head_now)

    async def gather(self, pull: PullFacts, *, want_sources: bool) -> Gathered:
        gathered, self._jobs = await gather_pipeline(self._client(), self.pipeline, self.settings,
                                                     want_sources=want_sources)
        return gathered

    async def rerun_failed(self, gathered: Gathered) -> None:
        client = self._client()
        try:
            for job in self._jobs:
                await glrepos.retry_job(client, self.pipeline.project_id, job.id)
        except gidgetlab.BadRequest as exc:  # 403: the token may not run pipelines; 400/404: not retryable
            raise ForgeRefused(int(exc.status_code), str(exc)) from None

    async def tree(self) -> FileTree | None:
        return await glrepos.get_tree(self._client(), self.pipeline.project_id, self.pipeline.sha)

    async def file(self, path: str, *, max_bytes: int) -> str | None:
        return await glrepos.get_file(self._client(), self.pipeline.project_id, path, self.pipeline.sha,
                                      max_bytes=max_bytes)

    async def open_fix(
        self, *, tree: FileTree, changed: dict[str, str], branch: str, base: str, title: str, body: str,
        message: str, labels: Sequence[str],
    ) -> OpenedFix:
        """A branch from the failing sha with one commit (`update` actions: files keep their mode), and a merge
        request into `base` (the failing MR's source branch), labelled. Raises EditRejected (nothing written)
        when a rule refuses, ForgeRefused when GitLab does (400 on an action it cannot apply, 403, 409)."""
        p = self.pipeline
        check_fix_branch(branch, base=base, default_branch=p.default_branch)
        written_modes(changed, tree.entries)
        client = self._client()
        try:
            leftover = await glrepos.get_branch(client, p.project_id, branch)
            if leftover is not None and leftover.get("protected"):
                raise EditRejected(f"the branch `{one_line(branch, 100)}` exists and is protected; it is not moved")
            sha = await glrepos.commit_actions(client, p.project_id, branch=branch, start_sha=p.sha,
                                               message=message, files=changed, force=leftover is not None)
            mr = await glrepos.create_merge_request(
                client, p.project_id, source=branch, target=base, title=one_line(title, MAX_TITLE),
                description=body, labels=list(dict.fromkeys(lb for lb in labels if lb)),
            )
        except gidgetlab.BadRequest as exc:
            raise ForgeRefused(int(exc.status_code), str(exc)) from None
        return OpenedFix(branch, sha, int(mr["iid"]), mr.get("web_url"))

    # ---- publishing
    async def publish(self, incident: Incident, *, thread: bool = True) -> None:
        if not thread:
            return
        if incident.pr_number:
            await self.publish_thread(incident.pr_number)
        else:
            await self.comment_on_commit(incident)

    async def refresh(self, incident: Incident) -> None:
        return None  # a commit comment cannot be edited; the MR note is the thread

    async def publish_thread(self, number: int) -> None:
        await self.upsert_mr_note(number)

    async def upsert_mr_note(self, iid: int) -> int:
        """Render the merge request's incidents into its one note: created the first time, then edited."""
        p = self.pipeline
        client = self._client()
        store = self.db.incidents
        incidents = await store.for_merge_request(p.project, iid, provider=PROVIDER)
        attempts = {i.id: await store.attempts_of(i.id) for i in incidents}
        body = render.mr_note(incidents, attempts)
        target = f"mr:{iid}"
        claimed_at = utcnow()
        row = await self._claim(target)
        project = p.mr_project_id or p.project_id
        if row.note_id is None and row.created_at < claimed_at:  # an earlier try may have written it, then died
            left = await notes.find_marked_note(client, project, iid, render.MARKER)
            if left is not None and await notes.update_mr_note(client, project, iid, left, body):
                await store.set_note(PROVIDER, p.project, target, self.owner, note_id=left, posted=True)
                return left
        if row.note_id is not None:
            if await notes.update_mr_note(client, project, iid, int(row.note_id), body):
                return int(row.note_id)
            log.info("the note on !%s was deleted; writing a new one", iid)
            await store.set_note(PROVIDER, p.project, target, self.owner, note_id=None, posted=False)
        try:
            note_id = await notes.create_mr_note(client, project, iid, body)
        except BaseException:
            await store.release_note(PROVIDER, p.project, target, self.owner)
            raise
        await store.set_note(PROVIDER, p.project, target, self.owner, note_id=note_id, posted=True)
        return note_id

    async def comment_on_commit(self, incident: Incident) -> bool:
        """One comment on the pipeline's commit (GitLab's commit comments cannot be edited: written once)."""
        p = self.pipeline
        store = self.db.incidents
        target = f"pipeline:{p.pipeline_id}"
        row = await self._claim(target)
        if row.posted:
            return False
        try:
            await notes.comment_on_commit(self._client(), p.project_id, p.sha, render.commit_note(incident))
        except BaseException:
            await store.release_note(PROVIDER, p.project, target, self.owner)
            raise
        await store.set_note(PROVIDER, p.project, target, self.owner, note_id=None, posted=True)
        return True

    # ---- the verdicts
    async def newer_run(self, head_sha: str) -> str | None:
        try:
            pipeline = await ci.newest_pipeline_of_sha(self._client(), self.pipeline.project_id, head_sha)
        except gidgetlab.BadRequest:
            return None
        return str(pipeline["web_url"]) if pipeline and pipeline.get("web_url") else None

    async def base_failure(self, base_ref: str, job: str) -> BaseFailure | None:
        """The target branch's latest finished pipeline (one call); when it failed, its incident's signature, else
        its job's trace analyzed (two calls more)."""
        client = self._client()
        try:
            return await self._base_failure(client, base_ref, job)
        except gidgetlab.BadRequest as exc:  # the verdict is only sharper with it: no answer, no verdict
            log.info("target branch %s not read (HTTP %s)", base_ref, exc.status_code)
            return None

    async def _base_failure(self, client: GitLabClient, base_ref: str, job: str) -> BaseFailure | None:
        p = self.pipeline
        pipeline = await ci.latest_finished_pipeline(client, p.project_id, base_ref)
        if pipeline is None or pipeline.get("status") != "failed":
            return None
        pid = int(pipeline["id"])
        known = await self.db.incidents.for_run(p.project, pid, provider=PROVIDER)
        if known is not None and known.signature:
            return BaseFailure(pid, pipeline.get("web_url"), known.signature, known.merged_into_id or known.id)
        twin = next((j for j in await ci.failed_jobs(client, p.project_id, pid) if j.name == job), None)
        if twin is None:
            return BaseFailure(pid, pipeline.get("web_url"), None)
        cap = self.settings.max_log_bytes
        analyzed = await analyze_job_log(
            lambda job_id: ci.download_trace(client, p.project_id, job_id, max_bytes=cap),
            twin.id, None, baseline_errors=(RetryLater, gidgetlab.BadRequest),
        )
        return BaseFailure(pid, pipeline.get("web_url"), analyzed.analysis.signature)

    async def find_issue(self, marker: str) -> IssueRef | None:
        found = await issues.find_marked_issue(self._client(), self.pipeline.project_id, marker)
        return IssueRef(*found) if found else None

    async def open_issue(self, title: str, body: str, labels: list[str]) -> IssueRef:
        try:
            return IssueRef(*await issues.create_issue(self._client(), self.pipeline.project_id, title, body,
                                                       labels))
        except gidgetlab.BadRequest as exc:  # 403: issues turned off, or the token may not create them
            raise ForgeRefused(int(exc.status_code), str(exc)) from None

    async def comment_issue(self, number: int, body: str) -> None:
        try:
            await issues.comment_on_issue(self._client(), self.pipeline.project_id, number, body)
        except gidgetlab.BadRequest as exc:
            raise ForgeRefused(int(exc.status_code), str(exc)) from None

    async def close_issue(self, number: int) -> None:
        try:
            await issues.close_issue(self._client(), self.pipeline.project_id, number)
        except gidgetlab.BadRequest as exc:
            raise ForgeRefused(int(exc.status_code), str(exc)) from None

    async def _claim(self, target: str) -> ForgeNote:
        return await claim_note(self.db, PROVIDER, self.pipeline.project, target, self.owner)
