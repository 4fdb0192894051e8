"""WEBHOOK_PROXY_URL for local development, as Probot does it: a smee.io-style channel (an event source) receives
GitHub's (or GitLab's) deliveries on the internet; this client reads its event stream and replays each event into
the local webhook endpoint, with the sender's headers (the signature among them) and the body as sent.

A smee event's data is a JSON object: the delivery's headers (lower-case names) and `body` (the parsed JSON),
`query` and `timestamp`. The body is re-serialized compactly, as smee-client does with JSON.stringify (a channel
that also sends `rawBody` as text gets it verbatim), so the signature still verifies. The stream is reconnected
with backoff when it drops; nothing of a body is logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

log = logging.getLogger(__name__)

# Headers of the original request that must not be replayed (the local request has its own).
DROPPED = {"host", "content-length", "connection", "transfer-encoding", "accept-encoding", "keep-alive", "upgrade",
           "te", "trailer", "proxy-authorization", "proxy-connection", "x-forwarded-for", "x-forwarded-proto",
           "x-forwarded-host", "x-forwarded-port", "x-real-ip", "cf-connecting-ip", "cdn-loop"}
NOT_HEADERS = {"body", "rawbody", "query", "timestamp"}


@dataclass(frozen=True)
class Replay:
    path: str
    headers: dict[str, str]
    body: bytes
    query: dict[str, str]


def replay_of(data: Any) -> Replay | None:
    """The local request a smee event's data stands for; None for anything that is not a delivery."""
    if not isinstance(data, dict) or ("body" not in data and "rawBody" not in data):
        return None
    raw = data.get("rawBody")
    if isinstance(raw, str):
        body = raw.encode()
    else:
        body = json.dumps(data.get("body"), separators=(",", ":"), ensure_ascii=False).encode()
    headers = {
        str(k): str(v) for k, v in data.items()
        if str(k).lower() not in NOT_HEADERS and str(k).lower() not in DROPPED and isinstance(v, str | int)
    }
    gitlab = any(k.lower() == "x-gitlab-event" for k in headers)
    query = data.get("query") if isinstance(data.get("query"), dict) else {}
    return Replay("/api/gitlab/webhooks" if gitlab else "/api/github/webhooks", headers, body,
                  {str(k): str(v) for k, v in (query or {}).items()})


async def sse_events(resp: aiohttp.ClientResponse) -> AsyncIterator[tuple[str, str]]:
    """(event name, data) of a text/event-stream, as the EventSource spec parses it."""
    name, data = "message", []
    while True:
        raw = await resp.content.readline()
        if not raw:
            return
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if not line:
            if data:
                yield name, "\n".join(data)
            name, data = "message", []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)


class WebhookProxy:
    """Reads the channel and replays its deliveries into `target` (this server's base URL)."""

    def __init__(self, channel: str, target: str, *, max_backoff: float = 30.0) -> None:
        self.channel, self.target, self.max_backoff = channel, target.rstrip("/"), max_backoff
        self.forwarded = 0
        self.connected = asyncio.Event()

    async def run(self) -> None:
        backoff = 1.0
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=15, sock_read=None)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while True:
                try:
                    async with http.get(self.channel, headers={"Accept": "text/event-stream"}) as resp:
                        if resp.status != 200:
                            raise ConnectionError(f"the channel answered {resp.status}")
                        log.info("webhook proxy: connected to the channel, replaying into %s", self.target)
                        self.connected.set()
                        backoff = 1.0
                        async for name, data in sse_events(resp):
                            if name == "message":
                                await self.forward(http, data)
                    log.warning("webhook proxy: the channel closed the stream; reconnecting")
                except (aiohttp.ClientError, ConnectionError, TimeoutError, OSError) as exc:
                    log.warning("webhook proxy: the channel failed (%s); reconnecting in %.0fs",
                                type(exc).__name__, backoff)
                self.connected.clear()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)

    async def forward(self, http: aiohttp.ClientSession, data: str) -> None:
        try:
            replay = replay_of(json.loads(data))
        except ValueError:
            log.warning("webhook proxy: an event that is not JSON, skipped")
            return
        if replay is None:
            return
        event = next((v for k, v in replay.headers.items() if k.lower() in ("x-github-event", "x-gitlab-event")), "?")
        for attempt in range(5):  # the local server may still be starting
            try:
                async with http.post(self.target + replay.path, data=replay.body, headers=replay.headers,
                                     params=replay.query or None) as resp:
                    await resp.read()
                    self.forwarded += 1
                    log.info("webhook proxy: replayed %s, the server answered %d", event, resp.status)
                    return
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.5 * (attempt + 1))
        log.warning("webhook proxy: could not replay %s: the local server did not answer", event)


PROXY_TASK = web.AppKey("webhook_proxy_task", asyncio.Task)


def attach(app: web.Application, channel: str, target: str) -> WebhookProxy:
    """Run the proxy for as long as `app` runs."""
    proxy = WebhookProxy(channel, target)

    async def start(app: web.Application) -> None:
        app[PROXY_TASK] = asyncio.create_task(proxy.run())
        log.info("WEBHOOK_PROXY_URL: replaying the channel's deliveries into this server (local development)")

    async def stop(app: web.Application) -> None:
        task = app.get(PROXY_TASK)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return proxy
