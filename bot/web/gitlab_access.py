"""Who may see or change a GitLab project the bot watches: GitLab's answer to the person's own token.

Reading a project's page, incidents and history needs the Reporter role (access level 20) on it, changing its
settings or running a delivery again the Maintainer role (40), as GitLab shows them to the person with their
`gitlab_oauth` connection. The answer is cached a minute per person and project. A project GitLab does not show
the person, or a person without a GitLab connection, gets 404, so ids cannot be probed.
"""

from __future__ import annotations

import logging

import gidgetlab
from aiohttp import web
from cachetools import TTLCache

from bot.forges.gitlab_client import project_path
from bot.web.gitlab_projects import (
    GITLAB,
    GITLAB_ERRORS,
    MAINTAINER,
    MAX_PAGES,
    PER_PAGE,
    access_level,
    person_client,
)
from bot.web.person_cache import PersonCache
from bot.web.repositories import Access
from bot.web.sessions import SignedIn, fail, services_of
from storage.models import RepositoryConnection

log = logging.getLogger(__name__)
REPORTER = 20
DEVELOPER = 30
LEVEL_TTL = 60.0
LEVELS_KEY = web.AppKey("gitlab_levels", TTLCache)


def levels_of(app: web.Application) -> TTLCache[tuple[str, int], int]:
    cache: TTLCache[tuple[str, int], int] = app[LEVELS_KEY]
    return cache


REACHED_KEY = web.AppKey("gitlab_reached", PersonCache)


def add_state(app: web.Application) -> None:
    app[LEVELS_KEY] = TTLCache(maxsize=50_000, ttl=LEVEL_TTL)
    app[REACHED_KEY] = PersonCache[frozenset[int]](LEVEL_TTL)


async def reached_projects(request: web.Request, who: SignedIn) -> frozenset[int]:
    """The ids of the GitLab projects the person reaches as Reporter or above (GitLab's answer to their own token,
    kept a minute); empty without a GitLab connection or when GitLab refuses (the list then shows only what they
    connected)."""
    services = services_of(request)
    if services.user_tokens is None or not await services.db.connections.for_user(
        who.user.id, provider="gitlab", kinds=["gitlab_oauth"], active_only=True
    ):
        return frozenset()

    async def fetch() -> frozenset[int]:
        client, _ = await person_client(request, who)
        found: set[int] = set()
        params = {"min_access_level": REPORTER, "simple": "true", "per_page": PER_PAGE, "order_by": "id"}
        try:
            async for project in client.getiter("/projects", params, max_pages=MAX_PAGES):
                if isinstance(project, dict) and isinstance(project.get("id"), int):
                    found.add(project["id"])
        except GITLAB_ERRORS as exc:
            log.info("the GitLab projects of a person were not listed (%s)", type(exc).__name__)
        return frozenset(found)

    reached: PersonCache[frozenset[int]] = request.app[REACHED_KEY]
    return await reached.get(who.user.id, fetch)


async def project_level(request: web.Request, who: SignedIn, project_id: int) -> int:
    """The person's role on the project as GitLab shows it to them (0: none, or no GitLab connection)."""
    cache = levels_of(request.app)
    key = (who.user.id, project_id)
    if key in cache:
        return cache[key]
    services = services_of(request)
    if services.user_tokens is None:
        return 0
    if not await services.db.connections.for_user(who.user.id, provider="gitlab", kinds=["gitlab_oauth"],
                                                  active_only=True):
        return 0
    client, _ = await person_client(request, who)
    try:
        project = await client.getitem(project_path(project_id))
    except gidgetlab.BadRequest as exc:
        if int(exc.status_code) not in (403, 404):
            GITLAB.refused(exc, "read the project")
        project = None
    except GITLAB_ERRORS as exc:
        GITLAB.refused(exc, "read the project")
    level = access_level(project) if isinstance(project, dict) and project.get("id") == project_id else 0
    cache[key] = level
    return level


def _permissions(level: int) -> dict[str, bool]:
    return {"admin": level >= MAINTAINER, "maintain": level >= MAINTAINER, "push": level >= DEVELOPER,
            "triage": level >= REPORTER, "pull": level >= REPORTER}


async def gitlab_access(
    request: web.Request, who: SignedIn, row: RepositoryConnection, *, change: bool = False
) -> Access:
    """The project as the person may use it: 404 unless GitLab shows it to them (Reporter), 403 when `change`
    and they are not Maintainer."""
    if not row.repository_id.isdigit() or len(row.repository_id) > 18:
        fail(404, "no such repository")
    level = await project_level(request, who, int(row.repository_id))
    if level < REPORTER:
        fail(404, "no such repository")
    if change and level < MAINTAINER:
        fail(403, f"changing what DevFlowFix does on {row.full_name} needs the Maintainer role on it at GitLab")
    return Access(repository_id=row.repository_id, full_name=row.full_name, private=bool(row.is_private),
                  installation_id=0, permissions=_permissions(level))
