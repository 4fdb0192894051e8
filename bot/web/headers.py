"""Security headers on every answer the server sends: HTML pages, JSON, errors, webhook answers.

Set from `on_response_prepare`, which runs for every response just before its headers leave, including answers a
handler prepared itself (the webhook endpoints answer before their work runs) and the error pages aiohttp makes
from HTTP exceptions; a middleware would miss the first kind.

- Content-Security-Policy: nothing but this origin's scripts, styles and images; forms post here (and to GitHub
  and GitLab, where the setup and sign-in forms go); never framed (`frame-ancestors 'none'`).
- X-Content-Type-Options: nosniff; Referrer-Policy: no-referrer (OAuth callbacks carry codes in their URLs);
  X-Frame-Options: DENY for browsers without CSP level 2; Strict-Transport-Security when PUBLIC_URL is https.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from bot.settings import Settings

HSTS = "max-age=31536000; includeSubDomains"


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(settings: Settings) -> str:
    """The policy: this origin only, except where the setup and sign-in forms send the browser."""
    targets = ["'self'"]
    for url in (settings.github_web_base, settings.gitlab_base):
        origin = _origin(url)
        if origin is not None and origin not in targets:
            targets.append(origin)
    return "; ".join((
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "connect-src 'self'", "font-src 'self'", f"form-action {' '.join(targets)}", "frame-ancestors 'none'",
        "base-uri 'none'",
    ))


def security_headers(settings: Settings) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": content_security_policy(settings),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }
    if settings.public_url and settings.public_url.lower().startswith("https://"):
        headers["Strict-Transport-Security"] = HSTS
    return headers


def install(app: web.Application, settings: Settings) -> None:
    """Add the headers to every response of `app` (worked out again only when the settings they use change)."""
    cached: dict[tuple[str | None, str, str], dict[str, str]] = {}

    async def add_headers(_request: web.Request, response: web.StreamResponse) -> None:
        key = (settings.public_url, settings.github_web_base, settings.gitlab_base)
        headers = cached.get(key)
        if headers is None:
            cached.clear()
            headers = cached[key] = security_headers(settings)
        for name, value in headers.items():
            response.headers.setdefault(name, value)

    app.on_response_prepare.append(add_headers)
