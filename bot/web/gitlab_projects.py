"""GitLab projects connected by OAuth: a signed-in person with a `gitlab_oauth` connection lists the projects they
maintain, connects one (DevFlowFix installs the project hook for them, with a secret of its own), tests the hook
and disconnects it.

GitLab decides who may do what, with the person's own token: a project GitLab does not show them answers 404, one
they are not Maintainer (access level 40) or Owner of answers 403. No answer or log line holds a token or a hook
secret; the secret is stored encrypted and handed to GitLab only.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import gidgetlab
from aiohttp import web

from bot.auth.user_tokens import ConnectionTokenProvider
from bot.forges.gitlab_client import GitLabClient, project_path
from bot.forges.gitlab_hooks import HOOK_PATH, hook_settings
from bot.services import Services
from bot.web import audit
from bot.web.hook_checks import Refusals, kept_or_new_secret, lock_for, our_hook
from bot.web.sessions import SignedIn, fail, require_user, services_of
from bot.web.urls import public_base
from storage.models import RepositoryConnection

log = logging.getLogger(__name__)

MAINTAINER = 40
PER_PAGE = 100
MAX_PAGES = 5  # at most 500 projects listed
PROJECT_ID = re.compile(r"^[0-9]{1,18}$")
RECONNECT = "/api/v1/oauth/gitlab/authorize"


GITLAB = Refusals(
    forge="GitLab", bad_request=gidgetlab.BadRequest, library_error=gidgetlab.GitLabException,
    reconnect_url=RECONNECT,
    renew="your GitLab connection must be renewed; connect GitLab again",
    unauthorized="GitLab refused your token; connect GitLab again", not_found="no such project",
    forbidden="GitLab refused to let you {what} (HTTP 403); it needs the Maintainer role",
)
GITLAB_ERRORS = GITLAB.errors


async def person_client(request: web.Request, who: SignedIn) -> tuple[GitLabClient, str]:
    """A GitLab client acting as the person (their newest active `gitlab_oauth` connection) and its id; 409 if none."""
    services = services_of(request)
    if services.user_tokens is None:
        fail(503, "tokens are unavailable: OAUTH_TOKEN_ENCRYPTION_KEY is not configured")
    rows = await services.db.connections.for_user(who.user.id, provider="gitlab", kinds=["gitlab_oauth"],
                                                  active_only=True)
    if not rows:
        fail(409, "connect GitLab first", reconnect_url=RECONNECT)
    connection = rows[-1]
    return services.gitlab_user_client(ConnectionTokenProvider(services.user_tokens, connection)), connection.id


def project_id_in_path(request: web.Request) -> int:
    raw = request.match_info["project_id"]
    if not PROJECT_ID.match(raw) or int(raw) == 0:
        fail(400, "a project id is a positive whole number")
    return int(raw)


def access_level(project: dict[str, Any]) -> int:
    """The person's role on a project, from `permissions` (project or group membership, the higher)."""
    permissions = project.get("permissions") or {}
    levels = [0]
    for key in ("project_access", "group_access"):
        value = permissions.get(key) if isinstance(permissions, dict) else None
        if isinstance(value, dict) and isinstance(value.get("access_level"), int):
            levels.append(int(value["access_level"]))
    return max(levels)


async def maintained_project(client: GitLabClient, project_id: int) -> dict[str, Any]:
    """GitLab's project as the person sees it; 404 if they cannot see it, 403 unless they maintain it."""
    try:
        project = await client.getitem(project_path(project_id))
    except GITLAB_ERRORS as exc:
        GITLAB.refused(exc, "read the project")
    if not isinstance(project, dict) or project.get("id") != project_id:
        fail(502, "GitLab's answer about the project was not understood")
    if access_level(project) < MAINTAINER:
        fail(403, "connecting a project needs the Maintainer or Owner role on it")
    return project


def hook_url(request: web.Request, services: Services) -> str:
    return public_base(services.settings) + HOOK_PATH


