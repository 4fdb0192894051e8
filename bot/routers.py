"""The one place that composes the handler modules' routers (as python/bedevere does)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import gidgethub.routing
import gidgethub.sansio
import gidgetlab.routing
import gidgetlab.sansio

from handlers.github import authorizations, check_actions, commands, installations, ping, workflow_failures
from handlers.gitlab import notes, pipelines

Handler = Callable[..., Awaitable[None]]

github_router = gidgethub.routing.Router(
    ping.router, installations.router, authorizations.router, workflow_failures.router, commands.router,
    check_actions.router,
)
gitlab_router = gidgetlab.routing.Router(pipelines.router, notes.router)


def github_handlers(event: gidgethub.sansio.Event) -> list[Handler]:
    """The handlers an event reaches, in a stable order (gidgethub's own order is a frozenset's)."""
    return sorted(github_router.fetch(event), key=_name)


def gitlab_handlers(event: gidgetlab.sansio.Event) -> list[Handler]:
    """gidgetlab's routing, with one fix: a Job Hook has no `object_attributes`, so match its top-level keys."""
    found: list[Handler] = list(gitlab_router._shallow_routes.get(event.event, []))
    attributes: Any = event.data.get("object_attributes")
    if not isinstance(attributes, dict):
        attributes = event.data
    for key, values in gitlab_router._deep_routes.get(event.event, {}).items():
        value = attributes.get(key)
        if isinstance(value, str | int | bool) and value in values:
            found.extend(values[value])
    unique = {id(h): h for h in found}
    return sorted(unique.values(), key=_name)


def _name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def handler_name(handler: Handler) -> str:
    return _name(handler)
