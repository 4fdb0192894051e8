"""The console pages over real HTTP (no browser): what they show, the CSRF token every form needs (403 without),
another person's repository, incident or connection (404), the changes recorded in the audit trail, the search,
filter, batch and statistics API, and HTML vs JSON error answers on the sign-in and setup callbacks."""

# ruff: noqa: F811  (the `world` fixture comes from test_repositories_api)
from __future__ import annotations

import re
import uuid
from typing import Any

from aiohttp.test_utils import TestClient

from bot.appkeys import QUEUE
from storage.database import Database
from storage.deliveries import FAILED
from storage.models import Incident
from tests.identities import other_browser, sign_in
from tests.test_repositories_api import World, octocat, ping_payload, world  # noqa: F401  (the fixture)

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CSRF_FIELD = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def csrf_of(page: str) -> str:
    found = CSRF_FIELD.search(page)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def page(client: TestClient, path: str, status: int = 200) -> str:
    resp = await client.get(path, headers=HTML, allow_redirects=False)
    text = await resp.text()
    assert resp.status == status, (path, resp.status, text[:500])
    assert resp.content_type == "text/html"
    return text


async def an_incident(world: World, full_name: str = "octo-org/app") -> Incident:
    row = await world.row(full_name)
    store = world.db.incidents
    incident = await store.claim_run({"repository_full_name": full_name, "run_id": 4242, "workflow_name": "CI",
                                      "head_branch": "main", "repository_connection_id": row.id,
                                      "links": {"run": f"https://github.com/{full_name}/actions/runs/4242"}})
    await store.update(incident.id, status="open", category="test", signature="sig-console",
                       root_cause="The test expects 42 but got 41.",
                       analysis={"summary": "expected 42", "excerpt": [[17, "AssertionError: expected 42 got 41"]],
                                 "failed_step": "Run tests", "outcome": "explained in a comment",
                                 "refs": [["src/app.py", 12], ["requirements.txt", None]]})
    await store.fix_opened(incident.id, {"repository_full_name": full_name, "target_branch": "main",
                                         "branch": "devflowfix/abc", "commit_sha": "c" * 40, "pr_number": 9,
                                         "pr_url": f"https://github.com/{full_name}/pull/9"})
    found = await store.get(incident.id)
    assert found is not None
    return found


