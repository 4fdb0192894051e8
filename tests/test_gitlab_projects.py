"""GitLab projects connected by OAuth, over real HTTP: a person signs in with GitLab, lists the projects they maintain,
connects one (the fake GitLab receives the project hook and keeps its token), and the bot then accepts that project's
deliveries only with that token and explains its failed pipelines with the person's own token.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.appkeys import QUEUE
from bot.forges.gitlab_hooks import NOT_CONNECTED, HookSecrets
from bot.services import Services
from storage.models import RepositoryConnection, WebhookDelivery
from tests.conftest import GITLAB_SECRET
from tests.fakes.github import FakeGitHub
from tests.fakes.gitlab import API_TOKEN, FakeGitLab, FakeProject
from tests.helpers import load, send_gitlab
from tests.identities import follow_to_provider, other_browser, provider_approves
from tests.test_gitlab_pipeline import FAIL, PASS

ALICE, BOB = 77, 78
HEAD = "bcbb5ec396a2c0f828686f14fac9b80b780504f2"


async def gitlab_sign_in(client: TestClient, fake: FakeGitLab, username: str, user_id: int) -> str:
    """Sign in with GitLab (the whole OAuth flow); the session's CSRF token."""
    if user_id not in fake.users:
        fake.add_user(username, user_id)
    fake.approve_as = user_id
    callback = await provider_approves(await follow_to_provider(client, "/api/v1/oauth/gitlab/authorize"))
    resp = await client.get(callback, allow_redirects=False)
    assert resp.status == 302, await resp.text()
    info = await (await client.get("/api/v1/session")).json()
    assert info["signed_in"] and info["user"]["gitlab_username"] == username
    return str(info["csrf_token"])


@pytest.fixture
def world(id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab) -> dict[int, FakeProject]:
    id_services.settings.public_url = str(id_client.make_url("")).rstrip("/")
    return {
        1: fake_gitlab.add_project(1, "acme/api", members={ALICE: 40, BOB: 30}),
        2: fake_gitlab.add_project(2, "acme/web", members={ALICE: 50}),
        3: fake_gitlab.add_project(3, "acme/docs", members={ALICE: 30}),
        4: fake_gitlab.add_project(4, "other/secret", members={BOB: 40}),
    }


async def connect(client: TestClient, csrf: str, project_id: int | str) -> tuple[int, dict[str, Any]]:
    resp = await client.post(f"/api/v1/gitlab/projects/{project_id}/connect", headers={"X-CSRF-Token": csrf})
    return resp.status, await resp.json()


def hook_token(project: FakeProject) -> str:
    [hook] = project.hooks.values()
    return str(hook["token"])


def failed_pipeline(fake: FakeGitLab, project: FakeProject) -> dict[str, Any]:
    fake.add_pipeline(project, status="success", ref="feature", sha="c0ffee" + "0" * 34, jobs=[
        {"name": "test", "status": "success", "trace": PASS}])
    pipeline = fake.add_pipeline(project, status="failed", ref="feature", sha=HEAD, jobs=[
        {"name": "test", "status": "failed", "trace": FAIL}])
    data = copy.deepcopy(load("gitlab/pipeline.json"))
    data["object_attributes"].update({k: pipeline[k] for k in ("id", "iid", "ref", "sha", "status")})
    data["object_attributes"]["source"] = "merge_request_event"
    data["project"].update({"id": project.id, "path_with_namespace": project.path,
                            "web_url": f"https://gitlab.example/{project.path}"})
    data["merge_request"].update({"iid": 1, "id": 101, "source_branch": "feature", "source_project_id": project.id,
                                  "target_project_id": project.id})
    return data


async def deliveries(services: Services) -> int:
    async with services.db.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(WebhookDelivery))).scalar_one())


