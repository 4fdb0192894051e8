"""The console in a real browser (Debian's Chromium through Playwright) against the real server on a real port
and the fake GitHub: sign in through the OAuth flow, list and search repositories, toggle one with the keyboard,
run a batch action, open a repository and an incident, sign out. A screenshot of each page is saved (desktop and
phone-sized) under `.artifacts/screenshots/`."""

# ruff: noqa: F811  (the `world` fixture comes from test_repositories_api)
from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.test_console import an_incident
from tests.test_repositories_api import World, world  # noqa: F401  (the fixture)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


async def test_a_person_uses_the_console_in_a_browser(world: World, browser: Any, screenshots: Path) -> None:
    from playwright.async_api import expect

    base = str(world.client.make_url("/")).rstrip("/")
    # the server's own address as the browser reaches it (PUBLIC_URL; redirect URIs are never built from Host)
    world.services.settings.public_url = base
    world.fake.oauth.add_user("octocat", 1)  # type: ignore[attr-defined]
    world.fake.oauth.approve_as = 1  # type: ignore[attr-defined]
    for name, role in (("octo-org/app", "admin"), ("octo-org/lib", "admin"), ("octo-org/unwatched", "push")):
        world.fake.oauth.grant_repo(1, name, role)  # type: ignore[attr-defined]
    incident = await an_incident(world)
    app = await world.row("octo-org/app")

    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    page.set_default_timeout(10_000)
    shots: list[str] = []

    async def shot(name: str) -> None:
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            await page.set_viewport_size(size)
            await page.screenshot(path=str(screenshots / f"{name}-{label}.png"), full_page=True)
            shots.append(f"{name}-{label}")
        await page.set_viewport_size(DESKTOP)

    # sign in: the home page sends a stranger to the sign-in page; GitHub (the fake) approves; back on the console
    await page.goto(base + "/")
    await expect(page).to_have_url(base + "/sign-in")
    await shot("sign-in")
    await page.get_by_role("link", name="Sign in with GitHub").click()
    await expect(page).to_have_url(base + "/repositories")
    await expect(page.get_by_role("heading", name="Repositories")).to_be_visible()
    rows = page.locator("li.repo")
    await expect(rows).to_have_count(3)
    await expect(page.get_by_text("not watched")).to_be_visible()
    await shot("repositories")

    # search
    await page.get_by_label("Search").fill("lib")
    await page.get_by_role("button", name="Filter").click()
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_have_attribute("data-name", "octo-org/lib")
    await page.get_by_label("Search").fill("")
    await page.get_by_label("Monitoring", exact=True).select_option("on")
    await page.get_by_role("button", name="Filter").click()
    await expect(rows).to_have_count(2)
    await page.get_by_label("Monitoring", exact=True).select_option("")
    await page.get_by_role("button", name="Filter").click()
    await expect(rows).to_have_count(3)

    # toggle monitoring on octo-org/app with the keyboard
    toggle = page.get_by_role("button", name="Monitoring for octo-org/app: on; turn it off")
    await toggle.focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status").filter(has_text="The settings were saved.")).to_be_visible()
    await expect(page.get_by_role("button", name="Monitoring for octo-org/app: off; turn it on")).to_be_visible()
    assert (await world.row("octo-org/app")).is_enabled is False

    # batch: monitoring back on for app, auto-PR off for app and lib
    await page.get_by_label("Select octo-org/app").check()
    await page.get_by_label("With the selected repositories").select_option("monitoring-on")
    await page.get_by_role("button", name="Apply").click()
    await expect(page.get_by_role("status").filter(has_text="The settings were saved.")).to_be_visible()
    assert (await world.row("octo-org/app")).is_enabled is True
    await page.get_by_label("Select octo-org/app").check()
    await page.get_by_label("Select octo-org/lib").check()
    await page.get_by_label("With the selected repositories").select_option("auto-pr-off")
    await page.get_by_role("button", name="Apply").click()
    await expect(page.get_by_role("status").filter(has_text="The settings were saved.")).to_be_visible()
    app_row, lib_row = await world.row("octo-org/app"), await world.row("octo-org/lib")
    assert not app_row.auto_pr_enabled and not lib_row.auto_pr_enabled

    # test webhook: the result is shown on the page
    await page.get_by_role("button", name="Test the webhook of octo-org/app").click()
    await expect(page.get_by_role("heading", name="Test webhook: octo-org/app")).to_be_visible()

    # a repository, then its incident
    await page.get_by_role("link", name="octo-org/app").click()
    await expect(page).to_have_url(f"{base}/repositories/{app.id}")
    await expect(page.get_by_role("heading", name="Statistics")).to_be_visible()
    await expect(page.get_by_role("heading", name="Incidents (1)")).to_be_visible()
    await expect(page.get_by_text("repository.settings").first).to_be_visible()
    await shot("repository")
    await page.locator(f'a[href="/incidents/{incident.id}"]').first.click()
    await expect(page).to_have_url(f"{base}/incidents/{incident.id}")
    await expect(page.get_by_text("AssertionError: expected 42 got 41")).to_be_visible()
    await expect(page.get_by_role("heading", name="What the bot did")).to_be_visible()
    await shot("incident")

    await page.get_by_role("link", name="Integrations").click()
    await expect(page.get_by_role("heading", name="Integrations")).to_be_visible()
    await expect(page.get_by_text("GitHub App authorization")).to_be_visible()
    await shot("integrations")

    # someone else's id is a 404 page
    await page.goto(f"{base}/incidents/00000000-0000-0000-0000-000000000000")
    await expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    await shot("not-found")

    # sign out
    await page.goto(base + "/repositories")
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(base + "/sign-in?done=signed-out")
    await expect(page.get_by_text("You are signed out.")).to_be_visible()
    await shot("signed-out")
    await page.goto(base + "/repositories")
    await expect(page).to_have_url(base + "/sign-in")
    await context.close()
    assert all((screenshots / f"{name}.png").stat().st_size > 1000 for name in shots)