def describe(project: dict[str, Any], row: RepositoryConnection | None, user_id: str) -> dict[str, Any]:
    connected = row is not None and row.removed_at is None
    return {
        "id": project.get("id"), "full_name": project.get("path_with_namespace"), "name": project.get("name"),
        "web_url": project.get("web_url"), "connected": connected,
        "connected_by_me": connected and row is not None and row.user_id == user_id,
        "webhook_id": row.webhook_id if connected and row is not None else None,
    }


async def list_projects(request: web.Request) -> web.Response:
    """GET /api/v1/gitlab/projects: the projects I maintain on GitLab, each marked connected or not."""
    who = await require_user(request)
    client, _ = await person_client(request, who)
    found: list[dict[str, Any]] = []
    truncated = False
    try:
        params = {"min_access_level": MAINTAINER, "simple": "true", "per_page": PER_PAGE, "order_by": "id"}
        async for project in client.getiter("/projects", params, max_pages=MAX_PAGES):
            if isinstance(project, dict) and isinstance(project.get("id"), int):
                found.append(project)
    except GITLAB_ERRORS as exc:
        GITLAB.refused(exc, "list your projects")
    if len(found) >= PER_PAGE * MAX_PAGES:
        truncated = True
    rows = await services_of(request).db.repositories.watched([str(p["id"]) for p in found], provider="gitlab")
    by_id = {r.repository_id: r for r in rows}
    projects = [describe(p, by_id.get(str(p["id"])), who.user.id) for p in found]
    return web.json_response({"projects": projects, "total": len(projects), "truncated": truncated})


LOCKS_KEY = web.AppKey("gitlab_project_locks", dict)


async def _existing_hook(client: GitLabClient, project_id: int, row: RepositoryConnection | None, url: str
                         ) -> dict[str, Any] | None:
    """Our hook on the project, if it is still there: the stored id first, else one pointing at our URL."""
    hooks = [h async for h in client.getiter(f"{project_path(project_id)}/hooks", {"per_page": 100}, max_pages=2)]
    return our_hook(hooks, row, url, lambda hook: hook.get("url"))


async def connect_project(request: web.Request) -> web.Response:
    """POST /api/v1/gitlab/projects/{project_id}/connect (CSRF): install (or repair) the hook and watch the project."""
    who = await require_user(request)
    project_id = project_id_in_path(request)
    client, connection_id = await person_client(request, who)
    services = services_of(request)
    assert services.cipher is not None
    async with lock_for(request, LOCKS_KEY, project_id):
        project = await maintained_project(client, project_id)
        row = await services.db.repositories.by_provider_id("gitlab", str(project_id))
        url = hook_url(request, services)
        secret = kept_or_new_secret(services.cipher, row)
        settings = hook_settings(url, secret)
        try:
            hook = await _existing_hook(client, project_id, row, url)
            if hook is not None:  # re-use it, and repair its settings (GitLab never shows a hook's token)
                hook = await client.put(f"{project_path(project_id)}/hooks/{int(hook['id'])}", data=settings)
                created = False
            else:
                hook = await client.post(f"{project_path(project_id)}/hooks", data=settings)
                created = True
        except GITLAB_ERRORS as exc:
            GITLAB.refused(exc, "install the project hook")
        if not isinstance(hook, dict) or not isinstance(hook.get("id"), int):
            fail(502, "GitLab's answer creating the hook was not understood")
        visibility = project.get("visibility")
        fresh = await services.db.repositories.connect_gitlab(
            project_id=str(project_id), full_name=str(project.get("path_with_namespace") or project_id)[:255],
            user_id=who.user.id, oauth_connection_id=connection_id, webhook_id=str(hook["id"]),
            webhook_secret_enc=services.cipher.encrypt(secret),
            is_private=None if visibility is None else visibility != "public",
            default_branch=str(project["default_branch"])[:255] if project.get("default_branch") else None,
        )
        if services.gitlab_hooks is not None:
            services.gitlab_hooks.remember(project_id, secret, fresh.full_name)
    await audit.record(request, who, "gitlab_project.connect", "repository", fresh.id,
                       {"project_id": project_id, "full_name": fresh.full_name, "hook_created": created})
    log.info("gitlab project connected", extra={"project_id": project_id, "hook_id": hook["id"],
                                                  "hook_created": created, "user_id": who.user.id})
    answer = describe(project, fresh, who.user.id)
    answer["hook_created"] = created
    return web.json_response(answer, status=201 if created else 200)


