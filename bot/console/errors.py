"""HTML error pages for browsers: a console page, or a sign-in or setup callback opened by a browser
(`Accept: text/html`), that fails shows a page saying what went wrong and where to go next; an API client on
the same callbacks keeps its JSON answer."""

from __future__ import annotations

import re

import aiohttp_jinja2
from aiohttp import web
from aiohttp.typedefs import Handler

from bot.console.render import STATIC_PATH, csrf_token, error_text
from bot.web.sessions import SignedIn, signed_in

CONSOLE_PREFIXES = ("/settings/", "/repositories", "/incidents/", "/sign-in", "/sign-out", "/deliveries/")
BROWSER_PATHS = re.compile(r"^/(?:api/v1/oauth/(?:github|gitlab)/(?:callback|authorize)|setup/callback|login)$")
TITLES = {400: "That did not work", 401: "Sign in first", 403: "Not allowed", 404: "Not found",
          409: "Something needs your attention", 413: "Too large", 415: "Not a form", 422: "Not accepted",
          502: "The provider is unavailable", 503: "Not available"}


def is_console(path: str) -> bool:
    return path.startswith(CONSOLE_PREFIXES)


def wants_html(request: web.Request) -> bool:
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "application/json" not in accept.split(",")[0]


def next_step(request: web.Request, status: int) -> tuple[str, str]:
    """Where the page sends the person: start sign-in again, or back to the console."""
    path = request.path
    if path.startswith("/api/v1/oauth/gitlab"):
        return "/settings/integrations", "Back to your integrations"
    if path.startswith(("/api/v1/oauth/", "/login")) or status == 401:
        return "/sign-in", "Sign in again"
    if path.startswith("/setup/"):
        return "/", "Start the setup again"
    return "/repositories", "Back to your repositories"


def _csrf(request: web.Request, who: SignedIn | None) -> str:
    if who is None:
        return ""
    try:
        return csrf_token(request, who)
    except web.HTTPException:
        return ""


@web.middleware
async def browser_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or not (is_console(request.path) or
                                    (BROWSER_PATHS.match(request.path) and wants_html(request))):
            raise
        who = None
        try:
            who = await signed_in(request)
        except web.HTTPException:
            who = None
        href, label = next_step(request, exc.status)
        context = {"status": exc.status, "title": TITLES.get(exc.status, "That did not work"),
                   "message": error_text(exc), "next_href": href, "next_label": label, "who": who,
                   "csrf": _csrf(request, who),
                   "notice": None, "path": request.path, "static": STATIC_PATH}
        response: web.Response = aiohttp_jinja2.render_template("error.html", request, context, status=exc.status)
        response.headers["Cache-Control"] = "no-store"
        return response
