"""Sign in with GitHub and connect GitLab over real HTTP against the fakes: the whole authorize/callback flow,
and every way a callback must be refused (tampered, reused, expired, other browser, PKCE mismatch, bad input);
an anonymous sign-in writes no row before its callback (its attempt is a signed cookie)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import aiohttp
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from bot.services import Services
from tests.fakes.github import FakeGitHub
from tests.fakes.gitlab import FakeGitLab
from tests.identities import follow_to_provider, other_browser, provider_approves, sign_in


async def test_github_sign_in_stores_an_encrypted_user_token(
    id_client: TestClient, fake_github: FakeGitHub, id_services: Services
) -> None:
    fake_github.oauth.add_user("octocat", 1)
    fake_github.oauth.approve_as = 1
    location = await follow_to_provider(id_client)
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(f"{fake_github.url}/login/oauth/authorize?")
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["redirect_uri"][0].endswith("/api/v1/oauth/github/callback")
    callback = await provider_approves(location)
    resp = await id_client.get(callback, allow_redirects=False)
    assert resp.status == 302
    cookie = resp.cookies["dff_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # localhost only; anywhere else the cookie is Secure
    user = await id_services.db.users.by_github_id(1)
    assert user is not None and user.github_login == "octocat"
    [conn] = await id_services.db.connections.for_user(user.id)
    assert conn.kind == "github_app_user" and conn.is_active and conn.refresh_token_enc
    assert conn.token_expires_at is not None and conn.refresh_token_expires_at is not None
    issued = [t for t in fake_github.tokens.values() if t.kind == "user"]
    assert issued[0].token.encode() not in conn.access_token_enc
    assert await id_services.user_tokens.access_token(conn.id) == issued[0].token  # type: ignore[union-attr]
    exchange = fake_github.calls("POST", "/login/oauth/access_token")[0]
    assert exchange.headers["Accept"] == "application/json"
    assert b"code_verifier=" in exchange.body


async def test_cookie_is_secure_off_localhost(
    aiohttp_client: object, id_settings: object, id_services: Services, fake_github: FakeGitHub
) -> None:
    from bot.server import create_app

    id_services.settings.public_url = "https://devflowfix.example"
    client = await aiohttp_client(create_app(id_services.settings, services=id_services, migrate=False))  # type: ignore[operator]
    resp = await client.get("/api/v1/oauth/github/authorize", allow_redirects=False)
    assert resp.status == 302
    assert resp.cookies["dff_browser"]["secure"]
    query = parse_qs(urlsplit(resp.headers["Location"]).query)
    assert query["redirect_uri"] == ["https://devflowfix.example/api/v1/oauth/github/callback"]


async def _callback_parts(client: TestClient, fake: FakeGitHub) -> tuple[str, str]:
    fake.oauth.add_user("octocat", 1)
    fake.oauth.approve_as = 1
    callback = await provider_approves(await follow_to_provider(client))
    query = parse_qs(urlsplit(callback).query)
    return query["code"][0], query["state"][0]


async def _callback_too_late(id_client: TestClient, fake: FakeGitHub, id_services: Services) -> ClientResponse:
    """The provider's answer reaches the callback a second after the state (a 60 s one) expired."""
    id_services.settings.oauth_state_ttl = 60
    code, state = await _callback_parts(id_client, fake)
    import bot.web.states as states

    real_time = time.time
    states.time.time = lambda: real_time() + 61  # type: ignore[attr-defined]
    try:
        return await id_client.get("/api/v1/oauth/github/callback", params={"code": code, "state": state})
    finally:
        states.time.time = real_time  # type: ignore[attr-defined]


def flip(text: str) -> str:
    return text[:-1] + ("B" if text[-1] == "A" else "A")


async def test_tampered_state_is_refused(id_client: TestClient, fake_github: FakeGitHub) -> None:
    code, state = await _callback_parts(id_client, fake_github)
    prefix, nonce, expires, sig = state.split(".")
    for forged in (
        f"{prefix}.{nonce}.{int(expires) + 3600}.{sig}",  # extended expiry
        f"{prefix}.{flip(nonce)}.{expires}.{sig}",  # other nonce
        f"{prefix}.{nonce}.{expires}.{flip(sig)}",  # other signature
        "garbage", "v1.a.b.c", "x" * 600,
    ):
        resp = await id_client.get("/api/v1/oauth/github/callback", params={"code": code, "state": forged})
        assert resp.status == 400, forged
        assert "state" in (await resp.json())["error"]
    assert not fake_github.calls("POST", "/login/oauth/access_token")  # nothing was exchanged
    resp = await id_client.get("/api/v1/oauth/github/callback", params={"code": code, "state": state},
                               allow_redirects=False)
    assert resp.status == 302  # the genuine one still works


