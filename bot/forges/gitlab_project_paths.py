"""What GitLab says a project id's path is (`GET /projects/:id`, its `path_with_namespace`), cached per process:
a delivery verified with the global secret names a project id and a path, and only GitLab can say they belong
together. A 404 (or 403) is raised as `gidgetlab.BadRequest` like any other call.
"""

from __future__ import annotations

import time

from cachetools import TTLCache

from bot.forges.gitlab_client import GitLabClient, project_path

PATH_TTL = 300.0  # seconds a project's path is trusted without asking GitLab again
RELOAD_EVERY = 5.0  # a path that does not match is read again, at most this often per project
MAX_PROJECTS = 10_000

_paths: TTLCache[tuple[str, int], tuple[str, float]] = TTLCache(maxsize=MAX_PROJECTS, ttl=PATH_TTL)


async def _read(client: GitLabClient, project_id: int) -> str:
    data = await client.getitem(project_path(project_id))
    path = data.get("path_with_namespace") if isinstance(data, dict) else None
    return path if isinstance(path, str) else ""


async def matches(client: GitLabClient, project_id: int, claimed: str) -> str | None:
    """GitLab's path of `project_id` if `claimed` names it (paths are case-insensitive), else None. A cached path
    that does not match is read again (a renamed project), at most every RELOAD_EVERY seconds."""
    key = (client.base_url, int(project_id))
    now = time.monotonic()
    cached = _paths.get(key)
    if cached is not None and (cached[0].casefold() == claimed.casefold() or now - cached[1] < RELOAD_EVERY):
        path = cached[0]
    else:
        path = await _read(client, project_id)
        _paths[key] = (path, now)
    return path if path and path.casefold() == claimed.casefold() else None


def clear() -> None:
    """Forget every cached path (a test's fake GitLab is a new world)."""
    _paths.clear()
