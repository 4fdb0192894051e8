"""The App JWT and installation tokens against the fake GitHub: claims, one mint for many, 401 retry."""

from __future__ import annotations

import asyncio
import datetime as dt

import aiohttp
import jwt
import pytest

from bot.auth.app_jwt import AppJWT
from bot.auth.installation_tokens import InstallationTokens
from bot.forges.errors import RetryLater
from bot.forges.github_client import GitHubClient
from bot.forges.http import RetryPolicy
from tests.fakes.github import APP_ID, FakeGitHub, app_key


async def test_jwt_claims_and_signature() -> None:
    pem, public_key = app_key()
    now = 1_700_000_000.0
    token = AppJWT(APP_ID, pem, clock=lambda: now).token()
    claims = jwt.decode(token, public_key, algorithms=["RS256"], options={"verify_exp": False, "verify_iat": False})
    assert claims["iss"] == str(APP_ID)
    assert claims["iat"] == int(now) - 60
    assert claims["exp"] <= int(now) + 9 * 60
    assert claims["exp"] - claims["iat"] <= 600


async def test_jwt_reused_until_a_minute_before_expiry() -> None:
    pem, _ = app_key()
    clock = [1_700_000_000.0]
    minter = AppJWT(APP_ID, pem, clock=lambda: clock[0])
    first = minter.token()
    clock[0] += 7 * 60
    assert minter.token() == first
    clock[0] += 61
    assert minter.token() != first


async def test_one_mint_for_many_concurrent_requests(fake_github: FakeGitHub) -> None:
    pem, _ = app_key()
    fake_github.add_installation(7)
    async with aiohttp.ClientSession() as http:
        tokens = InstallationTokens(http, AppJWT(APP_ID, pem), fake_github.url)
        got = await asyncio.gather(*[tokens.token(7) for _ in range(50)])
    assert len(set(got)) == 1
    assert len(fake_github.calls("POST", "/app/installations/7/access_tokens")) == 1


async def test_renewed_five_minutes_before_expiry(fake_github: FakeGitHub) -> None:
    pem, _ = app_key()
    fake_github.add_installation(7)
    clock = [fake_github.now()]
    fake_github.now = lambda: clock[0]
    async with aiohttp.ClientSession() as http:
        tokens = InstallationTokens(http, AppJWT(APP_ID, pem, clock=lambda: clock[0]), fake_github.url,
                                    clock=lambda: clock[0])
        first = await tokens.token(7)
        clock[0] += 3600 - 5 * 60 - 1
        assert await tokens.token(7) == first
        clock[0] += 2
        assert await tokens.token(7) != first
    assert tokens.minted == 2


async def test_a_401_drops_the_token_and_retries_once(fake_github: FakeGitHub) -> None:
    pem, _ = app_key()
    fake_github.add_installation(7, repos=["octo-org/a", "octo-org/b"])
    async with aiohttp.ClientSession() as http:
        tokens = InstallationTokens(http, AppJWT(APP_ID, pem), fake_github.url)
        client = GitHubClient(http, tokens.provider(7), fake_github.url, policy=RetryPolicy(max_wait=5))
        first = await client.getitem("/installation/repositories")
        assert first["total_count"] == 2
        fake_github.revoke_all("installation")  # e.g. the installation's permissions changed
        assert await client.getitem("/installation/repositories") == first
        before = client.calls
        names = [r["full_name"] async for r in client.getiter("/installation/repositories?per_page=1",
                                                               iterable_key="repositories")]
        assert names == ["octo-org/a", "octo-org/b"]  # followed the Link header
        assert client.calls - before == 2  # each page is a counted call

        fake_github.fail_next("GET", "/installation/repositories", 403)
        # a rate limit (reset in 60 s) further away than the wait allowed: the work runs again later, at the reset
        with pytest.raises(RetryLater) as caught:
            [r async for r in client.getiter("/installation/repositories", iterable_key="repositories")]
        assert caught.value.at is not None and caught.value.at > dt.datetime.now(dt.UTC) + dt.timedelta(seconds=50)
    assert tokens.minted == 2
