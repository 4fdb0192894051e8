"""The repositories API: what the bot does on the repositories a signed-in person can reach, and its settings.

Who sees what is GitHub's answer, not ours: the person's App user token lists `GET /user/installations` and
`GET /user/installations/{id}/repositories` (exactly the repositories the App is installed on that this person
can access, with their `permissions`), intersected with `repository_connections`. The answer is cached per
person for `ACCESS_TTL` seconds. Reading needs any access; changing settings or redelivering needs `admin` (what
GitHub itself asks to change an App's access to a repository). Anything else answers 404, so ids cannot be probed.
A GitHub repository watched by a webhook (no App) is the business of the person who connected it only; a GitLab
project's is GitLab's answer to the person's own token (bot/web/gitlab_access.py: Reporter reads, Maintainer
changes).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

import aiohttp
import gidgethub
import orjson
import yaml
from aiohttp import web

from bot.auth.crypto import DecryptError
from bot.auth.fallback import NoIdentity
from bot.auth.oauth_common import OAuthUnavailable
from bot.auth.user_tokens import ReconnectRequired
from bot.forges.errors import RetryLater
from bot.services import Services
from bot.web.forge_links import repository_url
from bot.web.person_cache import PersonCache
from bot.web.sessions import SignedIn, fail, require_user, services_of
from bot.web.setup import APP_YML
from storage.models import Installation, RepositoryConnection
from storage.repositories import SETTINGS

ACCESS_TTL = 60.0
ACCESS_USERS = 10_000
ID_PATTERN = re.compile(r"^[0-9a-fA-F-]{1,36}$")
MAX_SETTINGS_BODY = 4096
MAX_PER_PAGE = 100
RECONNECT = "/api/v1/oauth/github/authorize"
LEVELS = {"none": 0, "read": 1, "write": 2, "admin": 3}
RECENT_INCIDENTS = 10


@dataclass(frozen=True)
class Access:
    """One repository as GitHub showed it to the person."""

    repository_id: str
    full_name: str
    private: bool
    installation_id: int
    permissions: dict[str, bool]

    @property
    def can_change(self) -> bool:
        return self.permissions.get("admin") is True


class RepositoryAccess(PersonCache[dict[str, Access]]):
    """GitHub's answer to "which of the App's repositories can this person reach", cached briefly per person."""

    def __init__(self, ttl: float = ACCESS_TTL) -> None:
        super().__init__(ttl, ACCESS_USERS)

    async def of(self, services: Services, user_id: str) -> dict[str, Access]:
        """GitHub repository id -> Access, for the person (one fetch per person at a time)."""
        return await self.get(user_id, lambda: fetch_access(services, user_id))


async def fetch_access(services: Services, user_id: str) -> dict[str, Access]:
    """Ask GitHub with the person's App user token; 409 (reconnect) or 502 when that cannot be done."""
    try:
        resolved = await services.identity_for(user_id)
    except NoIdentity as exc:
        fail(409, str(exc), reconnect_url=RECONNECT)
    if resolved.kind != "github_app_user":
        fail(409, "listing repositories needs your DevFlowFix GitHub App authorization, not a legacy token; "
                  "authorize the App", reconnect_url=RECONNECT)
    gh = services.github_client(resolved)
    found: dict[str, Access] = {}
    try:
        async for inst in gh.getiter("/user/installations?per_page=100", iterable_key="installations"):
            installation_id = int(inst["id"])
            url = f"/user/installations/{installation_id}/repositories?per_page=100"
            async for repo in gh.getiter(url, iterable_key="repositories"):
                perms = repo.get("permissions") or {}
                found[str(repo["id"])] = Access(
                    repository_id=str(repo["id"]), full_name=str(repo.get("full_name") or ""),
                    private=bool(repo.get("private")), installation_id=installation_id,
                    permissions={str(k): v is True for k, v in perms.items()},
                )
    except (ReconnectRequired, DecryptError) as exc:
        fail(409, f"{exc}; reconnect", reconnect_url=RECONNECT)
    except gidgethub.BadRequest as exc:
        if exc.status_code in (401, 403):
            fail(409, f"GitHub refused your token (HTTP {int(exc.status_code)}); reconnect", reconnect_url=RECONNECT)
        fail(502, f"GitHub answered HTTP {int(exc.status_code)} listing your installations")
    except (RetryLater, OAuthUnavailable, gidgethub.GitHubException, aiohttp.ClientError, TimeoutError) as exc:
        fail(502, f"GitHub is unavailable ({type(exc).__name__}); try again shortly")
    except (KeyError, TypeError, ValueError):
        fail(502, "GitHub's answer listing your installations was not understood")
    return found


