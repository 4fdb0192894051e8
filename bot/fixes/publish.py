"""Publishes an incident: the one comment per pull request (created once, then edited; its row in the one store of
notes both forges share, `claim_note`) and the check run.

Before creating either, when an earlier try may have created it and died before recording its id (the note's row
is older than this delivery's claim; the check run's intent, written ahead in the incident's links, is there),
what it left is looked up (the comment by its hidden marker, the check run by its external id, the incident's
id) and adopted: one comment and one check run, however often the work is cut short.
"""

from __future__ import annotations

import asyncio

from bot.fixes import render
from bot.forges import github_repos as repos
from bot.forges.errors import RetryLater
from bot.forges.github_client import GitHubClient
from storage.database import Database
from storage.models import ForgeNote, Incident
from storage.types import utcnow

CHECK_NAME = "DevFlowFix"
PROVIDER = "github"
CREATING = "check_run_creating"  # in the incident's links: the sha whose check run a try began to create


async def claim_note(db: Database, provider: str, repo: str, target: str, owner: str) -> ForgeNote:
    """The row of the one note (`pr:<n>`, `mr:<iid>`, `pipeline:<id>`) once we may write it: it exists, or the claim
    to create it is ours. Another delivery creating it is waited for (10 s); one that gave up or died is taken over.
    The one rule for both forges: only one delivery ever creates a note."""
    store = db.incidents
    waited = 0
    while True:
        row, may_create = await store.claim_note(provider, repo, target, owner)
        if row.posted or may_create:
            return row
        if await store.reclaim_note(provider, repo, target, owner):
            row, _ = await store.claim_note(provider, repo, target, owner)
            return row
        if waited >= 40:
            raise RetryLater(f"the note {target} of {repo} is being written by another delivery")
        await asyncio.sleep(0.25)
        waited += 1


async def upsert_pr_comment(gh: GitHubClient, db: Database, repo: str, pr_number: int, owner: str) -> int:
    """Render every recent incident of the PR into its one comment; create it the first time only."""
    store = db.incidents
    incidents = await store.for_pull_request(repo, pr_number)
    attempts = {i.id: await store.attempts_of(i.id) for i in incidents}
    body = render.pr_comment(incidents, attempts)
    target = f"pr:{int(pr_number)}"
    claimed_at = utcnow()
    row = await claim_note(db, PROVIDER, repo, target, owner)
    if row.note_id is not None:
        if await repos.update_comment(gh, repo, int(row.note_id), body):
            return int(row.note_id)
        # deleted by someone: write a new one (claimed by us meanwhile)
        await store.set_note(PROVIDER, repo, target, owner, note_id=None, posted=False)
    try:
        if row.created_at < claimed_at:  # an earlier try (this delivery's or another's) may have created it, then died
            left = await repos.find_marked_comment(gh, repo, pr_number, render.MARKER)
            if left is not None and left != row.note_id and await repos.update_comment(gh, repo, left, body):
                await store.set_note(PROVIDER, repo, target, owner, note_id=left, posted=True)
                return left
        new_id = await repos.create_comment(gh, repo, pr_number, body)
    except BaseException:
        await store.release_note(PROVIDER, repo, target, owner)
        raise
    await store.set_note(PROVIDER, repo, target, owner, note_id=new_id, posted=True)
    return new_id


# the check run's button (GitHub's limits: label 20, description 40, identifier 20 characters); its click is a
# `check_run` `requested_action` event, handled by handlers/github/check_actions.py
FIX_ACTION = "devflowfix_fix"
FIX_BUTTON = {"label": "Ask for a fix", "description": "Ask DevFlowFix to fix", "identifier": FIX_ACTION}


async def upsert_check_run(gh: GitHubClient, db: Database, incident: Incident, *, head_sha: str | None = None) -> int:
    """The incident's check run on its head commit: created once, then updated."""
    attempts = await db.incidents.attempts_of(incident.id)
    title, summary, text, annotations = render.check_run_output(incident, attempts)
    conclusion = "success" if incident.status == "fixed" or render.resolved_here(incident) else "neutral"
    sha = head_sha or incident.head_sha
    buttons = [FIX_BUTTON] if conclusion != "success" and incident.fix_state not in ("open", "fixed") else []
    if incident.check_run_id and sha == incident.head_sha:
        updated = await repos.update_check_run(
            gh, incident.repository_full_name, incident.check_run_id, conclusion=conclusion, title=title,
            summary=summary, text=text, annotations=annotations, actions=buttons,
        )
        if updated:
            return incident.check_run_id
    assert sha is not None
    links = dict(incident.links or {})
    left = None
    if links.get(CREATING) == sha:  # an earlier try began creating it: it may have died before recording it
        left = await repos.find_check_run(gh, incident.repository_full_name, sha, name=CHECK_NAME,
                                          external_id=incident.id)
    else:
        await db.incidents.update(incident.id, links={**links, CREATING: sha})  # the intent, written ahead
    if left is not None and left != incident.check_run_id and await repos.update_check_run(
        gh, incident.repository_full_name, left, conclusion=conclusion, title=title, summary=summary, text=text,
        annotations=annotations,
    ):
        check_id = left
    else:
        check_id = await repos.create_check_run(
            gh, incident.repository_full_name, name=CHECK_NAME, head_sha=sha, conclusion=conclusion, title=title,
            summary=summary, text=text, annotations=annotations, details_url=(incident.links or {}).get("run"),
            external_id=incident.id, actions=buttons,
        )
    if sha == incident.head_sha:
        await db.incidents.update(incident.id, check_run_id=check_id)
    return check_id
