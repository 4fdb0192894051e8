"""Gathers what explains a failed GitLab pipeline, with few calls: the tree at the failing commit (fetched before
the analysis, so the files errors name come back as repository paths), its failed jobs' traces analyzed against
the last green pipeline's twin jobs (the baseline); and when the LLM will read them, `.gitlab-ci.yml` and its
local includes at the sha, the merge request's changes (or a push's compare), and the files the errors point at.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import gidgetlab

from bot.fixes.edits import GITLAB_CI_FILE, local_includes
from bot.forges import gitlab_ci as ci
from bot.forges import gitlab_repos as glrepos
from bot.forges.errors import RetryLater
from bot.forges.gitlab_client import GitLabClient
from bot.incidents.job_logs import analyze_job_log
from bot.incidents.run import FailedJob, Gathered, resolve_paths
from bot.settings import Settings

log = logging.getLogger(__name__)

MAX_FAILED_JOBS = 3  # traces downloaded per pipeline; the rest are listed by name
MAX_INCLUDES = 5
ZERO_SHA = "0" * 40


@dataclass(frozen=True)
class PipelineInfo:
    """The facts of a `Pipeline Hook` the work uses."""

    project_id: int
    project: str  # path_with_namespace (replaced by the connection's recorded path once verified)
    project_url: str | None
    pipeline_id: int
    ref: str | None
    sha: str
    status: str | None
    source: str | None
    mr_iid: int | None
    mr_project_id: int | None
    before_sha: str | None = None
    default_branch: str | None = None
    mr_source_branch: str | None = None
    mr_target_branch: str | None = None
    mr_from_fork: bool = False
    mr_labels: frozenset[str] = frozenset()  # when the hook carries them (`merge_request.labels`)

    @property
    def web_url(self) -> str | None:
        return f"{self.project_url}/-/pipelines/{self.pipeline_id}" if self.project_url else None

    @classmethod
    def from_event(cls, data: dict[str, Any]) -> PipelineInfo:
        attributes = data.get("object_attributes") or {}
        project = data.get("project") or {}
        mr = data.get("merge_request") or {}
        # Only a merge request of the pipeline's own project is written to: the delivery was verified for that
        # project, and its secret must not steer notes into another one (a fork's MR pipeline run in the fork
        # therefore gets a commit comment in the fork instead of a note on the parent's MR).
        if mr and int(mr.get("target_project_id") or project["id"]) != int(project["id"]):
            mr = {}
        source_project = mr.get("source_project_id") if mr else None
        return cls(
            project_id=int(project["id"]), project=str(project["path_with_namespace"]),
            project_url=project.get("web_url"), pipeline_id=int(attributes["id"]), ref=attributes.get("ref"),
            sha=str(attributes.get("sha") or ""), status=attributes.get("status"), source=attributes.get("source"),
            mr_iid=int(mr["iid"]) if mr.get("iid") is not None else None,
            mr_project_id=int(project["id"]) if mr else None,
            before_sha=str(attributes.get("before_sha") or "") or None,
            default_branch=project.get("default_branch"),
            mr_source_branch=mr.get("source_branch") if mr else None,
            mr_target_branch=mr.get("target_branch") if mr else None,
            mr_from_fork=bool(mr) and source_project is not None and int(source_project) != int(project["id"]),
            mr_labels=_labels(mr.get("labels") if mr else None),
        )


def _labels(value: object) -> frozenset[str]:
    """Label names from a hook's `labels` (objects with a `title`, or plain names); anything else is none."""
    if not isinstance(value, list):
        return frozenset()
    names = (item.get("title") if isinstance(item, dict) else item for item in value[:100])
    return frozenset(n for n in names if isinstance(n, str))


async def gather_pipeline(
    client: GitLabClient, p: PipelineInfo, settings: Settings, *, want_sources: bool
) -> tuple[Gathered, list[ci.Job]]:
    """Everything the explanation needs, and every failed job (for a re-run)."""
    jobs = await ci.failed_jobs(client, p.project_id, p.pipeline_id)
    gathered = Gathered(other_failed_jobs=[j.name for j in jobs[MAX_FAILED_JOBS:]])
    if not jobs:
        return gathered, jobs
    twins: dict[str, ci.Job] = {}
    if p.ref:
        green = await ci.last_successful_pipeline(client, p.project_id, p.ref, before=p.pipeline_id)
        if green is not None:
            twins = {j.name: j for j in await ci.pipeline_jobs(client, p.project_id, int(green["id"]), "success")}
    # the tree first, as on GitHub: the analyzer maps the files errors name to repository paths with it (one call)
    tree = await glrepos.get_tree(client, p.project_id, p.sha)
    gathered.tree = tree
    paths = list(tree.entries) if tree is not None else None
    cap = settings.max_log_bytes
    for job in jobs[:MAX_FAILED_JOBS]:
        twin = twins.get(job.name)
        analyzed = await analyze_job_log(
            lambda job_id: ci.download_trace(client, p.project_id, job_id, max_bytes=cap),
            job.id, twin.id if twin is not None else None, baseline_errors=(RetryLater, gidgetlab.BadRequest),
            tree=paths,
        )
        gathered.failures.append(FailedJob(
            job.name, job.id, job.web_url, analyzed.analysis, step=job.stage, failure_reason=job.failure_reason,
            log_truncated=analyzed.truncated, baseline_used=analyzed.baseline_used,
        ))

    size = settings.max_context_file_bytes
    if want_sources:
        ci_text = await glrepos.get_file(client, p.project_id, GITLAB_CI_FILE, p.sha, max_bytes=size)
        includes = local_includes(ci_text)
        gathered.ci_files = includes
        parts = [ci_text] if ci_text else []
        for path in sorted(includes)[:MAX_INCLUDES]:
            text = await glrepos.get_file(client, p.project_id, path, p.sha, max_bytes=size)
            if text is not None:
                parts.append(f"# --- included: {path}\n{text}")
        gathered.ci_file = "\n".join(parts) or None
    if want_sources or any(f.analysis.category == "infrastructure" for f in gathered.failures):
        gathered.diff = list(await _diff(client, p) or [])

    primary = gathered.primary
    wanted = [(f.path, f.line) for f in primary.analysis.files] if primary else []
    gathered.refs = resolve_paths(wanted, tree)
    if want_sources:
        for path in dict.fromkeys(ref for ref, _ in gathered.refs):
            if len(gathered.files) >= settings.max_context_files:
                break
            if tree is not None and path not in tree.entries:
                continue
            text = await glrepos.get_file(client, p.project_id, path, p.sha, max_bytes=size)
            if text is not None:
                gathered.files[path] = text
    return gathered, jobs


async def _diff(client: GitLabClient, p: PipelineInfo) -> list[glrepos.Change] | None:
    """The change the pipeline tested: the merge request's diffs, or a push's compare from `before_sha`."""
    if p.mr_iid is not None:
        return await glrepos.merge_request_changes(client, p.project_id, p.mr_iid)
    if p.before_sha and p.before_sha not in (ZERO_SHA, p.sha):
        return await glrepos.compare(client, p.project_id, p.before_sha, p.sha)
    return None
