"""The repositories and history API over real HTTP: GitHub (the fake) decides who sees which repository and who
may change it; settings take effect on the pipeline; incident and delivery history are paged and carry no body;
a failed delivery can be redelivered and runs again."""

from __future__ import annotations

import copy
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.appkeys import QUEUE
from bot.dispatch import run_delivery
from bot.server import create_app
from bot.services import Services
from bot.web.repositories import ACCESS_KEY
from storage.database import Database
from storage.deliveries import FAILED
from storage.models import RepositoryConnection
from tests.fakes.github import APP_ID, FakeGitHub, app_key
from tests.helpers import load, send_github
from tests.identities import identity_settings, other_browser, sign_in

ORG_INSTALLATION, OTHER_INSTALLATION = 11, 22
GRANTED = {"actions": "read", "contents": "read", "metadata": "read", "pull_requests": "write"}
BODY_MARKER = "do-not-show-this-body-3f9a"


@dataclass
class World:
    client: TestClient
    fake: FakeGitHub
    db: Database
    services: Services

    async def row(self, full_name: str) -> RepositoryConnection:
        row = await self.db.installations.repository(full_name)
        assert row is not None
        return row

    async def deliver(self, event: str, payload: dict[str, Any]) -> int:
        delivery = str(uuid.uuid4())
        status, body = await send_github(self.client, event, payload, delivery=delivery)
        assert status == 202, body
        await self.client.app[QUEUE].join(timeout=30)
        found = await self.db.deliveries.by_delivery_id("github", delivery)
        assert found is not None
        return found.id


@pytest.fixture
async def world(aiohttp_client: Any, database_url: str, db: Database, fake_github: FakeGitHub) -> AsyncIterator[World]:
    pem, _ = app_key()
    settings = identity_settings(database_url, fake_github, None, app_id=APP_ID, private_key=pem)
    services = await Services.create(settings, db=db)
    fake_github.add_installation(ORG_INSTALLATION, "octo-org", ["octo-org/app", "octo-org/lib", "octo-org/unwatched"])
    fake_github.add_installation(OTHER_INSTALLATION, "other-org", ["other-org/tool"], first_repo_id=6000)
    for iid, login, perms in ((ORG_INSTALLATION, "octo-org", GRANTED), (OTHER_INSTALLATION, "other-org", {})):
        await db.installations.upsert({"id": iid, "account": {"login": login, "id": iid}, "permissions": perms,
                                       "events": ["workflow_run", "pull_request"]})
        repos = [r for r in fake_github.installations[iid]["repositories"] if r["full_name"] != "octo-org/unwatched"]
        await db.installations.add_repositories(iid, repos)
    client = await aiohttp_client(create_app(settings, services=services, migrate=False))
    try:
        yield World(client, fake_github, db, services)
    finally:
        await services.http.close()


async def octocat(world: World) -> str:
    """Sign octocat in: admin on octo-org/app, pull on octo-org/lib, push on octo-org/unwatched."""
    csrf = await sign_in(world.client, world.fake, "octocat", 1)
    oauth = world.fake.oauth  # type: ignore[attr-defined]
    oauth.grant_repo(1, "octo-org/app", "admin")
    oauth.grant_repo(1, "octo-org/lib", "pull")
    oauth.grant_repo(1, "octo-org/unwatched", "push")
    return csrf


def failed_run_payload(repo: RepositoryConnection, run_id: int) -> dict[str, Any]:
    data = copy.deepcopy(load("github/workflow_run/completed.with-pull-requests.payload.json"))
    data["workflow_run"].update({"id": run_id, "conclusion": "failure", "status": "completed",
                                 "head_branch": "feature", "pull_requests": []})
    data["repository"] = {**data["repository"], "full_name": repo.full_name, "id": int(repo.repository_id)}
    data["installation"] = {"id": ORG_INSTALLATION}
    return data


def ping_payload(full_name: str) -> dict[str, Any]:
    return {"zen": BODY_MARKER, "hook_id": 1, "hook": {"id": 1}, "repository": {"full_name": full_name, "id": 1},
            "installation": {"id": ORG_INSTALLATION}}


