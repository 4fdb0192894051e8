"""Test helpers: signing and sending deliveries the way GitHub and GitLab do."""

from __future__ import annotations

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
