"""Fixtures and helpers for the identity tests: settings wired to the fake GitHub and GitLab, the app, sign-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from cryptography.fernet import Fernet

from bot.services import Services
from bot.settings import Settings
from storage.database import Database
from tests.conftest import make_settings
from tests.fakes.github import FakeGitHub
from tests.fakes.github_oauth import CLIENT_ID, CLIENT_SECRET
from tests.fakes.gitlab import GITLAB_CLIENT_ID, GITLAB_CLIENT_SECRET, FakeGitLab

KEY = Fernet.generate_key().decode()


@pytest.fixture
async def fake_gitlab() -> AsyncIterator[FakeGitLab]:
    fake = FakeGitLab()
    await fake.start()
    yield fake
    await fake.close()


def identity_settings(database_url: str, github: FakeGitHub, gitlab: FakeGitLab | None, **kw: Any) -> Settings:
    values: dict[str, Any] = {
        "github_api_url": github.url, "github_url": github.url, "github_client_id": CLIENT_ID,
        "github_client_secret": CLIENT_SECRET, "oauth_token_encryption_key": KEY,
        "gitlab_client_id": GITLAB_CLIENT_ID, "gitlab_client_secret": GITLAB_CLIENT_SECRET,
    }
    if gitlab is not None:
        values["gitlab_url"] = gitlab.url
    values.update(kw)
    return make_settings(database_url, **values)


@pytest.fixture
def id_settings(database_url: str, fake_github: FakeGitHub, fake_gitlab: FakeGitLab) -> Settings:
    return identity_settings(database_url, fake_github, fake_gitlab)


@pytest.fixture
async def id_services(id_settings: Settings, db: Database) -> AsyncIterator[Services]:
    svc = await Services.create(id_settings, db=db)
    yield svc
    await svc.http.close()


@pytest.fixture
async def id_client(id_settings: Settings, id_services: Services, aiohttp_client: Any) -> TestClient:
    # aiohttp_client last: the app stops before the database closes (see tests/conftest.py's `client`)
    from bot.server import create_app

    app = create_app(id_settings, services=id_services, migrate=False)
    return await aiohttp_client(app)


async def other_browser(client: TestClient) -> TestClient:
    """A second browser (its own cookie jar) on the same running server."""
    second = TestClient(client.server)
    await second.start_server()
    return second


async def follow_to_provider(client: TestClient, path: str = "/api/v1/oauth/github/authorize") -> str:
    """Start an authorization; the provider URL the bot redirects to."""
    resp = await client.get(path, allow_redirects=False)
    assert resp.status == 302, await resp.text()
    return resp.headers["Location"]


async def provider_approves(url: str) -> str:
    """The person clicks Authorize at the provider; the bot callback path (with query) it redirects to."""
    async with aiohttp.ClientSession() as http, http.get(url, allow_redirects=False) as resp:
        assert resp.status == 302, await resp.text()
        location = resp.headers["Location"]
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


async def sign_in(client: TestClient, fake: FakeGitHub, login: str, user_id: int) -> str:
    """Sign in through the whole GitHub flow; return the session's CSRF token."""
    if user_id not in fake.oauth.users:  # type: ignore[attr-defined]
        fake.oauth.add_user(login, user_id)  # type: ignore[attr-defined]
    fake.oauth.approve_as = user_id  # type: ignore[attr-defined]
    callback = await provider_approves(await follow_to_provider(client))
    resp = await client.get(callback, allow_redirects=False)
    assert resp.status == 302, await resp.text()
    info = await (await client.get("/api/v1/session")).json()
    assert info["signed_in"] and info["user"]["github_login"] == login
    return str(info["csrf_token"])