ACCESS_KEY = web.AppKey("repository_access", RepositoryAccess)


def access_of(request: web.Request) -> RepositoryAccess:
    return request.app[ACCESS_KEY]


async def my_repositories(request: web.Request, who: SignedIn) -> dict[str, Access]:
    return await access_of(request).of(services_of(request), who.user.id)


def hooked_access(row: RepositoryConnection) -> Access:
    """A repository the person connected by webhook: GitHub showed them admin on it when they did."""
    return Access(repository_id=row.repository_id, full_name=row.full_name, private=bool(row.is_private),
                  installation_id=0, permissions={k: True for k in ("admin", "maintain", "push", "triage", "pull")})


async def visible(
    request: web.Request, who: SignedIn, row: RepositoryConnection | None, *, change: bool = False
) -> tuple[RepositoryConnection, Access]:
    """The repository if the person may see it (or, with `change`, change it): else 404 (403 if only seen).
    GitHub's answer for a GitHub repository, GitLab's for a GitLab project (bot/web/gitlab_access.py)."""
    if row is None or row.provider not in ("github", "gitlab") or row.removed_at is not None:
        fail(404, "no such repository")
    if row.provider == "gitlab":
        from bot.web.gitlab_access import gitlab_access

        return row, await gitlab_access(request, who, row, change=change)
    if row.installation_id is None:  # watched by a repository webhook: only the person who connected it
        if row.user_id != who.user.id or not row.webhook_id:
            fail(404, "no such repository")
        return row, hooked_access(row)
    access = (await my_repositories(request, who)).get(row.repository_id)
    if access is None or access.installation_id != row.installation_id:
        fail(404, "no such repository")
    if change and not access.can_change:
        fail(403, f"changing what DevFlowFix does on {row.full_name} needs admin permission on it")
    return row, access


async def repository_in_path(
    request: web.Request, who: SignedIn, *, change: bool = False
) -> tuple[RepositoryConnection, Access]:
    repo_id = request.match_info["id"]
    if not ID_PATTERN.match(repo_id):
        fail(404, "no such repository")
    row = await services_of(request).db.repositories.get(repo_id)
    return await visible(request, who, row, change=change)


def paging(request: web.Request) -> tuple[int, int]:
    """(page, per_page) from the query: page ≥ 1, 1 ≤ per_page ≤ 100 (default 30); 400 on anything else."""
    values = []
    for name, default, top in (("page", 1, 1_000_000), ("per_page", 30, MAX_PER_PAGE)):
        raw = request.query.get(name, str(default))
        if not raw.isdigit() or len(raw) > 7 or not 1 <= int(raw) <= top:
            fail(400, f"{name} must be a whole number from 1 to {top}")
        values.append(int(raw))
    return values[0], values[1]