# ---------------------------------------------------------------------------------------------------------------
async def test_signed_out_browsers_go_to_sign_in(world: World) -> None:
    for path in ("/repositories", "/settings/integrations", f"/repositories/{uuid.uuid4()}",
                 f"/incidents/{uuid.uuid4()}"):
        resp = await world.client.get(path, headers=HTML, allow_redirects=False)
        assert resp.status == 303 and resp.headers["Location"] == "/sign-in", path
    text = await page(world.client, "/sign-in")
    assert "Sign in with GitHub" in text and 'href="/api/v1/oauth/github/authorize"' in text
    resp = await world.client.get("/", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/sign-in"
    css = await world.client.get("/static/console/console.css")
    assert css.status == 200 and "text/css" in css.headers["Content-Type"]


async def test_the_pages_show_repositories_a_repository_an_incident_and_integrations(world: World) -> None:
    await octocat(world)
    app = await world.row("octo-org/app")
    incident = await an_incident(world)
    await world.deliver("ping", ping_payload("octo-org/app"))

    listing = await page(world.client, "/repositories")
    for name in ("octo-org/app", "octo-org/lib", "octo-org/unwatched"):
        assert name in listing
    assert "not watched" in listing and 'form="batch"' in listing and "Test webhook" in listing
    assert 'name="csrf_token"' in listing
    searched = await page(world.client, "/repositories?q=lib")
    assert "octo-org/lib" in searched and "octo-org/app" not in searched
    off = await page(world.client, "/repositories?monitoring=off")
    assert "octo-org/unwatched" in off and "octo-org/lib" not in off
    assert "octo-org/app" not in await page(world.client, "/repositories?provider=gitlab")
    paged = await page(world.client, "/repositories?per_page=1&page=2")
    assert "octo-org/lib" in paged and "Next page" in paged and "Previous page" in paged
    await page(world.client, "/repositories?page=0", 400)
    await page(world.client, "/repositories?provider=svn", 400)

    one = await page(world.client, f"/repositories/{app.id}")
    for text in ("Statistics", "Incidents (1)", "Workflow runs", "Fix pull requests", "#9", "Event history (1)",
                 "ping", "Monitoring", "test"):
        assert text in one, text
    detail = await page(world.client, f"/incidents/{incident.id}")
    for text in ("AssertionError: expected 42 got 41", "The test expects 42 but got 41.", "Run tests",
                 "https://github.com/octo-org/app/actions/runs/4242", "/octo-org/app/pull/9",
                 "What the bot did", "explained in a comment",
                 "Where: <code>src/app.py:12</code>, <code>requirements.txt</code>"):  # the repository paths it names
        assert text in detail, text
    integrations = await page(world.client, "/settings/integrations")
    assert "GitHub App authorization" in integrations and "octocat" in integrations and "Disconnect" in integrations


async def test_every_form_refuses_a_missing_or_wrong_csrf_token(world: World) -> None:
    await octocat(world)
    app = await world.row("octo-org/app")
    user = await world.db.users.by_github_id(1)
    assert user is not None
    [connection] = await world.db.connections.for_user(user.id)
    pk = await world.deliver("ping", ping_payload("octo-org/app"))
    await world.db.deliveries.finish(pk, FAILED, "boom")
    forms = {
        "/sign-out": {},
        f"/repositories/{app.id}/settings": {"setting": "is_enabled", "value": "off"},
        "/repositories/batch": {"action": "monitoring-off", "ids": app.id},
        f"/repositories/{app.id}/test": {},
        f"/settings/integrations/connections/{connection.id}/refresh": {},
        f"/settings/integrations/connections/{connection.id}/delete": {},
        f"/deliveries/{pk}/redeliver": {"repository_id": app.id},
        "/repositories/gitlab/5/connect": {},
    }
    for path, fields in forms.items():
        for token in (None, "0" * 64, "not-a-token"):
            data = dict(fields) if token is None else {**fields, "csrf_token": token}
            resp = await world.client.post(path, data=data, headers=HTML, allow_redirects=False)
            assert resp.status == 403, (path, token, resp.status)
            assert resp.content_type == "text/html" and "CSRF" in await resp.text()
    # nothing happened
    assert (await world.row("octo-org/app")).is_enabled is True
    assert await world.db.connections.get(connection.id) is not None
    assert (await world.db.deliveries.get(pk)).status == FAILED  # type: ignore[union-attr]
    assert (await world.client.get("/api/v1/session")).status == 200
    assert (await (await world.client.get("/api/v1/session")).json())["signed_in"] is True


async def test_a_toggle_and_a_batch_change_go_through_the_api_functions_and_are_recorded(world: World) -> None:
    await octocat(world)
    app, lib = await world.row("octo-org/app"), await world.row("octo-org/lib")
    csrf = csrf_of(await page(world.client, "/repositories"))

    resp = await world.client.post(f"/repositories/{app.id}/settings", allow_redirects=False, headers=HTML,
                                   data={"csrf_token": csrf, "setting": "auto_pr_enabled", "value": "off",
                                         "back": "q=app&evil=//x.example"})
    assert resp.status == 303 and resp.headers["Location"] == "/repositories?q=app&done=saved"
    assert (await world.row("octo-org/app")).auto_pr_enabled is False
    assert "The settings were saved." in await page(world.client, resp.headers["Location"])

    resp = await world.client.post("/repositories/batch", allow_redirects=False, headers=HTML,
                                   data=[("csrf_token", csrf), ("action", "monitoring-off"), ("ids", app.id)])
    assert resp.status == 303
    assert (await world.row("octo-org/app")).is_enabled is False
    # lib is pull-only: the batch reports it and changes nothing there
    resp = await world.client.post("/repositories/batch", headers=HTML,
                                   data=[("csrf_token", csrf), ("action", "monitoring-on"), ("ids", app.id),
                                         ("ids", lib.id), ("ids", str(uuid.uuid4()))])
    text = await resp.text()
    assert resp.status == 200 and "1 changed" in text and "admin permission" in text and "no such repository" in text
    assert (await world.row("octo-org/app")).is_enabled is True and (await world.row("octo-org/lib")).is_enabled
    for bad in ([("csrf_token", csrf), ("action", "explode"), ("ids", app.id)], [("csrf_token", csrf),
                                                                                 ("action", "monitoring-on")]):
        assert (await world.client.post("/repositories/batch", data=bad, headers=HTML)).status == 422
    resp = await world.client.post(f"/repositories/{app.id}/settings", headers=HTML,
                                   data={"csrf_token": csrf, "setting": "installation_id", "value": "on"})
    assert resp.status == 422

    events = await world.db.audit.for_target("repository", app.id)
    user = await world.db.users.by_github_id(1)
    assert user is not None
    assert [(e.action, e.via, e.user_id) for e in events][:3] == [("repository.settings", "console", user.id)] * 3
    assert events[-1].details == {"full_name": "octo-org/app", "auto_pr_enabled": False}
    history = await page(world.client, f"/repositories/{app.id}")
    assert "repository.settings" in history and "by you" in history

    test = await world.client.post(f"/repositories/{app.id}/test", data={"csrf_token": csrf}, headers=HTML)
    assert test.status == 200 and "Test webhook: octo-org/app" in await test.text()
    lib_test = await world.client.post(f"/repositories/{lib.id}/test", data={"csrf_token": csrf}, headers=HTML)
    assert lib_test.status == 403


async def test_redeliver_and_sign_out_from_the_pages(world: World) -> None:
    await octocat(world)
    app = await world.row("octo-org/app")
    pk = await world.deliver("ping", ping_payload("octo-org/app"))
    await world.db.deliveries.finish(pk, FAILED, "handler ping: boom")
    text = await page(world.client, f"/repositories/{app.id}")
    assert f'action="/deliveries/{pk}/redeliver"' in text
    csrf = csrf_of(text)
    resp = await world.client.post(f"/deliveries/{pk}/redeliver", allow_redirects=False, headers=HTML,
                                   data={"csrf_token": csrf, "repository_id": app.id})
    assert resp.status == 303 and resp.headers["Location"].startswith(f"/repositories/{app.id}?done=redelivered")
    await world.client.app[QUEUE].join(timeout=30)
    assert (await world.db.deliveries.get(pk)).status == "done"  # type: ignore[union-attr]
    assert [e.action for e in await world.db.audit.for_target("delivery", str(pk))] == ["delivery.redeliver"]

    resp = await world.client.post("/sign-out", data={"csrf_token": csrf}, allow_redirects=False, headers=HTML)
    assert resp.status == 303 and resp.headers["Location"] == "/sign-in?done=signed-out"
    assert (await (await world.client.get("/api/v1/session")).json())["signed_in"] is False
    resp = await world.client.get("/repositories", headers=HTML, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/sign-in"
    assert "You are signed out." in await page(world.client, "/sign-in?done=signed-out")


async def test_another_persons_repository_incident_and_connection_are_404(world: World) -> None:
    await octocat(world)
    app = await world.row("octo-org/app")
    incident = await an_incident(world)
    user = await world.db.users.by_github_id(1)
    assert user is not None
    [connection] = await world.db.connections.for_user(user.id)
    pk = await world.deliver("ping", ping_payload("octo-org/app"))
    await world.db.deliveries.finish(pk, FAILED, "boom")

    other = await other_browser(world.client)
    try:
        await sign_in(other, world.fake, "mallory", 666)
        world.fake.oauth.grant_repo(666, "other-org/tool", "admin")  # type: ignore[attr-defined]
        csrf = csrf_of(await page(other, "/repositories"))
        for path in (f"/repositories/{app.id}", f"/incidents/{incident.id}",
                     f"/settings/integrations/connections/{connection.id}/check", "/repositories/not-an-id!",
                     f"/incidents/{uuid.uuid4()}"):
            text = await page(other, path, 404)
            assert "Not found" in text, path
        for path, fields in ((f"/repositories/{app.id}/settings", {"setting": "is_enabled", "value": "off"}),
                             (f"/repositories/{app.id}/test", {}),
                             (f"/settings/integrations/connections/{connection.id}/refresh", {}),
                             (f"/settings/integrations/connections/{connection.id}/delete", {}),
                             (f"/deliveries/{pk}/redeliver", {"repository_id": app.id})):
            resp = await other.post(path, data={**fields, "csrf_token": csrf}, headers=HTML, allow_redirects=False)
            assert resp.status == 404, path
        listing = await page(other, "/repositories")
        assert "other-org/tool" in listing and "octo-org/app" not in listing
    finally:
        await other.close()
    assert (await world.row("octo-org/app")).is_enabled is True
    assert await world.db.connections.get(connection.id) is not None


async def test_callbacks_answer_a_browser_with_a_page_and_an_api_client_with_json(world: World) -> None:
    for path in ("/api/v1/oauth/github/callback?error=access_denied", "/api/v1/oauth/github/callback",
                 "/api/v1/oauth/github/callback?code=abc&state=v1.x.1.y", "/setup/callback?code=abc&state=x"):
        resp = await world.client.get(path, headers=HTML)
        text = await resp.text()
        assert resp.status in (400, 409) and resp.content_type == "text/html", path
        assert "<h1" in text and "HTTP" in text and "{" not in text.split("<body>", 1)[-1][:200], path
        assert ("Sign in again" in text) or ("Start the setup again" in text), path
        api = await world.client.get(path, headers={"Accept": "application/json"})
        assert api.status == resp.status and api.content_type == "application/json", path
        assert "error" in await api.json()
    denied = await (await world.client.get("/api/v1/oauth/github/callback?error=access_denied", headers=HTML)).text()
    assert "did not authorize" in denied
    # an unknown page and an API path keep their own answers
    assert (await world.client.get("/api/v1/repositories", headers=HTML)).content_type == "application/json"


async def test_a_successful_sign_in_lands_on_the_repositories(world: World) -> None:
    from tests.identities import follow_to_provider, provider_approves

    world.fake.oauth.add_user("octocat", 1)  # type: ignore[attr-defined]
    world.fake.oauth.approve_as = 1  # type: ignore[attr-defined]
    callback = await provider_approves(await follow_to_provider(world.client))
    resp = await world.client.get(callback, allow_redirects=False, headers=HTML)
    assert resp.status == 302 and resp.headers["Location"] == "/repositories"
    user = await world.db.users.by_github_id(1)
    assert user is not None
    assert [e.action for e in await world.db.audit.by_user(user.id)] == ["connection.store"]


# ---- the JSON API the pages use -------------------------------------------------------------------------------
async def test_the_api_searches_filters_and_pages(world: World) -> None:
    csrf = await octocat(world)
    app = await world.row("octo-org/app")
    await world.client.patch(f"/api/v1/repositories/{app.id}/settings", json={"is_enabled": False},
                             headers={"X-CSRF-Token": csrf})

    async def names(query: str) -> list[str]:
        resp = await world.client.get(f"/api/v1/repositories?{query}")
        assert resp.status == 200, (query, await resp.text())
        return [r["full_name"] for r in (await resp.json())["repositories"]]

    assert await names("") == ["octo-org/app", "octo-org/lib"]
    assert await names("q=LIB") == ["octo-org/lib"]
    assert await names("owner=octo-org") == ["octo-org/app", "octo-org/lib"]
    assert await names("owner=nobody") == []
    assert await names("monitoring=off") == ["octo-org/app"]
    assert await names("monitoring=on") == ["octo-org/lib"]
    assert await names("provider=gitlab") == []
    assert await names("provider=github&include_unwatched=true") == ["octo-org/app", "octo-org/lib",
                                                                     "octo-org/unwatched"]
    body = await (await world.client.get("/api/v1/repositories?include_unwatched=1&q=unw")).json()
    [unwatched] = body["repositories"]
    assert unwatched["watched"] is False and unwatched["id"] is None and body["owners"] == ["octo-org"]
    first = await (await world.client.get("/api/v1/repositories?q=octo&per_page=1")).json()
    assert first["total"] == 2 and first["next_page"] == 2
    for bad in ("provider=svn", "monitoring=maybe", "owner=a/b", "q=" + "x" * 101, "owner=%20..%2F"):
        resp = await world.client.get(f"/api/v1/repositories?{bad}")
        assert resp.status == 400 and "error" in await resp.json(), bad


async def test_the_batch_api_changes_what_it_may_and_reports_the_rest(world: World) -> None:
    csrf = await octocat(world)
    app, lib, tool = [await world.row(n) for n in ("octo-org/app", "octo-org/lib", "other-org/tool")]
    url, headers = "/api/v1/repositories/batch", {"X-CSRF-Token": csrf}
    assert (await world.client.post(url, json={"ids": [app.id], "monitoring": False})).status == 403
    resp = await world.client.post(url, json={"ids": [app.id, lib.id, tool.id, "x' OR 1=1", app.id],
                                              "monitoring": False, "auto_pr": False}, headers=headers)
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["changed"] == 1
    assert [(r["id"][:8], r["status"]) for r in body["results"]] == [
        (app.id[:8], 200), (lib.id[:8], 403), (tool.id[:8], 404), ("x' OR 1=", 404)]
    assert body["results"][0]["repository"]["is_enabled"] is False
    fresh = await world.row("octo-org/app")
    assert (fresh.is_enabled, fresh.auto_pr_enabled) == (False, False)
    assert (await world.row("octo-org/lib")).is_enabled is True
    assert [e.via for e in await world.db.audit.for_target("repository", app.id)] == ["api"]
    bad_bodies: list[Any] = [[], {}, {"ids": []}, {"ids": [app.id]}, {"ids": "x", "monitoring": True},
                             {"ids": [1], "monitoring": True}, {"ids": [app.id], "monitoring": "no"},
                             {"ids": [app.id], "monitoring": True, "owner": "me"},
                             {"ids": ["a"] * 101, "monitoring": True}]
    for bad in bad_bodies:
        resp = await world.client.post(url, json=bad, headers=headers)
        assert resp.status == 422 and "error" in await resp.json(), bad
    resp = await world.client.post(url, data=b"{nope", headers={**headers, "Content-Type": "application/json"})
    assert resp.status == 422
    resp = await world.client.post(url, data=b"x" * 20_000, headers={**headers, "Content-Type": "application/json"})
    assert resp.status == 413


async def test_statistics_count_categories_time_to_fix_and_fix_pr_fates(world: World) -> None:
    await octocat(world)
    app = await world.row("octo-org/app")
    store = world.db.incidents
    fates = {1: ("resolved", "test", None), 2: ("fixed", "test", "fixed"), 3: ("open", "build", "merged"),
             4: ("open", None, "closed"), 5: ("open", "build", "open")}
    for run_id, (status, category, fix_state) in fates.items():
        incident = await store.claim_run({"repository_full_name": "octo-org/app", "run_id": run_id,
                                          "repository_connection_id": app.id})
        values: dict[str, Any] = {"status": status, "category": category}
        if fix_state:
            values.update(fix_state=fix_state, fix_pr_number=100 + run_id, fix_branch=f"devflowfix/{run_id}")
        await store.update(incident.id, **values)
    await store.claim_run({"repository_full_name": "octo-org/lib", "run_id": 9})
    resp = await world.client.get(f"/api/v1/repositories/{app.id}/statistics")
    assert resp.status == 200, await resp.text()
    stats = await resp.json()
    assert stats["incidents"]["total"] == 5
    assert stats["incidents"]["by_category"] == {"test": 2, "build": 2, "unknown": 1}
    assert stats["time_to_fix"]["fixed"] == 2 and stats["time_to_fix"]["median_seconds"] >= 0
    fix = stats["fix_prs"]
    assert (fix["total"], fix["merged"], fix["closed"], fix["open"], fix["verified"]) == (4, 1, 1, 1, 1)
    text = await page(world.client, f"/repositories/{app.id}")
    assert "fix PRs merged" in text and "closed unmerged" in text
    other = await other_browser(world.client)
    try:
        await sign_in(other, world.fake, "mallory", 666)
        assert (await other.get(f"/api/v1/repositories/{app.id}/statistics")).status == 404
    finally:
        await other.close()


async def test_hostile_links_and_markup_from_payloads_are_neutralized(world: World) -> None:
    await octocat(world)
    incident = await an_incident(world)
    await world.db.incidents.update(incident.id, links={"run": "javascript:alert(1)"},
                                    root_cause="<script>alert('x')</script>",
                                    analysis={"excerpt": [[1, "<img src=x onerror=alert(1)>"]],
                                              "job_url": "//evil.example/x"})
    text = await page(world.client, f"/incidents/{incident.id}")
    assert "javascript:" not in text and "//evil.example" not in text
    assert "<script>alert" not in text and "&lt;script&gt;" in text and "<img src=x" not in text


async def test_a_merged_fix_pr_is_told_from_a_closed_one(db: Database) -> None:
    store = db.incidents
    for run_id, merged in ((1, True), (2, False)):
        incident = await store.claim_run({"repository_full_name": "o/r", "run_id": run_id})
        await store.update(incident.id, fix_state="open", fix_branch=f"devflowfix/{run_id}", fix_pr_number=run_id)
        assert await store.close_fix("o/r", f"devflowfix/{run_id}", merged=merged) == 1
    stats = await db.statistics.for_repository("o/r")
    assert stats.fix_prs == {"merged": 1, "closed": 1}


async def test_integrations_check_refresh_disconnect_and_the_legacy_notice(world: World) -> None:
    await octocat(world)
    user = await world.db.users.by_github_id(1)
    assert user is not None and world.services.user_tokens is not None
    [app_connection] = await world.db.connections.for_user(user.id)
    await world.services.user_tokens.store_legacy(user_id=user.id, kind="github_oauth",
                                                  token=world.fake.oauth.legacy_token("oauth", 1))  # type: ignore
    text = await page(world.client, "/settings/integrations")
    assert "legacy GitHub OAuth token" in text and "Move to the DevFlowFix GitHub App" in text
    assert "you already did" in text  # the App is authorized too: only the clean-up is left
    checked = await page(world.client, f"/settings/integrations/connections/{app_connection.id}/check")
    assert "works" in checked and "octocat" in checked
    csrf = csrf_of(text)
    resp = await world.client.post(f"/settings/integrations/connections/{app_connection.id}/refresh",
                                   data={"csrf_token": csrf}, headers=HTML, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/settings/integrations?done=refreshed"
    legacy = next(c for c in await world.db.connections.for_user(user.id) if c.kind == "github_oauth")
    resp = await world.client.post(f"/settings/integrations/connections/{legacy.id}/refresh",
                                   data={"csrf_token": csrf}, headers=HTML)
    assert resp.status == 409 and "reconnect instead" in await resp.text()
    resp = await world.client.post(f"/settings/integrations/connections/{app_connection.id}/delete",
                                   data={"csrf_token": csrf}, headers=HTML, allow_redirects=False)
    assert resp.status == 303 and await world.db.connections.get(app_connection.id) is None
    after = await page(world.client, "/settings/integrations?done=deleted")
    assert "The connection was removed." in after and "Authorize the GitHub App" in after
    actions = [(e.action, e.via) for e in await world.db.audit.by_user(user.id)]
    assert ("connection.delete", "console") in actions and ("connection.refresh", "console") in actions
