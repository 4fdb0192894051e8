"""The one place that composes the handler modules' routers (as python/bedevere does), and their settlers.

A settler is a handler's own cheap answer to "would you do anything with this delivery?", asked with the few
facts the endpoint read (`bot/webhook_facts.py`) before the body is parsed: a delivery all of whose handlers have
a settler that says no is done without parsing it or running them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import gidgethub.routing
import gidgethub.sansio
import gidgetlab.routing
import gidgetlab.sansio

from bot.webhook_facts import GitHubFacts, whole
from handlers.github import authorizations, check_actions, commands, installations, ping, workflow_failures
from handlers.gitlab import notes, pipelines

if TYPE_CHECKING:
    from storage.database import Database

Handler = Callable[..., Awaitable[None]]
Settler = Callable[[GitHubFacts, "Database"], Awaitable[bool]]

github_router = gidgethub.routing.Router(
    ping.router, installations.router, authorizations.router, workflow_failures.router, commands.router,
    check_actions.router,
)
gitlab_router = gidgetlab.routing.Router(pipelines.router, notes.router)

# handler -> its settler: True when the delivery needs no work from that handler
GITHUB_SETTLERS: dict[Handler, Settler] = {
    workflow_failures.on_workflow_run_completed: workflow_failures.nothing_to_do,
}

# Whether GitHub routing reads nothing of the body but its `action` (then `github_handlers_for` routes from the
# facts alone; a route keyed on another field makes it parse the body).
_ROUTES_BY_ACTION = all(key == "action" for keys in github_router._deep_routes.values() for key in keys)


def github_handlers(event: gidgethub.sansio.Event) -> list[Handler]:
    """The handlers an event reaches, in a stable order (gidgethub's own order is a frozenset's)."""
    return sorted(github_router.fetch(event), key=_name)


def github_handlers_for(event: str, facts: GitHubFacts, body: bytes) -> list[Handler]:
    """The handlers a GitHub event reaches, from its name and `action` alone (the body is parsed only if some
    route is keyed on another field; it raises NotJson then if the body is not a JSON object). What gidgethub's
    `fetch` gives for the event, read from its two tables without building an event for it."""
    if not _ROUTES_BY_ACTION:  # pragma: no cover - every route today is keyed on the action
        return github_handlers(gidgethub.sansio.Event(whole(body), event=event, delivery_id=""))
    found: list[Handler] = github_router._shallow_routes.get(event, [])
    action = facts.action
    if isinstance(action, str):
        by_action = github_router._deep_routes.get(event, {}).get("action")
        if by_action:
            more = by_action.get(action)
            if more:
                found = [*found, *more]
    if len(found) < 2:
        return list(found)
    return sorted(set(found), key=_name)


async def settled_without_work(handlers: list[Handler], facts: GitHubFacts, db: Database) -> bool:
    """True when every one of `handlers` has a settler and each says the delivery needs no work."""
    if not handlers:
        return True
    for handler in handlers:
        settler = GITHUB_SETTLERS.get(handler)
        if settler is None or not await settler(facts, db):
            return False
    return True


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


_NAMES: dict[Handler, str] = {}


def _name(handler: Handler) -> str:
    name = _NAMES.get(handler)
    if name is None:
        name = f"{handler.__module__}.{handler.__qualname__}"
        if len(_NAMES) < 1000:  # handlers, never input: bounded all the same
            _NAMES[handler] = name
    return name


def handler_name(handler: Handler) -> str:
    return _name(handler)
