"""Typed GitLab CI calls: a pipeline's failed jobs, a job's trace (plain text, maybe redirected to object storage,
streamed into a spooled file and capped like a GitHub log), the last green pipeline of a ref and its jobs.
"""

from __future__ import annotations

import http
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
import gidgetlab

from bot.forges.github_actions import JobLog, _spool
from bot.forges.gitlab_client import GitLabClient, project_path
from bot.forges.http import Answer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: int
    name: str
    stage: str | None
    status: str | None
    web_url: str | None
    allow_failure: bool = False
    failure_reason: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Job:
        return cls(
            id=int(data["id"]), name=str(data.get("name") or ""), stage=data.get("stage"),
            status=data.get("status"), web_url=data.get("web_url"), allow_failure=bool(data.get("allow_failure")),
            failure_reason=data.get("failure_reason"),
        )


async def pipeline_jobs(client: GitLabClient, project: int | str, pipeline_id: int, scope: str) -> list[Job]:
    """The pipeline's latest jobs in `scope` (failed, success, ...); retried ones are left out by GitLab."""
    url = f"{project_path(project)}/pipelines/{int(pipeline_id)}/jobs"
    return [Job.from_api(j) async for j in client.getiter(url, {"scope[]": scope, "per_page": "100"}, max_pages=5)]


async def failed_jobs(client: GitLabClient, project: int | str, pipeline_id: int) -> list[Job]:
    """The jobs that failed the pipeline (a failure allowed by `allow_failure` only when nothing else failed)."""
    jobs = await pipeline_jobs(client, project, pipeline_id, "failed")
    return [j for j in jobs if not j.allow_failure] or jobs


async def last_successful_pipeline(
    client: GitLabClient, project: int | str, ref: str, *, before: int
) -> dict[str, Any] | None:
    """The newest green pipeline of `ref` older than `before`, in one call (its last 20 green pipelines)."""
    params = {"ref": ref, "status": "success", "order_by": "id", "sort": "desc", "per_page": "20"}
    data = await client.getitem(f"{project_path(project)}/pipelines", params)
    for pipeline in data or []:
        if int(pipeline["id"]) < before:
            return dict(pipeline)
    return None


async def download_trace(client: GitLabClient, project: int | str, job_id: int, *, max_bytes: int) -> JobLog | None:
    """The job's trace: GitLab answers text/plain, or a redirect to object storage that is followed; streamed into
    a spooled file and capped at `max_bytes` (the head, then the last MiB). None when the job or its trace is gone.
    """
    url = f"{client.api_url}{project_path(project)}/jobs/{int(job_id)}/trace"

    async def spool(resp: aiohttp.ClientResponse) -> JobLog:
        return await _spool(resp, max_bytes)

    answer = await client.http.stream("GET", url, spool)  # faults retried, rate limits waited for
    if not isinstance(answer, Answer):
        return answer
    if answer.status in (403, 404, 410):
        log.info("trace of job %s not available (HTTP %s)", job_id, answer.status)
        return None
    # e.g. 401: the token is refused; trying again will not help
    raise gidgetlab.BadRequest(http.HTTPStatus(answer.status))


async def latest_failed_pipeline(client: GitLabClient, project: int | str, sha: str) -> dict[str, Any] | None:
    """The newest failed pipeline of a commit (`GET .../pipelines?sha=&status=failed`), the bot's branches excluded."""
    params = {"sha": sha, "status": "failed", "order_by": "id", "sort": "desc", "per_page": "20"}
    data = await client.getitem(f"{project_path(project)}/pipelines", params)
    for pipeline in data or []:
        if isinstance(pipeline, dict) and not str(pipeline.get("ref") or "").startswith("devflowfix/"):
            return dict(pipeline)
    return None


async def get_pipeline(client: GitLabClient, project: int | str, pipeline_id: int) -> dict[str, Any] | None:
    """One pipeline (`GET .../pipelines/:id`); None when the project has no such pipeline."""
    try:
        data = await client.getitem(f"{project_path(project)}/pipelines/{int(pipeline_id)}")
    except gidgetlab.BadRequest as exc:
        if int(exc.status_code) in (403, 404):
            return None
        raise
    return dict(data) if isinstance(data, dict) else None


async def latest_finished_pipeline(client: GitLabClient, project: int | str, ref: str, *, before: int | None = None
                                   ) -> dict[str, Any] | None:
    """The newest pipeline of `ref` that finished (success or failed), older than `before`, in one call."""
    params = {"ref": ref, "scope": "finished", "order_by": "id", "sort": "desc", "per_page": "20"}
    for pipeline in await client.getitem(f"{project_path(project)}/pipelines", params) or []:
        if (isinstance(pipeline, dict) and pipeline.get("status") in ("success", "failed")
                and (before is None or int(pipeline["id"]) < before)):
            return dict(pipeline)
    return None


async def newest_pipeline_of_sha(client: GitLabClient, project: int | str, sha: str) -> dict[str, Any] | None:
    """The newest pipeline of a commit (any status); None while there is none yet."""
    params = {"sha": sha, "order_by": "id", "sort": "desc", "per_page": "1"}
    data = await client.getitem(f"{project_path(project)}/pipelines", params)
    return dict(data[0]) if data and isinstance(data[0], dict) else None
