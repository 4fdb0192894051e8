"""Finding and changing many repositories at once: `GET /api/v1/repositories` with search, filters and paging,
`POST /api/v1/repositories/batch` (monitoring or auto-PR on a set of them) and
`GET /api/v1/repositories/{id}/statistics`.

What a person can reach is GitHub's answer (bot/web/repositories.py); GitLab projects are the ones they connected
with their own token. The console pages call the same functions (`find`, `apply_batch`, `statistics_of`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web
from multidict import MultiMapping

from bot.web.forge_links import repository_url
from bot.web.github_reach import Reachable, reach_of
from bot.web.gitlab_access import reached_projects
from bot.web.repositories import (
    ID_PATTERN,
    Access,
    apply_settings,
    describe_many,
    hooked_access,
    my_repositories,
    paged,
    paging,
    repository_in_path,
    time,
    visible,
)
from bot.web.sessions import SignedIn, fail, require_user, services_of
from storage.models import RepositoryConnection
from storage.statistics import RepositoryStatistics

MAX_QUERY = 100
OWNER_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
PROVIDERS = ("github", "gitlab")
TRUE, FALSE = ("on", "true", "1", "yes"), ("off", "false", "0", "no")
MAX_BATCH = 100
MAX_BATCH_BODY = 16_384
BATCH_SETTINGS = {"monitoring": "is_enabled", "auto_pr": "auto_pr_enabled"}


@dataclass(frozen=True)
class Filters:
    """What the list shows: a search in the full name, a provider, an owner, monitoring on or off, and whether
    repositories the bot does not watch yet are included."""

    q: str = ""
    provider: str | None = None
    owner: str | None = None
    monitoring: bool | None = None
    include_unwatched: bool = False

    def matches(self, provider: str, full_name: str, monitoring: bool | None) -> bool:
        if self.provider is not None and provider != self.provider:
            return False
        if self.q and self.q.lower() not in full_name.lower():
            return False
        if self.owner is not None and full_name.split("/", 1)[0].lower() != self.owner.lower():
            return False
        return self.monitoring is None or monitoring == self.monitoring


def _flag(query: MultiMapping[str], name: str) -> bool | None:
    raw = query.get(name, "").strip().lower()
    if raw in ("", "all", "any"):
        return None
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    fail(400, f"{name} must be on or off")


def filters_of(query: MultiMapping[str]) -> Filters:
    """The filters of a query string; 400 on anything malformed."""
    q = query.get("q", "").strip()
    if len(q) > MAX_QUERY:
        fail(400, f"q must be at most {MAX_QUERY} characters")
    provider = query.get("provider", "").strip().lower() or None
    if provider in ("all", "any"):
        provider = None
    if provider is not None and provider not in PROVIDERS:
        fail(400, "provider must be github or gitlab")
    owner = query.get("owner", "").strip() or None
    if owner is not None and not OWNER_PATTERN.match(owner):
        fail(400, "owner must be an account or group name")
    return Filters(q=q, provider=provider, owner=owner, monitoring=_flag(query, "monitoring"),
                   include_unwatched=_flag(query, "include_unwatched") is True)


def describe_unwatched(access: Access) -> dict[str, Any]:
    """A GitHub repository the person can reach through the App that the bot has no row for (not watched)."""
    return {
        "id": None, "provider": "github", "watched": False, "github_id": access.repository_id,
        "full_name": access.full_name, "private": access.private,
        "installation": {"id": access.installation_id, "account": None, "suspended": False},
        "is_enabled": False, "auto_pr_enabled": False, "allow_workflow_edits": False, "open_incidents": 0,
        "last_event_at": None, "can_change_settings": False,
        "permissions": {k: access.permissions.get(k, False) for k in ("admin", "maintain", "push", "triage", "pull")},
    }


def describe_connectable(found: Reachable) -> dict[str, Any]:
    """A GitHub repository the App is not installed on that the person administers (their legacy token shows
    it): `connect` installs a repository webhook on it."""
    return {
        "id": None, "provider": "github", "watched": False, "github_id": found.github_id,
        "full_name": found.full_name, "private": found.private, "installation": None, "mode": "webhook",
        "is_enabled": False, "auto_pr_enabled": False, "allow_workflow_edits": False, "open_incidents": 0,
        "last_event_at": None, "can_change_settings": False, "can_connect": True,
    }


def describe_gitlab(row: RepositoryConnection, open_incidents: int, web_url: str, *,
                    connected_by_me: bool = True) -> dict[str, Any]:
    """A watched GitLab project: connected by the person (they were Maintainer then), or by someone else and
    reached by the person on GitLab; each change asks GitLab again, so the flag is only what the list offers."""
    return {
        "id": row.id, "provider": "gitlab", "watched": True, "gitlab_id": row.repository_id,
        "full_name": row.full_name, "private": row.is_private, "installation": None, "mode": "project_hook",
        "is_enabled": row.is_enabled, "auto_pr_enabled": row.auto_pr_enabled,
        "allow_workflow_edits": row.allow_workflow_edits, "open_incidents": open_incidents,
        "last_event_at": time(row.last_event_at), "can_change_settings": connected_by_me, "permissions": None,
        "webhook_id": row.webhook_id, "web_url": web_url, "hook_health": row.hook_health,
    }


async def find(
    request: web.Request, who: SignedIn, filters: Filters, page: int, per_page: int
) -> dict[str, Any]:
    """One page of the repositories the person can reach that match `filters` (sorted by full name), with the
    total and the owners seen (for the owner filter)."""
    services = services_of(request)
    db = services.db
    entries: list[tuple[str, str, RepositoryConnection | None, Access | Reachable | None]] = []
    owners: set[str] = set()
    if filters.provider in (None, "github"):
        mine = await my_repositories(request, who)
        rows = await db.repositories.watched(mine.keys())
        watched_ids = set()
        for row in rows:
            access = mine[row.repository_id]
            if access.installation_id != row.installation_id:
                continue
            watched_ids.add(row.repository_id)
            name = access.full_name or row.full_name
            owners.add(name.split("/", 1)[0])
            if filters.matches("github", name, row.is_enabled):
                entries.append((name.lower(), "github", row, access))
        for row in await db.repositories.connected_by(who.user.id, provider="github"):
            if row.installation_id is not None or not row.webhook_id or row.repository_id in watched_ids:
                continue  # watched by a repository webhook this person installed
            watched_ids.add(row.repository_id)
            owners.add(row.full_name.split("/", 1)[0])
            if filters.matches("github", row.full_name, row.is_enabled):
                entries.append((row.full_name.lower(), "github", row, hooked_access(row)))
        if filters.include_unwatched:
            unwatched = None if filters.monitoring is None else False
            for repo_id, access in mine.items():
                if repo_id in watched_ids or not access.full_name:
                    continue
                owners.add(access.full_name.split("/", 1)[0])
                if filters.matches("github", access.full_name, unwatched):
                    entries.append((access.full_name.lower(), "github", None, access))
            for reachable in (await reach_of(request.app).of(request, who)).repositories:
                if reachable.github_id in watched_ids or reachable.github_id in mine:
                    continue  # the App's (listed above) or already watched
                owners.add(reachable.full_name.split("/", 1)[0])
                if filters.matches("github", reachable.full_name, unwatched):
                    entries.append((reachable.full_name.lower(), "connectable", None, reachable))
    if filters.provider in (None, "gitlab"):
        mine_gitlab = {r.repository_id: r for r in await db.repositories.connected_by(who.user.id, provider="gitlab")}
        reached = await reached_projects(request, who)  # watched by a colleague: listed for whoever reaches it
        for row in await db.repositories.watched([str(i) for i in reached], provider="gitlab"):
            mine_gitlab.setdefault(row.repository_id, row)
        for row in mine_gitlab.values():
            owners.add(row.full_name.split("/", 1)[0])
            if filters.matches("gitlab", row.full_name, row.is_enabled):
                entries.append((row.full_name.lower(), "gitlab", row, None))
    entries.sort(key=lambda e: (e[0], e[1], e[2].id if e[2] is not None else ""))
    chunk = entries[(page - 1) * per_page : page * per_page]
    github_pairs = [(row, access) for _, kind, row, access in chunk
                    if kind == "github" and row is not None and isinstance(access, Access)]
    described = iter(await describe_many(services, github_pairs))
    gitlab_names = [row.full_name for _, kind, row, _ in chunk if kind == "gitlab" and row is not None]
    gitlab_open = await db.repositories.open_incidents(gitlab_names, provider="gitlab") if gitlab_names else {}
    items: list[dict[str, Any]] = []
    for _, kind, entry_row, entry_access in chunk:
        if kind == "gitlab" and entry_row is not None:
            items.append(describe_gitlab(entry_row, gitlab_open.get(entry_row.full_name, 0),
                                         repository_url(services.settings, "gitlab", entry_row.full_name),
                                         connected_by_me=entry_row.user_id == who.user.id))
        elif isinstance(entry_access, Reachable):
            items.append(describe_connectable(entry_access))
        elif entry_row is None and isinstance(entry_access, Access):
            items.append(describe_unwatched(entry_access))
        else:
            items.append(next(described))
    answer = paged("repositories", items, len(entries), page, per_page)
    answer["owners"] = sorted(owners, key=str.lower)
    return answer


async def list_repositories(request: web.Request) -> web.Response:
    """GET /api/v1/repositories?q=&provider=&owner=&monitoring=&include_unwatched=&page=&per_page="""
    who = await require_user(request)
    page, per_page = paging(request)
    filters = filters_of(request.query)
    return web.json_response(await find(request, who, filters, page, per_page))


async def apply_batch(
    request: web.Request, who: SignedIn, ids: list[str], values: dict[str, bool]
) -> list[dict[str, Any]]:
    """Change `values` on each repository id the person may change; one result per id (a refused or unknown id is
    reported, never a reason to stop). An id the person cannot see is "not found", as one at a time."""
    services = services_of(request)
    results: list[dict[str, Any]] = []
    for repo_id in ids:
        if not ID_PATTERN.match(repo_id):
            results.append({"id": repo_id[:40], "ok": False, "status": 404, "error": "no such repository"})
            continue
        found = await services.db.repositories.get(repo_id)
        try:
            row, access = await visible(request, who, found, change=True)
            answer = await apply_settings(request, who, row, access, values)
        except web.HTTPException as exc:
            try:
                message = str(orjson.loads(exc.text or "{}").get("error") or exc.reason)
            except orjson.JSONDecodeError:
                message = exc.reason
            results.append({"id": repo_id, "ok": False, "status": exc.status, "error": message})
            continue
        results.append({"id": repo_id, "ok": True, "status": 200, "repository": answer})
    return results


def batch_values(data: Any) -> tuple[list[str], dict[str, bool]]:
    """`{"ids": [...], "monitoring": bool}` or `{"ids": [...], "auto_pr": bool}` (or both); 422 otherwise."""
    allowed = ["ids", *BATCH_SETTINGS]
    if not isinstance(data, dict):
        fail(422, "send a JSON object: {ids: [...], monitoring: true|false} or {ids, auto_pr}", allowed=allowed)
    unknown = sorted(str(k)[:40] for k in data if k not in allowed)
    if unknown:
        fail(422, f"unknown fields: {', '.join(unknown)[:200]}", allowed=allowed)
    ids = data.get("ids")
    if not isinstance(ids, list) or not ids or len(ids) > MAX_BATCH or not all(isinstance(i, str) for i in ids):
        fail(422, f"ids must be a list of 1 to {MAX_BATCH} repository ids")
    values = {}
    for name, column in BATCH_SETTINGS.items():
        if name in data:
            if not isinstance(data[name], bool):
                fail(422, f"{name} must be true or false")
            values[column] = data[name]
    if not values:
        fail(422, "say what to change: monitoring or auto_pr", allowed=allowed)
    return list(dict.fromkeys(ids)), values


async def batch(request: web.Request) -> web.Response:
    """POST /api/v1/repositories/batch (CSRF): {ids, monitoring|auto_pr}; a result per id."""
    who = await require_user(request)
    if request.content_length is not None and request.content_length > MAX_BATCH_BODY:
        fail(413, f"the body must be at most {MAX_BATCH_BODY} bytes")
    raw = await request.content.read(MAX_BATCH_BODY + 1)
    if len(raw) > MAX_BATCH_BODY:
        fail(413, f"the body must be at most {MAX_BATCH_BODY} bytes")
    if request.content_type != "application/json":
        fail(422, "send a JSON object with Content-Type: application/json")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        fail(422, "the body is not valid JSON")
    ids, values = batch_values(data)
    results = await apply_batch(request, who, ids, values)
    return web.json_response({"results": results, "changed": sum(1 for r in results if r["ok"])})


def describe_statistics(found: RepositoryStatistics) -> dict[str, Any]:
    fix_prs = dict(found.fix_prs)
    return {
        "incidents": {"total": found.incidents_total, "by_category": found.by_category, "by_status": found.by_status},
        "time_to_fix": {"fixed": found.fixed_count, "median_seconds": found.time_to_fix_median_seconds,
                        "mean_seconds": found.time_to_fix_mean_seconds},
        "fix_prs": {"total": sum(fix_prs.values()), "merged": fix_prs.get("merged", 0),
                    "closed": fix_prs.get("closed", 0), "open": fix_prs.get("open", 0) + fix_prs.get("creating", 0),
                    "verified": fix_prs.get("fixed", 0), "failed": fix_prs.get("failed", 0), "by_state": fix_prs},
    }


async def statistics_of(request: web.Request, row: RepositoryConnection) -> dict[str, Any]:
    found = await services_of(request).db.statistics.for_repository(row.full_name, provider=row.provider)
    return {"id": row.id, "full_name": row.full_name, **describe_statistics(found)}


async def repository_statistics(request: web.Request) -> web.Response:
    """GET /api/v1/repositories/{id}/statistics: incidents by category, time to fix, fix PRs merged vs closed."""
    who = await require_user(request)
    row, _ = await repository_in_path(request, who)
    return web.json_response(await statistics_of(request, row))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/v1/repositories", list_repositories)
    app.router.add_post("/api/v1/repositories/batch", batch)
    app.router.add_get("/api/v1/repositories/{id}/statistics", repository_statistics)
