"""What every command of `python -m bot` shares: settings from the environment (and `--dev`), the event loop."""

from __future__ import annotations

import argparse
import asyncio
import logging

from pydantic import SecretStr

from bot import log_setup
from bot.observability import init_sentry
from bot.settings import Settings, load_settings

log = logging.getLogger("bot")

DEV_WEBHOOK_SECRET = "development"  # noqa: S105 - only ever used in development mode, loudly


def settings_for(args: argparse.Namespace, **overrides: object) -> Settings:
    if getattr(args, "dev", False):
        overrides["devflowfix_env"] = "development"
    settings = load_settings(**overrides)
    log_setup.configure(settings.log_level, settings.log_format, settings.secret_values())
    init_sentry(settings)  # every command (serve, worker, ...) reports its errors when SENTRY_DSN is set
    if settings.development:
        log.warning("DEVELOPMENT MODE: relaxed checks, do not expose this server to the internet")
        if settings.webhook_secret is None:
            settings.webhook_secret = SecretStr(DEV_WEBHOOK_SECRET)
            log.warning("DEVELOPMENT MODE: WEBHOOK_SECRET is unset, using the development secret")
    return settings


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop where it is installed (Linux, macOS): the same asyncio API with a faster loop under the server."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - platforms without uvloop
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()
