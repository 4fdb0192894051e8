"""Signing in and out in a browser: the sign-in page (the OAuth flow itself is bot/web/oauth.py) and sign-out,
a form POST with the session's CSRF token."""

from __future__ import annotations

from aiohttp import web

from bot.console.render import form_of, page_user, render
from bot.web.sessions import end_session, services_of, signed_in


async def sign_in_page(request: web.Request) -> web.StreamResponse:
    """GET /sign-in: the buttons that start the provider's authorization (or the console if signed in)."""
    who = await signed_in(request)
    if who is not None:
        raise web.HTTPSeeOther(location="/repositories")
    services = services_of(request)
    ready = services.cipher is not None
    github = services.github_oauth is not None and services.github_oauth.configured and ready
    gitlab = services.gitlab_oauth is not None and services.gitlab_oauth.configured and ready
    return render(request, "sign_in.html", {"github_ready": github, "gitlab_ready": gitlab}, None)


async def sign_out(request: web.Request) -> web.StreamResponse:
    """POST /sign-out (CSRF form field): the session ends; back to the sign-in page."""
    who = await page_user(request)
    await form_of(request, who)
    response = web.HTTPSeeOther(location="/sign-in?done=signed-out")
    await end_session(request, who, response)
    raise response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/sign-in", sign_in_page)
    app.router.add_post("/sign-out", sign_out)
