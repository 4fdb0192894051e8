"""GitHub repositories' `connect`, `disconnect` and `test`, as GitLab projects have them.

`{id}` is our repository id, or GitHub's numeric repository id (for a repository we do not know yet).

- On a repository the App is installed on, `connect` and `disconnect` switch monitoring on and off (admin on the
  repository, as GitHub shows it to the person); `test` reports the installation and the last delivery.
- On a repository the App is **not** installed on (OAuth mode), `connect` installs (or repairs) a repository
  webhook with the person's legacy OAuth token or PAT (GitHub wants admin on the repository and the
  `admin:repo_hook` scope), signed with a secret generated here and stored encrypted; deliveries are verified with
  it by their `X-GitHub-Hook-ID` (bot/webhooks.py), and the pipeline acts as that person. `disconnect` deletes the
  hook; `test` has GitHub ping it and reports GitHub's record of the answer. Only the person who connected such a
  repository sees it here (anyone else: 404); installing the App is recommended in every answer.

No answer or log line holds a token or a hook secret.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import gidgethub
from aiohttp import web

from bot.auth.fallback import NoIdentity, Resolved
from bot.forges import github_hooks as hooks
from bot.forges.github_client import GitHubClient
from bot.services import Services
from bot.web import audit
from bot.web.github_reach import reach_of
from bot.web.hook_checks import Refusals, kept_or_new_secret, lock_for, our_hook
from bot.web.public_errors import one_line
from bot.web.repositories import ID_PATTERN, describe_many, visible
from bot.web.sessions import SignedIn, fail, require_user, services_of
from bot.web.urls import public_base
from storage.models import RepositoryConnection

log = logging.getLogger(__name__)

GITHUB_ID = re.compile(r"^[0-9]{1,18}$")
RECONNECT = "/api/v1/oauth/github/authorize"
INSTALL_HINT = ("install the DevFlowFix GitHub App on this repository: it acts under its own name, with only the "
                "permissions it asks for, adds check runs, and keeps working when your personal token changes")
GITHUB = Refusals(
    forge="GitHub", bad_request=gidgethub.BadRequest, library_error=gidgethub.GitHubException,
    reconnect_url=RECONNECT, renew="your GitHub connection must be renewed; sign in again",
    unauthorized="GitHub refused your token; connect it again",
    not_found="GitHub shows you no such repository, or refused to {what} (it needs admin on the repository and a "
              "token with the admin:repo_hook scope)",
    forbidden="GitHub refused to {what} (HTTP 403): it needs admin on the repository and the admin:repo_hook scope",
    unprocessable="GitHub refused to {what} (HTTP 422)",
)
ERRORS = GITHUB.errors


@dataclass
class Target:
    """What `{id}` names: a row we have (maybe), GitHub's repository id, and how it is watched."""

    row: RepositoryConnection | None
    github_id: str | None

    @property
    def installed(self) -> bool:
        return self.row is not None and self.row.installation_id is not None and self.row.removed_at is None

    @property
    def hooked(self) -> bool:
        row = self.row
        return row is not None and row.installation_id is None and row.removed_at is None and bool(row.webhook_id)


async def target_in_path(request: web.Request) -> Target:
    raw = request.match_info["id"]
    db = services_of(request).db
    if GITHUB_ID.match(raw):
        if int(raw) == 0:
            fail(404, "no such repository")
        return Target(await db.repositories.by_provider_id("github", raw), raw)
    if not ID_PATTERN.match(raw):
        fail(404, "no such repository")
    row = await db.repositories.get(raw)
    if row is None or row.provider != "github":
        fail(404, "no such repository")
    return Target(row, row.repository_id)


def own_hooked_row(target: Target, who: SignedIn) -> RepositoryConnection:
    """A repository connected by webhook: only the person who connected it reaches it here."""
    row = target.row
    if row is None or not target.hooked or row.user_id != who.user.id:
        fail(404, "no such repository")
    return row


LOCKS_KEY = web.AppKey("github_hook_locks", dict)


def client_for(services: Services, resolved: Resolved) -> GitHubClient:
    return services.github_client(resolved)


async def legacy_identity(services: Services, who: SignedIn, full_name: str) -> Resolved:
    assert services.identities is not None
    try:
        return await services.identities.legacy_for_person(who.user.id, full_name)
    except NoIdentity as exc:
        fail(409, str(exc), reconnect_url=RECONNECT, recommendation=INSTALL_HINT)


async def full_name_of(services: Services, who: SignedIn, target: Target) -> str:
    """The repository's name: ours if we know it, else GitHub's answer to the person for its id."""
    if target.row is not None:
        return target.row.full_name
    assert target.github_id is not None
    try:
        resolved = await services.identity_for(who.user.id, None)
    except NoIdentity as exc:
        fail(409, str(exc), reconnect_url=RECONNECT)
    try:
        found = await hooks.repository_by_id(client_for(services, resolved), int(target.github_id))
    except ERRORS as exc:
        GITHUB.refused(exc, "show the repository")
    name = found.get("full_name")
    if not isinstance(name, str) or "/" not in name:
        fail(502, "GitHub's answer about the repository was not understood")
    return name