def paged(key: str, items: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    return {key: items, "total": total, "page": page, "per_page": per_page,
            "next_page": page + 1 if page * per_page < total else None}


def time(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def describe_installation(installation_id: int | None, installation: Installation | None) -> dict[str, Any] | None:
    if installation_id is None:
        return None
    return {
        "id": installation_id, "account": installation.account_login if installation else None,
        "suspended": bool(installation and installation.suspended_at),
    }


def describe(
    row: RepositoryConnection, access: Access, installation: Installation | None, open_incidents: int,
    last_event: dt.datetime | None, web_url: str | None = None,
) -> dict[str, Any]:
    ids = {"gitlab_id": row.repository_id, "webhook_id": row.webhook_id} if row.provider == "gitlab" else \
        {"github_id": row.repository_id}
    return {
        "id": row.id, "provider": row.provider, "watched": True, **ids, "web_url": web_url,
        "mode": "project_hook" if row.provider == "gitlab" else "app" if row.installation_id else "webhook",
        "full_name": access.full_name or row.full_name,
        "private": access.private, "installation": describe_installation(row.installation_id, installation),
        "is_enabled": row.is_enabled, "auto_pr_enabled": row.auto_pr_enabled,
        "allow_workflow_edits": row.allow_workflow_edits, "open_incidents": open_incidents,
        "last_event_at": time(last_event or row.last_event_at),
        "permissions": {k: access.permissions.get(k, False) for k in ("admin", "maintain", "push", "triage", "pull")},
        "can_change_settings": access.can_change, "hook_health": row.hook_health,
    }


async def describe_many(services: Services, pairs: list[tuple[RepositoryConnection, Access]]) -> list[dict[str, Any]]:
    """Describe a page of repositories with one query per figure, not one per repository."""
    db = services.db
    counts: dict[tuple[str, str], int] = {}
    last: dict[tuple[str, str], dt.datetime] = {}
    for provider in sorted({row.provider for row, _ in pairs}):
        names = [row.full_name for row, _ in pairs if row.provider == provider]
        counts.update({(provider, k): v for k, v in (await db.repositories.open_incidents(names, provider)).items()})
        last.update({(provider, k): v for k, v in (await db.repositories.last_events(names, provider)).items()})
    installations: dict[int, Installation | None] = {}
    for row, _ in pairs:
        if row.installation_id is not None and row.installation_id not in installations:
            installations[row.installation_id] = await db.installations.get(row.installation_id)
    return [
        describe(row, access, installations.get(row.installation_id) if row.installation_id else None,
                 counts.get((row.provider, row.full_name), 0), last.get((row.provider, row.full_name)),
                 repository_url(services.settings, row.provider, row.full_name))
        for row, access in pairs
    ]


async def get_repository(request: web.Request) -> web.Response:
    """GET /api/v1/repositories/{id}: one repository, with its recent incidents."""
    from bot.web.history import describe_incident

    who = await require_user(request)
    row, access = await repository_in_path(request, who)
    services = services_of(request)
    [answer] = await describe_many(services, [(row, access)])
    _, recent = await services.db.incidents.for_repository(row.full_name, limit=RECENT_INCIDENTS,
                                                          provider=row.provider)
    answer["recent_incidents"] = [describe_incident(i, services) for i in recent]
    return web.json_response(answer)


async def settings_body(request: web.Request) -> dict[str, bool]:
    """The PATCH body: a JSON object of some of `SETTINGS`, each a boolean; 413/422 otherwise."""
    if request.content_length is not None and request.content_length > MAX_SETTINGS_BODY:
        fail(413, f"the body must be at most {MAX_SETTINGS_BODY} bytes")
    raw = await request.content.read(MAX_SETTINGS_BODY + 1)
    if len(raw) > MAX_SETTINGS_BODY:
        fail(413, f"the body must be at most {MAX_SETTINGS_BODY} bytes")
    if request.content_type != "application/json":
        fail(422, "send a JSON object with Content-Type: application/json", allowed=list(SETTINGS))
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        fail(422, "the body is not valid JSON", allowed=list(SETTINGS))
    if not isinstance(data, dict) or not data:
        fail(422, "send a JSON object with at least one setting", allowed=list(SETTINGS))
    unknown = sorted(k for k in data if k not in SETTINGS)
    if unknown:
        fail(422, f"unknown settings: {', '.join(unknown)[:200]}", allowed=list(SETTINGS))
    wrong = sorted(k for k, v in data.items() if not isinstance(v, bool))
    if wrong:
        fail(422, f"these settings must be true or false: {', '.join(wrong)}")
    return data


async def apply_settings(
    request: web.Request, who: SignedIn, row: RepositoryConnection, access: Access, values: dict[str, bool]
) -> dict[str, Any]:
    """Change some of `SETTINGS` on a repository the person may change; record who did it; the new description.
    The one way settings change (the JSON API, its batch call and the console pages all come here)."""
    from bot.web import audit

    services = services_of(request)
    fresh = await services.db.repositories.update_settings(row.id, values)
    if fresh is None:
        fail(404, "no such repository")
    await audit.record(request, who, "repository.settings", "repository", row.id,
                       {"full_name": row.full_name, **values})
    [answer] = await describe_many(services, [(fresh, access)])
    return answer


async def patch_settings(request: web.Request) -> web.Response:
    """PATCH /api/v1/repositories/{id}/settings (CSRF; admin on the repository)."""
    who = await require_user(request)
    row, access = await repository_in_path(request, who, change=True)
    values = await settings_body(request)
    return web.json_response(await apply_settings(request, who, row, access, values))


@functools.cache
def requested_by_app_yml() -> tuple[dict[str, str], tuple[str, ...]]:
    """The permissions and events app.yml asks for."""
    data: dict[str, Any] = yaml.safe_load(APP_YML.read_text()) if APP_YML.exists() else {}
    permissions = {str(k): str(v) for k, v in (data.get("default_permissions") or {}).items()}
    return permissions, tuple(str(e) for e in data.get("default_events") or ())


def missing_permissions(granted: dict[str, Any], wanted: dict[str, str]) -> list[dict[str, Any]]:
    missing = []
    for name, level in sorted(wanted.items()):
        have = str(granted.get(name) or "none")
        if LEVELS.get(have, 0) < LEVELS.get(level, 0):
            missing.append({"permission": name, "wanted": level, "granted": have})
    return missing


async def repository_status(request: web.Request) -> web.Response:
    """GET /api/v1/repositories/{id}/status: connected? suspended? the last delivery; the permissions it lacks."""
    from bot.web.history import describe_delivery

    who = await require_user(request)
    row, _ = await repository_in_path(request, who)
    services = services_of(request)
    installation = await services.db.installations.get(row.installation_id) if row.installation_id else None
    _, newest = await services.db.deliveries.for_repository(row.full_name, limit=1, provider=row.provider)
    last = newest[0] if newest else None
    if row.provider == "gitlab":  # a project hook installed with the person's token: no App, no permissions
        return web.json_response({
            "id": row.id, "full_name": row.full_name, "connected": row.removed_at is None and bool(row.webhook_id),
            "monitoring": row.is_enabled, "installation": None, "webhook_id": row.webhook_id,
            "last_delivery": describe_delivery(last) if last is not None else None,
            "permissions": {"known": False, "granted": {}, "requested": {}, "missing": []},
            "events": {"known": True, "subscribed": ["pipeline"], "requested": ["pipeline"], "missing": []},
        })
    wanted, events = requested_by_app_yml()
    wanted = dict(wanted)
    if row.allow_workflow_edits:  # changing .github/workflows/ needs the `workflows` permission
        wanted["workflows"] = "write"
    granted = dict(installation.permissions or {}) if installation else {}
    subscribed = list(installation.events or []) if installation else []
    connected = row.removed_at is None and (
        installation.deleted_at is None if installation is not None else bool(row.webhook_id))
    return web.json_response({
        "id": row.id, "full_name": row.full_name, "connected": connected, "monitoring": row.is_enabled,
        "installation": {
            "id": row.installation_id, "account": installation.account_login if installation else None,
            "suspended": bool(installation and installation.suspended_at),
            "suspended_at": time(installation.suspended_at) if installation else None,
        },
        "last_delivery": describe_delivery(last) if last is not None else None,
        "permissions": {
            "known": bool(granted), "granted": granted, "requested": wanted,
            "missing": missing_permissions(granted, wanted) if granted else [],
        },
        "events": {
            "known": bool(subscribed), "subscribed": subscribed, "requested": list(events),
            "missing": [e for e in events if e not in subscribed] if subscribed else [],
        },
    })


def add_routes(app: web.Application) -> None:
    app[ACCESS_KEY] = RepositoryAccess()
    app.router.add_get("/api/v1/repositories/{id}", get_repository)
    app.router.add_patch("/api/v1/repositories/{id}/settings", patch_settings)
    app.router.add_get("/api/v1/repositories/{id}/status", repository_status)
