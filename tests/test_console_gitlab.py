"""The console for a person signed in with GitLab only: the repositories page lists the projects they maintain
(GitLab's answer), connects one (the fake GitLab receives the hook), tests and disconnects it, each through the
GitLab projects API's own handlers, each recorded; the JSON list shows the connected project. A connected project's
page and its incidents' pages: pipelines, merge requests and their fate, settings, history (a failed event run
again, GitLab's missing resend said), statistics, GitLab's links; GitLab's roles decide who reads and changes."""

# ruff: noqa: F811  (the `world` fixture comes from test_gitlab_projects)
from __future__ import annotations

import re

from aiohttp.test_utils import TestClient
from sqlalchemy import update

from bot.appkeys import QUEUE
from bot.services import Services
from storage.deliveries import FAILED
from storage.models import WebhookDelivery
from tests.fakes.gitlab import FakeGitLab, FakeProject
from tests.helpers import send_gitlab
from tests.identities import other_browser
from tests.test_console import HTML, csrf_of, page
from tests.test_gitlab_projects import (  # noqa: F401  (the fixture)
    ALICE,
    BOB,
    failed_pipeline,
    gitlab_sign_in,
    hook_token,
    world,
)


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


async def test_a_gitlab_projects_page_and_incident_page_show_pipelines_mrs_and_history(
    id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab, world: dict[int, FakeProject],
) -> None:
    csrf = await gitlab_sign_in(id_client, fake_gitlab, "alice", ALICE)
    resp = await id_client.post("/api/v1/gitlab/projects/1/connect", headers={"X-CSRF-Token": csrf})
    assert resp.status == 201, await resp.text()
    status, body = await send_gitlab(id_client, "Pipeline Hook", failed_pipeline(fake_gitlab, world[1]),
                                     token=hook_token(world[1]))
    assert status == 202, body
    await id_client.app[QUEUE].join(timeout=60)
    row = await id_services.db.repositories.by_provider_id("gitlab", "1")
    assert row is not None
    _, [incident] = await id_services.db.incidents.for_repository("acme/api", provider="gitlab")
    await id_services.db.incidents.update(incident.id, fix_pr_number=5, fix_state="merged", fix_branch="fix/x")
    base = id_services.settings.gitlab_base

    # the API: the project as GitLab shows it to alice (Maintainer), with its incidents, history and figures
    answer = await (await id_client.get(f"/api/v1/repositories/{row.id}")).json()
    assert answer["provider"] == "gitlab" and answer["gitlab_id"] == "1" and answer["can_change_settings"] is True
    assert answer["web_url"] == f"{base}/acme/api" and answer["mode"] == "project_hook"
    [recent] = answer["recent_incidents"]
    assert recent["fix_pr"]["url"] == f"{base}/acme/api/-/merge_requests/5"
    assert recent["pull_request_url"] == f"{base}/acme/api/-/merge_requests/1"
    stats = await (await id_client.get(f"/api/v1/repositories/{row.id}/statistics")).json()
    assert stats["incidents"]["total"] == 1 and stats["fix_prs"]["merged"] == 1
    events = await (await id_client.get(f"/api/v1/repositories/{row.id}/deliveries")).json()
    assert [d["event"] for d in events["deliveries"]] == ["Pipeline Hook"]
    state = await (await id_client.get(f"/api/v1/repositories/{row.id}/status")).json()
    assert state["connected"] is True and state["installation"] is None

    # the pages: pipelines, merge requests and GitLab's links; the note on resending in place of a dead button
    text = await page(id_client, f"/repositories/{row.id}")
    assert "Pipelines (1)" in text and "Fix merge requests" in text and f'href="{base}/acme/api"' in text
    assert f'href="{base}/acme/api/-/merge_requests/5"' in text and "merged" in text
    assert "GitLab has no API to resend" in text and ">Run again<" not in text  # nothing failed yet
    assert "/pipelines/" in text  # the pipeline's own link
    shown = await page(id_client, f"/incidents/{incident.id}")
    assert "Pipeline:" in shown and f'href="{base}/acme/api/-/merge_requests/1"' in shown and "!5" in shown
    assert f'href="/repositories/{row.id}"' in shown

    # settings: through the page, recorded; GitLab is asked (Maintainer)
    resp = await id_client.post(f"/repositories/{row.id}/settings", headers=HTML, allow_redirects=False,
                                data={"csrf_token": csrf, "setting": "auto_pr_enabled", "value": "off",
                                      "return": "repository"})
    assert resp.status == 303, await resp.text()
    fresh = await id_services.db.repositories.get(row.id)
    assert fresh is not None and fresh.auto_pr_enabled is False
    # test webhook from the list's row: GitLab's test event
    tested = await id_client.post(f"/repositories/{row.id}/test", data={"csrf_token": csrf}, headers=HTML)
    assert tested.status == 200 and "Test webhook: acme/api" in await tested.text()

    # a failed delivery runs again from the stored event (GitLab itself cannot be asked to resend)
    async with id_services.db.sessions.begin() as s:
        await s.execute(update(WebhookDelivery).values(status=FAILED, last_error="boom"))
    text = await page(id_client, f"/repositories/{row.id}")
    assert ">Run again</button>" in text
    [pk] = re.findall(r'action="/deliveries/([0-9]+)/redeliver"', text)
    resp = await id_client.post(f"/deliveries/{pk}/redeliver", headers=HTML, allow_redirects=False,
                                data={"csrf_token": csrf, "repository_id": row.id})
    assert resp.status == 303, await resp.text()
    await id_client.app[QUEUE].join(timeout=60)
    summary = await id_services.db.deliveries.summary(int(pk))
    assert summary is not None and summary.status == "done"
    actions = [e.action for e in await id_services.db.audit.for_target("repository", row.id)]
    assert "repository.settings" in actions

    # bob is a Developer of the project: he reads it, but cannot change it; a stranger gets 404
    other = await other_browser(id_client)
    try:
        bob_csrf = await gitlab_sign_in(other, fake_gitlab, "bob", BOB)
        seen = await (await other.get(f"/api/v1/repositories/{row.id}")).json()
        assert seen["can_change_settings"] is False
        # the project alice watches is in bob's list too (GitLab says he reaches it), offered read-only
        listed = await (await other.get("/api/v1/repositories?provider=gitlab")).json()
        [entry] = [r for r in listed["repositories"] if r["full_name"] == "acme/api"]
        assert entry["watched"] is True and entry["id"] == row.id and entry["can_change_settings"] is False
        assert f'href="/repositories/{row.id}"' in await page(other, "/repositories?provider=gitlab")
        resp = await other.patch(f"/api/v1/repositories/{row.id}/settings", json={"is_enabled": False},
                                 headers={"X-CSRF-Token": bob_csrf})
        assert resp.status == 403 and "Maintainer" in (await resp.json())["error"]
        resp = await other.post(f"/api/v1/deliveries/{pk}/redeliver", headers={"X-CSRF-Token": bob_csrf})
        assert resp.status == 403 or resp.status == 404
    finally:
        await other.session.close()
    stranger = await other_browser(id_client)
    try:
        await gitlab_sign_in(stranger, fake_gitlab, "carol", 79)
        listed = await (await stranger.get("/api/v1/repositories?provider=gitlab")).json()
        assert [r["full_name"] for r in listed["repositories"]] == []  # GitLab does not show her the project
        for path in (f"/api/v1/repositories/{row.id}", f"/api/v1/incidents/{incident.id}",
                     f"/api/v1/repositories/{row.id}/deliveries"):
            assert (await stranger.get(path)).status == 404, path
        await page(stranger, f"/repositories/{row.id}", status=404)
        await page(stranger, f"/incidents/{incident.id}", status=404)
    finally:
        await stranger.session.close()
