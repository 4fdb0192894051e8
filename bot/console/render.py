"""What every page shares: the signed-in person (or a redirect to sign in), the CSRF token for its forms, the
rendering of a template, and the Jinja filters (times, durations)."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp_jinja2
import orjson
from aiohttp import web

from bot.web.sessions import SignedIn, services_of, signed_in, signing_key
from storage.statistics import seconds_text

STATIC_PATH = "/static/console"
NOTICES = {
    "connected-github": "GitHub is connected.",
    "connected-gitlab": "GitLab is connected.",
    "deleted": "The connection was removed.",
    "refreshed": "The connection's token was renewed.",
    "saved": "The settings were saved.",
    "redelivered": "The delivery is queued to run again.",
    "gitlab-connected": "The GitLab project is connected: its hook is installed.",
    "gitlab-disconnected": "The GitLab project is disconnected: its hook is removed.",
    "signed-out": "You are signed out.",
    "github-connected": "The repository is connected: its webhook is installed, and DevFlowFix acts as you on it.",
}


class FormError(Exception):
    """A form that cannot be used as sent (a 4xx page says why)."""


def csrf_token(request: web.Request, who: SignedIn) -> str:
    return who.csrf(signing_key(services_of(request)))


async def page_user(request: web.Request) -> SignedIn:
    """The signed-in person; a browser that is not signed in goes to the sign-in page (303)."""
    who = await signed_in(request)
    if who is None:
        raise web.HTTPSeeOther(location="/sign-in")
    return who


async def form_of(request: web.Request, who: SignedIn) -> Mapping[str, Any]:
    """The posted form, after checking its CSRF token (a hidden field): 403 when it is missing or wrong."""
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise web.HTTPUnsupportedMediaType(text="send the page's form")
    form = await request.post()
    sent = form.get("csrf_token")
    expected = csrf_token(request, who)
    if not isinstance(sent, str) or not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise web.HTTPForbidden(text="This form is out of date or was not sent from DevFlowFix (missing or wrong "
                                     "CSRF token). Go back, reload the page and try again.")
    return form


def render(
    request: web.Request, template: str, context: Mapping[str, Any], who: SignedIn | None, *, status: int = 200
) -> web.Response:
    notice = NOTICES.get(request.query.get("done", ""))
    base = {"who": who, "csrf": csrf_token(request, who) if who is not None else "", "notice": notice,
            "path": request.path, "static": STATIC_PATH}
    response: web.Response = aiohttp_jinja2.render_template(template, request, {**base, **context}, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def json_of(response: web.StreamResponse) -> Any:
    """The JSON body of an API handler's answer (the pages call the API's own functions)."""
    body = response.body if isinstance(response, web.Response) else None
    return orjson.loads(body) if isinstance(body, bytes) and body else {}


def error_text(exc: web.HTTPException) -> str:
    """The person-readable message of an HTTP error raised by the API's functions (JSON `error`, else its text)."""
    text = exc.text or ""
    if exc.content_type == "application/json":
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError:
            data = {}
        if isinstance(data, dict) and isinstance(data.get("error"), str):
            return str(data["error"])
    return text if text and not text.startswith(str(exc.status)) else str(exc.reason)


def _when(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        return str(value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
    return str(value)


def _duration(value: Any) -> str:
    return seconds_text(float(value)) if isinstance(value, (int, float)) else "—"


def _link(value: Any) -> str:
    """A URL fit for an href: http(s) or a path on this site; anything else (javascript:, //host) becomes "#"."""
    if not isinstance(value, str) or not value or len(value) > 2048:
        return "#"
    lowered = value.lower()
    if lowered.startswith(("https://", "http://")) or (value.startswith("/") and not value.startswith("//")):
        return value
    return "#"


def filters() -> dict[str, Callable[..., str]]:
    return {"when": _when, "duration": _duration, "link": _link}
