"""`workflow_run` completed: a failed run becomes an incident (explained, published, maybe fixed); the bot's own
fix branches are only verified; a green run resolves the branch's open incidents. `pull_request` closed frees
the branch of a fix PR.
"""

from __future__ import annotations

from gidgethub.routing import Router
from gidgethub.sansio import Event

from bot import metrics
from bot.context import HandlerContext
from bot.incidents.github_context import BOT_BRANCH_PREFIX, RunInfo
from bot.incidents.github_forge import FAILING, GitHubForge
from bot.incidents.pipeline import IncidentPipeline

router = Router()


@router.register("workflow_run", action="completed")
async def on_workflow_run_completed(event: Event, ctx: HandlerContext) -> None:
    run = RunInfo.from_event(event.data)
    can_act = ctx.can_act_on_github  # the App's installation, or the person of a repository webhook
    owner = ctx.delivery.delivery_id
    service = IncidentPipeline(ctx.db, ctx.settings, GitHubForge(ctx.db, ctx.settings, ctx.github, owner, run), owner)
    if run.conclusion == "success" and not run.on_bot_branch:
        resolved = await service.resolve(notify=can_act)
        if resolved:
            ctx.log.info("green run resolved %d incidents", len(resolved), extra={"repository": run.repo})
        return
    if run.conclusion not in FAILING and not run.on_bot_branch:
        return
    if not can_act and run.installation_id is None:  # a repository watched through its own webhook?
        can_act = await ctx.act_through_repository_hook()
        # the client is now the person's
        service = IncidentPipeline(ctx.db, ctx.settings, GitHubForge(ctx.db, ctx.settings, ctx.github, owner, run),
                                   owner)
    if not can_act:
        ctx.log.info("failed run not handled: no GitHub App installation (or connected person) to act as",
                     extra={"repository": run.repo})
        return
    if run.on_bot_branch:
        outcome = await service.verify()
    else:
        outcome = await service.handle_failure()
    calls = ctx.github_calls
    ctx.log.info(
        "workflow run %s: %s", run.run_id, outcome,
        extra={"repository": run.repo, "run_id": run.run_id, "github_calls": calls},
    )
    ctx.data["incident_outcome"] = outcome
    ctx.data["github_calls"] = calls
    incident = await ctx.db.incidents.for_run(run.repo, run.run_id)
    metrics.INCIDENTS.labels("github", (incident.category if incident else None) or "none", str(outcome)).inc()


@router.register("pull_request", action="closed")
async def on_pull_request_closed(event: Event, ctx: HandlerContext) -> None:
    pull_request = event.data.get("pull_request") or {}
    head = pull_request.get("head") or {}
    branch = str(head.get("ref") or "")
    repo = (event.data.get("repository") or {}).get("full_name")
    if branch.startswith(BOT_BRANCH_PREFIX) and repo:
        await ctx.db.incidents.close_fix(repo, branch, merged=pull_request.get("merged") is True)
