"""`issue_comment` created on a pull request: `/devflowfix <command>` lines from people with write access."""

from __future__ import annotations

from gidgethub.routing import Router
from gidgethub.sansio import Event

from bot.commands.github_commands import CommentEvent, comment_service
from bot.context import HandlerContext

router = Router()


@router.register("issue_comment", action="created")  # edits and deletions never command
async def on_issue_comment_created(event: Event, ctx: HandlerContext) -> None:
    comment = CommentEvent.from_event(event.data)
    if not comment.commandable:
        return
    if not ctx.settings.app_configured or ctx.installation_id is None:
        ctx.log.info("comment not handled: no GitHub App installation to act as", extra={"repository": comment.repo})
        return
    service = comment_service(ctx.db, ctx.settings, ctx.github, ctx.delivery.delivery_id, comment)
    outcome = await service.handle()
    if outcome not in ("ignored", "no command"):
        ctx.log.info("comment %s: %s", comment.comment_id, outcome,
                     extra={"repository": comment.repo, "pr": comment.pr_number})
    ctx.data["command_outcome"] = outcome
    ctx.data["config"] = service.config  # read at most once for this comment (None: no command needed it)