async def connected_row(request: web.Request, project_id: int) -> RepositoryConnection:
    row = await services_of(request).db.repositories.by_provider_id("gitlab", str(project_id))
    if row is None or row.removed_at is not None:
        fail(404, "this project is not connected")
    return row


async def disconnect_project(request: web.Request) -> web.Response:
    """DELETE /api/v1/gitlab/projects/{project_id} (CSRF): delete the hook at GitLab and stop watching the project."""
    who = await require_user(request)
    project_id = project_id_in_path(request)
    client, _ = await person_client(request, who)
    services = services_of(request)
    async with lock_for(request, LOCKS_KEY, project_id):
        await maintained_project(client, project_id)
        row = await connected_row(request, project_id)
        if row.webhook_id and row.webhook_id.isdigit():
            hook_url_path = f"{project_path(project_id)}/hooks/{int(row.webhook_id)}"
            await GITLAB.delete_hook(lambda: client.delete(hook_url_path), "delete the project hook")
        await services.db.repositories.remove_gitlab(row.id)
        if services.gitlab_hooks is not None:
            services.gitlab_hooks.remember(project_id, None)
    await audit.record(request, who, "gitlab_project.disconnect", "repository", row.id,
                       {"project_id": project_id, "full_name": row.full_name})
    log.info("gitlab project disconnected", extra={"project_id": project_id, "user_id": who.user.id})
    return web.Response(status=204)


async def test_hook(request: web.Request) -> web.Response:
    """POST /api/v1/gitlab/projects/{project_id}/test (CSRF): GitLab sends a test pipeline event; what it said."""
    who = await require_user(request)
    return web.json_response(await hook_test(request, who, project_id_in_path(request)))


async def hook_test(request: web.Request, who: SignedIn, project_id: int) -> dict[str, Any]:
    """GitLab sends the project's hook a test pipeline event, as the person (Maintainer): what GitLab said."""
    client, _ = await person_client(request, who)
    await maintained_project(client, project_id)
    row = await connected_row(request, project_id)
    if not row.webhook_id or not row.webhook_id.isdigit():
        fail(409, "the project has no hook; connect it again")
    url = f"{project_path(project_id)}/hooks/{int(row.webhook_id)}/test/pipeline_events"
    try:
        answer = await client.post(url, data={})
    except gidgetlab.BadRequest as exc:
        status = int(exc.status_code)
        if status == 404:
            fail(409, "the project hook is gone at GitLab; connect the project again to repair it")
        if status in (400, 422):
            message = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], str) else str(exc)
            return {"ok": False, "gitlab_status": status, "message": message[:500]}
        GITLAB.refused(exc, "test the project hook")
    except GITLAB_ERRORS as exc:
        GITLAB.refused(exc, "test the project hook")
    message = answer.get("message") if isinstance(answer, dict) else None
    return {"ok": True, "gitlab_status": 201, "message": str(message or "")[:500]}


def add_routes(app: web.Application) -> None:
    app[LOCKS_KEY] = {}
    app.router.add_get("/api/v1/gitlab/projects", list_projects)
    app.router.add_post("/api/v1/gitlab/projects/{project_id}/connect", connect_project)
    app.router.add_delete("/api/v1/gitlab/projects/{project_id}", disconnect_project)
    app.router.add_post("/api/v1/gitlab/projects/{project_id}/test", test_hook)