async def admin_repository(client: GitHubClient, full_name: str, github_id: str | None) -> dict[str, Any]:
    """GitHub's repository as the person sees it; 404 unless it is the one named, 403 unless they are admin."""
    try:
        found = await hooks.repository(client, full_name)
    except ERRORS as exc:
        GITHUB.refused(exc, "show the repository")
    if github_id is not None and str(found.get("id")) != github_id:
        fail(404, "no such repository")
    permissions = found.get("permissions") or {}
    if not isinstance(permissions, dict) or permissions.get("admin") is not True:
        fail(403, f"connecting {full_name} without the App needs admin permission on it")
    return found


def _login(resolved: Resolved, who: SignedIn) -> str | None:
    return who.user.github_login if resolved.kind in ("github_oauth", "github_pat") else None


def describe_hooked(row: RepositoryConnection, resolved: Resolved | None, who: SignedIn) -> dict[str, Any]:
    return {
        "id": row.id, "github_id": row.repository_id, "full_name": row.full_name, "mode": "webhook",
        "connected": row.removed_at is None, "monitoring": row.is_enabled, "webhook_id": row.webhook_id,
        "acting_as": {"login": who.user.github_login, "kind": resolved.kind if resolved else None,
                      "deprecation": resolved.deprecation if resolved else None},
        "recommendation": INSTALL_HINT,
    }


async def _app_answer(request: web.Request, who: SignedIn, target: Target, enabled: bool | None) -> web.Response:
    services = services_of(request)
    row, access = await visible(request, who, target.row, change=True)
    if enabled is not None:
        fresh = await services.db.repositories.set_enabled(row.id, enabled)
        if fresh is None:
            fail(404, "no such repository")
        row = fresh
        await audit.record(request, who, "repository.connect" if enabled else "repository.disconnect", "repository",
                           row.id, {"full_name": row.full_name, "mode": "app", "is_enabled": enabled})
    [answer] = await describe_many(services, [(row, access)])
    answer["mode"] = "app"
    return web.json_response(answer)


async def _find_our_hook(client: GitHubClient, full_name: str, row: RepositoryConnection | None, url: str
                         ) -> dict[str, Any] | None:
    def url_of(hook: dict[str, Any]) -> Any:
        config = hook.get("config") or {}
        return config.get("url") if isinstance(config, dict) else None

    return our_hook(await hooks.list_hooks(client, full_name), row, url, url_of)


async def connect(request: web.Request) -> web.Response:
    """POST /api/v1/repositories/{id}/connect (CSRF): watch the repository (App: monitoring on; else a webhook)."""
    who = await require_user(request)
    target = await target_in_path(request)
    if target.installed:
        return await _app_answer(request, who, target, True)
    if target.hooked:
        own_hooked_row(target, who)
    services = services_of(request)
    if services.cipher is None or services.repo_hooks is None:
        fail(503, "webhook secrets cannot be stored: OAUTH_TOKEN_ENCRYPTION_KEY is not configured")
    full_name = await full_name_of(services, who, target)
    async with lock_for(request, LOCKS_KEY, full_name.lower()):
        resolved = await legacy_identity(services, who, full_name)
        client = client_for(services, resolved)
        repo = await admin_repository(client, full_name, target.github_id)
        github_id = str(repo["id"])
        full_name = str(repo.get("full_name") or full_name)
        row = await services.db.repositories.by_provider_id("github", github_id)
        if row is not None and row.installation_id is not None and row.removed_at is None:
            fail(409, "the DevFlowFix App is installed on this repository now; connect it through the App")
        url = public_base(services.settings) + hooks.HOOK_PATH
        secret = kept_or_new_secret(services.cipher, row)
        try:
            hook = await _find_our_hook(client, full_name, row, url)
            if hook is not None:  # GitHub never shows a hook's secret: set it again with the rest
                hook = await hooks.update_hook(client, full_name, int(hook["id"]), url, secret)
                created = False
            else:
                hook = await hooks.create_hook(client, full_name, url, secret)
                created = True
        except ERRORS as exc:
            GITHUB.refused(exc, "install the repository webhook")
        if not isinstance(hook.get("id"), int):
            fail(502, "GitHub's answer creating the webhook was not understood")
        assert resolved.connection_id is not None
        fresh = await services.db.repositories.connect_github_hook(
            repository_id=github_id, full_name=full_name[:255], user_id=who.user.id,
            oauth_connection_id=resolved.connection_id, webhook_id=str(hook["id"]),
            webhook_secret_enc=services.cipher.encrypt(secret), is_private=bool(repo.get("private")),
            default_branch=str(repo["default_branch"])[:255] if repo.get("default_branch") else None,
        )
        services.repo_hooks.remember(int(hook["id"]), hooks.RepoHook(True, secret, github_id, fresh.full_name))
    await audit.record(request, who, "repository.connect", "repository", fresh.id,
                       {"full_name": fresh.full_name, "mode": "webhook", "hook_created": created,
                        "acting_as": resolved.kind})
    reach_of(request.app).forget(who.user.id)
    log.info("github repository connected by webhook", extra={"repository": fresh.full_name, "hook_id": hook["id"],
                                                              "hook_created": created, "user_id": who.user.id,
                                                              "token_kind": resolved.kind})
    answer = describe_hooked(fresh, resolved, who)
    answer["hook_created"] = created
    return web.json_response(answer, status=201 if created else 200)


