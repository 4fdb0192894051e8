"""The person's GitHub API over real HTTP against the fake GitHub: content endpoints acting as the signed-in person
(GitHub's refusals passed on), and `connect` / `disconnect` / `test` for repositories — with the App (monitoring
on and off) and without it (a repository webhook installed with the person's legacy OAuth token, its deliveries
verified by their hook id and that hook's secret)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.services import Services
from bot.web.repositories import ACCESS_KEY
from storage.database import Database
from storage.models import RepositoryConnection
from tests.conftest import WEBHOOK_SECRET
from tests.fakes.github import APP_ID, FakeGitHub, app_key
from tests.fakes.github_hooks import signature
from tests.fakes.github_repos import FakeRepo, FakeRepos
from tests.identities import identity_settings, other_browser, sign_in

INSTALLATION = 11
SECRET_IN_LOG = "ghp_Zq9xW2vB7nK4mL1pR8sT6uY3aE5dF0gH2jK4"
OCTOCAT, MALLORY = 1, 666


@dataclass
class World:
    client: TestClient
    fake: FakeGitHub
    db: Database
    services: Services
    private: FakeRepo  # octo-org/app: private, the App installed, octocat admin
    solo: FakeRepo  # solo/tool: no App, octocat admin

    @property
    def repos(self) -> FakeRepos:
        return self.fake.repos  # type: ignore[attr-defined,no-any-return]

    async def legacy_token(self, user_id: int, scopes: str = "repo, admin:repo_hook") -> str:
        """Give the signed-in person a legacy OAuth token (as the token migration would have kept it)."""
        token = self.fake.oauth.legacy_token("oauth", user_id)  # type: ignore[attr-defined]
        self.fake.token_scopes[token] = scopes  # type: ignore[attr-defined]
        user = await self.db.users.upsert_github(user_id, "octocat" if user_id == OCTOCAT else "mallory")
        assert self.services.user_tokens is not None
        await self.services.user_tokens.store_legacy(user_id=user.id, kind="github_oauth", token=token)
        return token


@pytest.fixture
async def world(aiohttp_client: Any, database_url: str, db: Database, fake_github: FakeGitHub) -> AsyncIterator[World]:
    pem, _ = app_key()
    settings = identity_settings(database_url, fake_github, None, app_id=APP_ID, private_key=pem)
    services = await Services.create(settings, db=db)
    repos: FakeRepos = fake_github.repos  # type: ignore[attr-defined]
    private = repos.add("octo-org/app", files={"README.md": "app\n", "src/main.py": "print('hi')\n",
                                                "src/lib/util.py": "X = 1\n", "logo.bin": b"\x89PNG\xff"})
    private.private = True
    solo = repos.add("solo/tool", files={"README.md": "tool\n"})
    fake_github.add_installation(INSTALLATION, "octo-org", ["octo-org/app"], first_repo_id=private.id)
    await db.installations.upsert({"id": INSTALLATION, "account": {"login": "octo-org", "id": 1},
                                   "events": ["workflow_run"]})
    await db.installations.add_repositories(INSTALLATION, [{"id": private.id, "full_name": "octo-org/app"}])
    from bot.server import create_app

    client = await aiohttp_client(create_app(settings, services=services, migrate=False))
    services.settings.public_url = str(client.make_url("")).rstrip("/")
    try:
        yield World(client, fake_github, db, services, private, solo)
    finally:
        await services.http.close()


async def octocat(world: World) -> str:
    csrf = await sign_in(world.client, world.fake, "octocat", OCTOCAT)
    world.fake.oauth.grant_repo(OCTOCAT, "octo-org/app", "admin")  # type: ignore[attr-defined]
    world.fake.oauth.grant_repo(OCTOCAT, "solo/tool", "admin")  # type: ignore[attr-defined]
    return csrf


async def get(client: TestClient, url: str, **params: str) -> tuple[int, dict[str, Any]]:
    resp = await client.get(url, params=params)
    assert resp.content_type == "application/json", await resp.text()
    return resp.status, await resp.json()


# ---- content ---------------------------------------------------------------------------------------------------
async def test_files_and_a_file_as_the_person(world: World) -> None:
    assert (await world.client.get("/api/v1/github/repos/octo-org/app/files")).status == 401
    await octocat(world)
    status, body = await get(world.client, "/api/v1/github/repos/octo-org/app/files")
    assert status == 200, body
    assert [(e["name"], e["type"]) for e in body["entries"]] == [
        ("README.md", "file"), ("logo.bin", "file"), ("src", "dir")]
    assert body["acting_as"] == {"kind": "github_app_user", "deprecation": None}
    status, body = await get(world.client, "/api/v1/github/repos/octo-org/app/files", path="src/", ref="main")
    assert [e["path"] for e in body["entries"]] == ["src/lib", "src/main.py"]
    # GitHub was asked with the person's own (user-to-server) token
    [call] = world.fake.calls("GET", "/repos/octo-org/app/contents/src")
    assert world.fake.tokens[call.headers["Authorization"].split(" ", 1)[1]].kind == "user"

    status, body = await get(world.client, "/api/v1/github/repos/octo-org/app/file/src/main.py")
    assert status == 200 and body["content"] == "print('hi')\n" and body["encoding"] == "utf-8"
    status, body = await get(world.client, "/api/v1/github/repos/octo-org/app/file/logo.bin")
    assert body["encoding"] == "base64" and base64.b64decode(body["content"]) == b"\x89PNG\xff"
    for path, params, expected in (
        ("file/src", {}, 400),  # a directory
        ("file/nope.txt", {}, 404),
        ("file/README.md", {"ref": "no-such-branch"}, 404),
        ("files", {"path": "src/../.."}, 400),
        ("files", {"path": "README.md"}, 400),  # a file
        ("files", {"ref": "../x"}, 400),
    ):
        resp = await world.client.get(f"/api/v1/github/repos/octo-org/app/{path}", params=params)
        status, body = resp.status, await resp.json()
        assert status == expected and "error" in body, (path, params, status, body)
    for bad in ("/api/v1/github/repos/-x/app/files", "/api/v1/github/repos/octo-org/..%2F/files"):
        assert (await world.client.get(bad)).status in (400, 404)


async def test_github_refusals_are_passed_on(world: World) -> None:
    other = await other_browser(world.client)
    try:
        await sign_in(other, world.fake, "mallory", MALLORY)  # no role on the private repository
        for path in ("/api/v1/github/repos/octo-org/app/files", "/api/v1/github/repos/octo-org/app/file/README.md",
                     "/api/v1/github/repos/octo-org/app/workflows",
                     "/api/v1/github/commits/abcdef1/diff?repo=octo-org/app",
                     "/api/v1/github/runs/5/logs?repo=octo-org/app"):
            resp = await other.get(path)
            assert resp.status == 404, (path, await resp.text())
        world.fake.fail_next("GET", "/repos/solo/tool/contents/", (403, "Resource not accessible by integration"))
        resp = await other.get("/api/v1/github/repos/solo/tool/files")
        assert resp.status == 403 and "HTTP 403" in (await resp.json())["error"]
        resp = await other.get("/api/v1/github/repos/solo/tool/files")  # a public repository: anyone may read
        assert resp.status == 200
    finally:
        await other.session.close()


async def test_workflows_run_logs_redacted_and_commit_diff(world: World) -> None:
    await octocat(world)
    main = world.private.refs["heads/main"]
    head = world.private.commit({"src/main.py": "print('bye')\n"}, parent=main, branch="feature", message="Say bye")
    run = world.repos.add_run(world.private, head_sha=head, branch="feature", conclusion="failure", jobs=[
        {"name": "build", "conclusion": "failure", "steps": [("Run tests", "failure")],
         "log": f"2024-01-01T00:00:00Z token={SECRET_IN_LOG}\nFAILED test_x\n".encode()}])
    status, body = await get(world.client, "/api/v1/github/repos/octo-org/app/workflows")
    assert status == 200 and [(w["name"], w["path"]) for w in body["workflows"]] == [("CI", ".github/workflows/ci.yml")]

    status, body = await get(world.client, f"/api/v1/github/runs/{run['id']}/logs", repo="octo-org/app")
    assert status == 200, body
    names = [f["name"] for f in body["files"]]
    assert names == ["0_build.txt", "build/1_Run tests.txt"]
    text = json.dumps(body)
    assert SECRET_IN_LOG not in text and "[REDACTED]" in body["files"][0]["text"]
    assert "FAILED test_x" in body["files"][0]["text"]
    # the zip came from the blob host, without our token (GitHub's 302 to a signed URL)
    [blob] = world.fake.calls("GET", f"/_blobs/run-logs/{run['id']}")
    assert "Authorization" not in blob.headers
    for params, expected in (({"repo": "octo-org/app"}, 404), ({}, 400), ({"repo": "nope"}, 400)):
        status, _ = await get(world.client, "/api/v1/github/runs/999999/logs", **params)
        assert status == expected, params
    assert (await world.client.get("/api/v1/github/runs/0/logs?repo=octo-org/app")).status == 400

    status, body = await get(world.client, f"/api/v1/github/commits/{head}/diff", repo="octo-org/app")
    assert status == 200 and body["sha"] == head and body["parents"] == [main]
    [changed] = body["files"]
    assert changed["filename"] == "src/main.py" and "+print('bye')" in changed["patch"]
    status, _ = await get(world.client, "/api/v1/github/commits/0123456789abcdef/diff", repo="octo-org/app")
    assert status == 404  # GitHub answers 422 "No commit found"
    status, _ = await get(world.client, "/api/v1/github/commits/not-a-sha/diff", repo="octo-org/app")
    assert status == 400


# ---- connect / disconnect / test ---------------------------------------------------------------------------------
async def test_app_repository_connect_switches_monitoring(world: World) -> None:
    csrf = await octocat(world)
    row = await world.db.installations.repository("octo-org/app")
    assert row is not None
    url = f"/api/v1/repositories/{row.id}/connect"
    assert (await world.client.delete(url)).status == 403  # no CSRF token
    resp = await world.client.delete(url, headers={"X-CSRF-Token": csrf})
    assert resp.status == 200 and (await resp.json())["is_enabled"] is False
    resp = await world.client.post(url, headers={"X-CSRF-Token": csrf})
    body = await resp.json()
    assert resp.status == 200 and body["is_enabled"] is True and body["mode"] == "app"
    resp = await world.client.post(f"/api/v1/repositories/{row.id}/test", headers={"X-CSRF-Token": csrf})
    assert resp.status == 200 and (await resp.json())["mode"] == "app"

    other = await other_browser(world.client)
    try:
        other_csrf = await sign_in(other, world.fake, "mallory", MALLORY)
        for method, path in (("POST", url), ("DELETE", url), ("POST", f"/api/v1/repositories/{row.id}/test")):
            resp = await other.request(method, path, headers={"X-CSRF-Token": other_csrf})
            assert resp.status == 404, (method, path)
        world.fake.oauth.grant_repo(MALLORY, "octo-org/app", "push")  # type: ignore[attr-defined]
        world.client.app[ACCESS_KEY].cache.clear()  # what GitHub shows is cached a minute per person
        resp = await other.post(url, headers={"X-CSRF-Token": other_csrf})
        assert resp.status == 403  # seen, not admin
    finally:
        await other.session.close()


async def deliver_signed(client: TestClient, hook_id: int | None, secret: str, payload: dict[str, Any],
                         event: str = "ping") -> int:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "X-GitHub-Event": event, "X-GitHub-Delivery": str(uuid.uuid4()),
               "X-Hub-Signature-256": signature(secret, body)}
    if hook_id is not None:
        headers["X-GitHub-Hook-ID"] = str(hook_id)
    resp = await client.post("/api/github/webhooks", data=body, headers=headers)
    return resp.status


async def test_oauth_mode_hook_installed_verified_by_hook_id_and_removed(world: World) -> None:
    csrf = await octocat(world)
    url = f"/api/v1/repositories/{world.solo.id}/connect"
    resp = await world.client.post(url)
    assert resp.status == 403  # CSRF missing
    resp = await world.client.post(url, headers={"X-CSRF-Token": csrf})
    assert resp.status == 409 and "legacy" in (await resp.json())["error"]  # only an App user token so far
    await world.legacy_token(OCTOCAT, scopes="repo, read:user")  # no admin:repo_hook: GitHub answers 404
    resp = await world.client.post(url, headers={"X-CSRF-Token": csrf})
    assert resp.status == 404 and "admin:repo_hook" in (await resp.json())["error"]
    assert world.solo.hooks == {}

    token = await world.legacy_token(OCTOCAT)
    resp = await world.client.post(url, headers={"X-CSRF-Token": csrf})
    text = await resp.text()
    assert resp.status == 201, text
    body = json.loads(text)
    assert body["mode"] == "webhook" and body["hook_created"] and body["acting_as"]["login"] == "octocat"
    assert body["acting_as"]["kind"] == "github_oauth" and "install the DevFlowFix GitHub App" in body["recommendation"]
    [(hook_id, hook)] = world.solo.hooks.items()
    assert str(hook_id) == body["webhook_id"]
    assert hook["config"]["url"] == str(world.client.make_url("/api/github/webhooks"))
    assert set(hook["events"]) == {"workflow_run", "pull_request", "issue_comment", "check_run"}
    secret = hook["config"]["secret"]
    assert len(secret) >= 32 and secret not in text and token not in text
    assert world.fake.tokens[hook["created_by"]].kind == "oauth"  # the legacy token, not the App user token
    async with world.db.sessions() as session:
        row = (await session.execute(select(RepositoryConnection).where(
            RepositoryConnection.repository_id == str(world.solo.id)))).scalar_one()
    assert row.installation_id is None and row.webhook_secret_enc and secret.encode() not in row.webhook_secret_enc

    # connecting again repairs the same hook (a new secret is not needed; GitHub never shows the old one)
    resp = await world.client.post(f"/api/v1/repositories/{row.id}/connect", headers={"X-CSRF-Token": csrf})
    assert resp.status == 200 and len(world.solo.hooks) == 1

    # test: GitHub pings the hook, really, and our answer is what it reports
    resp = await world.client.post(f"/api/v1/repositories/{row.id}/test", headers={"X-CSRF-Token": csrf})
    body = await resp.json()
    assert resp.status == 200 and body["ok"] is True and body["last_response"]["code"] == 202, body

    # deliveries: the hook's secret by its id; a wrong secret, the App's secret or another repository refused
    payload = {"zen": "x", "hook_id": hook_id, "repository": {"id": world.solo.id, "full_name": "solo/tool"}}
    assert await deliver_signed(world.client, hook_id, secret, payload) == 202
    assert await deliver_signed(world.client, hook_id, "wrong-secret", payload) == 401
    assert await deliver_signed(world.client, hook_id, WEBHOOK_SECRET, payload) == 401
    elsewhere = {**payload, "repository": {"id": world.private.id, "full_name": "octo-org/app"}}
    assert await deliver_signed(world.client, hook_id, secret, elsewhere) == 403
    # the App's deliveries (its own hook id, or none) still verify with WEBHOOK_SECRET
    assert await deliver_signed(world.client, 12345, WEBHOOK_SECRET, payload) == 202
    assert await deliver_signed(world.client, None, WEBHOOK_SECRET, payload) == 202
    assert await deliver_signed(world.client, 12345, secret, payload) == 401

    # another person reaches none of it
    other = await other_browser(world.client)
    try:
        other_csrf = await sign_in(other, world.fake, "mallory", MALLORY)
        for method, path in (("POST", f"/api/v1/repositories/{row.id}/connect"),
                             ("DELETE", f"/api/v1/repositories/{row.id}/connect"),
                             ("POST", f"/api/v1/repositories/{row.id}/test")):
            resp = await other.request(method, path, headers={"X-CSRF-Token": other_csrf})
            assert resp.status == 404, (method, path, await resp.text())
    finally:
        await other.session.close()
    assert len(world.solo.hooks) == 1

    resp = await world.client.delete(f"/api/v1/repositories/{row.id}/connect", headers={"X-CSRF-Token": csrf})
    assert resp.status == 204, await resp.text()
    assert world.solo.hooks == {}
    assert await deliver_signed(world.client, hook_id, secret, payload) == 401  # the hook's secret is void now
    resp = await world.client.delete(f"/api/v1/repositories/{row.id}/connect", headers={"X-CSRF-Token": csrf})
    assert resp.status == 404
