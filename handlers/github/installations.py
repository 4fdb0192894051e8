"""`installation` and `installation_repositories`: keep installations and their repositories in storage."""

from __future__ import annotations

from gidgethub.routing import Router
from gidgethub.sansio import Event

from bot.context import HandlerContext

router = Router()


@router.register("installation", action="created")
@router.register("installation", action="new_permissions_accepted")
@router.register("installation", action="unsuspend")
async def on_installation_active(event: Event, ctx: HandlerContext) -> None:
    installation = event.data["installation"]
    await ctx.db.installations.upsert(installation)
    if event.data.get("action") == "unsuspend":
        await ctx.db.installations.set_suspended(int(installation["id"]), False)
    repos = event.data.get("repositories") or []
    if repos:
        await ctx.db.installations.add_repositories(int(installation["id"]), repos)
    ctx.log.info(
        "installation %s", event.data.get("action"),
        extra={"installation_id": installation["id"], "repositories": len(repos)},
    )


@router.register("installation", action="suspend")
async def on_installation_suspend(event: Event, ctx: HandlerContext) -> None:
    installation = event.data["installation"]
    await ctx.db.installations.upsert(installation)
    await ctx.db.installations.set_suspended(int(installation["id"]), True)


@router.register("installation", action="deleted")
async def on_installation_deleted(event: Event, ctx: HandlerContext) -> None:
    installation_id = int(event.data["installation"]["id"])
    await ctx.db.installations.delete(installation_id)
    ctx.log.info("installation deleted", extra={"installation_id": installation_id})


@router.register("installation_repositories", action="added")
@router.register("installation_repositories", action="removed")
async def on_repositories_changed(event: Event, ctx: HandlerContext) -> None:
    installation = event.data["installation"]
    installation_id = int(installation["id"])
    if await ctx.db.installations.get(installation_id) is None:
        await ctx.db.installations.upsert(installation)
    added = await ctx.db.installations.add_repositories(installation_id, event.data.get("repositories_added") or [])
    removed = await ctx.db.installations.remove_repositories(
        installation_id, event.data.get("repositories_removed") or []
    )
    ctx.log.info("installation repositories changed", extra={"added": added, "removed": removed})
