"""`check_run` `requested_action`: the "Ask for a fix" button (`devflowfix_fix`) on DevFlowFix's own check run,
clicked by someone who may write: the same work as `/devflowfix fix` on the check run's pull request."""

from __future__ import annotations

from gidgethub.routing import Router
from gidgethub.sansio import Event

from bot.commands.github_commands import CheckActionEvent, fix_from_check_run
from bot.context import HandlerContext
from bot.fixes.publish import FIX_ACTION

router = Router()


@router.register("check_run", action="requested_action")
async def on_check_run_requested_action(event: Event, ctx: HandlerContext) -> None:
    click = CheckActionEvent.from_event(event.data)
    if click.identifier != FIX_ACTION or click.app_id is None or click.app_id != ctx.settings.app_id:
        return  # another App's button, or not ours to press
    if not ctx.settings.app_configured or ctx.installation_id is None:
        ctx.log.info("check run action not handled: no GitHub App installation to act as",
                     extra={"repository": click.repo})
        return
    outcome = await fix_from_check_run(ctx.db, ctx.settings, ctx.github, ctx.delivery.delivery_id, click)
    ctx.log.info("check run action %s: %s", click.identifier, outcome,
                 extra={"repository": click.repo, "pr": click.pr_number})
    ctx.data["command_outcome"] = outcome
