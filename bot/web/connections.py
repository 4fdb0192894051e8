"""The connections API: a signed-in person lists, validates, refreshes and deletes their own identities.

Another person's connection answers 404 (never 403, so ids cannot be probed). No answer ever holds a token.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from aiohttp import web

from bot.auth.crypto import DecryptError
from bot.auth.fallback import LEGACY_KINDS, NoIdentity, deprecation_notice
from bot.auth.oauth_common import OAuthError, OAuthUnavailable, ProviderUser
from bot.auth.user_tokens import ReconnectRequired
from bot.web import audit
from bot.web.sessions import fail, require_user, services_of
from storage.models import OAuthConnection

log = logging.getLogger(__name__)

ID_PATTERN = re.compile(r"^[0-9a-fA-F-]{1,36}$")
REPO_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$")


def _time(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def describe(row: OAuthConnection, request: web.Request) -> dict[str, Any]:
    settings = services_of(request).settings
    reconnect = f"/api/v1/oauth/{row.provider}/authorize"
    return {
        "id": row.id, "provider": row.provider, "kind": row.kind, "username": row.provider_username,
        "repository": row.repository_full_name or None, "active": row.is_active,
        "deactivated_reason": row.deactivated_reason, "expires_at": _time(row.token_expires_at),
        "refresh_expires_at": _time(row.refresh_token_expires_at), "scopes": list(row.scopes or []),
        "migrated_from_pat": row.migrated_from_pat, "last_used_at": _time(row.last_used_at),
        "created_at": _time(row.created_at), "legacy": row.kind in LEGACY_KINDS,
        "deprecation": deprecation_notice(row.kind, settings),
        "reconnect_url": None if row.is_active else reconnect,
    }


async def _owned(request: web.Request, user_id: str) -> OAuthConnection:
    connection_id = request.match_info["id"]
    if not ID_PATTERN.match(connection_id):
        fail(404, "no such connection")
    row = await services_of(request).db.connections.get_owned(user_id, connection_id)
    if row is None:
        fail(404, "no such connection")
    return row


async def list_connections(request: web.Request) -> web.Response:
    who = await require_user(request)
    rows = await services_of(request).db.connections.for_user(who.user.id)
    return web.json_response({
        "connections": [describe(r, request) for r in rows],
        "token_migration_status": who.user.token_migration_status,
    })


# The kinds whose tokens our own OAuth clients issued, and so can revoke; a legacy OAuth App's token belongs to
# another client, and a PAT can only be revoked by its owner on GitHub.
REVOCABLE = {"github_app_user": "github", "gitlab_oauth": "gitlab"}


async def delete_connection(request: web.Request) -> web.Response:
    """Forget a connection, and first revoke its token at the provider where we can (best effort: the row goes
    either way, and the answer says whether the provider revoked it)."""
    who = await require_user(request)
    row = await _owned(request, who.user.id)
    services = services_of(request)
    revoked = False
    provider_name = REVOCABLE.get(row.kind)
    provider = {"github": services.github_oauth, "gitlab": services.gitlab_oauth}.get(provider_name or "")
    if provider is not None and services.cipher is not None:
        try:
            revoked = await provider.revoke(services.cipher.decrypt(row.access_token_enc))
        except DecryptError:
            revoked = False
        if not revoked:
            log.warning("token not revoked at the provider", extra={"connection_id": row.id, "token_kind": row.kind})
    await services.db.connections.delete_owned(who.user.id, row.id)
    await audit.record(request, who, "connection.delete", "connection", row.id,
                       {"provider": row.provider, "kind": row.kind, "revoked_at_provider": revoked})
    note = None if revoked else (
        f"revoke it yourself in your {row.provider} settings" if provider_name is None
        else "the provider could not be reached or refused; revoke it in your account settings"
    )
    return web.json_response({"deleted": True, "revoked_at_provider": revoked, "note": note})


async def refresh_connection(request: web.Request) -> web.Response:
    who = await require_user(request)
    row = await _owned(request, who.user.id)
    services = services_of(request)
    if services.user_tokens is None:
        fail(503, "tokens are unavailable: OAUTH_TOKEN_ENCRYPTION_KEY is not configured")
    if row.refresh_token_enc is None:
        fail(409, f"a {row.kind} connection has no refresh token; reconnect instead")
    try:
        await services.user_tokens.access_token(row.id, force_refresh=True)
    except ReconnectRequired as exc:
        fail(409, exc.reason, reconnect_url=f"/api/v1/oauth/{row.provider}/authorize")
    except OAuthUnavailable as exc:
        fail(502, str(exc))
    except DecryptError as exc:
        fail(409, f"{exc}; reconnect", reconnect_url=f"/api/v1/oauth/{row.provider}/authorize")
    fresh = await services.db.connections.get(row.id)
    assert fresh is not None
    await audit.record(request, who, "connection.refresh", "connection", row.id, {"provider": row.provider})
    return web.json_response({"connection": describe(fresh, request)})


async def validate_connection(request: web.Request) -> web.Response:
    who = await require_user(request)
    row = await _owned(request, who.user.id)
    services = services_of(request)
    if services.user_tokens is None:
        fail(503, "tokens are unavailable: OAUTH_TOKEN_ENCRYPTION_KEY is not configured")
    provider = services.github_oauth if row.provider == "github" else services.gitlab_oauth
    assert provider is not None
    answer: dict[str, Any] = {"id": row.id, "kind": row.kind, "provider": row.provider,
                              "deprecation": deprecation_notice(row.kind, services.settings)}
    try:
        token = await services.user_tokens.access_token(row.id)
        account: ProviderUser = await provider.user(token)
    except ReconnectRequired as exc:
        return web.json_response({**answer, "valid": False, "reason": exc.reason,
                                  "reconnect_url": f"/api/v1/oauth/{row.provider}/authorize"})
    except OAuthError as exc:
        return web.json_response({**answer, "valid": False, "reason": f"the provider refused the token ({exc.error})",
                                  "reconnect_url": f"/api/v1/oauth/{row.provider}/authorize"})
    except DecryptError as exc:
        return web.json_response({**answer, "valid": False, "reason": str(exc),
                                  "reconnect_url": f"/api/v1/oauth/{row.provider}/authorize"})
    except OAuthUnavailable as exc:
        fail(502, str(exc))
    fresh = await services.db.connections.get(row.id) or row
    return web.json_response({
        **answer, "valid": True, "login": account.login, "account_id": account.id,
        "scopes": account.scopes if account.scopes is not None else list(fresh.scopes or []),
        # A GitHub App user token acts with the App's permissions intersected with the person's access.
        "permissions": "the GitHub App's permissions" if row.kind == "github_app_user" else None,
        "expires_at": _time(fresh.token_expires_at) or account.token_expires_at,
        "refresh_expires_at": _time(fresh.refresh_token_expires_at),
    })


async def identity(request: web.Request) -> web.Response:
    """GET /api/v1/identity?repository=owner/name: which of my identities would act there, and any warning."""
    who = await require_user(request)
    repository = request.query.get("repository")
    if repository is not None and not REPO_PATTERN.match(repository):
        fail(400, "repository must look like owner/name")
    try:
        resolved = await services_of(request).identity_for(who.user.id, repository)
    except NoIdentity as exc:
        fail(409, str(exc), reconnect_url="/api/v1/oauth/github/authorize")
    return web.json_response({"kind": resolved.kind, "connection_id": resolved.connection_id,
                              "deprecation": resolved.deprecation})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/v1/oauth/connections", list_connections)
    app.router.add_delete("/api/v1/oauth/connections/{id}", delete_connection)
    app.router.add_post("/api/v1/oauth/connections/{id}/refresh", refresh_connection)
    app.router.add_get("/api/v1/oauth/connections/{id}/validate", validate_connection)
    app.router.add_get("/api/v1/identity", identity)
