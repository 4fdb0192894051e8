"""Sign in with GitHub (the App's user authorization) and connect GitLab: authorize and callback routes.

authorize: a fresh PKCE pair (the verifier kept encrypted: in storage for a signed-in person's connect, in a
signed HttpOnly cookie for an anonymous sign-in, so that no row is written for a visitor), a signed single-use
state bound to the browser, then a redirect to the provider. callback: the state is checked and consumed, the code
exchanged with the verifier and the same redirect_uri, the account read, the tokens stored encrypted, the session
started.
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.auth.crypto import DecryptError
from bot.auth.oauth_common import OAuthError, OAuthProvider, OAuthUnavailable, pkce_pair
from bot.services import Services
from bot.web import audit, states
from bot.web.sessions import (
    BROWSER_COOKIE,
    SignedIn,
    browser_id,
    check_csrf,
    fail,
    services_of,
    set_browser_cookie,
    set_cookie,
    sha256,
    signed_in,
    signing_key,
    start_session,
)
from bot.web.urls import public_base
from storage.models import User

log = logging.getLogger(__name__)

MAX_PARAM = 2048


def _provider(services: Services, name: str) -> OAuthProvider:
    provider: OAuthProvider | None = services.github_oauth if name == "github" else services.gitlab_oauth
    if provider is None or not provider.configured:
        env = "GITHUB_CLIENT_ID/GITHUB_CLIENT_SECRET" if name == "github" else "GITLAB_CLIENT_ID/GITLAB_CLIENT_SECRET"
        fail(503, f"{name} sign-in is not configured ({env})")
    if services.cipher is None:
        fail(503, "tokens cannot be stored: OAUTH_TOKEN_ENCRYPTION_KEY is not configured")
    return provider


def redirect_uri(request: web.Request, services: Services, provider: str) -> str:
    return f"{public_base(services.settings)}/api/v1/oauth/{provider}/callback"


def _authorize(provider_name: str) -> web.Handler:
    async def authorize(request: web.Request) -> web.StreamResponse:
        services = services_of(request)
        provider = _provider(services, provider_name)
        who = await signed_in(request)
        if request.method == "POST" and who is not None:
            await check_csrf(request, who)
        assert services.cipher is not None
        verifier, challenge = pkce_pair()
        uri = redirect_uri(request, services, provider_name)
        browser, new_browser = browser_id(request)
        ttl = services.settings.oauth_state_ttl
        attempt: str | None = None
        if who is None:  # anonymous: nothing is written before the callback (the attempt is a signed cookie)
            state, attempt = states.issue_anonymous(
                signing_key(services), provider=provider_name, browser_hash=sha256(browser), ttl=ttl,
                redirect_uri=uri, code_verifier_enc=services.cipher.encrypt(verifier))
        else:
            state = await states.issue(
                services.db, signing_key(services), provider=provider_name, purpose="connect",
                browser_hash=sha256(browser), ttl=ttl, redirect_uri=uri, user_id=who.user.id,
                code_verifier_enc=services.cipher.encrypt(verifier),
            )
        location = provider.authorize_url(state=state, code_challenge=challenge, redirect_uri=uri)
        response: web.StreamResponse
        if request.method == "POST" and "application/json" in request.headers.get("Accept", ""):
            response = web.json_response({"authorize_url": location})
        else:
            response = web.HTTPFound(location=location)
        if new_browser:
            set_browser_cookie(request, response, browser)
        if attempt is not None:
            set_cookie(response, request, states.attempt_cookie_name(provider_name), attempt, max_age=ttl)
        if isinstance(response, web.HTTPException):
            raise response
        return response

    return authorize


def _callback(provider_name: str) -> web.Handler:
    async def callback(request: web.Request) -> web.StreamResponse:
        services = services_of(request)
        provider = _provider(services, provider_name)
        query = request.query
        if any(len(v) > MAX_PARAM for v in query.values()):
            fail(400, "oversized parameter")
        if "error" in query:
            fail(400, f"{provider_name} did not authorize: {query.get('error', '')[:100]}")
        code, state = query.get("code"), query.get("state")
        if not code or not state:
            fail(400, "missing code or state")
        cookie = request.cookies.get(BROWSER_COOKIE)
        try:
            row = await states.redeem(
                services.db, signing_key(services), state, provider=provider_name, purpose=("signin", "connect"),
                browser_hash=sha256(cookie) if cookie and len(cookie) <= 256 else None,
                attempt_cookie=request.cookies.get(states.attempt_cookie_name(provider_name)),
            )
        except states.StateError as exc:
            fail(400, str(exc))
        assert services.cipher is not None and services.user_tokens is not None
        if row.code_verifier_enc is None:
            fail(400, "this state carries no PKCE verifier; start again")
        who = await signed_in(request)
        if row.user_id is not None and (who is None or who.user.id != row.user_id):
            fail(400, "this connection was started by another signed-in user; start again")
        try:
            verifier = services.cipher.decrypt(row.code_verifier_enc)
        except DecryptError:
            fail(400, "this sign-in can no longer be completed (the encryption key changed); start again")
        try:
            tokens = await provider.exchange(code=code, code_verifier=verifier, redirect_uri=row.redirect_uri)
            account = await provider.user(tokens.access_token)
        except OAuthError as exc:
            log.info("oauth code refused", extra={"provider": provider_name, "error": exc.error})
            fail(400, f"{provider_name} refused the authorization code ({exc.error}); start again")
        except OAuthUnavailable as exc:
            fail(502, str(exc))
        user = await _account_user(services, provider_name, who.user if who else None, account.id, account.login)
        connection = await services.user_tokens.store_grant(
            user_id=user.id, provider=provider_name, kind=provider.connection_kind, tokens=tokens, account=account
        )
        log.info("connection stored", extra={"provider": provider_name, "token_kind": connection.kind,
                                             "connection_id": connection.id})
        await audit.record(request, SignedIn(user, ""), "connection.store", "connection", connection.id,
                           {"provider": provider_name, "kind": connection.kind, "purpose": row.purpose})
        # a browser lands on the console: the repositories after signing in, the integrations after connecting
        landing = "/repositories" if row.purpose == "signin" else f"/settings/integrations?connected={provider_name}"
        response = web.HTTPFound(location=landing)
        if who is None or who.user.id != user.id:
            await start_session(request, response, user.id)
        response.del_cookie(BROWSER_COOKIE, path="/")
        response.del_cookie(states.attempt_cookie_name(provider_name), path="/")
        raise response

    return callback


async def _account_user(
    services: Services, provider: str, current: User | None, account_id: int, login: str
) -> User:
    """The user this account belongs to: the signed-in one (attached if new), else found or created."""
    users = services.db.users
    owner = await (users.by_github_id(account_id) if provider == "github" else users.by_gitlab_id(account_id))
    if current is not None:
        if owner is not None and owner.id != current.id:
            fail(409, f"this {provider} account is connected to another DevFlowFix user")
        if owner is None:
            if provider == "github":
                if current.github_user_id is not None:
                    fail(409, "you are signed in with another GitHub account; sign out first")
                return await _attach_github(services, current, account_id, login)
            await users.attach_gitlab(current.id, account_id, login)
        return current
    if owner is not None:
        return owner
    if provider == "github":
        return await users.upsert_github(account_id, login)
    return await users.create_gitlab(account_id, login)


async def _attach_github(services: Services, user: User, account_id: int, login: str) -> User:
    await services.db.users.attach_github(user.id, account_id, login)
    found = await services.db.users.get(user.id)
    assert found is not None
    return found


def add_routes(app: web.Application) -> None:
    for name in ("github", "gitlab"):
        app.router.add_get(f"/api/v1/oauth/{name}/authorize", _authorize(name))
        app.router.add_post(f"/api/v1/oauth/{name}/authorize", _authorize(name))
        app.router.add_get(f"/api/v1/oauth/{name}/callback", _callback(name))
    app.router.add_get("/login", _authorize("github"))
