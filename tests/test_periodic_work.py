"""The periodic work against real storage and the fake GitHub: missed deliveries redelivered (paged by cursor),
user tokens refreshed before they expire, stale incidents returned, old OAuth states and delivery bodies purged."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import update

from bot.maintenance import work
from bot.maintenance.timer import PeriodicTimer
from bot.services import Services
from storage.database import Database
from storage.deliveries import NewDelivery
from storage.models import Incident, OAuthConnection, WebhookDelivery
from storage.types import utcnow
from tests.conftest import make_settings
from tests.fakes import github_app
from tests.fakes.github import APP_ID, FakeGitHub, app_key
from tests.helpers import load
from tests.test_user_tokens import connect

BODY = json.dumps(load("github/installation/created.payload.json")).encode()


@pytest.fixture
async def fake_app() -> AsyncIterator[tuple[FakeGitHub, github_app.AppState]]:
    fake = FakeGitHub(public_key=app_key()[1])
    state = github_app.install(fake)
    await fake.start()
    yield fake, state
    await fake.close()


def ago(**delta: float) -> str:
    return (utcnow() - dt.timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_missed_deliveries_are_redelivered_once_across_pages(
    database_url: str, db: Database, fake_app: tuple[FakeGitHub, github_app.AppState]
) -> None:
    fake, state = fake_app
    state.delivery(202, guid="too-old", delivered_at=ago(hours=30), status="OK")  # past the lookback
    state.delivery(502, guid="never-arrived", delivered_at=ago(hours=2))
    state.delivery(0, guid="timed-out", delivered_at=ago(hours=1))  # no answer at all
    state.delivery(502, guid="recorded-anyway", delivered_at=ago(minutes=50))  # GitHub timed out, we have it
    state.delivery(502, guid="asked-already", delivered_at=ago(minutes=40))
    state.delivery(502, guid="asked-already", delivered_at=ago(minutes=5), redelivery=True)
    for i in range(150):  # newer, fine ones: the interesting ones are on the second page
        state.delivery(202, guid=f"fine-{i}", delivered_at=ago(minutes=3))
    state.delivery(500, guid="just-now", delivered_at=ago(seconds=10))  # its sender may retry it: not yet
    for guid in ["recorded-anyway", *(f"fine-{i}" for i in range(150))]:
        await db.writer.record(NewDelivery("github", guid, "installation", "created", 1, None, BODY))

    settings = make_settings(database_url, app_id=APP_ID, private_key=app_key()[0], github_api_url=fake.url)
    services = await Services.create(settings, db=db)
    try:
        done = await work.redeliver_missed(services)
        ids = {d["guid"]: d["id"] for d in state.deliveries if not d["redelivery"]}
        assert sorted(done.redelivered) == ["never-arrived", "timed-out"]
        assert sorted(state.redelivered) == sorted([ids["never-arrived"], ids["timed-out"]])
        assert done.seen == 156  # everything within the lookback, across both pages
        pages = [r for r in fake.requests if r.path == "/app/hook/deliveries"]
        assert len(pages) == 2 and "cursor" in pages[1].query
        assert all(r.headers["Authorization"].startswith("Bearer ey") for r in pages)  # the App's JWT

        again = await work.redeliver_missed(services)  # the redeliveries are recent attempts now: not asked twice
        assert again.redelivered == []
    finally:
        await services.http.close()


async def test_missed_deliveries_without_an_app_or_with_github_refusing(
    database_url: str, db: Database, fake_app: tuple[FakeGitHub, github_app.AppState]
) -> None:
    fake, _ = fake_app
    services = await Services.create(make_settings(database_url), db=db)
    assert (await work.redeliver_missed(services)).seen == 0  # no App configured: nothing to ask
    await services.http.close()
    settings = make_settings(database_url, app_id=APP_ID, private_key=app_key()[0], github_api_url=fake.url)
    services = await Services.create(settings, db=db)
    fake.fail_next("GET", "/app/hook/deliveries", 502)
    assert (await work.redeliver_missed(services)).redelivered == []  # logged, tried again next run
    await services.http.close()


async def test_user_tokens_expiring_soon_are_refreshed_ahead(id_services: Services, fake_github: FakeGitHub) -> None:
    soon = await connect(id_services, fake_github, "soon", 1)
    later = await connect(id_services, fake_github, "later", 2)
    async with id_services.db.sessions.begin() as s:
        await s.execute(update(OAuthConnection).where(OAuthConnection.id == soon.id)
                        .values(token_expires_at=utcnow() + dt.timedelta(minutes=10)))
    assert await work.refresh_user_tokens(id_services) == 1
    assert fake_github.oauth.refresh_calls == 1
    row = await id_services.db.connections.get(soon.id)
    assert row is not None and row.token_expires_at is not None
    assert row.token_expires_at > utcnow() + dt.timedelta(hours=1)
    assert (await id_services.db.connections.get(later.id)).refresh_generation == later.refresh_generation  # type: ignore[union-attr]


async def test_stale_incidents_go_back_and_none_stays_analyzing(database_url: str, db: Database) -> None:
    now = utcnow()
    for run_id, lease in ((1, now - dt.timedelta(seconds=1)), (2, now + dt.timedelta(minutes=5)), (3, None)):
        incident = await db.incidents.claim_run({"repository_full_name": "o/r", "run_id": run_id})
        if lease is not None:
            await db.incidents.update(incident.id, lease_owner="dead-worker", lease_until=lease)
    async with db.sessions.begin() as s:  # the unleased one was claimed long ago and never worked on
        await s.execute(update(Incident).where(Incident.run_id == 3).values(updated_at=now - dt.timedelta(hours=1)))
    services = await Services.create(make_settings(database_url), db=db)
    assert await work.expire_stale_incidents(services) == 2
    states = {i.run_id: (i.status, i.lease_owner) for i in await _incidents(db)}
    assert states == {1: ("open", None), 2: ("analyzing", "dead-worker"), 3: ("open", None)}
    await services.http.close()


async def _incidents(db: Database) -> list[Incident]:
    from sqlalchemy import select

    async with db.sessions() as s:
        return list((await s.execute(select(Incident))).scalars())


async def test_purge_drops_old_bodies_and_oauth_states(database_url: str, db: Database) -> None:
    old = utcnow() - dt.timedelta(days=40)
    for name, status in (("old-done", "done"), ("old-pending", "pending"), ("new-done", "done")):
        await db.writer.record(NewDelivery("github", name, "installation", "created", 1, None, BODY, status=status))
    async with db.sessions.begin() as s:
        await s.execute(update(WebhookDelivery).where(WebhookDelivery.delivery_id.in_(["old-done", "old-pending"]))
                        .values(received_at=old))
    await db.oauth_states.create(nonce="stale", provider="github", purpose="signin", browser_hash="h",
                                 expires_at=utcnow() - dt.timedelta(days=2))
    await db.oauth_states.create(nonce="fresh", provider="github", purpose="signin", browser_hash="h",
                                 expires_at=utcnow() + dt.timedelta(minutes=5))
    services = await Services.create(make_settings(database_url, delivery_retention_days=30), db=db)
    assert await work.purge(services) == {"oauth_states": 1, "delivery_bodies": 1}
    bodies = {d: (await db.deliveries.by_delivery_id("github", d)).body  # type: ignore[union-attr]
              for d in ("old-done", "old-pending", "new-done")}
    assert bodies == {"old-done": b"", "old-pending": BODY, "new-done": BODY}
    assert (await db.deliveries.by_delivery_id("github", "old-done")).status == "done"  # type: ignore[union-attr]
    assert await work.purge(services) == {"oauth_states": 0, "delivery_bodies": 0}  # nothing twice
    await services.http.close()


async def test_the_embedded_timer_runs_every_job(database_url: str, db: Database) -> None:
    import asyncio

    services = await Services.create(make_settings(database_url), db=db)
    timer = PeriodicTimer(services, first_delay=0)
    timer.start()
    await asyncio.sleep(0.5)
    await timer.stop()
    await services.http.close()