# ---------------------------------------------------------------------------------------------------------------
async def test_list_shows_exactly_the_watched_repositories_i_can_access(world: World) -> None:
    await octocat(world)
    resp = await world.client.get("/api/v1/repositories")
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert [r["full_name"] for r in body["repositories"]] == ["octo-org/app", "octo-org/lib"]
    assert body["total"] == 2 and body["next_page"] is None
    app, lib = body["repositories"]
    assert app["installation"] == {"id": ORG_INSTALLATION, "account": "octo-org", "suspended": False}
    assert (app["is_enabled"], app["auto_pr_enabled"], app["allow_workflow_edits"]) == (True, True, False)
    assert app["open_incidents"] == 0 and app["last_event_at"] is None and app["private"] is False
    assert app["can_change_settings"] and not lib["can_change_settings"]
    assert lib["permissions"] == {"admin": False, "maintain": False, "push": False, "triage": False, "pull": True}
    text = await resp.text()
    assert not any(t.token in text for t in world.fake.tokens.values())

    first = await (await world.client.get("/api/v1/repositories?per_page=1")).json()
    second = await (await world.client.get("/api/v1/repositories?per_page=1&page=2")).json()
    assert [r["full_name"] for r in first["repositories"]] == ["octo-org/app"] and first["next_page"] == 2
    assert [r["full_name"] for r in second["repositories"]] == ["octo-org/lib"] and second["next_page"] is None
    for bad in ("page=0", "per_page=101", "page=x", "per_page=-1", "page=99999999999"):
        resp = await world.client.get(f"/api/v1/repositories?{bad}")
        assert resp.status == 400 and "error" in await resp.json(), bad
    # GitHub was asked once (the answer is cached per person), with the person's own token
    [listing] = world.fake.calls("GET", "/user/installations")[:1]
    assert len(world.fake.calls("GET", "/user/installations")) == 2  # the list, then installation 11's repos
    assert world.fake.tokens[listing.headers["Authorization"].split(" ", 1)[1]].kind == "user"

    other = await other_browser(world.client)
    try:
        await sign_in(other, world.fake, "mallory", 666)
        world.fake.oauth.grant_repo(666, "other-org/tool", "admin")  # type: ignore[attr-defined]
        listed = await (await other.get("/api/v1/repositories")).json()
        assert [r["full_name"] for r in listed["repositories"]] == ["other-org/tool"]
        assert (await other.get(f"/api/v1/repositories/{app['id']}")).status == 404
    finally:
        await other.close()


async def test_the_fake_lists_installations_with_paging_and_refuses_bad_tokens(world: World) -> None:
    await octocat(world)
    url = f"{world.fake.url}/user/installations"
    import aiohttp

    async with aiohttp.ClientSession() as http:
        async with http.get(url, headers={"Authorization": "token nope"}) as resp:
            assert resp.status == 401
        token = world.fake.oauth.grant(1)["access_token"]  # type: ignore[attr-defined]
        auth = {"Authorization": f"token {token}"}
        async with http.get(f"{url}/{ORG_INSTALLATION}/repositories?per_page=2", headers=auth) as resp:
            page = await resp.json()
            assert page["total_count"] == 3 and len(page["repositories"]) == 2 and 'rel="next"' in resp.headers["Link"]
            assert page["repositories"][0]["permissions"]["admin"] is True
        async with http.get(f"{url}/{OTHER_INSTALLATION}/repositories", headers=auth) as resp:
            assert resp.status == 404


async def test_settings_need_csrf_admin_and_a_strict_body(world: World) -> None:
    csrf = await octocat(world)
    app, lib, tool = [await world.row(n) for n in ("octo-org/app", "octo-org/lib", "other-org/tool")]
    url = f"/api/v1/repositories/{app.id}/settings"
    headers = {"X-CSRF-Token": csrf}
    change = {"is_enabled": False, "auto_pr_enabled": False, "allow_workflow_edits": True}

    assert (await world.client.patch(url, json=change)).status == 403  # no CSRF token
    assert (await world.client.patch(url, json=change, headers={"X-CSRF-Token": "x"})).status == 403
    resp = await world.client.patch(f"/api/v1/repositories/{lib.id}/settings", json=change, headers=headers)
    assert resp.status == 403 and "admin" in (await resp.json())["error"]  # pull only
    for other in (tool.id, str(uuid.uuid4()), "x' OR 1=1", "../" + app.id):
        resp = await world.client.patch(f"/api/v1/repositories/{other}/settings", json=change, headers=headers)
        assert resp.status == 404, other

    bad_bodies: list[Any] = [[], {}, "x", None, 1, {"is_enabled": "false"}, {"is_enabled": 0}, {"is_enabled": None},
                             {"owner": "me"}, {"is_enabled": True, "installation_id": 1}, {"is_enabled": [True]}]
    for bad in bad_bodies:
        resp = await world.client.patch(url, json=bad, headers=headers)
        assert resp.status == 422, bad
        assert "error" in await resp.json()
    for raw, ctype in ((b"{not json", "application/json"), (b"\xff\xfe", "application/json"),
                       (b'{"is_enabled": false}', "text/plain"), (b"", "application/json")):
        resp = await world.client.patch(url, data=raw, headers={**headers, "Content-Type": ctype})
        assert resp.status == 422, raw
    big = b'{"is_enabled": false, "x": "' + b"a" * 10_000 + b'"}'
    resp = await world.client.patch(url, data=big, headers={**headers, "Content-Type": "application/json"})
    assert resp.status == 413 and "error" in await resp.json()
    assert (await world.row("octo-org/app")).is_enabled is True  # nothing changed so far

    resp = await world.client.patch(url, json=change, headers=headers)
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert (body["is_enabled"], body["auto_pr_enabled"], body["allow_workflow_edits"]) == (False, False, True)
    fresh = await world.row("octo-org/app")
    assert (fresh.is_enabled, fresh.auto_pr_enabled, fresh.allow_workflow_edits) == (False, False, True)
    resp = await world.client.patch(url, json={"auto_pr_enabled": True}, headers=headers)
    assert resp.status == 200 and (await resp.json())["is_enabled"] is False  # the others are left alone


