"""GitLab pipelines: a failed pipeline becomes one incident (provider "gitlab"), explained from its failed jobs'
traces (the last green pipeline of the ref as the analyzer's baseline; the LLM if configured, within the daily
cap) and published where people look: the one note per merge request the bot keeps up to date, or one comment on
the commit of a pipeline with no merge request. A green pipeline of the ref resolves the open incidents (and
updates the note). Every decision concurrent deliveries could race on is made in the database.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gidgetlab

from bot.analysis import Analysis, redact
from bot.fixes import gitlab_render as render
from bot.forges import gitlab_ci as ci
from bot.forges import gitlab_notes
from bot.forges.errors import RetryLater
from bot.forges.gitlab_client import GitLabClient, project_path
from bot.incidents.job_logs import analyze_job_log
from bot.incidents.outcome import Outcome
from bot.incidents.record import AnalysisRecord, LLMVerdict
from bot.incidents.steps import ask_llm, excerpt_text, explained, leased, monitoring_disabled
from bot.llm.answer import LLMAnswer
from bot.llm.prompt import PromptInput
from bot.settings import Settings
from storage.database import Database
from storage.models import Incident, RepositoryConnection
from storage.types import utcnow

log = logging.getLogger(__name__)

PROVIDER = "gitlab"
WORKFLOW = "GitLab pipeline"  # one pipeline per ref: a green one resolves what failed before on the ref
CI_FILE = ".gitlab-ci.yml"
MAX_FAILED_JOBS = 3  # traces downloaded per pipeline; the rest are listed by name
NO_FIX = "Fix merge requests are not opened on GitLab yet."


@dataclass(frozen=True)
class PipelineInfo:
    """The facts of a `Pipeline Hook` the work uses."""

    project_id: int
    project: str  # path_with_namespace
    project_url: str | None
    pipeline_id: int
    ref: str | None
    sha: str
    status: str | None
    source: str | None
    mr_iid: int | None
    mr_project_id: int | None

    @property
    def web_url(self) -> str | None:
        return f"{self.project_url}/-/pipelines/{self.pipeline_id}" if self.project_url else None

    @classmethod
    def from_event(cls, data: dict[str, Any]) -> PipelineInfo:
        attributes = data.get("object_attributes") or {}
        project = data.get("project") or {}
        mr = data.get("merge_request") or {}
        # Only a merge request of the pipeline's own project is written to: the delivery was verified for that
        # project, and its secret must not steer notes into another one (a fork's MR pipeline therefore gets
        # a commit comment in the fork instead of a note on the parent's MR).
        if mr and int(mr.get("target_project_id") or project["id"]) != int(project["id"]):
            mr = {}
        return cls(
            project_id=int(project["id"]), project=str(project["path_with_namespace"]),
            project_url=project.get("web_url"), pipeline_id=int(attributes["id"]), ref=attributes.get("ref"),
            sha=str(attributes.get("sha") or ""), status=attributes.get("status"), source=attributes.get("source"),
            mr_iid=int(mr["iid"]) if mr.get("iid") is not None else None,
            mr_project_id=int(project["id"]) if mr else None,
        )


@dataclass
class JobResult:
    job: ci.Job
    analysis: Analysis
    truncated: bool = False
    baseline_used: bool = False


@dataclass
class GitLabForge:
    """The GitLab adapter of the incident port: the one note per merge request, else one comment on the commit."""

    service: GitLabIncidentService
    pipeline: PipelineInfo
    provider: str = PROVIDER
    removed_is_watched: bool = True  # a disconnected project falls back to the global secret and token

    @property
    def calls(self) -> int:
        client = self.service.gitlab()
        return client.calls if client is not None else 0

    async def publish(self, incident: Incident) -> None:
        p = self.pipeline
        if p.mr_iid:
            await self.service.upsert_mr_note(p.mr_project_id or p.project_id, p.project, p.mr_iid)
        else:
            await self.service.comment_on_commit(p, incident)


@dataclass
class GitLabIncidentService:
    """One delivery's work on GitLab incidents; `owner` (the delivery id) names its leases and claims."""

    db: Database
    settings: Settings
    gitlab: Callable[[], GitLabClient | None]
    owner: str

    def _client(self) -> GitLabClient:
        client = self.gitlab()
        assert client is not None, "checked by the caller"
        return client

    async def _verified(self, p: PipelineInfo) -> tuple[PipelineInfo | None, RepositoryConnection | None]:
        """The pipeline keyed by its verified project: a connected project's deliveries are verified with its own
        secret, so its incidents are keyed by the path recorded for that project id, and a delivery naming
        another path is refused (None; the webhook refuses it already, this holds if its cache was stale)."""
        conn = await self.db.repositories.by_provider_id(PROVIDER, str(p.project_id))
        if conn is None or conn.removed_at is not None:
            return p, conn
        if conn.full_name.casefold() != p.project.casefold():
            log.warning("gitlab delivery refused: its project path does not match project %s", p.project_id)
            return None, conn
        return dataclasses.replace(p, project=conn.full_name), conn

    # ---- entry points
    async def handle_failure(self, p: PipelineInfo) -> Outcome:
        verified, conn = await self._verified(p)
        if verified is None:
            return Outcome.PROJECT_MISMATCH
        p = verified
        if monitoring_disabled(conn, removed_is_watched=GitLabForge.removed_is_watched):
            return Outcome.MONITORING_DISABLED
        store = self.db.incidents
        incident = await store.claim_run({
            "provider": PROVIDER, "repository_full_name": p.project, "run_id": p.pipeline_id, "run_attempt": 1,
            "workflow_name": WORKFLOW, "head_branch": p.ref, "head_sha": p.sha, "pr_number": p.mr_iid,
            "pull_requests": [p.mr_iid] if p.mr_iid else [], "links": {"run": p.web_url},
        })
        await store.record_run({
            "provider": PROVIDER, "repository_full_name": p.project, "run_id": p.pipeline_id, "run_attempt": 1,
            "workflow_name": WORKFLOW, "workflow_path": CI_FILE, "event": p.source, "head_branch": p.ref,
            "head_sha": p.sha, "status": "completed", "conclusion": "failed", "html_url": p.web_url,
            "incident_id": incident.id,
        })
        return await leased(self.db, self.owner, incident, 1, lambda: self._process(incident, p))

    async def resolve(self, p: PipelineInfo, *, notify: bool = True) -> list[str]:
        """A green pipeline of the ref: its open incidents are resolved, and the merge request notes say so."""
        verified, _ = await self._verified(p)
        if verified is None:
            return []
        p = verified
        resolved = await self.db.incidents.resolve_open(p.project, p.ref, WORKFLOW, {
            "run_id": p.pipeline_id, "head_sha": p.sha, "html_url": p.web_url,
        }, provider=PROVIDER)
        if resolved and notify:
            for iid in sorted({i.pr_number for i in resolved if i.pr_number}):
                await self.upsert_mr_note(p.mr_project_id or p.project_id, p.project, iid)
        return [i.id for i in resolved]

    # ---- the work
    async def _process(self, incident: Incident, p: PipelineInfo) -> Outcome:
        store = self.db.incidents
        prior = AnalysisRecord.from_dict(incident.analysis)
        if prior.outcome:  # a retry after a failure to publish: what was decided stands (no second LLM call)
            await self._publish(incident.id, p)
            await store.finish(incident.id, self.owner, 1)
            return Outcome.PUBLISHED

        client = self._client()
        failures, others = await self._gather(client, p)
        primary = next((f for f in failures if f.analysis.category != "unknown"), failures[0] if failures else None)
        if primary is None:
            summary = (f"The pipeline failed without a failed job: `{CI_FILE}` may be invalid, or no job could be "
                       "created (see the pipeline's page).")
            record = AnalysisRecord.configuration(summary, f"Explained from the pipeline. {NO_FIX}")
            await store.update(incident.id, status="open", category="configuration", signature=f"no-job-{CI_FILE}",
                               root_cause=summary, analysis=record.to_dict())
            await self._publish(incident.id, p)
            await store.finish(incident.id, self.owner, 1, analysis={**(await self._analysis(incident.id)),
                                                                     "gitlab_calls": client.calls})
            return Outcome.NO_FAILED_JOB

        analysis = primary.analysis
        data = AnalysisRecord.of_analysis(
            analysis, failed_step=analysis.failed_step or primary.job.stage,
            job=primary.job.name, job_id=primary.job.id, job_url=primary.job.web_url,
            other_jobs=[f.job.name for f in failures if f is not primary] + others,
            log_truncated=primary.truncated, baseline_used=primary.baseline_used,
            failure_reason=primary.job.failure_reason, run_attempt=1,
        )
        other = await store.open_with_signature(p.project, p.ref, analysis.signature, incident.id, provider=PROVIDER)
        if other is not None and other.pr_number == p.mr_iid:  # the same failure again: counted on the open one
            await store.update(incident.id, status="merged", merged_into_id=other.id, category=analysis.category,
                               signature=analysis.signature, analysis={**data.to_dict(), "outcome": "merged"})
            target = await store.merge_into(other.id, {"run_id": p.pipeline_id, "head_sha": p.sha,
                                                       "html_url": p.web_url})
            await self._publish(other.id, p, target=target)
            await store.finish(incident.id, self.owner, 1)
            return Outcome.MERGED

        root_cause: str | None = None
        note = ""
        if self.settings.llm_enabled:
            answer, note = await self._ask_llm(p, failures, primary)
            if answer is not None:
                root_cause = answer.root_cause
                data.llm = LLMVerdict(answer.root_cause, answer.confidence, answer.explanation)
        data.outcome = f"{explained(self.settings, note)} {NO_FIX}"
        await store.update(
            incident.id, status="open", category=analysis.category, signature=analysis.signature,
            analysis=data.to_dict(),
            root_cause=root_cause or analysis.summary, pr_number=p.mr_iid,
            links={**(incident.links or {}), "run": p.web_url, "job": primary.job.web_url},
        )
        await self._publish(incident.id, p)
        data.extra["gitlab_calls"] = client.calls  # this delivery's API calls, kept with the incident
        await store.finish(incident.id, self.owner, 1, analysis=data.to_dict())
        return Outcome.OPEN

    async def _analysis(self, incident_id: str) -> dict[str, Any]:
        incident = await self.db.incidents.get(incident_id)
        return dict(incident.analysis or {}) if incident else {}

    async def _gather(self, client: GitLabClient, p: PipelineInfo) -> tuple[list[JobResult], list[str]]:
        """The failed jobs analysed (their traces, with the last green pipeline's twin jobs as the baseline)."""
        jobs = await ci.failed_jobs(client, p.project_id, p.pipeline_id)
        if not jobs:
            return [], []
        twins: dict[str, ci.Job] = {}
        if p.ref:
            green = await ci.last_successful_pipeline(client, p.project_id, p.ref, before=p.pipeline_id)
            if green is not None:
                twins = {j.name: j for j in await ci.pipeline_jobs(client, p.project_id, int(green["id"]), "success")}
        results = []
        cap = self.settings.max_log_bytes
        for job in jobs[:MAX_FAILED_JOBS]:
            twin = twins.get(job.name)
            analyzed = await analyze_job_log(
                lambda job_id: ci.download_trace(client, p.project_id, job_id, max_bytes=cap),
                job.id, twin.id if twin is not None else None, baseline_errors=(RetryLater, gidgetlab.BadRequest),
            )
            results.append(JobResult(job, analyzed.analysis, analyzed.truncated, analyzed.baseline_used))
        return results, [j.name for j in jobs[MAX_FAILED_JOBS:]]

    async def _ask_llm(self, p: PipelineInfo, failures: list[JobResult], primary: JobResult
                       ) -> tuple[LLMAnswer | None, str]:
        excerpt = excerpt_text(primary.analysis.excerpt,
                               [(f.job.name, f.analysis.excerpt) for f in failures if f is not primary])
        inp = PromptInput(
            repository=p.project, workflow=WORKFLOW, job=primary.job.name,
            failed_step=primary.analysis.failed_step or primary.job.stage, category=primary.analysis.category,
            summary=redact(primary.analysis.summary), excerpt=redact(excerpt), workflow_path=CI_FILE,
        )
        return await ask_llm(self.db, self.settings, p.project, inp)

    # ---- publishing
    async def _publish(self, incident_id: str, p: PipelineInfo, *, target: Incident | None = None) -> None:
        incident = target or await self.db.incidents.get(incident_id)
        assert incident is not None
        await GitLabForge(self, p).publish(incident)

    async def upsert_mr_note(self, project_id: int, repo: str, iid: int) -> int:
        """Render the merge request's incidents into its one note: created the first time, then edited."""
        client = self._client()
        store = self.db.incidents
        body = render.mr_note(await store.for_merge_request(repo, iid, provider=PROVIDER))
        target = f"mr:{iid}"
        claimed_at = utcnow()
        row, _ = await self._claim(repo, target)
        notes = f"{project_path(project_id)}/merge_requests/{int(iid)}/notes"
        note_id = row.note_id
        if note_id is None and row.created_at < claimed_at:  # an earlier try may have written it, then died
            note_id = await gitlab_notes.find_marked_note(client, project_id, iid, render.MARKER)
        if note_id is not None:
            try:
                await client.put(f"{notes}/{int(note_id)}", data={"body": body})
                if note_id != row.note_id:
                    await store.set_note(PROVIDER, repo, target, self.owner, note_id=int(note_id), posted=True)
                return int(note_id)
            except gidgetlab.BadRequest as exc:
                if exc.status_code != 404:
                    raise
                log.info("the note on !%s was deleted; writing a new one", iid)
        try:
            created = await client.post(notes, data={"body": body})
        except BaseException:
            await store.release_note(PROVIDER, repo, target, self.owner)
            raise
        await store.set_note(PROVIDER, repo, target, self.owner, note_id=int(created["id"]), posted=True)
        return int(created["id"])

    async def comment_on_commit(self, p: PipelineInfo, incident: Incident) -> bool:
        """One comment on the pipeline's commit (GitLab's commit comments cannot be edited: written once)."""
        store = self.db.incidents
        target = f"pipeline:{p.pipeline_id}"
        row, _ = await self._claim(p.project, target)
        if row.posted:
            return False
        url = f"{project_path(p.project_id)}/repository/commits/{p.sha}/comments"
        try:
            await self._client().post(url, data={"note": render.commit_note(incident)})
        except BaseException:
            await store.release_note(PROVIDER, p.project, target, self.owner)
            raise
        await store.set_note(PROVIDER, p.project, target, self.owner, note_id=None, posted=True)
        return True

    async def _claim(self, repo: str, target: str) -> Any:
        """The note's row once we may write it (it exists, or the claim to create it is ours)."""
        store = self.db.incidents
        waited = 0
        while True:
            row, may_create = await store.claim_note(PROVIDER, repo, target, self.owner)
            if row.posted or may_create:
                return row, may_create
            if await store.reclaim_note(PROVIDER, repo, target, self.owner):
                row, may_create = await store.claim_note(PROVIDER, repo, target, self.owner)
                return row, True
            if waited >= 40:
                raise RetryLater(f"the note {target} of {repo} is being written by another delivery")
            await asyncio.sleep(0.25)
            waited += 1
