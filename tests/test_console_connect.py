"""The Repositories page's Connect button for a GitHub repository the App is not installed on, over real HTTP
against the fake GitHub: the person's legacy token lists what they administer (`GET /user/repos`), Connect
installs a repository webhook (CSRF; recorded), and what GitHub refuses (403, 404, the 422 of a repository at its
webhook limit) is said on the page."""

# ruff: noqa: F811  (the `world` fixture comes from test_github_api)
from __future__ import annotations

from bot.web.github_reach import REACH_KEY
from tests.fakes.github_hooks import HOOK_LIMIT
from tests.identities import other_browser, sign_in
from tests.test_console import HTML, csrf_of, page
from tests.test_github_api import MALLORY, OCTOCAT, World, octocat, world  # noqa: F401  (the fixture)


async def test_connect_a_repository_without_the_app_from_the_page(world: World) -> None:
    await octocat(world)
    listing = await page(world.client, "/repositories")
    assert "solo/tool" not in listing  # no legacy token yet: nothing to connect without the App
    await world.legacy_token(OCTOCAT)
    world.client.app[REACH_KEY].cache.clear()  # what the legacy token lists is cached a minute per person
    listing = await page(world.client, "/repositories")
    assert "solo/tool" in listing and f'action="/repositories/{world.solo.id}/connect"' in listing
    assert "the DevFlowFix App is not installed here" in listing
    csrf = csrf_of(listing)

    resp = await world.client.post(f"/repositories/{world.solo.id}/connect", data={"csrf_token": "nope"},
                                   headers=HTML)
    assert resp.status == 403 and world.solo.hooks == {}
    resp = await world.client.post(f"/repositories/{world.solo.id}/connect", headers=HTML, allow_redirects=False,
                                   data={"csrf_token": csrf, "full_name": "solo/tool"})
    assert resp.status == 303, await resp.text()
    location = resp.headers["Location"]
    assert location.startswith("/repositories/") and location.endswith("?done=github-connected")
    assert len(world.solo.hooks) == 1
    shown = await page(world.client, location)
    assert "The repository is connected" in shown and "solo/tool" in shown
    listing = await page(world.client, "/repositories")
    assert "watched by a repository webhook, DevFlowFix acts as you" in listing
    row_id = location.split("/")[2].split("?")[0]
    actions = [e.action for e in await world.db.audit.for_target("repository", row_id)]
    assert actions == ["repository.connect"]

    # refusals, said on the page with GitHub's status: no admin (403), a token without admin:repo_hook (404)
    other = world.repos.add("solo/other", files={"README.md": "x\n"})
    world.fake.oauth.grant_repo(OCTOCAT, "solo/other", "push")  # type: ignore[attr-defined]
    refused = await world.client.post(f"/repositories/{other.id}/connect", headers=HTML,
                                      data={"csrf_token": csrf, "full_name": "solo/other"})
    text = await refused.text()
    assert refused.status == 403 and "Connect: solo/other" in text and "admin" in text, text[:300]
    await world.legacy_token(OCTOCAT, scopes="repo, read:user")
    world.fake.oauth.grant_repo(OCTOCAT, "solo/other", "admin")  # type: ignore[attr-defined]
    refused = await world.client.post(f"/repositories/{other.id}/connect", headers=HTML,
                                      data={"csrf_token": csrf, "full_name": "solo/other"})
    text = await refused.text()
    assert refused.status == 404 and "admin:repo_hook" in text and other.hooks == {}

    # a repository at GitHub's limit of webhooks: GitHub's 422, said on the page, nothing installed or recorded
    await world.legacy_token(OCTOCAT)
    full = world.repos.add("solo/full", files={"README.md": "x\n"})
    world.fake.oauth.grant_repo(OCTOCAT, "solo/full", "admin")  # type: ignore[attr-defined]
    for n in range(HOOK_LIMIT):
        full.hooks[n + 1] = {"id": n + 1, "active": True, "events": ["push"], "created_by": None,
                             "config": {"url": f"https://ci-{n}.example/hook", "content_type": "json"},
                             "last_response": {"code": 200, "status": "active", "message": "OK"}}
    refused = await world.client.post(f"/repositories/{full.id}/connect", headers=HTML,
                                      data={"csrf_token": csrf, "full_name": "solo/full"})
    text = await refused.text()
    assert refused.status == 422 and "Connect: solo/full" in text and "422" in text, text[:400]
    assert len(full.hooks) == HOOK_LIMIT and await world.db.repositories.by_provider_id("github", str(full.id)) is None

    # another person cannot reach the connected one
    browser = await other_browser(world.client)
    try:
        await sign_in(browser, world.fake, "mallory", MALLORY)
        await page(browser, f"/repositories/{row_id}", status=404)
    finally:
        await browser.session.close()
