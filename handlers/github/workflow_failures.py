"""`workflow_run` completed: a failed run becomes an incident (explained, published, maybe fixed); the bot's own
fix branches are only verified; a green run resolves the branch's open incidents. `pull_request` closed frees
the branch of a fix PR.
"""

from __future__ import annotations

from gidgethub.routing import Router
from gidgethub.sansio import Event

from bot.context import HandlerContext
from bot.fixes.incidents import FAILING, IncidentService
from bot.incidents.github_context import BOT_BRANCH_PREFIX, RunInfo

router = Router()


@router.register("workflow_run", action="completed")
async def on_workflow_run_completed(event: Event, ctx: HandlerContext) -> None:
    run = RunInfo.from_event(event.data)
    can_act = ctx.can_act_on_github  # the App's installation, or the person of a repository webhook
    service = IncidentService(ctx.db, ctx.settings, ctx.github, owner=ctx.delivery.delivery_id)
    if run.conclusion == "success" and not run.on_bot_branch:
        resolved = await service.resolve(run, notify=can_act)
        if resolved:
            ctx.log.info("green run resolved %d incidents", len(resolved), extra={"repository": run.repo})
        return
    if run.conclusion not in FAILING and not run.on_bot_branch:
        return
    if not can_act and run.installation_id is None:  # a repository watched through its own webhook?
        can_act = await ctx.act_through_repository_hook()
    if not can_act:
        ctx.log.info("failed run not handled: no GitHub App installation (or connected person) to act as",
                     extra={"repository": run.repo})
        return
    if run.on_bot_branch:
        outcome = await service.verify(run)
    else:
        outcome = await service.handle_failure(run)
    calls = ctx.github_calls
    ctx.log.info(
        "workflow run %s: %s", run.run_id, outcome,
        extra={"repository": run.repo, "run_id": run.run_id, "github_calls": calls},
    )
    ctx.data["incident_outcome"] = outcome
    ctx.data["github_calls"] = calls


@router.register("pull_request", action="closed")
async def on_pull_request_closed(event: Event, ctx: HandlerContext) -> None:
    head = event.data.get("pull_request", {}).get("head") or {}
    branch = str(head.get("ref") or "")
    repo = (event.data.get("repository") or {}).get("full_name")
    if branch.startswith(BOT_BRANCH_PREFIX) and repo:
        await ctx.db.incidents.close_fix(repo, branch)