async def disconnect(request: web.Request) -> web.Response:
    """DELETE /api/v1/repositories/{id}/connect (CSRF): stop watching (App: monitoring off; else delete the hook)."""
    who = await require_user(request)
    target = await target_in_path(request)
    if target.installed:
        return await _app_answer(request, who, target, False)
    row = own_hooked_row(target, who)
    services = services_of(request)
    async with lock_for(request, LOCKS_KEY, row.full_name.lower()):
        resolved = await legacy_identity(services, who, row.full_name)
        client = client_for(services, resolved)
        if row.webhook_id and row.webhook_id.isdigit():
            hook_id = int(row.webhook_id)
            await GITHUB.delete_hook(lambda: hooks.delete_hook(client, row.full_name, hook_id),
                                     "delete the repository webhook")
            if services.repo_hooks is not None:
                services.repo_hooks.remember(int(row.webhook_id), hooks.NOT_OURS)
        await services.db.repositories.remove_hook(row.id)
    await audit.record(request, who, "repository.disconnect", "repository", row.id,
                       {"full_name": row.full_name, "mode": "webhook"})
    reach_of(request.app).forget(who.user.id)
    log.info("github repository disconnected", extra={"repository": row.full_name, "user_id": who.user.id})
    return web.Response(status=204)


async def test(request: web.Request) -> web.Response:
    """POST /api/v1/repositories/{id}/test (CSRF): webhook: GitHub pings it and says how we answered; App: the
    installation's state and the last delivery."""
    who = await require_user(request)
    target = await target_in_path(request)
    services = services_of(request)
    if target.installed:
        row, _ = await visible(request, who, target.row, change=True)
        installation = await services.db.installations.get(row.installation_id) if row.installation_id else None
        _, newest = await services.db.deliveries.for_repository(row.full_name, limit=1)
        last = newest[0] if newest else None
        ok = installation is not None and installation.deleted_at is None and not installation.suspended_at
        return web.json_response({
            "ok": ok, "mode": "app", "installation_id": row.installation_id,
            "suspended": bool(installation and installation.suspended_at),
            "last_delivery": {"event": last.event, "status": last.status, "received_at": last.received_at.isoformat(),
                              "last_error": one_line(last.last_error)} if last else None,
            "message": "the App's webhook is GitHub's to send; its last delivery is shown" if ok else
                       "the App's installation is missing or suspended",
        })
    row = own_hooked_row(target, who)
    if not row.webhook_id or not row.webhook_id.isdigit():
        fail(409, "the repository has no webhook; connect it again")
    resolved = await legacy_identity(services, who, row.full_name)
    client = client_for(services, resolved)
    try:
        await hooks.ping_hook(client, row.full_name, int(row.webhook_id))
        hook = await hooks.get_hook(client, row.full_name, int(row.webhook_id))
    except gidgethub.BadRequest as exc:
        if int(exc.status_code) == 404:
            fail(409, "the repository webhook is gone at GitHub; connect the repository again to repair it")
        GITHUB.refused(exc, "ping the repository webhook")
    except ERRORS as exc:
        GITHUB.refused(exc, "ping the repository webhook")
    answered = hook.get("last_response")
    response: dict[str, Any] = answered if isinstance(answered, dict) else {}
    code = response.get("code") if isinstance(response.get("code"), int) else None
    return web.json_response({
        "ok": code is not None and 200 <= code < 300, "mode": "webhook", "webhook_id": row.webhook_id,
        "last_response": {"code": code, "status": str(response.get("status") or "")[:100] or None,
                          "message": str(response.get("message") or "")[:500] or None},
        "recommendation": INSTALL_HINT,
    })


def add_routes(app: web.Application) -> None:
    app[LOCKS_KEY] = {}
    app.router.add_post("/api/v1/repositories/{id}/connect", connect)
    app.router.add_delete("/api/v1/repositories/{id}/connect", disconnect)
    app.router.add_post("/api/v1/repositories/{id}/test", test)
