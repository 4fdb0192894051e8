"""`ping`: GitHub says hello when a hook or the App is created; note which hook and move on."""

from __future__ import annotations

from gidgethub.routing import Router
from gidgethub.sansio import Event

from bot.context import HandlerContext

router = Router()


@router.register("ping")
async def on_ping(event: Event, ctx: HandlerContext) -> None:
    hook = event.data.get("hook") or {}
    ctx.log.info("ping received", extra={"hook_id": hook.get("id"), "zen": event.data.get("zen")})