# ---------------------------------------------------------------------------------------------------------------
async def test_list_and_connect_installs_one_hook_idempotently(
    id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab, world: dict[int, FakeProject],
) -> None:
    csrf = await gitlab_sign_in(id_client, fake_gitlab, "alice", ALICE)
    for n in range(150):  # a second page of projects (GitLab pages with Link / X-Next-Page)
        fake_gitlab.add_project(1000 + n, f"many/p{n}", members={ALICE: 40})
    listed = await (await id_client.get("/api/v1/gitlab/projects")).json()
    mine = {p["id"]: p for p in listed["projects"]}
    assert len(mine) == 152 and 3 not in mine and 4 not in mine  # a Developer of 3, a stranger to 4
    assert mine[1]["full_name"] == "acme/api" and mine[1]["connected"] is False
    assert fake_gitlab.calls[0].query["min_access_level"] == "40" and fake_gitlab.calls[0].query["simple"] == "true"

    status, answer = await connect(id_client, csrf, 1)
    assert status == 201, answer
    assert answer["connected"] and answer["connected_by_me"] and answer["hook_created"]
    [hook] = world[1].hooks.values()
    assert hook["url"] == f"{id_services.settings.public_url}/api/gitlab/webhooks"
    assert (hook["pipeline_events"], hook["job_events"], hook["merge_requests_events"], hook["push_events"],
            hook["enable_ssl_verification"]) == (True, False, False, False, True)
    secret = hook_token(world[1])
    assert len(secret) >= 40 and secret not in str(answer)
    assert all(c.as_user == ALICE for c in fake_gitlab.calls)  # only ever the person's token

    # stored encrypted: the secret is nowhere in the row in plain text
    row = await id_services.db.repositories.by_provider_id("gitlab", "1")
    assert row is not None and row.full_name == "acme/api" and row.webhook_id == str(hook["id"])
    assert row.webhook_secret_enc is not None and secret.encode() not in bytes(row.webhook_secret_enc)
    assert secret.encode() not in repr(row.__dict__).encode()
    [conn] = await id_services.db.connections.for_user(row.user_id or "", provider="gitlab")
    assert row.oauth_connection_id == conn.id

    # again: the same hook is re-used (and its settings repaired), with the same secret
    hook["push_events"] = True
    status, again = await connect(id_client, csrf, 1)
    assert status == 200 and again["hook_created"] is False
    assert list(world[1].hooks) == [hook["id"]] and hook["push_events"] is False and hook_token(world[1]) == secret

    # the hook deleted by hand at GitLab: connecting repairs it with a new hook
    world[1].hooks.clear()
    status, repaired = await connect(id_client, csrf, 1)
    assert status == 201 and repaired["webhook_id"] != str(hook["id"]) and len(world[1].hooks) == 1

    listed = await (await id_client.get("/api/v1/gitlab/projects")).json()
    assert [p["id"] for p in listed["projects"] if p["connected"]] == [1]