async def test_switching_a_repository_off_stops_the_pipeline(world: World) -> None:
    csrf = await octocat(world)
    app = await world.row("octo-org/app")
    resp = await world.client.patch(f"/api/v1/repositories/{app.id}/settings", json={"is_enabled": False},
                                    headers={"X-CSRF-Token": csrf})
    assert resp.status == 200
    pk = await world.deliver("workflow_run", failed_run_payload(app, 777001))
    assert (await world.db.deliveries.get(pk)).status == "done"  # type: ignore[union-attr]
    assert await world.db.incidents.for_run("octo-org/app", 777001) is None
    assert world.fake.calls(path_prefix="/repos/") == []

    resp = await world.client.patch(f"/api/v1/repositories/{app.id}/settings", json={"is_enabled": True},
                                    headers={"X-CSRF-Token": csrf})
    assert resp.status == 200
    await world.deliver("workflow_run", failed_run_payload(app, 777002))
    assert await world.db.incidents.for_run("octo-org/app", 777002) is not None  # monitored again


async def test_status_lists_missing_permissions_and_the_last_delivery(world: World) -> None:
    csrf = await octocat(world)
    app = await world.row("octo-org/app")
    status = await (await world.client.get(f"/api/v1/repositories/{app.id}/status")).json()
    assert status["connected"] is True and status["monitoring"] is True
    assert status["installation"]["suspended"] is False and status["last_delivery"] is None
    missing = {m["permission"]: (m["wanted"], m["granted"]) for m in status["permissions"]["missing"]}
    assert missing == {"actions": ("write", "read"), "contents": ("write", "read"), "checks": ("write", "none"),
                       "issues": ("write", "none")}
    assert "workflow_job" in status["events"]["missing"] and "workflow_run" not in status["events"]["missing"]

    await world.client.patch(f"/api/v1/repositories/{app.id}/settings", json={"allow_workflow_edits": True},
                             headers={"X-CSRF-Token": csrf})
    await world.db.installations.set_suspended(ORG_INSTALLATION, True)
    await world.deliver("ping", ping_payload("octo-org/app"))
    status = await (await world.client.get(f"/api/v1/repositories/{app.id}/status")).json()
    assert ("workflows", "write", "none") in {(m["permission"], m["wanted"], m["granted"])
                                              for m in status["permissions"]["missing"]}
    assert status["installation"]["suspended"] is True
    last = status["last_delivery"]
    assert last["event"] == "ping" and last["status"] == "done" and last["attempts"] == 1
    assert BODY_MARKER not in str(status)
    listed = await (await world.client.get("/api/v1/repositories")).json()
    assert listed["repositories"][0]["last_event_at"] == last["received_at"]