async def test_state_reuse_is_refused(id_client: TestClient, fake_github: FakeGitHub) -> None:
    code, state = await _callback_parts(id_client, fake_github)
    first = await id_client.get("/api/v1/oauth/github/callback", params={"code": code, "state": state},
                                allow_redirects=False)
    assert first.status == 302
    again = await id_client.get("/api/v1/oauth/github/callback", params={"code": code, "state": state})
    assert again.status == 400


async def test_state_replayed_with_the_browser_cookie_is_refused(
    id_client: TestClient, fake_github: FakeGitHub
) -> None:
    code, state = await _callback_parts(id_client, fake_github)
    browser = id_client.session.cookie_jar.filter_cookies(id_client.make_url("/"))["dff_browser"].value
    ok = await id_client.get("/api/v1/oauth/github/callback", params={"code": code, "state": state},
                             allow_redirects=False)
    assert ok.status == 302
    replay = await id_client.get("/api/v1/oauth/github/callback", params={"code": code, "state": state},
                                 cookies={"dff_browser": browser})
    assert replay.status == 400
    assert "already used" in (await replay.json())["error"]


async def test_expired_state_is_refused(id_client: TestClient, fake_github: FakeGitHub, id_services: Services) -> None:
    resp = await _callback_too_late(id_client, fake_github, id_services)
    assert resp.status == 400
    assert "expired" in (await resp.json())["error"]


async def test_state_from_another_browser_is_refused(id_client: TestClient, fake_github: FakeGitHub) -> None:
    code, state = await _callback_parts(id_client, fake_github)
    attacker = await other_browser(id_client)
    try:
        resp = await attacker.get("/api/v1/oauth/github/callback", params={"code": code, "state": state})
        assert resp.status == 400
        resp = await attacker.get("/api/v1/oauth/github/callback", params={"code": code, "state": state},
                                  cookies={"dff_browser": "someone-elses-cookie"})
        assert resp.status == 400
    finally:
        await attacker.session.close()


async def test_pkce_mismatch_is_refused(
    id_client: TestClient, fake_github: FakeGitHub, id_services: Services
) -> None:
    fake_github.oauth.add_user("octocat", 1)
    fake_github.oauth.approve_as = 1
    location = await follow_to_provider(id_client)
    # The code is bound to another challenge than the one the bot's verifier answers.
    forged = location.replace("code_challenge=", "code_challenge=X")
    callback = await provider_approves(forged)
    resp = await id_client.get(callback)
    assert resp.status == 400
    assert "bad_verification_code" in (await resp.json())["error"]
    assert await id_services.db.users.by_github_id(1) is None


async def test_bad_callback_input_answers_4xx(id_client: TestClient) -> None:
    for params in ({}, {"code": "x"}, {"state": "x"}, {"error": "access_denied", "state": "x"},
                   {"code": "x" * 5000, "state": "y"}):
        resp = await id_client.get("/api/v1/oauth/github/callback", params=params)
        assert resp.status == 400, params
        assert "error" in await resp.json()


async def test_unconfigured_provider_answers_503(
    aiohttp_client: object, database_url: str, fake_github: FakeGitHub, db: object
) -> None:
    from bot.server import create_app
    from tests.conftest import make_settings

    settings = make_settings(database_url, github_url=fake_github.url)
    client = await aiohttp_client(create_app(settings, migrate=False))  # type: ignore[operator]
    resp = await client.get("/api/v1/oauth/github/authorize", allow_redirects=False)
    assert resp.status == 503
    assert "GITHUB_CLIENT_ID" in (await resp.json())["error"]


