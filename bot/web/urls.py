"""The server's own address as outsiders must use it: PUBLIC_URL, never the request's Host header.

Redirect URIs, the manifest's URLs and the GitLab hook URL are built from it. Outside development PUBLIC_URL is
required at start (bot/preflight.py); in development without it the address is `http://localhost:{PORT}`.
"""

from __future__ import annotations

from bot.settings import Settings


def public_base(settings: Settings) -> str:
    """PUBLIC_URL without its trailing slash, else `http://localhost:{PORT}` (development)."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return f"http://localhost:{settings.port}"
