"""GitLab `Note Hook` on a merge request: `/devflowfix <command>` lines from people with Developer access or above."""

from __future__ import annotations

from gidgetlab.routing import Router
from gidgetlab.sansio import Event

from bot.auth.crypto import DecryptError
from bot.auth.user_tokens import ReconnectRequired
from bot.commands.gitlab_commands import NoteEvent, note_service
from bot.context import HandlerContext

router = Router()


@router.register("Note Hook", noteable_type="MergeRequest")
async def on_merge_request_note(event: Event, ctx: HandlerContext) -> None:
    note = NoteEvent.from_event(event.data)
    if not note.commandable:
        return
    where = {"project": note.project, "mr": note.mr_iid}
    try:
        if await ctx.gitlab_for(note.project_id) is None:
            ctx.log.info("merge request note not handled: no GITLAB_TOKEN and the project is not connected",
                         extra=where)
            return
        outcome = await note_service(ctx.db, ctx.settings, ctx.gitlab, ctx.delivery.delivery_id, note).handle()
    except (ReconnectRequired, DecryptError) as exc:
        reason = exc.reason if isinstance(exc, ReconnectRequired) else str(exc)
        ctx.log.warning("merge request note not handled: reconnect needed (%s)", reason, extra=where)
        return
    if outcome not in ("ignored", "no command"):
        ctx.log.info("note %s: %s", note.note_id, outcome, extra=where)
    ctx.data["command_outcome"] = outcome
