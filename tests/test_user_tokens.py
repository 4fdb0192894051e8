"""User-to-server tokens against the fake GitHub: refresh before expiry, rotation with two processes racing
(one spends the refresh token, the other uses the winner's token), revoked refresh tokens, 401s, revocation."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from aiohttp.test_utils import TestClient

from bot.auth.oauth_common import TokenSet
from bot.auth.user_tokens import ReconnectRequired, UserTokens
from bot.forges.github_client import GitHubClient
from bot.services import Services
from storage.database import Database
from storage.models import OAuthConnection
from storage.types import utcnow
from tests.fakes.github import FakeGitHub
from tests.helpers import FIXTURES, send_github
from tests.identities import sign_in


async def connect(services: Services, fake: FakeGitHub, login: str = "octocat", account: int = 1) -> OAuthConnection:
    """A stored App user connection, granted by the fake as a code exchange would be."""
    fake.oauth.add_user(login, account)
    user = await services.db.users.upsert_github(account, login)
    grant = fake.oauth.grant(account)
    assert services.user_tokens is not None
    return await services.user_tokens.store_grant(
        user_id=user.id, provider="github", kind="github_app_user", tokens=TokenSet.from_answer(grant), account=None
    )


def clocked(services: Services, db: Database, now: list[dt.datetime]) -> UserTokens:
    """Another process's refresher (own locks), sharing the database, with a test-controlled clock."""
    assert services.cipher is not None and services.github_oauth is not None
    return UserTokens(db, services.cipher, {"github": services.github_oauth}, clock=lambda: now[0])


async def test_refreshed_five_minutes_before_expiry(id_services: Services, fake_github: FakeGitHub) -> None:
    conn = await connect(id_services, fake_github)
    assert conn.token_expires_at is not None
    now = [conn.token_expires_at - dt.timedelta(minutes=5, seconds=1)]
    tokens = clocked(id_services, id_services.db, now)
    first = await tokens.access_token(conn.id)
    assert fake_github.oauth.refresh_calls == 0
    now[0] += dt.timedelta(seconds=2)
    second = await tokens.access_token(conn.id)
    assert second != first and fake_github.oauth.refresh_calls == 1
    row = await id_services.db.connections.get(conn.id)
    assert row is not None and row.refresh_generation == conn.refresh_generation + 1
    assert row.token_expires_at is not None and row.token_expires_at > utcnow() + dt.timedelta(hours=7)
    assert await tokens.access_token(conn.id) == second  # fresh again: no second refresh


async def test_two_processes_refresh_one_wins_the_other_uses_its_token(
    id_services: Services, fake_github: FakeGitHub, database_url: str
) -> None:
    conn = await connect(id_services, fake_github)
    assert conn.token_expires_at is not None
    now = [conn.token_expires_at]  # expired for both
    other_db = Database.connect(database_url)  # a second process: its own engine and connection pool
    try:
        one = clocked(id_services, id_services.db, now)
        two = clocked(id_services, other_db, now)
        results = await asyncio.gather(*[t.access_token(conn.id) for t in (one, two, one, two)])
    finally:
        await other_db.close()
    assert len(set(results)) == 1
    assert fake_github.oauth.refresh_calls == 1  # the rotating refresh token was spent exactly once
    assert one.refreshes + two.refreshes == 1
    row = await id_services.db.connections.get(conn.id)
    assert row is not None and row.is_active and row.refresh_lease_until is None


async def test_a_revoked_refresh_token_deactivates_and_asks_to_reconnect(
    id_services: Services, fake_github: FakeGitHub
) -> None:
    conn = await connect(id_services, fake_github)
    fake_github.oauth.revoke_refresh_tokens()
    assert conn.token_expires_at is not None
    tokens = clocked(id_services, id_services.db, [conn.token_expires_at])
    with pytest.raises(ReconnectRequired) as info:
        await tokens.access_token(conn.id)
    assert "bad_refresh_token" in info.value.reason
    row = await id_services.db.connections.get(conn.id)
    assert row is not None and not row.is_active and "reconnect" in (row.deactivated_reason or "")
    with pytest.raises(ReconnectRequired):  # later uses fail fast, without calling GitHub again
        await tokens.access_token(conn.id)
    assert fake_github.oauth.refresh_calls == 1


async def test_a_401_on_a_user_token_refreshes_and_retries_once(
    id_services: Services, fake_github: FakeGitHub
) -> None:
    conn = await connect(id_services, fake_github, "hubot", 2)
    client = await id_services.user_client(conn.user_id)
    assert (await client.getitem("/user"))["login"] == "hubot"
    fake_github.revoke_all("user")  # the access token dies early; its refresh token still works
    assert (await client.getitem("/user"))["login"] == "hubot"
    assert fake_github.oauth.refresh_calls == 1
    assert isinstance(client, GitHubClient) and client.provider.kind == "github_app_user"


async def test_revoked_authorization_webhook_deactivates_the_users_tokens(
    id_client: TestClient, fake_github: FakeGitHub, id_services: Services
) -> None:
    from bot.appkeys import QUEUE

    await sign_in(id_client, fake_github, "octocat", 1)  # the payload's sender is octocat, id 1
    status, _ = await send_github(id_client, "github_app_authorization",
                                  (FIXTURES / "github/github_app_authorization/revoked.payload.json").read_bytes())
    assert status == 202
    await id_client.app[QUEUE].join(timeout=10)
    user = await id_services.db.users.by_github_id(1)
    assert user is not None
    [conn] = await id_services.db.connections.for_user(user.id)
    assert not conn.is_active and "revoked" in (conn.deactivated_reason or "")
    listed = await (await id_client.get("/api/v1/oauth/connections")).json()
    assert listed["connections"][0]["reconnect_url"] == "/api/v1/oauth/github/authorize"
