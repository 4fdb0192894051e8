"""The console for a person signed in with GitLab only: the repositories page lists the projects they maintain
(GitLab's answer), connects one (the fake GitLab receives the hook), tests and disconnects it, each through the
GitLab projects API's own handlers, each recorded; the JSON list shows the connected project."""

# ruff: noqa: F811  (the `world` fixture comes from test_gitlab_projects)
from __future__ import annotations

from aiohttp.test_utils import TestClient

from bot.services import Services
from tests.fakes.gitlab import FakeGitLab, FakeProject
from tests.test_console import HTML, csrf_of, page
from tests.test_gitlab_projects import ALICE, gitlab_sign_in, world  # noqa: F401  (the fixture)


async def test_a_gitlab_person_connects_tests_and_disconnects_a_project_from_the_page(
    id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab, world: dict[int, FakeProject],
) -> None:
    await gitlab_sign_in(id_client, fake_gitlab, "alice", ALICE)
    listing = await page(id_client, "/repositories")
    assert "GitLab projects you maintain" in listing
    assert "acme/api" in listing and "acme/web" in listing and "acme/docs" not in listing  # docs: Developer only
    assert "other/secret" not in listing
    csrf = csrf_of(listing)
    integrations = await page(id_client, "/settings/integrations")
    assert "GitLab OAuth" in integrations and "alice" in integrations

    resp = await id_client.post("/repositories/gitlab/1/connect", data={"csrf_token": "nope"}, headers=HTML)
    assert resp.status == 403 and not world[1].hooks
    resp = await id_client.post("/repositories/gitlab/1/connect", data={"csrf_token": csrf, "back": "provider=gitlab"},
                                headers=HTML, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/repositories?provider=gitlab&done=gitlab-connected"
    assert len(world[1].hooks) == 1
    listed = await (await id_client.get("/api/v1/repositories?provider=gitlab")).json()
    assert [(r["full_name"], r["provider"], r["watched"]) for r in listed["repositories"]] == [
        ("acme/api", "gitlab", True)]
    after = await page(id_client, "/repositories?provider=gitlab&done=gitlab-connected")
    assert "The GitLab project is connected" in after and "connected (hook installed)" in after

    tested = await id_client.post("/repositories/gitlab/1/test", data={"csrf_token": csrf}, headers=HTML)
    assert tested.status == 200 and "Test webhook: GitLab project 1" in await tested.text()
    refused = await id_client.post("/repositories/gitlab/3/connect", data={"csrf_token": csrf}, headers=HTML)
    assert refused.status == 403 and "Maintainer" in await refused.text() and not world[3].hooks
    unknown = await id_client.post("/repositories/gitlab/4/connect", data={"csrf_token": csrf}, headers=HTML)
    assert unknown.status == 404 and not world[4].hooks

    resp = await id_client.post("/repositories/gitlab/1/disconnect", data={"csrf_token": csrf}, headers=HTML,
                                allow_redirects=False)
    assert resp.status == 303 and not world[1].hooks
    row = await id_services.db.repositories.by_provider_id("gitlab", "1")
    assert row is not None and row.removed_at is not None
    actions = [e.action for e in await id_services.db.audit.for_target("repository", row.id)]
    assert actions == ["gitlab_project.disconnect", "gitlab_project.connect"]
