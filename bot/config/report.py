"""Telling people their configuration file is wrong: one GitHub check run "DevFlowFix config" (its annotation on
the file's line when the file is in that repository) or one GitLab note, naming the file, the line and the
problem, once per repository and broken file (its blob sha) across every process: the first to claim it in the
database (`config_reports`) writes it; a process remembers its own claims so it asks once.
"""

from __future__ import annotations

import hashlib
import logging

import cachetools
import gidgethub
import gidgetlab

from bot.config.effective import EffectiveConfig
from bot.config.problems import ConfigProblem
from bot.forges import github_repos, gitlab_notes
from bot.forges.github_client import GitHubClient
from bot.forges.gitlab_client import GitLabClient
from storage.verdicts import VerdictStore

log = logging.getLogger(__name__)

CHECK_NAME = "DevFlowFix config"
MARKER = "<!-- devflowfix:config-problem -->"
_SENT: cachetools.TTLCache[tuple[str, ...], bool] = cachetools.TTLCache(maxsize=4096, ttl=24 * 3600)


def blob_key(problems: list[ConfigProblem]) -> str:
    """What a report is made once for: the broken file's blob sha (else a digest of the problems)."""
    blobs = sorted({p.blob for p in problems if p.blob})
    if blobs:
        return ",".join(blobs)[:128]
    return "problems:" + hashlib.sha256("\n".join(map(str, problems)).encode()).hexdigest()


async def _first_time(reports: VerdictStore | None, provider: str, repo: str, blob: str) -> bool:
    key = (provider, repo, blob)
    if key in _SENT:
        return False
    _SENT[key] = True
    return reports is None or await reports.first_config_report(provider, repo, blob)


def describe(problems: list[ConfigProblem]) -> str:
    lines = [f"- `{p.file}`" + (f" line {p.line}" if p.line else "") + f": {p.message}" for p in problems]
    return ("DevFlowFix could not use its configuration file, so the defaults apply until it is fixed:\n\n"
            + "\n".join(lines))


async def report_on_github(gh: GitHubClient, repo: str, head_sha: str, config: EffectiveConfig, *,
                           web_base: str, branch: str | None, reports: VerdictStore | None = None) -> int | None:
    """The check run for the file's problems (None: nothing to say, or said already for this file's blob)."""
    problems = config.fatal_problems
    if not problems or not head_sha:
        return None
    blob = blob_key(problems)
    if not await _first_time(reports, "github", repo, blob):
        return None
    own = [p for p in problems if p.file.startswith(f"{repo}:") and p.line > 0]
    annotations = [{"path": p.path, "start_line": p.line, "end_line": p.line, "annotation_level": "failure",
                    "title": CHECK_NAME, "message": p.message[:500]} for p in own]
    first = problems[0]
    details = None
    if own and branch:
        details = f"{web_base}/{repo}/blob/{branch}/{own[0].path}#L{own[0].line}"
    title = f"{first.path} line {first.line}: {first.message}" if first.line else f"{first.path}: {first.message}"
    try:
        return await github_repos.create_check_run(
            gh, repo, name=CHECK_NAME, head_sha=head_sha, conclusion="action_required" if details else "neutral",
            title=title[:200], summary=describe(problems), text="", annotations=annotations, details_url=details,
        )
    except gidgethub.BadRequest as exc:  # e.g. no `checks: write`: the work goes on with the defaults
        log.warning("config check run not written for %s: HTTP %s", repo, exc.status_code)
        return None
    except BaseException:  # not written: a later event may report it
        await _forget(reports, "github", repo, blob)
        raise


async def report_on_gitlab(client: GitLabClient, project_id: int, config: EffectiveConfig, *, sha: str,
                           mr_iid: int | None, reports: VerdictStore | None = None) -> bool:
    """One note on the merge request (else a comment on the commit) naming the problems; False: nothing sent."""
    problems = config.fatal_problems
    if not problems or (mr_iid is None and not sha):
        return False
    blob = blob_key(problems)
    if not await _first_time(reports, "gitlab", str(project_id), blob):
        return False
    body = f"{MARKER}\n{describe(problems)}\n"
    try:
        if mr_iid is not None:
            await gitlab_notes.create_mr_note(client, project_id, mr_iid, body)
        else:
            await gitlab_notes.comment_on_commit(client, project_id, sha, body)
    except gidgetlab.BadRequest as exc:  # e.g. a token that may not write notes: the work goes on
        log.warning("config note not written for project %s: HTTP %s", project_id, exc.status_code)
        return False
    except BaseException:
        await _forget(reports, "gitlab", str(project_id), blob)
        raise
    return True


async def _forget(reports: VerdictStore | None, provider: str, repo: str, blob: str) -> None:
    _SENT.pop((provider, repo, blob), None)
    if reports is not None:
        await reports.forget_config_report(provider, repo, blob)


def clear_sent() -> None:
    _SENT.clear()
