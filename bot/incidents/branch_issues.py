"""Failures on the default branch as issues (opt-in `default_branch_issues`), the same for both forges: one issue
per failure signature of a workflow, opened the first time (looked up by its hidden marker before creating, so a
worker killed between creating and recording it leaves no duplicate), commented on when the failure recurs, and
closed when a green run of that workflow on the default branch resolves it. The forge's calls are behind the
port (`find_issue`, `open_issue`, `comment_issue`, `close_issue`); the claim is in `storage/verdicts.py`.
"""

from __future__ import annotations

import hashlib
import logging

from bot.fixes.render import clean, one_line
from bot.incidents.forge import Forge, ForgeRefused, IssueRef, Nouns
from bot.incidents.run import FailedRun
from bot.incidents.verdicts import incident_url
from bot.settings import Settings
from storage.database import Database
from storage.models import Incident

log = logging.getLogger(__name__)

MAX_TITLE = 200


def marker(workflow: str, signature: str) -> str:
    """The hidden marker of a signature's issue (a digest: nothing from the log is put in it)."""
    digest = hashlib.sha256(f"{workflow}\0{signature}".encode()).hexdigest()[:24]
    return f"<!-- devflowfix:default-branch-issue {digest} -->"


def _body(incident: Incident, run: FailedRun, nouns: Nouns, settings: Settings, mark: str) -> str:
    data = incident.analysis or {}
    lines = [mark, f"DevFlowFix saw the {nouns.run} **{clean(run.workflow_name, 200)}** fail on the default branch "
             f"`{clean(run.head_branch, 200)}`.", ""]
    if run.html_url:
        lines.append(f"- Run: {run.html_url}")
    if data.get("job"):
        lines.append(f"- Job: `{one_line(data['job'], 200)}`")
    lines.append(f"- Category: {clean(incident.category, 40) or 'unknown'}")
    link = incident_url(settings, incident.id)
    if link:
        lines.append(f"- Incident: {link}")
    root = incident.root_cause or data.get("summary")
    if root:
        lines += ["", f"**Root cause:** {clean(root)}"]
    lines += ["", f"<sub>Updated when it fails again; closed when a green {nouns.run} run on "
              f"`{clean(run.head_branch, 200)}` resolves it.</sub>"]
    return "\n".join(lines)


async def report_failure(db: Database, settings: Settings, forge: Forge, run: FailedRun, incident: Incident,
                         owner: str, labels: list[str], *, recurrence: bool) -> IssueRef | None:
    """Open the signature's issue, or comment on it when the failure recurs; None when nothing was written."""
    signature = incident.signature
    if not signature:
        return None
    mark = marker(run.workflow_name, signature)
    store = db.verdicts
    row, mine = await store.claim_issue(run.provider, run.repo, run.workflow_name, signature, owner, incident.id)
    try:
        if row.state == "open" and row.number is not None:
            if recurrence:
                await forge.comment_issue(row.number, f"It failed again: {run.html_url or run.run_id} "
                                                      f"(`{run.head_sha[:7]}`).")
            return IssueRef(row.number, row.url)
        if not mine:
            return None  # another delivery is opening it
        found = await forge.find_issue(mark)  # a worker killed after creating it, before recording it
        issue = found or await forge.open_issue(
            one_line(f"CI failing on {run.head_branch}: {run.workflow_name} · "
                     f"{(incident.analysis or {}).get('job') or incident.category or 'failure'}", MAX_TITLE),
            _body(incident, run, forge.nouns, settings, mark), labels,
        )
    except ForgeRefused as exc:  # e.g. issues turned off for the repository, or no `issues: write`
        log.warning("default-branch issue not written for %s: HTTP %s", run.repo, exc.status)
        await store.release_issue(row.id, owner)
        return None
    except BaseException:
        await store.release_issue(row.id, owner)
        raise
    await store.issue_opened(row.id, number=issue.number, url=issue.url)
    return issue


async def resolve_issues(db: Database, forge: Forge, run: FailedRun, resolved: list[Incident]) -> list[int]:
    """A green run on the default branch resolved these incidents: their signatures' issues are closed."""
    signatures = {i.signature for i in resolved if i.signature}
    closed: list[int] = []
    if not signatures:
        return closed
    for row in await db.verdicts.open_issues(run.provider, run.repo, run.workflow_name):
        if row.signature not in signatures or row.number is None or not await db.verdicts.close_issue(row.id):
            continue
        try:
            await forge.comment_issue(row.number, f"Resolved by a green {forge.nouns.run} run: "
                                                  f"{run.html_url or run.run_id} (`{run.head_sha[:7]}`).")
            await forge.close_issue(row.number)
        except ForgeRefused as exc:
            log.warning("default-branch issue %s of %s not closed: HTTP %s", row.number, run.repo, exc.status)
            continue
        closed.append(row.number)
    return closed
