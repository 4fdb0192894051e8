"""Connecting a GitHub repository the App is not installed on, in a real browser against the fake GitHub: the
person signs in, their legacy token shows a repository they administer, they click Connect, the fake GitHub
receives the repository webhook and the repository's page opens; a refusal is said on the page. Screenshots
under `.artifacts/screenshots/`."""

# ruff: noqa: F811  (the `world` fixture comes from test_github_api)
from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.test_console_browser import DESKTOP
from tests.test_github_api import OCTOCAT, World, world  # noqa: F401  (the fixture)


async def test_a_person_connects_a_repository_without_the_app(world: World, browser: Any, screenshots: Path) -> None:
    from playwright.async_api import expect

    base = str(world.client.make_url("/")).rstrip("/")
    world.services.settings.public_url = base
    world.fake.oauth.add_user("octocat", OCTOCAT)  # type: ignore[attr-defined]
    world.fake.oauth.approve_as = OCTOCAT  # type: ignore[attr-defined]
    world.fake.oauth.grant_repo(OCTOCAT, "octo-org/app", "admin")  # type: ignore[attr-defined]
    world.fake.oauth.grant_repo(OCTOCAT, "solo/tool", "admin")  # type: ignore[attr-defined]
    pushed = world.repos.add("solo/pushed", files={"README.md": "x\n"})
    world.fake.oauth.grant_repo(OCTOCAT, "solo/pushed", "admin")  # type: ignore[attr-defined]
    await world.legacy_token(OCTOCAT)

    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    page.set_default_timeout(10_000)
    await page.goto(base + "/sign-in")
    await page.get_by_role("link", name="Sign in with GitHub").click()
    await expect(page).to_have_url(base + "/repositories")
    row = page.locator('li.repo[data-name="solo/tool"]')
    await expect(row.get_by_text("the DevFlowFix App is not installed here")).to_be_visible()
    await page.screenshot(path=str(screenshots / "connect-before-desktop.png"), full_page=True)

    # GitHub refuses one (the person is no longer admin of it): the page says so, nothing is installed
    world.fake.oauth.grant_repo(OCTOCAT, "solo/pushed", "push")  # type: ignore[attr-defined]
    await page.get_by_role("button", name="Connect solo/pushed (install a repository webhook)").click()
    await expect(page.get_by_role("heading", name="Connect: solo/pushed")).to_be_visible()
    await expect(page.get_by_text("GitHub answered HTTP 403")).to_be_visible()
    await page.screenshot(path=str(screenshots / "connect-refused-desktop.png"), full_page=True)
    assert pushed.hooks == {}

    await page.goto(base + "/repositories")
    await page.get_by_role("button", name="Connect solo/tool (install a repository webhook)").click()
    await expect(page.get_by_role("heading", name="solo/tool")).to_be_visible()
    await expect(page.get_by_text("The repository is connected")).to_be_visible()
    await expect(page.get_by_text("repository.connect")).to_be_visible()
    await page.screenshot(path=str(screenshots / "connect-done-desktop.png"), full_page=True)
    assert len(world.solo.hooks) == 1
    await page.goto(base + "/repositories")
    await expect(page.locator('li.repo[data-name="solo/tool"]').get_by_text(
        "watched by a repository webhook")).to_be_visible()
    await context.close()
