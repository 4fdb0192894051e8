"""The web console and `/api/v1`: sign-in, connections, repositories and their history, GitLab projects, and
first-run setup (beside the webhook path); the console pages (bot/console) are registered from here."""

from __future__ import annotations

from aiohttp import web

from bot.web import (
    connections,
    github_content,
    github_reach,
    gitlab_access,
    gitlab_projects,
    history,
    oauth,
    openapi,
    repositories,
    repository_hooks,
    repository_list,
    sessions,
    setup,
)


def add_routes(app: web.Application) -> None:
    """Register every web route (called once from bot.server.create_app)."""
    oauth.add_routes(app)
    connections.add_routes(app)
    repository_list.add_routes(app)
    repositories.add_routes(app)
    history.add_routes(app)
    gitlab_projects.add_routes(app)
    github_content.add_routes(app)
    repository_hooks.add_routes(app)
    openapi.add_routes(app)
    setup.add_routes(app)
    github_reach.add_state(app)
    gitlab_access.add_state(app)
    app.router.add_get("/api/v1/session", sessions.session_info)
    app.router.add_post("/api/v1/session/logout", sessions.logout)
    from bot.console import add_routes as add_console_routes  # the pages use bot.web's functions: import late

    add_console_routes(app)
