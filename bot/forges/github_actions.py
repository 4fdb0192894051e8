"""Typed GitHub Actions calls: a run's jobs, a job's log (302 to a short-lived URL, streamed and capped),
the last successful run of a workflow on a branch, and re-running a run's failed jobs.
"""

from __future__ import annotations

import collections
import http
import logging
import tempfile
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import quote

import aiohttp
import gidgethub

from bot.forges.errors import RetryLater
from bot.forges.github_client import GitHubClient
from bot.forges.http import Answer, ForgeHTTP

log = logging.getLogger(__name__)

FAILED_CONCLUSIONS = ("failure", "timed_out", "startup_failure")
TAIL_BYTES = 1024 * 1024  # past the cap, the last MiB of a log is kept: that is where failures are told
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Step:
    name: str
    number: int
    conclusion: str | None


@dataclass(frozen=True)
class Job:
    id: int
    name: str
    conclusion: str | None
    html_url: str | None
    run_attempt: int
    steps: list[Step] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.conclusion in FAILED_CONCLUSIONS

    @property
    def failed_steps(self) -> list[Step]:
        failed = [s for s in self.steps if s.conclusion in FAILED_CONCLUSIONS]
        return failed or [s for s in self.steps if s.conclusion == "cancelled"]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Job:
        steps = [
            Step(str(s.get("name") or ""), int(s.get("number") or 0), s.get("conclusion"))
            for s in data.get("steps") or []
        ]
        return cls(
            id=int(data["id"]), name=str(data.get("name") or ""), conclusion=data.get("conclusion"),
            html_url=data.get("html_url"), run_attempt=int(data.get("run_attempt") or 1), steps=steps,
        )


@dataclass
class JobLog:
    """A downloaded log in a spooled temporary file (memory up to 1 MiB, then disk)."""

    file: IO[bytes]
    size: int
    truncated: bool

    def close(self) -> None:
        self.file.close()


def repo_path(full_name: str) -> str:
    owner, _, name = full_name.partition("/")
    return f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}"


async def get_pages(
    client: GitHubClient, url: str, key: str, *, per_page: int = 100, max_pages: int = 10
) -> list[dict[str, Any]]:
    """Every item of a list endpoint, page by page (each page counted as one call)."""
    items: list[dict[str, Any]] = []
    sep = "&" if "?" in url else "?"
    for page in range(1, max_pages + 1):
        data = await client.getitem(f"{url}{sep}per_page={per_page}&page={page}")
        chunk = data.get(key) or [] if isinstance(data, dict) else data
        items.extend(chunk)
        total = data.get("total_count") if isinstance(data, dict) else None
        if len(chunk) < per_page or (isinstance(total, int) and len(items) >= total):
            break
    return items


async def run_jobs(client: GitHubClient, repo: str, run_id: int) -> list[Job]:
    """The jobs of the run's latest attempt."""
    data = await get_pages(client, f"{repo_path(repo)}/actions/runs/{int(run_id)}/jobs?filter=latest", "jobs")
    return [Job.from_api(j) for j in data]


async def last_successful_run(
    client: GitHubClient, repo: str, workflow_id: int | str, branches: list[str], *, before_run: int | None = None
) -> dict[str, Any] | None:
    """The newest successful run of the workflow on the first of `branches` that has one, in one call
    (the workflow's last 50 green runs; older ones are not worth a second call).
    """
    url = f"{repo_path(repo)}/actions/workflows/{quote(str(workflow_id), safe='')}/runs?status=success&per_page=50"
    data = await client.getitem(url)
    runs = [r for r in data.get("workflow_runs") or [] if before_run is None or int(r["id"]) < before_run]
    for branch in branches:
        for run in runs:
            if run.get("head_branch") == branch:
                return dict(run)
    return None


async def runs_for_sha(client: GitHubClient, repo: str, head_sha: str, *, max_pages: int = 3) -> list[dict[str, Any]]:
    """The workflow runs of a commit (every workflow, every event), newest first."""
    url = f"{repo_path(repo)}/actions/runs?head_sha={quote(head_sha, safe='')}"
    runs = await get_pages(client, url, "workflow_runs", max_pages=max_pages)
    return sorted(runs, key=lambda r: int(r["id"]), reverse=True)


async def get_run(client: GitHubClient, repo: str, run_id: int) -> dict[str, Any] | None:
    """One workflow run; None when it does not exist in this repository (GitHub answers 404)."""
    try:
        data = await client.getitem(f"{repo_path(repo)}/actions/runs/{int(run_id)}")
    except gidgethub.BadRequest as exc:
        if int(exc.status_code) == 404:
            return None
        raise
    return dict(data) if isinstance(data, dict) else None


async def rerun_failed_jobs(client: GitHubClient, repo: str, run_id: int) -> None:
    await client.post(f"{repo_path(repo)}/actions/runs/{int(run_id)}/rerun-failed-jobs", data={})


