"""WEBHOOK_PROXY_URL: a fake smee channel streams a delivery as an event; the proxy replays it into the server's
endpoint with its headers and signature, and it is recorded like a delivery straight from GitHub."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.webhook_proxy import WebhookProxy, replay_of
from tests.helpers import FIXTURES, github_headers


def smee_event(event: str, payload: dict[str, Any], delivery: str) -> str:
    """What smee.io sends for a delivery: the headers (lower-case), the parsed body, query and timestamp."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    headers = {k.lower(): v for k, v in github_headers(event, body, delivery=delivery).items()}
    headers |= {"host": "smee.io", "content-length": str(len(body)), "x-forwarded-for": "140.82.115.1"}
    return json.dumps({**headers, "body": payload, "query": {}, "timestamp": 1764583200000})


async def fake_channel(events: list[str]) -> tuple[TestServer, list[int]]:
    connections: list[int] = []

    async def stream(request: web.Request) -> web.StreamResponse:
        connections.append(1)
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(b"event: ready\ndata: {}\n\n: a comment line\n\n")
        for data in events:
            await resp.write(f"data: {data}\n\n".encode())
        await resp.write(b'event: ping\ndata: {"timestamp": 1}\n\n')
        await asyncio.sleep(3600)
        return resp

    app = web.Application()
    app.router.add_get("/chan", stream)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server, connections


async def test_the_proxy_replays_a_channel_event_into_a_signed_recorded_delivery(client: Any, db: Any) -> None:
    payload = json.loads((FIXTURES / "github/installation/created.payload.json").read_text())
    payload["note"] = "unicode survives: ✓ é"
    delivery = str(uuid.uuid4())
    server, connections = await fake_channel([smee_event("installation", payload, delivery)])
    proxy = WebhookProxy(str(server.make_url("/chan")), str(client.server.make_url("")))
    task = asyncio.create_task(proxy.run())
    try:
        row = None
        for _ in range(200):
            row = await db.deliveries.by_delivery_id("github", delivery)
            if row is not None:
                break
            await asyncio.sleep(0.05)
        assert row is not None, "the replayed delivery was not recorded (its signature must still verify)"
        assert row.event == "installation"
        assert proxy.forwarded == 1 and len(connections) == 1
    finally:
        task.cancel()
        await server.close()


def test_replay_keeps_headers_and_drops_the_channels_own() -> None:
    data = json.loads(smee_event("workflow_run", {"a": 1}, "d-1"))
    replay = replay_of(data)
    assert replay is not None
    assert replay.path == "/api/github/webhooks" and replay.body == b'{"a":1}'
    assert replay.headers["x-github-delivery"] == "d-1" and "x-hub-signature-256" in replay.headers
    assert not {"host", "content-length", "x-forwarded-for", "timestamp", "body"} & set(replay.headers)
    gitlab = replay_of({"x-gitlab-event": "Pipeline Hook", "x-gitlab-token": "t", "body": {}, "rawBody": "{ }"})
    assert gitlab is not None and gitlab.path == "/api/gitlab/webhooks" and gitlab.body == b"{ }"
    assert replay_of({"timestamp": 1}) is None
