"""The console's repository list shows a repository whose own webhook is unhealthy (one cell): a GitLab project
connected from the page, whose hook GitLab then disabled, as the periodic health check recorded it."""

# ruff: noqa: F811  (the `world` fixture comes from test_gitlab_projects)
from __future__ import annotations

from aiohttp.test_utils import TestClient

from bot.maintenance import repository_hooks
from bot.services import Services
from tests.fakes.gitlab import FakeGitLab, FakeProject
from tests.test_console import HTML, csrf_of, page
from tests.test_gitlab_projects import ALICE, gitlab_sign_in, world  # noqa: F401  (the fixture)


async def test_the_console_list_shows_an_unhealthy_gitlab_hook(
    id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab, world: dict[int, FakeProject],
) -> None:
    await gitlab_sign_in(id_client, fake_gitlab, "alice", ALICE)
    csrf = csrf_of(await page(id_client, "/repositories"))
    resp = await id_client.post("/repositories/gitlab/1/connect", data={"csrf_token": csrf}, headers=HTML,
                                allow_redirects=False)
    assert resp.status == 303
    [gitlab_hook] = world[1].hooks.values()
    found = await repository_hooks.check_webhook_health(id_services)
    assert found.unhealthy == {} and "webhook unhealthy" not in await page(id_client, "/repositories")
    gitlab_hook["alert_status"] = "disabled"
    found = await repository_hooks.check_webhook_health(id_services)
    assert found.unhealthy is not None and list(found.unhealthy) == ["acme/api"]
    listing = await page(id_client, "/repositories?provider=gitlab")
    assert "webhook unhealthy" in listing and "GitLab stopped sending" in listing
