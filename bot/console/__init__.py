"""The web console people use in a browser: server-rendered pages (Jinja2 through aiohttp-jinja2), one small
stylesheet, and HTML error pages for browsers on the sign-in and setup callbacks.

Every change a page makes goes through the same functions as the JSON API (bot/web/), with a per-session CSRF
token in a hidden field of every form.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.console import account, errors, incident, integrations, repositories, repository
from bot.console.render import STATIC_PATH, filters

HERE = Path(__file__).resolve().parent


def add_routes(app: web.Application) -> None:
    """Register the pages, the stylesheet route and the browser error pages (called from bot.web.add_routes)."""
    env = aiohttp_jinja2.setup(
        app, loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.ChainableUndefined,
    )
    env.filters.update(filters())
    app.middlewares.append(errors.browser_errors)
    app.router.add_static(STATIC_PATH, HERE / "static", append_version=False)
    account.add_routes(app)
    integrations.add_routes(app)
    repositories.add_routes(app)
    repository.add_routes(app)
    incident.add_routes(app)
