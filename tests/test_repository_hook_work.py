"""The periodic work on repositories watched through their own webhook, against real storage and the fakes: a
GitHub repository hook's missed deliveries redelivered as the person who connected it (listed by cursor), and
the webhook health check (GitHub's `last_response`, GitLab's `alert_status` / `disabled_until`) recorded on the
repository's row and shown in the console's repository list."""

# ruff: noqa: F811  (the `world` fixture comes from test_oauth_mode_pipeline)
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from bot.appkeys import QUEUE
from bot.forges import hook_health
from bot.maintenance import repository_hooks
from storage.database import Database
from storage.models import RepositoryConnection, WebhookDelivery
from storage.types import utcnow
from tests import test_gitlab_pipeline as gl
from tests.test_oauth_mode_pipeline import connect_by_hook, world  # noqa: F401  (the fixture)
from tests.test_periodic_work import ago
from tests.test_pipeline import REPO, World


async def recorded(world: World) -> set[str]:
    async with world.db.sessions() as s:
        return set((await s.execute(select(WebhookDelivery.delivery_id))).scalars())


async def test_a_repository_hooks_missed_delivery_is_redelivered_once(world: World) -> None:
    _, hook = await connect_by_hook(world)
    payload = {"zen": "Keep it logically awesome.", "hook_id": hook["id"]}
    world.fake.hook_delivery(hook, 0, "ping", guid="lost-on-the-way", payload=payload,  # type: ignore[attr-defined]
                             delivered_at=ago(minutes=5))
    for n in range(120):  # more than a page of older attempts that did arrive (recorded by their guid)
        world.fake.hook_delivery(hook, 202, "ping", guid=f"seen-{n}", payload=payload,  # type: ignore[attr-defined]
                                 delivered_at=ago(minutes=4))
    known = {f"seen-{n}" for n in range(120)}
    async with world.db.sessions.begin() as s:
        for guid in sorted(known):
            s.add(WebhookDelivery(delivery_id=guid, provider="github", event="ping", status="done", body=b"{}",
                                  received_at=utcnow()))

    done = await repository_hooks.redeliver_repository_hooks(world.services)
    await world.client.app[QUEUE].join(timeout=60)
    assert done.redelivered == ["lost-on-the-way"] and done.seen == 121
    assert world.fake.hook_redelivered == ["lost-on-the-way"]  # type: ignore[attr-defined]
    assert "lost-on-the-way" in await recorded(world)  # it arrived this time, signed with the hook's secret
    calls = world.fake.calls("GET", f"/repos/{REPO}/hooks/{hook['id']}/deliveries")
    assert len(calls) == 2  # followed the cursor

    again = await repository_hooks.redeliver_repository_hooks(world.services)
    assert again.redelivered == []


async def test_the_webhook_health_is_recorded_and_shown(world: World) -> None:
    _, hook = await connect_by_hook(world)
    found = await repository_hooks.check_webhook_health(world.services)
    assert found.checked == 1 and found.unhealthy == {}
    row = await world.db.repositories.hooked("github", REPO)
    assert row is not None and row.hook_health == hook_health.OK and row.hook_checked_at is not None

    hook["last_response"] = {"code": 500, "status": "failed", "message": "Invalid HTTP Response: 500"}
    found = await repository_hooks.check_webhook_health(world.services)
    assert found.unhealthy is not None and "500" in found.unhealthy[REPO]

    del world.repo.hooks[hook["id"]]  # deleted on GitHub
    await repository_hooks.check_webhook_health(world.services)
    row = await world.db.repositories.hooked("github", REPO)
    assert row is not None and (row.hook_health or "").startswith("missing")


async def test_a_gitlab_hook_disabled_by_gitlab_is_unhealthy(aiohttp_client: Any, database_url: str,
                                                              db: Database) -> None:
    async for w in gl.make_world(aiohttp_client, database_url, db):
        later = (utcnow() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        w.project.hooks[77] = {"id": 77, "project_id": gl.PROJECT_ID, "url": "https://bot.example/hook",
                               "pipeline_events": True, "alert_status": "temporarily_disabled",
                               "disabled_until": later, "token": "secret"}
        async with db.sessions.begin() as s:
            s.add(RepositoryConnection(provider="gitlab", repository_id=str(gl.PROJECT_ID), full_name=gl.PROJECT,
                                       webhook_id="77"))
        found = await repository_hooks.check_webhook_health(w.services)
        assert found.unhealthy is not None and "temporarily disabled" in found.unhealthy[gl.PROJECT]
        w.project.hooks[77].update(alert_status="executable", disabled_until=None)
        found = await repository_hooks.check_webhook_health(w.services)
        assert found.unhealthy == {} and found.checked == 1


def test_the_health_rules() -> None:
    now = utcnow()
    assert hook_health.github_health({"active": True, "last_response": {"code": None, "status": "unused"}}) == "ok"
    assert hook_health.github_health({"active": False}).startswith("inactive")
    assert hook_health.gitlab_health({"alert_status": "disabled"}, now).startswith("disabled")
    past = (now - dt.timedelta(minutes=1)).isoformat()
    assert hook_health.gitlab_health({"alert_status": "executable", "disabled_until": past}, now) == "ok"

