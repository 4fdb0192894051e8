"""A GitLab person in a real browser against the fake GitLab: sign in with GitLab, connect a project from the
Repositories page, and (after a failed pipeline arrives) open the project's page (pipelines, fix merge requests,
history with GitLab's missing resend said) and the incident's page, with links to the GitLab instance configured.
Screenshots under `.artifacts/screenshots/`."""

# ruff: noqa: F811  (the `world` fixture comes from test_gitlab_projects)
from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from bot.appkeys import QUEUE
from bot.services import Services
from tests.browser.test_console_browser import DESKTOP, PHONE
from tests.fakes.gitlab import FakeGitLab, FakeProject
from tests.helpers import send_gitlab
from tests.test_gitlab_projects import ALICE, failed_pipeline, hook_token, world  # noqa: F401  (the fixture)


async def test_a_gitlab_person_reads_a_projects_page_and_an_incident(
    id_client: TestClient, id_services: Services, fake_gitlab: FakeGitLab, world: dict[int, FakeProject],
    browser: Any, screenshots: Path,
) -> None:
    from playwright.async_api import expect

    base = str(id_client.make_url("/")).rstrip("/")
    id_services.settings.public_url = base
    fake_gitlab.add_user("alice", ALICE)
    fake_gitlab.approve_as = ALICE
    gitlab = id_services.settings.gitlab_base

    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    page.set_default_timeout(10_000)

    async def shot(name: str) -> None:
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            await page.set_viewport_size(size)
            await page.screenshot(path=str(screenshots / f"{name}-{label}.png"), full_page=True)
        await page.set_viewport_size(DESKTOP)

    await page.goto(base + "/sign-in")
    await page.get_by_role("link", name="Sign in with GitLab").click()
    await expect(page).to_have_url(base + "/repositories")
    await page.get_by_role("button", name="Connect acme/api").click()
    await expect(page.get_by_text("The GitLab project is connected")).to_be_visible()
    assert len(world[1].hooks) == 1

    status, body = await send_gitlab(id_client, "Pipeline Hook", failed_pipeline(fake_gitlab, world[1]),
                                     token=hook_token(world[1]))
    assert status == 202, body
    await id_client.app[QUEUE].join(timeout=60)
    _, [incident] = await id_services.db.incidents.for_repository("acme/api", provider="gitlab")
    await id_services.db.incidents.update(incident.id, fix_pr_number=5, fix_state="closed", fix_branch="fix/x")

    await page.goto(base + "/repositories")
    await page.locator("li.repo").get_by_role("link", name="acme/api").click()
    await expect(page.get_by_role("heading", name="acme/api")).to_be_visible()
    await expect(page.get_by_role("heading", name="Pipelines (1)")).to_be_visible()
    await expect(page.get_by_role("heading", name="Fix merge requests")).to_be_visible()
    await expect(page.get_by_role("link", name="open on GitLab")).to_have_attribute("href", f"{gitlab}/acme/api")
    await expect(page.get_by_role("link", name="!5")).to_have_attribute(
        "href", f"{gitlab}/acme/api/-/merge_requests/5")
    await expect(page.get_by_text("GitLab has no API to resend")).to_be_visible()
    await shot("gitlab-repository")

    # monitoring off from the project's page, with the keyboard
    toggle = page.get_by_role("button", name="Monitoring: on; turn it off")
    await toggle.focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("button", name="Monitoring: off; turn it on")).to_be_visible()

    await page.locator(f'a[href="/incidents/{incident.id}"]').first.click()
    await expect(page).to_have_url(f"{base}/incidents/{incident.id}")
    await expect(page.get_by_role("link", name="!1")).to_have_attribute(
        "href", f"{gitlab}/acme/api/-/merge_requests/1")
    await expect(page.get_by_text("Fix merge request:")).to_be_visible()
    await shot("gitlab-incident")
    await context.close()
