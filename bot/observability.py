"""Observability wiring: the `/metrics` endpoint (Prometheus text, optionally behind `METRICS_TOKEN`) and the
Sentry error reports (when `SENTRY_DSN` is set), with tokens scrubbed from every event before it leaves."""

from __future__ import annotations

import hmac
import logging
import re
from typing import Any

from aiohttp import web

from bot import metrics
from bot.appkeys import SERVICES, SETTINGS
from bot.log_setup import SECRETS
from bot.settings import Settings
from storage.types import utcnow

log = logging.getLogger(__name__)

# GitHub's token prefixes, GitLab's, JWTs and bearer values: linear patterns (one bounded class each)
TOKEN_PATTERN = re.compile(
    r"(?:gh[pousr]_[A-Za-z0-9_]{20,255}|github_pat_[A-Za-z0-9_]{20,255}|glpat-[A-Za-z0-9_-]{20,255}"
    r"|eyJ[A-Za-z0-9_-]{10,4096}\.[A-Za-z0-9_-]{10,4096}\.[A-Za-z0-9_-]{0,4096}"
    r"|(?i:bearer|token) [A-Za-z0-9._~+/=-]{16,4096})"
)
SENSITIVE_KEYS = ("authorization", "token", "secret", "password", "private_key", "cookie", "dsn", "api_key",
                  "signature")
_SENTRY: list[str] = []  # the DSN Sentry was started with in this process (once is enough)


async def metrics_endpoint(request: web.Request) -> web.Response:
    """`GET /metrics`: every process's metrics, and the queue's backlog read from storage."""
    settings: Settings = request.app[SETTINGS]
    if settings.metrics_token is not None:
        given = request.headers.get("Authorization", "")
        expected = f"Bearer {settings.metrics_token.get_secret_value()}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return web.json_response({"error": "a bearer token is required"}, status=401,
                                     headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    depth: int | None = None
    age: float | None = None
    services = request.app.get(SERVICES)
    if services is not None:
        try:
            depth, oldest = await services.db.deliveries.backlog()
            age = max((utcnow() - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
        except Exception as exc:  # the metrics still answer while storage is away
            log.warning("metrics: the queue's backlog could not be read: %s", type(exc).__name__)
    return web.Response(body=metrics.render(depth, age), headers={"Content-Type": metrics.CONTENT_TYPE})


def scrub(value: Any, depth: int = 0) -> Any:
    """The value with every known secret and anything shaped like a token replaced, keys that name secrets
    emptied; nested dicts and lists walked (to a bound)."""
    if depth > 12:
        return value
    if isinstance(value, str):
        return TOKEN_PATTERN.sub("[REDACTED]", SECRETS.scrub(value))
    if isinstance(value, dict):
        return {
            k: "[REDACTED]" if isinstance(k, str) and any(s in k.lower() for s in SENSITIVE_KEYS) and v
            else scrub(v, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub(v, depth + 1) for v in value]
    return value


def _before_send(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    scrubbed: dict[str, Any] = scrub(event)
    return scrubbed


def init_sentry(settings: Settings) -> bool:
    """Start reporting errors to Sentry when `SENTRY_DSN` is set; True if it was started."""
    if settings.sentry_dsn is None:
        return False
    if _SENTRY == [settings.sentry_dsn.get_secret_value()]:
        return True
    _SENTRY[:] = [settings.sentry_dsn.get_secret_value()]
    import sentry_sdk
    from sentry_sdk.integrations.aiohttp import AioHttpIntegration

    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.sentry_environment or settings.devflowfix_env,
        integrations=[AioHttpIntegration()],
        traces_sample_rate=settings.sentry_traces_sample_rate,
        max_request_body_size="never",  # webhook bodies are the senders'; they stay out of reports
        before_send=_before_send,  # type: ignore[arg-type]  # sentry's Event TypedDict; a dict is what it passes
        before_breadcrumb=lambda crumb, _hint: scrub(crumb),
    )
    log.info("error reports go to Sentry")
    return True