async def download_job_log(client: GitHubClient, repo: str, job_id: int, *, max_bytes: int) -> JobLog | None:
    """The job's log text: ask the API for its short-lived URL (302), stream it into a spooled file, capped.

    Both requests follow the client base's rules (faults retried with backoff, `Retry-After` and the rate limits
    waited for); an expired URL (the blob host answers 401/403/404/410) is asked for again once. None when the
    log is gone.
    """
    api_url = f"{client.api_base}{repo_path(repo)}/actions/jobs/{int(job_id)}/logs"
    for attempt in (1, 2):
        location = await _log_location(client, api_url)
        if location is None:
            return None
        answer = await _blob(client, location, max_bytes)
        if isinstance(answer, JobLog):
            return answer
        if attempt == 1:
            log.info("job log URL refused (HTTP %s), asking for a new one", answer.status)
            continue
        raise RetryLater(f"job log download answered HTTP {answer.status}")
    raise AssertionError("unreachable")


async def _blob(client: GitHubClient, location: str, max_bytes: int) -> JobLog | Answer:
    """The log from its signed URL (no token: the URL is the credential), through the same retry rules."""
    blob = ForgeHTTP(client.session, None, forge="github", policy=client.http.policy, gate=client.http.gate,
                     identity="job-log-blobs")

    async def spool(resp: aiohttp.ClientResponse) -> JobLog:
        return await _spool(resp, max_bytes)

    answer = await blob.stream("GET", location, spool, headers={"accept": "*/*"})
    if isinstance(answer, Answer) and answer.status < 400:
        raise RetryLater(f"job log download answered HTTP {answer.status}")
    return answer


async def log_location(client: GitHubClient, api_url: str) -> str | None:
    """Where a log endpoint (a job's, or a run's zip) sends the download (its 302), None if gone (404/410)."""
    return await _log_location(client, api_url)


async def _log_location(client: GitHubClient, api_url: str) -> str | None:
    answer = await client.http.request("GET", api_url, allow_redirects=False)
    if answer.status in (301, 302, 303, 307, 308):
        return answer.headers.get("Location")
    if answer.status in (404, 410):
        return None
    log.warning("job log answered HTTP %s: %s", answer.status, answer.body[:200])
    raise gidgethub.BadRequest(http.HTTPStatus(answer.status))


async def _spool(resp: aiohttp.ClientResponse, max_bytes: int) -> JobLog:
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
    size = 0
    head_limit = max(max_bytes - TAIL_BYTES, 0)
    tail: collections.deque[bytes] = collections.deque()
    tail_size = 0
    skipped = 0
    async for chunk in resp.content.iter_chunked(CHUNK):
        if size < head_limit:
            keep = chunk[: head_limit - size]
            out.write(keep)
            size += len(keep)
            chunk = chunk[len(keep) :]
            if not chunk:
                continue
        tail.append(chunk)
        tail_size += len(chunk)
        while tail_size - len(tail[0]) >= TAIL_BYTES:
            dropped = tail.popleft()
            tail_size -= len(dropped)
            skipped += len(dropped)
    truncated = skipped > 0
    if truncated:
        excess = max(tail_size - (max_bytes - size), 0)  # the cap is strict: head + tail <= max_bytes
        first = tail[0][excess:] if tail else b""
        skipped += excess
        cut = first.find(b"\n") + 1  # start the tail on a whole line
        skipped += cut
        tail[0] = first[cut:]
        out.write(b"\n[devflowfix: %d bytes of the log skipped]\n" % skipped)
    for chunk in tail:
        out.write(chunk)
        size += len(chunk)
    out.seek(0)
    return JobLog(out, size, truncated)


async def latest_completed_run(client: GitHubClient, repo: str, workflow_id: int | str, branch: str, *,
                               before_run: int | None = None) -> dict[str, Any] | None:
    """The newest completed run of the workflow on `branch` (older than `before_run`), in one call."""
    url = (f"{repo_path(repo)}/actions/workflows/{quote(str(workflow_id), safe='')}/runs"
           f"?branch={quote(branch, safe='')}&status=completed&per_page=10")
    data = await client.getitem(url)
    for run in data.get("workflow_runs") or []:
        if before_run is None or int(run["id"]) < before_run:
            return dict(run)
    return None


async def newest_run_of_workflow(client: GitHubClient, repo: str, head_sha: str, workflow_id: int | None,
                                 name: str) -> dict[str, Any] | None:
    """The newest run of the workflow (by id, else by name) on a commit; None while there is none yet."""
    for run in await runs_for_sha(client, repo, head_sha, max_pages=1):
        if (workflow_id is not None and run.get("workflow_id") == workflow_id) or run.get("name") == name:
            return run
    return None
