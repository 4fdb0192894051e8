"""Publishes an incident: the one comment per pull request (created once, then edited) and the check run."""

from __future__ import annotations

import asyncio

from bot.fixes import render
from bot.forges import github_repos as repos
from bot.forges.errors import RetryLater
from bot.forges.github_client import GitHubClient
from storage.database import Database
from storage.models import Incident

CHECK_NAME = "DevFlowFix"


async def upsert_pr_comment(gh: GitHubClient, db: Database, repo: str, pr_number: int, owner: str) -> int:
    """Render every recent incident of the PR into its one comment; create it the first time only."""
    store = db.incidents
    incidents = await store.for_pull_request(repo, pr_number)
    attempts = {i.id: await store.attempts_of(i.id) for i in incidents}
    body = render.pr_comment(incidents, attempts)
    comment_id, may_create = await store.claim_pr_comment(repo, pr_number, owner)
    waited = 0
    while comment_id is None and not may_create:  # another delivery is creating it, or gave up, or died
        if await store.reclaim_pr_comment(repo, pr_number, owner):
            break
        if waited >= 40:
            raise RetryLater(f"the comment on PR #{pr_number} is being created by another delivery")
        await asyncio.sleep(0.25)
        waited += 1
        comment_id, may_create = await store.claim_pr_comment(repo, pr_number, owner)
    if comment_id is not None:
        if await repos.update_comment(gh, repo, comment_id, body):
            return comment_id
        await store.set_pr_comment(repo, pr_number, None, owner)  # deleted by someone: write a new one
    try:
        new_id = await repos.create_comment(gh, repo, pr_number, body)
    except BaseException:
        await store.release_pr_comment(repo, pr_number, owner)
        raise
    await store.set_pr_comment(repo, pr_number, new_id, owner)
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
    check_id = await repos.create_check_run(
        gh, incident.repository_full_name, name=CHECK_NAME, head_sha=sha, conclusion=conclusion, title=title,
        summary=summary, text=text, annotations=annotations, details_url=(incident.links or {}).get("run"),
        actions=buttons,
    )
    if sha == incident.head_sha:
        await db.incidents.update(incident.id, check_run_id=check_id)
    return check_id
