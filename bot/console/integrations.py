"""The Integrations page (`/settings/integrations`): the person's GitHub and GitLab connections with their kind,
expiry and health; connect, check, refresh and disconnect; the migration notice for legacy tokens and the way to
authorize the App. Each action calls the connections API's own handler (bot/web/connections.py)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.console.render import error_text, form_of, json_of, page_user, render
from bot.web import connections
from bot.web.sessions import services_of

KIND_NAMES = {
    "github_app_user": "GitHub App authorization", "github_oauth": "legacy GitHub OAuth token",
    "github_pat": "GitHub personal access token", "gitlab_oauth": "GitLab OAuth", "gitlab_pat": "GitLab access token",
}


async def integrations_page(request: web.Request, *, check: dict[str, Any] | None = None,
                            problem: str | None = None, status: int = 200) -> web.StreamResponse:
    """GET /settings/integrations."""
    who = await page_user(request)
    listed = json_of(await connections.list_connections(request))
    rows: list[dict[str, Any]] = listed.get("connections", [])
    for row in rows:
        row["kind_name"] = KIND_NAMES.get(row["kind"], row["kind"])
    services = services_of(request)
    legacy = [r for r in rows if r["legacy"] and r["active"]]
    has_app = any(r["kind"] == "github_app_user" and r["active"] for r in rows)
    context = {
        "github": [r for r in rows if r["provider"] == "github"],
        "gitlab": [r for r in rows if r["provider"] == "gitlab"],
        "legacy": legacy, "has_app": has_app, "migration_status": listed.get("token_migration_status"),
        "deadline": services.settings.oauth_token_deprecation_date,
        "github_ready": services.github_oauth is not None and services.github_oauth.configured,
        "gitlab_ready": services.gitlab_oauth is not None and services.gitlab_oauth.configured,
        "check": check, "problem": problem,
        "connected": request.query.get("connected") if request.query.get("connected") in ("github", "gitlab") else None,
    }
    return render(request, "integrations.html", context, who, status=status)


async def check_connection(request: web.Request) -> web.StreamResponse:
    """GET /settings/integrations/connections/{id}/check: ask the provider whether the token still works."""
    await page_user(request)
    result = json_of(await connections.validate_connection(request))
    return await integrations_page(request, check=result)


async def refresh_connection(request: web.Request) -> web.StreamResponse:
    """POST /settings/integrations/connections/{id}/refresh (CSRF)."""
    who = await page_user(request)
    await form_of(request, who)
    try:
        await connections.refresh_connection(request)
    except web.HTTPException as exc:
        if exc.status == 404:
            raise
        return await integrations_page(request, problem=error_text(exc), status=exc.status)
    raise web.HTTPSeeOther(location="/settings/integrations?done=refreshed")


async def delete_connection(request: web.Request) -> web.StreamResponse:
    """POST /settings/integrations/connections/{id}/delete (CSRF): disconnect (revoking the token where we can)."""
    who = await page_user(request)
    await form_of(request, who)
    await connections.delete_connection(request)
    raise web.HTTPSeeOther(location="/settings/integrations?done=deleted")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/settings/integrations", integrations_page)
    app.router.add_get("/settings/integrations/connections/{id}/check", check_connection)
    app.router.add_post("/settings/integrations/connections/{id}/refresh", refresh_connection)
    app.router.add_post("/settings/integrations/connections/{id}/delete", delete_connection)
