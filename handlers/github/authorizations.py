"""`github_app_authorization` revoked: the person withdrew the App's authorization; drop their user tokens."""

from __future__ import annotations

from gidgethub.routing import Router
from gidgethub.sansio import Event

from bot.context import HandlerContext

router = Router()


@router.register("github_app_authorization", action="revoked")
async def on_authorization_revoked(event: Event, ctx: HandlerContext) -> None:
    sender = event.data.get("sender") or {}
    account_id = sender.get("id")
    if not isinstance(account_id, int) or isinstance(account_id, bool):
        ctx.log.warning("github_app_authorization revoked without a sender id")
        return
    user = await ctx.db.users.by_github_id(account_id)
    if user is None:
        ctx.log.info("authorization revoked by an account we hold no token for", extra={"account_id": account_id})
        return
    count = await ctx.db.connections.deactivate_for_user(
        user.id, ["github_app_user"], "the authorization was revoked on GitHub; please reconnect"
    )
    ctx.log.info("user tokens deactivated after revocation", extra={"user_id": user.id, "connections": count,
                                                                     "token_kind": "github_app_user"})