async def test_incident_and_delivery_history_are_paged_and_carry_no_body(world: World) -> None:
    await octocat(world)
    app, lib = await world.row("octo-org/app"), await world.row("octo-org/lib")
    incidents = world.db.incidents
    for run_id in (1, 2, 3):
        incident = await incidents.claim_run({"repository_full_name": "octo-org/app", "run_id": run_id,
                                              "repository_connection_id": app.id,
                                              "links": {"run": f"https://github.com/octo-org/app/actions/runs/{run_id}"}})
        await incidents.update(incident.id, status="open", category="test", signature=f"sig{run_id}",
                               root_cause="The test expects 42.")
    await incidents.fix_opened(incident.id, {"repository_full_name": "octo-org/app", "target_branch": "feature",
                                             "branch": "devflowfix/abc", "commit_sha": "c" * 40, "pr_number": 9,
                                             "pr_url": "https://github.com/octo-org/app/pull/9"})
    await incidents.claim_run({"repository_full_name": "octo-org/lib", "run_id": 4})
    for _ in range(3):
        await world.deliver("ping", ping_payload("octo-org/app"))
    await world.deliver("ping", ping_payload("octo-org/lib"))

    page = await (await world.client.get(f"/api/v1/repositories/{app.id}/incidents?per_page=2")).json()
    assert page["total"] == 3 and len(page["incidents"]) == 2 and page["next_page"] == 2
    rest = await (await world.client.get(f"/api/v1/repositories/{app.id}/incidents?per_page=2&page=2")).json()
    runs = [i["run"]["id"] for i in page["incidents"] + rest["incidents"]]
    assert sorted(runs) == [1, 2, 3]
    newest = next(i for i in page["incidents"] + rest["incidents"] if i["run"]["id"] == 3)
    assert newest["fix_pr"]["number"] == 9 and newest["attempts"] == 1 and newest["signature"] == "sig3"
    assert newest["run"]["url"].endswith("/runs/3") and newest["summary"] == "The test expects 42."
    detail = await (await world.client.get(f"/api/v1/incidents/{newest['id']}")).json()
    assert [a["pr_number"] for a in detail["fix_attempts"]] == [9]
    listed = await (await world.client.get("/api/v1/repositories")).json()
    assert {r["full_name"]: r["open_incidents"] for r in listed["repositories"]} == {"octo-org/app": 3,
                                                                                     "octo-org/lib": 1}
    one = await (await world.client.get(f"/api/v1/repositories/{app.id}")).json()
    assert len(one["recent_incidents"]) == 3 and one["open_incidents"] == 3

    deliveries = await (await world.client.get(f"/api/v1/repositories/{app.id}/deliveries?per_page=2")).json()
    assert deliveries["total"] == 3 and len(deliveries["deliveries"]) == 2
    first = deliveries["deliveries"][0]
    assert set(first) >= {"id", "delivery_id", "event", "action", "received_at", "status", "attempts", "last_error"}
    assert first["event"] == "ping" and first["status"] == "done"
    assert "body" not in first and BODY_MARKER not in str(deliveries)
    lib_history = await (await world.client.get(f"/api/v1/repositories/{lib.id}/deliveries")).json()
    assert lib_history["total"] == 1

    for path in ("/api/v1/incidents/not-a-uuid!", f"/api/v1/incidents/{uuid.uuid4()}",
                 f"/api/v1/repositories/{uuid.uuid4()}/incidents", f"/api/v1/repositories/{app.id}/incidents?page=a"):
        resp = await world.client.get(path)
        assert resp.status in (400, 404) and "error" in await resp.json(), path
    other = await other_browser(world.client)
    try:
        await sign_in(other, world.fake, "mallory", 666)
        assert (await other.get(f"/api/v1/incidents/{newest['id']}")).status == 404
        assert (await other.get(f"/api/v1/repositories/{app.id}/deliveries")).status == 404
    finally:
        await other.close()


async def test_a_failed_delivery_is_redelivered_and_runs(world: World) -> None:
    csrf = await octocat(world)
    headers = {"X-CSRF-Token": csrf}
    pk = await world.deliver("ping", ping_payload("octo-org/app"))
    lib_pk = await world.deliver("ping", ping_payload("octo-org/lib"))
    assert (await world.client.post(f"/api/v1/deliveries/{pk}/redeliver", headers=headers)).status == 409  # done
    for failed in (pk, lib_pk):
        await world.db.deliveries.finish(failed, FAILED, "handler ping: boom")
    before = await world.db.deliveries.get(pk)
    assert before is not None and before.status == FAILED

    assert (await world.client.post(f"/api/v1/deliveries/{pk}/redeliver")).status == 403  # no CSRF
    assert (await world.client.post(f"/api/v1/deliveries/{lib_pk}/redeliver", headers=headers)).status == 403
    for bad in ("abc", "99999999", "1" * 30, "-1"):
        resp = await world.client.post(f"/api/v1/deliveries/{bad}/redeliver", headers=headers)
        assert resp.status == 404 and "error" in await resp.json(), bad

    resp = await world.client.post(f"/api/v1/deliveries/{pk}/redeliver", headers=headers)
    assert resp.status == 202, await resp.text()
    assert BODY_MARKER not in await resp.text()
    await world.client.app[QUEUE].join(timeout=30)
    after = await world.db.deliveries.get(pk)
    assert after is not None and after.status == "done" and after.last_error is None and after.attempts == 1
    assert (await world.db.deliveries.get(lib_pk)).status == FAILED  # type: ignore[union-attr]