async def test_gitlab_connect_refresh_rotation_and_redirect_uri(
    id_client: TestClient, fake_github: FakeGitHub, fake_gitlab: FakeGitLab, id_services: Services
) -> None:
    id_services.settings.public_url = str(id_client.make_url("")).rstrip("/")  # redirect_uri from PUBLIC_URL
    await sign_in(id_client, fake_github, "octocat", 1)
    fake_gitlab.add_user("octo", 77)
    fake_gitlab.approve_as = 77
    location = await follow_to_provider(id_client, "/api/v1/oauth/gitlab/authorize")
    assert location.startswith(f"{fake_gitlab.url}/oauth/authorize?")
    assert "code_challenge_method=S256" in location
    resp = await id_client.get(await provider_approves(location), allow_redirects=False)
    assert resp.status == 302, await resp.text()
    user = await id_services.db.users.by_github_id(1)
    assert user is not None
    refreshed = await id_services.db.users.get(user.id)
    assert refreshed is not None and refreshed.gitlab_user_id == 77
    [conn] = await id_services.db.connections.for_user(user.id, provider="gitlab")
    assert conn.kind == "gitlab_oauth"
    tokens = id_services.user_tokens
    assert tokens is not None
    first = await tokens.access_token(conn.id)
    second = await tokens.access_token(conn.id, force_refresh=True)
    third = await tokens.access_token(conn.id, force_refresh=True)
    assert len({first, second, third}) == 3
    async with aiohttp.ClientSession() as http, http.get(
        f"{fake_gitlab.url}/api/v4/user", headers={"Authorization": f"Bearer {third}"}
    ) as r:
        assert (await r.json())["username"] == "octo"
    code_call, *refresh_calls = fake_gitlab.token_calls
    assert code_call["grant_type"] == "authorization_code"
    assert code_call["redirect_uri"].endswith("/api/v1/oauth/gitlab/callback")
    assert [c["redirect_uri"] for c in refresh_calls] == [code_call["redirect_uri"]] * 2  # kept identical
    # The spent refresh token is dead: a replayed old grant is refused with GitLab's invalid_grant.
    fake_gitlab.refresh_tokens = {k: v for k, v in fake_gitlab.refresh_tokens.items() if v.used}
    current = await id_services.db.connections.get(conn.id)
    assert current is not None
    await id_services.db.connections.expire_access(conn.id, current.refresh_generation)
    from bot.auth.user_tokens import ReconnectRequired

    try:
        await tokens.access_token(conn.id)
    except ReconnectRequired as exc:
        assert "invalid_grant" in exc.reason
    else:
        raise AssertionError("a dead refresh token must ask for reconnection")


async def test_post_authorize_needs_csrf_once_signed_in(id_client: TestClient, fake_github: FakeGitHub) -> None:
    csrf = await sign_in(id_client, fake_github, "octocat", 1)
    assert (await id_client.post("/api/v1/oauth/gitlab/authorize")).status == 403
    resp = await id_client.post("/api/v1/oauth/gitlab/authorize",
                                headers={"X-CSRF-Token": csrf, "Accept": "application/json"})
    assert resp.status == 200
    assert "/oauth/authorize?" in (await resp.json())["authorize_url"]


async def test_anonymous_authorize_writes_nothing_until_the_callback(
    id_client: TestClient, fake_github: FakeGitHub, id_services: Services
) -> None:
    before = await id_services.db.oauth_states.count()
    for _ in range(25):  # visitors (or a crawler) starting sign-in: no row each
        resp = await id_client.get("/api/v1/oauth/github/authorize", allow_redirects=False)
        assert resp.status == 302
        attempt = resp.cookies["dff_oauth_github"]
        assert attempt["httponly"] and attempt["samesite"] == "Lax"
    for _ in range(5):
        assert (await id_client.get("/api/v1/oauth/gitlab/authorize", allow_redirects=False)).status == 302
    assert await id_services.db.oauth_states.count() == before

    code, state = await _callback_parts(id_client, fake_github)
    assert await id_services.db.oauth_states.count() == before
    jar = id_client.session.cookie_jar.filter_cookies(id_client.make_url("/"))
    attempt_cookie, browser = jar["dff_oauth_github"].value, jar["dff_browser"].value
    nonce, expires, redirect, verifier, sig = attempt_cookie.split(".")
    for forged in (f"{nonce}.{expires}.{redirect}.{flip(verifier)}.{sig}",  # another verifier
                   f"{nonce}.{expires}.{flip(redirect)}.{verifier}.{sig}",  # another redirect URI
                   f"{nonce}.{int(expires) + 60}.{redirect}.{verifier}.{sig}", "x" * 3000, "a.b.c.d.e"):
        resp = await id_client.get("/api/v1/oauth/github/callback", params={"code": code, "state": state},
                                   cookies={"dff_oauth_github": forged, "dff_browser": browser})
        assert resp.status == 400, forged
    assert not fake_github.calls("POST", "/login/oauth/access_token")  # nothing was exchanged

    resp = await id_client.get("/api/v1/oauth/github/callback", params={"code": code, "state": state},
                               cookies={"dff_oauth_github": attempt_cookie, "dff_browser": browser},
                               allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"] == "/repositories"
    assert await id_services.db.oauth_states.count() == before + 1  # recorded as used, at the callback
    replay = await id_client.get("/api/v1/oauth/github/callback", params={"code": code, "state": state},
                                 cookies={"dff_oauth_github": attempt_cookie, "dff_browser": browser})
    assert replay.status == 400 and "already used" in (await replay.json())["error"]


async def test_an_anonymous_attempt_cookie_expires_with_its_state(
    id_client: TestClient, fake_github: FakeGitHub, id_services: Services
) -> None:
    resp = await _callback_too_late(id_client, fake_github, id_services)
    assert resp.status == 400 and "expired" in (await resp.json())["error"]
    assert not fake_github.calls("POST", "/login/oauth/access_token")
