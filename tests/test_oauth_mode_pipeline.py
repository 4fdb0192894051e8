"""A repository watched without the App, end to end: the person connects it (a repository webhook with their legacy
OAuth token), GitHub (the fake) delivers a failed `workflow_run` through that hook, signed with its secret, and the
bot explains it acting as that person — its PR comment says who acted and recommends installing the App."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.appkeys import QUEUE
from storage.database import Database
from storage.models import WebhookDelivery
from tests.fakes.github_oauth import CLIENT_ID, CLIENT_SECRET
from tests.identities import KEY, sign_in
from tests.test_pipeline import INSTALLATION, REPO, World, make_world


@pytest.fixture
async def world(aiohttp_client: Any, database_url: str, db: Database) -> AsyncIterator[World]:
    async for w in make_world(aiohttp_client, database_url, db, llm=False, github_client_id=CLIENT_ID,
                              github_client_secret=CLIENT_SECRET, oauth_token_encryption_key=KEY):
        w.services.settings.public_url = str(w.client.make_url("")).rstrip("/")
        yield w


async def connect_by_hook(world: World) -> tuple[str, dict[str, Any]]:
    """The person connects the repository (the App not installed on it): its webhook, with their OAuth token; the
    CSRF token of their session and the hook as the fake GitHub holds it."""
    await world.db.installations.remove_repositories(INSTALLATION, [{"id": world.repo.id, "full_name": REPO}])
    csrf = await sign_in(world.client, world.fake, "octocat", 1)
    world.fake.oauth.grant_repo(1, REPO, "admin")  # type: ignore[attr-defined]
    token = world.fake.oauth.legacy_token("oauth", 1)  # type: ignore[attr-defined]
    world.fake.token_scopes[token] = "repo, admin:repo_hook"  # type: ignore[attr-defined]
    user = await world.db.users.upsert_github(1, "octocat")
    assert world.services.user_tokens is not None
    await world.services.user_tokens.store_legacy(user_id=user.id, kind="github_oauth", token=token)
    resp = await world.client.post(f"/api/v1/repositories/{world.repo.id}/connect", headers={"X-CSRF-Token": csrf})
    assert resp.status == 201, await resp.text()
    [hook] = world.repo.hooks.values()
    return csrf, hook


async def test_a_failed_run_through_the_repository_hook_is_explained_as_the_person(world: World) -> None:
    await connect_by_hook(world)  # the App is not (any more) installed on the repository

    run = world.failed_run()
    payload = world.payload(run)
    del payload["installation"]  # a repository webhook's deliveries name no installation
    before = len(world.fake.requests)
    assert await world.fake.deliver(world.repo, "workflow_run", payload) == [202]  # type: ignore[attr-defined]
    await world.client.app[QUEUE].join(timeout=60)
    async with world.db.sessions() as session:
        query = select(WebhookDelivery).where(WebhookDelivery.event == "workflow_run")
        [row] = (await session.execute(query)).scalars()
    assert row.status == "done", row.last_error
    assert row.installation_id is None

    [comment] = world.comments()
    assert "build-test-deploy" in comment["body"]
    assert "acted as @octocat through a personal OAuth connection" in comment["body"]
    assert "install the DevFlowFix GitHub App" in comment["body"]
    # every call for it was made with the person's legacy token, none with an installation token
    used = {world.fake.tokens[r.headers["Authorization"].split(" ", 1)[1]].kind
            for r in world.fake.requests[before:] if r.headers.get("Authorization", "").startswith(("Bearer", "token"))
            and r.headers["Authorization"].split(" ", 1)[1] in world.fake.tokens}
    assert used == {"oauth"}, used