async def test_signed_out_answers_401_and_a_legacy_token_cannot_list(world: World) -> None:
    app = await world.row("octo-org/app")
    for method, path in (("GET", "/api/v1/repositories"), ("GET", f"/api/v1/repositories/{app.id}"),
                         ("PATCH", f"/api/v1/repositories/{app.id}/settings"),
                         ("GET", f"/api/v1/repositories/{app.id}/status"),
                         ("GET", f"/api/v1/repositories/{app.id}/incidents"),
                         ("GET", f"/api/v1/repositories/{app.id}/deliveries"),
                         ("GET", f"/api/v1/incidents/{uuid.uuid4()}"), ("POST", "/api/v1/deliveries/1/redeliver")):
        resp = await world.client.request(method, path)
        assert resp.status == 401 and "error" in await resp.json(), path

    await octocat(world)
    user = await world.db.users.by_github_id(1)
    assert user is not None
    for row in await world.db.connections.for_user(user.id):
        await world.db.connections.delete_owned(user.id, row.id)
    assert world.services.user_tokens is not None
    await world.services.user_tokens.store_legacy(user_id=user.id, kind="github_oauth",
                                                  token=world.fake.oauth.legacy_token("oauth", 1))  # type: ignore
    resp = await world.client.get("/api/v1/repositories")
    assert resp.status == 409 and (await resp.json())["reconnect_url"]


async def test_many_repositories_are_read_page_by_page_from_github(world: World) -> None:
    names = [f"big-org/r{i:03d}" for i in range(130)]
    world.fake.add_installation(33, "big-org", names, first_repo_id=9000)
    await world.db.installations.upsert({"id": 33, "account": {"login": "big-org", "id": 33}})
    await world.db.installations.add_repositories(33, world.fake.installations[33]["repositories"])
    await sign_in(world.client, world.fake, "octocat", 1)
    for name in names:
        world.fake.oauth.grant_repo(1, name, "push")  # type: ignore[attr-defined]
    body = await (await world.client.get("/api/v1/repositories?per_page=100&page=2")).json()
    assert body["total"] == 130 and [r["full_name"] for r in body["repositories"]] == names[100:]
    assert not any(r["can_change_settings"] for r in body["repositories"])  # push is not enough
    assert len(world.fake.calls("GET", "/user/installations/33/repositories")) == 2  # followed the Link header


async def test_github_refusing_or_failing_answers_409_or_502_and_nothing_is_cached(world: World) -> None:
    await octocat(world)
    world.fake.fail_next("GET", "/user/installations", *[500] * 5)  # past the attempts in place
    resp = await world.client.get("/api/v1/repositories")
    assert resp.status == 502 and "error" in await resp.json()
    assert (await world.client.get("/api/v1/repositories")).status == 200  # the failure was not cached

    world.client.app[ACCESS_KEY].forget((await world.db.users.by_github_id(1)).id)  # type: ignore[union-attr]
    world.fake.revoke_all("user")
    world.fake.oauth.revoke_refresh_tokens()  # type: ignore[attr-defined]
    resp = await world.client.get("/api/v1/repositories")
    assert resp.status == 409 and (await resp.json())["reconnect_url"] == "/api/v1/oauth/github/authorize"


async def test_redeliver_in_the_external_mode_leaves_it_to_the_workers(
    aiohttp_client: Any, world: World
) -> None:
    settings = world.services.settings.model_copy(update={"queue_mode": "external"})
    client = await aiohttp_client(create_app(settings, services=world.services, migrate=False))
    csrf = await sign_in(client, world.fake, "octocat", 1)
    world.fake.oauth.grant_repo(1, "octo-org/app", "admin")  # type: ignore[attr-defined]
    pk = await world.deliver("ping", ping_payload("octo-org/app"))
    await world.db.deliveries.finish(pk, FAILED, "boom")
    resp = await client.post(f"/api/v1/deliveries/{pk}/redeliver", headers={"X-CSRF-Token": csrf})
    assert resp.status == 202 and (await resp.json())["delivery"]["status"] == "pending"
    assert pk in await world.db.deliveries.unfinished()  # what a worker polls for
    assert await run_delivery(world.services, pk) == "done"
