"""Test helpers: signing and sending deliveries the way GitHub and GitLab do."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import uuid
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from tests.conftest import GITLAB_SECRET, WEBHOOK_SECRET

FIXTURES = Path(__file__).parent / "fixtures"

GITLAB_EVENTS = {
    "pipeline": "Pipeline Hook",
    "build": "Job Hook",
    "job": "Job Hook",
    "merge_request": "Merge Request Hook",
    "note_merge_request": "Note Hook",
    "push": "Push Hook",
}


def sign(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def github_payloads() -> list[tuple[str, Path]]:
    """(event name, path) for every GitHub example payload we ship."""
    return sorted((p.parent.name, p) for p in (FIXTURES / "github").glob("*/*.json"))


def load(path: Path | str) -> dict[str, Any]:
    return json.loads(Path(FIXTURES / path if isinstance(path, str) else path).read_text())


def github_headers(
    event: str, body: bytes, *, delivery: str | None = None, secret: str = WEBHOOK_SECRET
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(body, secret),
        "User-Agent": "GitHub-Hookshot/test",
    }


async def send_github(
    client: TestClient, event: str, payload: dict[str, Any] | bytes, *, delivery: str | None = None,
    secret: str = WEBHOOK_SECRET, headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    all_headers = github_headers(event, body, delivery=delivery, secret=secret)
    all_headers.update(headers or {})
    resp = await client.post("/api/github/webhooks", data=body, headers=all_headers)
    return resp.status, await resp.json()


async def send_gitlab(
    client: TestClient, event: str, payload: dict[str, Any] | bytes, *, token: str = GITLAB_SECRET,
    delivery: str | None = None,
) -> tuple[int, dict[str, Any]]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Gitlab-Event": event,
        "X-Gitlab-Token": token,
        "X-Gitlab-Event-UUID": delivery or str(uuid.uuid4()),
    }
    resp = await client.post("/api/gitlab/webhooks", data=body, headers=headers)
    return resp.status, await resp.json()


class RawAnswer:
    """An HTTP answer read off a raw socket: status, headers (lower-case names), body, and whether the server
    closed the connection after it."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes, closed: bool) -> None:
        self.status, self.headers, self.body, self.closed = status, headers, body, closed

    def json(self) -> Any:
        return json.loads(self.body)


async def raw_request(
    client: TestClient, path: str, headers: list[tuple[bytes, bytes]], body: bytes = b"", *,
    content_length: int | None = None, wait_close: float = 0.0,
) -> RawAnswer:
    """POST with header bytes exactly as given (aiohttp's client refuses non-ASCII header values), over a socket of
    its own. With `wait_close`, waits that long for the server to close the connection after the answer."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    try:
        length = len(body) if content_length is None else content_length
        head = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
        writer.write(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: test\r\n" + head
                     + b"Content-Length: " + str(length).encode() + b"\r\n\r\n" + body)
        return await read_answer(reader, wait_close=wait_close)
    finally:
        writer.close()


async def read_answer(reader: asyncio.StreamReader, *, wait_close: float = 0.0) -> RawAnswer:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed without an answer")
    found: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        found[name.strip().lower()] = value.strip()
    answer = await reader.readexactly(int(found.get("content-length", "0")))
    closed = False
    if wait_close:
        try:
            async with asyncio.timeout(wait_close):
                closed = await reader.read(1) == b""
        except TimeoutError:
            closed = False
    return RawAnswer(int(status_line.split()[1]), found, answer, closed)
