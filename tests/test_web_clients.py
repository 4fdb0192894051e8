"""The web requests' GitHub clients (a person's, resolved for the request) and the client acting for the person
who connected a repository's webhook take the configured retry policy (FORGE_*), like the workers' clients:
over real HTTP to the fake GitHub, which answers 502 a given number of times."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import gidgethub
import pytest

from bot.auth.fallback import Resolved
from bot.forges import github_hooks as hooks
from bot.forges.errors import RetryLater
from bot.forges.github_acting import ActingAsClient
from bot.forges.github_client import GitHubClient
from bot.forges.gitlab_client import StaticToken
from bot.services import Services
from storage.database import Database
from tests.conftest import make_settings
from tests.fakes.github import FakeGitHub, app_key

REPO = "octo-org/web"


@pytest.fixture
async def fake_and_services(database_url: str, db: Database) -> AsyncIterator[tuple[FakeGitHub, Services]]:
    fake = FakeGitHub(public_key=app_key()[1])
    await fake.start()
    fake.repos.add(REPO)  # type: ignore[attr-defined]
    conf = make_settings(database_url, github_api_url=fake.url, forge_max_attempts=2, forge_backoff_base=0.01)
    services = await Services.create(conf, db=db)
    try:
        yield fake, services
    finally:
        await services.http.close()
        await fake.close()


def person(fake: FakeGitHub) -> Resolved:
    return Resolved(StaticToken(fake.oauth.legacy_token("oauth", 1)), "oauth")  # type: ignore[attr-defined]


async def tries(fake: FakeGitHub, client: GitHubClient, failures: int) -> Any:
    fake.fail_next("GET", f"/repos/{REPO}", *[502] * failures)
    try:
        return await hooks.repository(client, REPO)
    except (RetryLater, gidgethub.GitHubBroken) as exc:
        return exc
    finally:
        fake.failures.pop(("GET", f"/repos/{REPO}"), None)


async def test_a_web_requests_client_retries_as_configured(fake_and_services: tuple[FakeGitHub, Services]) -> None:
    fake, services = fake_and_services
    client = services.github_client(person(fake))
    assert client.http.policy is services.policy
    assert (await tries(fake, client, 1))["full_name"] == REPO  # one 502 retried
    assert isinstance(await tries(fake, client, 2), RetryLater)  # FORGE_MAX_ATTEMPTS=2: not 5 (the default)


async def test_the_client_acting_for_a_hooks_person_retries_as_configured(
    fake_and_services: tuple[FakeGitHub, Services],
) -> None:
    fake, services = fake_and_services
    client = ActingAsClient(services.http, person(fake).provider, services.settings.github_api_base, "note",
                            policy=services.policy)
    assert (await tries(fake, client, 1))["full_name"] == REPO
    assert isinstance(await tries(fake, client, 2), RetryLater)
