"""Browser sessions: an opaque HttpOnly cookie (stored hashed), its CSRF token, and the JSON error answers.

The cookie is Secure unless the site is on localhost, SameSite=Lax. Every state-changing call (POST, PUT,
PATCH, DELETE) must carry the session's CSRF token in `X-CSRF-Token` (or a `csrf_token` form field).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import urlsplit

import orjson
from aiohttp import web

from bot.appkeys import SERVICES
from bot.services import Services
from storage.models import User
from storage.types import utcnow

SESSION_COOKIE = "dff_session"
BROWSER_COOKIE = "dff_browser"  # binds OAuth attempts to the browser that started them
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")
MAX_COOKIE = 256


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def fail(status: int, message: str, **extra: Any) -> NoReturn:
    """Raise an HTTP error with a JSON body `{"error": message, ...}` (the server lets HTTP errors through)."""
    body = orjson.dumps({"error": message, **extra}).decode()
    classes: dict[int, type[web.HTTPException]] = {
        400: web.HTTPBadRequest, 401: web.HTTPUnauthorized, 403: web.HTTPForbidden, 404: web.HTTPNotFound,
        409: web.HTTPConflict, 413: web.HTTPRequestEntityTooLarge, 415: web.HTTPUnsupportedMediaType,
        422: web.HTTPUnprocessableEntity,
        502: web.HTTPBadGateway, 503: web.HTTPServiceUnavailable,
    }
    cls = classes.get(status, web.HTTPBadRequest)
    if cls is web.HTTPRequestEntityTooLarge:
        raise web.HTTPRequestEntityTooLarge(max_size=0, actual_size=0, text=body, content_type="application/json")
    raise cls(text=body, content_type="application/json")


def services_of(request: web.Request) -> Services:
    return request.app[SERVICES]


def signing_key(services: Services) -> bytes:
    """The key that signs states and CSRF tokens: SESSION_SECRET, else derived from the encryption key."""
    if services.settings.session_secret is not None:
        secret = services.settings.session_secret.get_secret_value().encode()
        return hashlib.sha256(b"devflowfix-session:" + secret).digest()
    if services.cipher is None:
        fail(503, "sign-in is unavailable: OAUTH_TOKEN_ENCRYPTION_KEY (or SESSION_SECRET) is not configured")
    return services.cipher.derive("session")


def is_local(request: web.Request, services: Services) -> bool:
    public = services.settings.public_url
    host = urlsplit(public).hostname if public else request.url.host
    return (host or "") in LOCAL_HOSTS


def set_cookie(response: web.StreamResponse, request: web.Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="Lax",
        secure=not is_local(request, services_of(request)),
    )


def _cookie(request: web.Request, name: str) -> str | None:
    value = request.cookies.get(name)
    if not value or len(value) > MAX_COOKIE:
        return None
    return value


def browser_id(request: web.Request) -> tuple[str, bool]:
    """The browser's binding value, and whether it is new (then set it with `set_browser_cookie`)."""
    value = _cookie(request, BROWSER_COOKIE)
    if value is None:
        return secrets.token_urlsafe(32), True
    return value, False


def set_browser_cookie(request: web.Request, response: web.StreamResponse, value: str) -> None:
    set_cookie(response, request, BROWSER_COOKIE, value, max_age=24 * 3600)


@dataclass
class SignedIn:
    user: User
    cookie: str

    def csrf(self, key: bytes) -> str:
        return hmac.new(key, b"csrf:" + self.cookie.encode(), hashlib.sha256).hexdigest()


async def signed_in(request: web.Request) -> SignedIn | None:
    value = _cookie(request, SESSION_COOKIE)
    if value is None:
        return None
    services = services_of(request)
    session = await services.db.web_sessions.get(sha256(value))
    if session is None:
        return None
    user = await services.db.users.get(session.user_id)
    return SignedIn(user, value) if user is not None else None


async def require_user(request: web.Request) -> SignedIn:
    """The signed-in user; 401 if none; 403 on a state-changing call without the right CSRF token."""
    who = await signed_in(request)
    if who is None:
        fail(401, "sign in first: /api/v1/oauth/github/authorize")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        await check_csrf(request, who)
    return who


async def check_csrf(request: web.Request, who: SignedIn) -> None:
    sent = request.headers.get("X-CSRF-Token", "")
    if not sent and request.content_type == "application/x-www-form-urlencoded":
        form = await request.post()
        field = form.get("csrf_token")
        sent = field if isinstance(field, str) else ""
    expected = who.csrf(signing_key(services_of(request)))
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        fail(403, "missing or wrong CSRF token (send the X-CSRF-Token header from GET /api/v1/session)")


async def start_session(request: web.Request, response: web.StreamResponse, user_id: str) -> None:
    services = services_of(request)
    old = _cookie(request, SESSION_COOKIE)
    if old is not None:  # never keep a pre-login session id (fixation)
        await services.db.web_sessions.delete(sha256(old))
    value = secrets.token_urlsafe(32)
    max_age = services.settings.session_max_age
    await services.db.web_sessions.create(sha256(value), user_id, utcnow() + dt.timedelta(seconds=max_age))
    set_cookie(response, request, SESSION_COOKIE, value, max_age=max_age)


async def session_info(request: web.Request) -> web.Response:
    """GET /api/v1/session: who is signed in, and the CSRF token for state-changing calls."""
    who = await signed_in(request)
    if who is None:
        return web.json_response({"signed_in": False, "sign_in_url": "/api/v1/oauth/github/authorize"})
    user = who.user
    return web.json_response({
        "signed_in": True, "csrf_token": who.csrf(signing_key(services_of(request))),
        "user": {"id": user.id, "github_login": user.github_login, "gitlab_username": user.gitlab_username,
                 "token_migration_status": user.token_migration_status},
    })


async def end_session(request: web.Request, who: SignedIn, response: web.StreamResponse) -> None:
    """Sign out: the session row goes, the cookie is cleared, and the audit trail says so (API and console)."""
    from bot.web import audit

    await services_of(request).db.web_sessions.delete(sha256(who.cookie))
    await audit.record(request, who, "session.sign_out", "user", who.user.id)
    response.del_cookie(SESSION_COOKIE, path="/")


async def logout(request: web.Request) -> web.Response:
    """POST /api/v1/session/logout (CSRF-checked)."""
    who = await require_user(request)
    response = web.json_response({"signed_in": False})
    await end_session(request, who, response)
    return response