async def test_delivery_needs_the_project_secret_and_is_explained_with_the_persons_token(
    id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab, world: dict[int, FakeProject],
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert id_services.settings.gitlab_token is None
    csrf = await gitlab_sign_in(id_client, fake_gitlab, "alice", ALICE)
    assert (await connect(id_client, csrf, 1))[0] == 201
    secret = hook_token(world[1])
    payload = failed_pipeline(fake_gitlab, world[1])

    for wrong in (GITLAB_SECRET, "not-the-secret", secret[:-1]):  # the global secret does not do for this project
        status, body = await send_gitlab(id_client, "Pipeline Hook", payload, token=wrong)
        assert status == 401, body
    assert await deliveries(id_services) == 0  # refused deliveries record nothing

    fake_gitlab.calls.clear()
    with caplog.at_level(logging.DEBUG):
        status, body = await send_gitlab(id_client, "Pipeline Hook", payload, token=secret)
        assert status == 202, body
        await id_client.app[QUEUE].join(timeout=60)
    async with id_services.db.sessions() as s:
        [row] = (await s.execute(select(WebhookDelivery))).scalars()
    assert row.status == "done", row.last_error
    [note] = world[1].mr_notes(1)
    assert note["author"]["id"] == ALICE and "test" in note["body"]
    assert fake_gitlab.calls and all(c.as_user == ALICE for c in fake_gitlab.calls)
    assert secret not in caplog.text and secret not in str(row.__dict__)

    # another project's deliveries still use the global secret
    other = failed_pipeline(fake_gitlab, world[2])
    assert (await send_gitlab(id_client, "Pipeline Hook", other, token=secret))[0] == 401
    assert (await send_gitlab(id_client, "Pipeline Hook", other, token=GITLAB_SECRET))[0] == 202
    await id_client.app[QUEUE].join(timeout=60)

    # with GITLAB_TOKEN set the bot account acts, as before
    id_services.settings.gitlab_token = SecretStr(API_TOKEN)
    fake_gitlab.calls.clear()
    again = failed_pipeline(fake_gitlab, world[1])
    assert (await send_gitlab(id_client, "Pipeline Hook", again, token=secret))[0] == 202
    await id_client.app[QUEUE].join(timeout=60)
    assert fake_gitlab.calls and all(c.as_user is None for c in fake_gitlab.calls)


async def test_a_dead_connection_asks_to_reconnect_and_stops_cleanly(
    id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab, world: dict[int, FakeProject],
    caplog: pytest.LogCaptureFixture,
) -> None:
    csrf = await gitlab_sign_in(id_client, fake_gitlab, "alice", ALICE)
    assert (await connect(id_client, csrf, 1))[0] == 201
    row = await id_services.db.repositories.by_provider_id("gitlab", "1")
    assert row is not None and row.oauth_connection_id is not None
    await id_services.db.connections.deactivate(row.oauth_connection_id, "the refresh was refused; please reconnect")
    fake_gitlab.calls.clear()
    with caplog.at_level(logging.INFO):
        status, _ = await send_gitlab(id_client, "Pipeline Hook", failed_pipeline(fake_gitlab, world[1]),
                                      token=hook_token(world[1]))
        assert status == 202
        await id_client.app[QUEUE].join(timeout=60)
    async with id_services.db.sessions() as s:
        [delivery] = (await s.execute(select(WebhookDelivery))).scalars()
    assert delivery.status == "done", delivery.last_error
    assert "reconnect needed" in caplog.text
    assert fake_gitlab.calls == [] and world[1].mr_notes(1) == []


async def test_disconnect_deletes_the_hook_and_the_global_secret_applies_again(
    id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab, world: dict[int, FakeProject],
) -> None:
    csrf = await gitlab_sign_in(id_client, fake_gitlab, "alice", ALICE)
    assert (await connect(id_client, csrf, 1))[0] == 201
    secret = hook_token(world[1])
    assert (await id_client.delete("/api/v1/gitlab/projects/1")).status == 403  # no CSRF token
    resp = await id_client.delete("/api/v1/gitlab/projects/1", headers={"X-CSRF-Token": csrf})
    assert resp.status == 204, await resp.text()
    assert world[1].hooks == {}
    async with id_services.db.sessions() as s:
        [row] = (await s.execute(select(RepositoryConnection))).scalars()
    assert row.removed_at is not None and row.webhook_secret_enc is None and row.webhook_id is None
    listed = await (await id_client.get("/api/v1/gitlab/projects")).json()
    assert not any(p["connected"] for p in listed["projects"])
    resp = await id_client.delete("/api/v1/gitlab/projects/1", headers={"X-CSRF-Token": csrf})
    assert resp.status == 404  # not connected any more

    payload = failed_pipeline(fake_gitlab, world[1])
    assert (await send_gitlab(id_client, "Pipeline Hook", payload, token=secret))[0] == 401
    assert (await send_gitlab(id_client, "Pipeline Hook", payload, token=GITLAB_SECRET))[0] == 202
    await id_client.app[QUEUE].join(timeout=60)

    # connect again, then the hook disappears at GitLab: disconnecting still works (404 there = already gone)
    assert (await connect(id_client, csrf, 1))[0] == 201
    world[1].hooks.clear()
    resp = await id_client.delete("/api/v1/gitlab/projects/1", headers={"X-CSRF-Token": csrf})
    assert resp.status == 204


async def test_who_may_do_what(
    id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab, fake_github: FakeGitHub,
    world: dict[int, FakeProject],
) -> None:
    csrf = await gitlab_sign_in(id_client, fake_gitlab, "alice", ALICE)
    assert (await connect(id_client, csrf, 3))[0] == 403  # Developer: not enough
    assert (await connect(id_client, csrf, 4))[0] == 404  # not hers: GitLab does not show it
    for bad in ("abc", "0", "-1", "1" * 30):
        assert (await connect(id_client, csrf, bad))[0] in (400, 404)
    resp = await id_client.post("/api/v1/gitlab/projects/1/connect")
    assert resp.status == 403  # CSRF
    assert (await connect(id_client, csrf, 1))[0] == 201
    assert world[3].hooks == {} and world[4].hooks == {}

    bob = await other_browser(id_client)
    try:
        assert (await bob.get("/api/v1/gitlab/projects")).status == 401  # signed out
        bob_csrf = await gitlab_sign_in(bob, fake_gitlab, "bob", BOB)
        listed = await (await bob.get("/api/v1/gitlab/projects")).json()
        assert [p["id"] for p in listed["projects"]] == [4]  # a Developer of 1 does not see it listed
        headers = {"X-CSRF-Token": bob_csrf}
        assert (await bob.delete("/api/v1/gitlab/projects/1", headers=headers)).status == 403
        assert (await bob.post("/api/v1/gitlab/projects/1/test", headers=headers)).status == 403
        assert (await bob.delete("/api/v1/gitlab/projects/2", headers=headers)).status == 404  # Alice's
        assert (await bob.post("/api/v1/gitlab/projects/2/test", headers=headers)).status == 404
        assert (await connect(bob, bob_csrf, 2))[0] == 404
        assert len(world[1].hooks) == 1
    finally:
        await bob.session.close()

    # signed in without a GitLab connection: 409 with where to connect
    carol = await other_browser(id_client)
    try:
        from tests.identities import sign_in

        await sign_in(carol, fake_github, "carol", 9)
        resp = await carol.get("/api/v1/gitlab/projects")
        assert resp.status == 409 and (await resp.json())["reconnect_url"] == "/api/v1/oauth/gitlab/authorize"
    finally:
        await carol.session.close()


async def test_test_hook_relays_what_gitlab_said(
    id_client: TestClient, fake_gitlab: FakeGitLab, world: dict[int, FakeProject],
) -> None:
    csrf = await gitlab_sign_in(id_client, fake_gitlab, "alice", ALICE)
    headers = {"X-CSRF-Token": csrf}
    assert (await id_client.post("/api/v1/gitlab/projects/1/test", headers=headers)).status == 404  # not connected
    assert (await connect(id_client, csrf, 1))[0] == 201
    resp = await id_client.post("/api/v1/gitlab/projects/1/test", headers=headers)
    assert resp.status == 200
    assert await resp.json() == {"ok": False, "gitlab_status": 422, "message": "Ensure the project has CI pipelines."}
    fake_gitlab.add_pipeline(world[1], status="success", ref="main", sha="a" * 40)
    resp = await id_client.post("/api/v1/gitlab/projects/1/test", headers=headers)
    assert await resp.json() == {"ok": True, "gitlab_status": 201, "message": "201 Created"}
    [hook_id] = world[1].hooks
    assert fake_gitlab.calls[-1].path == f"/api/v4/projects/1/hooks/{hook_id}/test/pipeline_events"
    world[1].hooks.clear()
    resp = await id_client.post("/api/v1/gitlab/projects/1/test", headers=headers)
    assert resp.status == 409 and "connect the project again" in (await resp.json())["error"]



async def test_the_secret_cache_follows_what_another_process_did(
    id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab, world: dict[int, FakeProject],
) -> None:
    """Two processes on one database: the other one's cache honours a connect and a disconnect made here."""
    other = HookSecrets(id_services.db, id_services.cipher, reload_every=0.0)
    assert await other.for_delivery(1, GITLAB_SECRET, GITLAB_SECRET) == NOT_CONNECTED
    csrf = await gitlab_sign_in(id_client, fake_gitlab, "alice", ALICE)
    assert (await connect(id_client, csrf, 1))[0] == 201
    secret = hook_token(world[1])
    entry = await other.for_delivery(1, secret, GITLAB_SECRET)  # refused by the cached entry: read again
    assert entry.connected and entry.secret == secret
    loads = other.loads
    assert (await other.for_delivery(1, secret, GITLAB_SECRET)).secret == secret
    assert other.loads == loads  # served from the cache: no database round trip
    resp = await id_client.delete("/api/v1/gitlab/projects/1", headers={"X-CSRF-Token": csrf})
    assert resp.status == 204
    assert await other.for_delivery(1, GITLAB_SECRET, GITLAB_SECRET) == NOT_CONNECTED


async def test_a_project_secret_cannot_steer_notes_into_another_project(
    id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab, world: dict[int, FakeProject],
) -> None:
    csrf = await gitlab_sign_in(id_client, fake_gitlab, "alice", ALICE)
    assert (await connect(id_client, csrf, 1))[0] == 201
    payload = failed_pipeline(fake_gitlab, world[1])
    payload["merge_request"]["target_project_id"] = world[2].id  # claims an MR of another project
    status, _ = await send_gitlab(id_client, "Pipeline Hook", payload, token=hook_token(world[1]))
    assert status == 202
    await id_client.app[QUEUE].join(timeout=60)
    assert world[2].mr_notes(1) == [] and world[1].mr_notes(1) == []
    assert world[1].commit_comments.get(HEAD)  # explained where the verified project is: on its commit


async def test_monitoring_switched_off_for_a_connected_project(
    id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab, world: dict[int, FakeProject],
) -> None:
    csrf = await gitlab_sign_in(id_client, fake_gitlab, "alice", ALICE)
    assert (await connect(id_client, csrf, 1))[0] == 201
    row = await id_services.db.repositories.by_provider_id("gitlab", "1")
    assert row is not None
    async with id_services.db.sessions.begin() as s:
        (await s.get(type(row), row.id)).is_enabled = False  # type: ignore[union-attr]
    fake_gitlab.calls.clear()
    payload = failed_pipeline(fake_gitlab, world[1])
    assert (await send_gitlab(id_client, "Pipeline Hook", payload, token=hook_token(world[1])))[0] == 202
    await id_client.app[QUEUE].join(timeout=60)
    assert world[1].mr_notes(1) == [] and fake_gitlab.calls == []


async def test_disconnecting_gitlab_revokes_the_token_at_gitlab(
    id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab,
) -> None:
    csrf = await gitlab_sign_in(id_client, fake_gitlab, "alice", ALICE)
    [conn] = (await (await id_client.get("/api/v1/oauth/connections")).json())["connections"]
    assert conn["kind"] == "gitlab_oauth"
    row = await id_services.db.connections.get(conn["id"])
    token = id_services.cipher.decrypt(row.access_token_enc)  # type: ignore[union-attr]
    assert token in fake_gitlab.access_tokens
    resp = await id_client.delete(f"/api/v1/oauth/connections/{conn['id']}", headers={"X-CSRF-Token": csrf})
    assert resp.status == 200 and (await resp.json())["revoked_at_provider"] is True
    assert token not in fake_gitlab.access_tokens


async def test_a_project_secret_cannot_speak_for_another_projects_path(
    id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab, world: dict[int, FakeProject],
) -> None:
    """Project 1's own secret, project 1's id, project 2's path: refused at the door (nothing recorded), so it
    can neither open nor resolve project 2's incidents; the incidents stay keyed by the verified project."""
    csrf = await gitlab_sign_in(id_client, fake_gitlab, "alice", ALICE)
    assert (await connect(id_client, csrf, 1))[0] == 201
    id_services.settings.gitlab_token = SecretStr(API_TOKEN)
    web = failed_pipeline(fake_gitlab, world[2])  # project 2 (global secret) has an open incident
    assert (await send_gitlab(id_client, "Pipeline Hook", web, token=GITLAB_SECRET))[0] == 202
    await id_client.app[QUEUE].join(timeout=60)
    [open_one] = await id_services.db.incidents.for_merge_request("acme/web", 1)
    assert open_one.status == "open"
    before = await deliveries(id_services)

    for status in ("success", "failed"):
        forged = failed_pipeline(fake_gitlab, world[1])
        forged["object_attributes"]["status"] = status
        forged["project"]["path_with_namespace"] = "acme/web"  # the id (and the secret) are project 1's
        code, body = await send_gitlab(id_client, "Pipeline Hook", forged, token=hook_token(world[1]))
        assert code == 403 and "does not match" in body["error"], body
        forged["project"]["path_with_namespace"] = "ACME/Api"  # GitLab's paths are case-insensitive
        assert (await send_gitlab(id_client, "Pipeline Hook", forged, token=hook_token(world[1])))[0] == 202
    await id_client.app[QUEUE].join(timeout=60)
    assert await deliveries(id_services) == before + 2
    [still] = await id_services.db.incidents.for_merge_request("acme/web", 1)
    assert still.status == "open"
    assert await id_services.db.incidents.for_merge_request("ACME/Api", 1) == []  # keyed by the recorded path
    assert [i.repository_full_name for i in await id_services.db.incidents.for_merge_request("acme/api", 1)]


async def test_an_unconnected_projects_delivery_cannot_speak_for_another_projects_path(
    id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab, world: dict[int, FakeProject],
) -> None:
    """The global secret, project 1's id (not connected), project 2's path: the door cannot tell (no API call before
    the answer), so the work asks GitLab what project 1's path is (`GET /projects/1`, once) and refuses it; it can
    neither open nor resolve project 2's incidents. Incidents are keyed by the path GitLab gives the id."""
    id_services.settings.gitlab_token = SecretStr(API_TOKEN)
    web = failed_pipeline(fake_gitlab, world[2])  # project 2 (global secret) has an open incident
    assert (await send_gitlab(id_client, "Pipeline Hook", web, token=GITLAB_SECRET))[0] == 202
    await id_client.app[QUEUE].join(timeout=60)
    [open_one] = await id_services.db.incidents.for_merge_request("acme/web", 1)
    assert open_one.status == "open" and world[2].mr_notes(1)

    for status in ("success", "failed"):
        forged = failed_pipeline(fake_gitlab, world[1])
        forged["object_attributes"]["status"] = status
        forged["project"]["path_with_namespace"] = "acme/web"  # project 1's id, the global secret
        assert (await send_gitlab(id_client, "Pipeline Hook", forged, token=GITLAB_SECRET))[0] == 202
        await id_client.app[QUEUE].join(timeout=60)
    [still] = await id_services.db.incidents.for_merge_request("acme/web", 1)
    assert still.status == "open" and still.run_id == open_one.run_id
    assert world[1].mr_notes(1) == [] and len(world[2].mr_notes(1)) == 1
    assert any(c.path == "/api/v4/projects/1" for c in fake_gitlab.calls)  # GitLab says what project 1's path is

    forged["project"]["path_with_namespace"] = "ACME/Api"  # GitLab's paths are case-insensitive
    assert (await send_gitlab(id_client, "Pipeline Hook", forged, token=GITLAB_SECRET))[0] == 202
    await id_client.app[QUEUE].join(timeout=60)
    assert await id_services.db.incidents.for_merge_request("ACME/Api", 1) == []
    [mine] = await id_services.db.incidents.for_merge_request("acme/api", 1)  # keyed by GitLab's path
    assert mine.repository_full_name == "acme/api" and world[1].mr_notes(1)
