"""The webhook path: verification, the answers for bad input, recording, dedupe, isolation and recovery."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot import routers
from bot.appkeys import QUEUE
from bot.server import create_app
from bot.services import Services
from storage.database import Database
from storage.deliveries import NewDelivery
from storage.models import Installation, RepositoryConnection, WebhookDelivery
from tests.conftest import make_settings
from tests.helpers import FIXTURES, GITLAB_EVENTS, github_payloads, load, send_github, send_gitlab, sign


async def count_deliveries(db: Database) -> int:
    async with db.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(WebhookDelivery))).scalar_one())


async def delivery(db: Database, delivery_id: str) -> WebhookDelivery:
    async with db.sessions() as s:
        row = (await s.execute(select(WebhookDelivery).where(WebhookDelivery.delivery_id == delivery_id))).scalar_one()
        return row


async def drain(client: TestClient) -> None:
    await client.app[QUEUE].join(timeout=10)


async def test_ping_health_ready(client: TestClient) -> None:
    assert (await (await client.get("/ping")).text()) == "PONG"
    assert (await client.get("/healthz")).status == 200
    resp = await client.get("/readyz")
    assert resp.status == 200
    assert (await resp.json())["migrations"] == "current"


@pytest.mark.parametrize(("event", "path"), github_payloads(), ids=lambda v: str(v).rsplit("fixtures/", 1)[-1])
async def test_every_github_payload_is_accepted_and_recorded(
    client: TestClient, db: Database, event: str, path: Path
) -> None:
    delivery_id = str(uuid.uuid4())
    status, body = await send_github(client, event, path.read_bytes(), delivery=delivery_id)
    assert status == 202, body
    assert body["status"] in ("queued", "ignored", "done")
    await drain(client)
    row = await delivery(db, delivery_id)
    assert row.event == event
    # a delivery finished at the door (no handler wants it, or they found no work) is kept without its body
    assert row.body == (path.read_bytes() if body["status"] == "queued" else b"")
    assert row.status in ("done", "ignored"), row.last_error
    data = json.loads(path.read_bytes())
    assert row.action == data.get("action")
    if isinstance(data.get("installation"), dict):
        assert row.installation_id == data["installation"]["id"]


@pytest.mark.parametrize("name", sorted(GITLAB_EVENTS))
async def test_every_gitlab_payload_is_accepted_and_recorded(client: TestClient, db: Database, name: str) -> None:
    raw = (FIXTURES / "gitlab" / f"{name}.json").read_bytes()
    delivery_id = str(uuid.uuid4())
    status, body = await send_gitlab(client, GITLAB_EVENTS[name], raw, delivery=delivery_id)
    assert status == 202, body
    await drain(client)
    row = await delivery(db, delivery_id)
    assert row.provider == "gitlab"
    assert row.event == GITLAB_EVENTS[name]
    assert row.status in ("done", "ignored"), row.last_error


async def test_wrong_signature_is_401_and_records_nothing(client: TestClient, db: Database) -> None:
    for _, path in github_payloads()[:10]:
        status, body = await send_github(client, "ping", path.read_bytes(), secret="not the secret")
        assert status == 401, body
    status, _ = await send_github(client, "ping", b"{}", headers={"X-Hub-Signature-256": ""})
    assert status == 401
    assert await count_deliveries(db) == 0


async def test_gitlab_wrong_or_missing_token_is_401(client: TestClient, db: Database) -> None:
    raw = (FIXTURES / "gitlab" / "pipeline.json").read_bytes()
    assert (await send_gitlab(client, "Pipeline Hook", raw, token="nope"))[0] == 401
    resp = await client.post("/api/gitlab/webhooks", data=raw, headers={"X-Gitlab-Event": "Pipeline Hook"})
    assert resp.status == 401
    assert await count_deliveries(db) == 0


async def test_duplicate_delivery_runs_once(client: TestClient, db: Database) -> None:
    payload = load("github/installation/created.payload.json")
    delivery_id = str(uuid.uuid4())
    first = await send_github(client, "installation", payload, delivery=delivery_id)
    second = await send_github(client, "installation", payload, delivery=delivery_id)
    assert first[0] == 202 and first[1]["status"] == "queued"
    assert second == (200, {"status": "duplicate", "delivery": delivery_id})
    await drain(client)
    row = await delivery(db, delivery_id)
    assert row.status == "done" and row.attempts == 1
    assert await count_deliveries(db) == 1


async def test_concurrent_duplicates_record_one(client: TestClient, db: Database) -> None:
    payload = json.dumps(load("github/ping/payload.json")).encode()
    delivery_id = str(uuid.uuid4())
    answers = await asyncio.gather(*[send_github(client, "ping", payload, delivery=delivery_id) for _ in range(8)])
    assert sorted(status for status, _ in answers) == [200] * 7 + [202]
    assert await count_deliveries(db) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2, 3]", "application/json", 400),
        (b"", "application/json", 400),
        (b"\xff\xfe\x00", "application/json", 400),
        (b'{"zen": "hi"}', "text/plain", 415),
        (b'{"zen": "hi"}', "application/xml", 415),
    ],
)
async def test_bad_bodies(client: TestClient, db: Database, body: bytes, content_type: str, status: int) -> None:
    got, answer = await send_github(client, "ping", body, headers={"Content-Type": content_type})
    assert got == status, answer
    assert "error" in answer
    assert await count_deliveries(db) == 0


async def test_missing_headers_are_400(client: TestClient, db: Database) -> None:
    body = b'{"zen": "hi"}'
    for missing in ("X-GitHub-Event", "X-GitHub-Delivery"):
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body)}
        headers |= {"X-GitHub-Event": "ping", "X-GitHub-Delivery": "d1"}
        del headers[missing]
        resp = await client.post("/api/github/webhooks", data=body, headers=headers)
        assert resp.status == 400
    resp = await client.post("/api/gitlab/webhooks", data=body, headers={"X-Gitlab-Token": "gitlab-hook-secret"})
    assert resp.status == 400
    assert await count_deliveries(db) == 0


async def test_oversize_body_is_413_before_it_is_read(aiohttp_client: object, database_url: str, db: Database) -> None:
    settings = make_settings(database_url, max_webhook_body=4096)
    services = await Services.create(settings, db=db)
    client: TestClient = await aiohttp_client(create_app(settings, services=services, migrate=False))  # type: ignore[operator]
    big = json.dumps({"zen": "x" * 10_000}).encode()
    status, _ = await send_github(client, "ping", big)
    assert status == 413

    async def chunks():  # no Content-Length: refused while streaming
        for _ in range(100):
            yield b" " * 1024

    resp = await client.post(
        "/api/github/webhooks", data=chunks(),
        headers={"Content-Type": "application/json", "X-GitHub-Event": "ping", "X-GitHub-Delivery": "big",
                 "X-Hub-Signature-256": "sha256=00"},
    )
    assert resp.status == 413
    assert await count_deliveries(db) == 0
    await services.http.close()


async def test_unknown_event_is_202_and_recorded_as_ignored(client: TestClient, db: Database) -> None:
    status, body = await send_github(client, "star", {"action": "created"}, delivery="star-1")
    assert (status, body["status"]) == (202, "ignored")
    row = await delivery(db, "star-1")
    assert row.status == "ignored"


async def test_installation_lifecycle_is_stored(client: TestClient, db: Database) -> None:
    created = load("github/installation/created.payload.json")
    await send_github(client, "installation", created)
    await drain(client)
    installation_id = created["installation"]["id"]
    repos = await db.installations.repositories(installation_id)
    assert {r.full_name for r in repos} == {r["full_name"] for r in created["repositories"]}

    added = load("github/installation_repositories/added.payload.json")
    added["installation"]["id"] = installation_id
    await send_github(client, "installation_repositories", added)
    await drain(client)
    names = {r.full_name for r in await db.installations.repositories(installation_id)}
    assert {r["full_name"] for r in added["repositories_added"]} <= names

    suspend = dict(created, action="suspend")
    await send_github(client, "installation", suspend)
    await drain(client)
    assert (await db.installations.get(installation_id)).suspended_at is not None  # type: ignore[union-attr]

    await send_github(client, "installation", dict(created, action="deleted"))
    await drain(client)
    row = await db.installations.get(installation_id)
    assert row is not None and row.deleted_at is not None
    assert await db.installations.repositories(installation_id) == []
    async with db.sessions() as s:  # history is kept
        assert (await s.execute(select(func.count()).select_from(RepositoryConnection))).scalar_one() >= 1
        assert (await s.execute(select(func.count()).select_from(Installation))).scalar_one() == 1


async def test_every_handler_runs_when_one_raises(client: TestClient, db: Database) -> None:
    seen: list[str] = []

    async def boom(event: object, ctx: object) -> None:
        seen.append("boom")
        raise RuntimeError("handler exploded")

    async def fine(event: object, ctx: object) -> None:
        seen.append("fine")

    routers.github_router.add(boom, "ping")
    routers.github_router.add(fine, "ping")
    try:
        await send_github(client, "ping", load("github/ping/payload.json"), delivery="iso-1")
        await drain(client)
    finally:
        for handler in (boom, fine):
            routers.github_router._shallow_routes["ping"].remove(handler)
    assert sorted(seen) == ["boom", "fine"]
    row = await delivery(db, "iso-1")
    assert row.status == "failed"
    assert "handler exploded" in (row.last_error or "")


async def test_crash_between_recording_and_finishing_is_rerun_on_start(
    aiohttp_client: object, settings: object, db: Database
) -> None:
    body = json.dumps(load("github/installation/created.payload.json")).encode()
    # Recorded, then the process died: one before any handler ran, one in the middle of running.
    for delivery_id in ("crash-pending", "crash-running"):
        await db.writer.record(NewDelivery("github", delivery_id, "installation", "created", 1, None, body))
    running = await delivery(db, "crash-running")
    assert await db.deliveries.claim(running.id, lease=dt.timedelta(minutes=2)) is not None

    services = await Services.create(settings, db=db)  # type: ignore[arg-type]
    client: TestClient = await aiohttp_client(create_app(settings, services=services, migrate=False))  # type: ignore[arg-type,operator]
    await drain(client)
    for delivery_id in ("crash-pending", "crash-running"):
        row = await delivery(db, delivery_id)
        assert row.status == "done", row.last_error
    assert (await delivery(db, "crash-running")).attempts == 2
    await services.http.close()


async def test_form_encoded_delivery(client: TestClient, db: Database) -> None:
    from urllib.parse import urlencode

    payload = json.dumps(load("github/ping/payload.json"))
    body = urlencode({"payload": payload}).encode()
    status, _ = await send_github(
        client, "ping", body, delivery="form-1", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 202
    await drain(client)
    row = await delivery(db, "form-1")
    assert json.loads(row.body) == json.loads(payload)
    assert row.status == "done"


async def test_hostile_field_values_are_recorded_without_failing_anyone(client: TestClient, db: Database) -> None:
    hostile = {
        "action": "created\u0000; DROP TABLE webhook_deliveries",
        "installation": {"id": 10**30},
        "repository": {"full_name": "x" * 10_000},
    }
    good = load("github/ping/payload.json")
    answers = await asyncio.gather(
        send_github(client, "ping", hostile, delivery="hostile-1"),
        *[send_github(client, "ping", good, delivery=f"good-{i}") for i in range(5)],
    )
    assert [status for status, _ in answers] == [202] * 6
    row = await delivery(db, "hostile-1")
    assert row.action == "created; DROP TABLE webhook_deliveries"
    assert row.installation_id is None and row.repository == "x" * 255
    assert await count_deliveries(db) == 6
