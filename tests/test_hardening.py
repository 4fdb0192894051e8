"""Hardening over real HTTP: security headers on every kind of answer, the setup code and single-use setup, no
Host-header URLs, no database write for an anonymous visit, PUBLIC_URL required outside development, delivery
errors shown as one line without paths, and a private SQLite file."""

from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select

from bot import preflight
from bot.services import Services
from bot.settings import ConfigError
from bot.web.public_errors import one_line
from bot.web.setup import GATE
from storage.database import Database
from storage.models import OAuthState
from tests.conftest import make_settings
from tests.fakes.github import FakeGitHub
from tests.helpers import send_github
from tests.identities import other_browser
from tests.test_cli import run_bot
from tests.test_setup import form_of

SECURITY = ("content-security-policy", "x-content-type-options", "referrer-policy")


def assert_secure(headers: object, *, hsts: bool = False) -> None:
    found = {k.lower(): v for k, v in headers.items()}  # type: ignore[attr-defined]
    for name in SECURITY:
        assert name in found, (name, found)
    csp = found["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "form-action 'self'" in csp
    assert found["x-content-type-options"] == "nosniff"
    assert found["referrer-policy"] == "no-referrer"
    assert ("strict-transport-security" in found) is hsts


async def test_security_headers_on_html_json_errors_and_webhooks(id_client: TestClient) -> None:
    html = await id_client.get("/")
    assert html.content_type == "text/html"
    assert_secure(html.headers)
    as_json = await id_client.get("/api/v1/session")
    assert as_json.content_type == "application/json"
    assert_secure(as_json.headers)
    for path in ("/api/v1/repositories", "/no/such/page"):  # 401 from a handler, 404 from the router
        error = await id_client.get(path)
        assert error.status in (401, 404)
        assert_secure(error.headers)
    refused = await id_client.post("/api/github/webhooks", data=b"{}")  # an answer prepared by the handler
    assert refused.status in (400, 401)
    assert_secure(refused.headers)
    status, _ = await send_github(id_client, "ping", {"zen": "x", "hook_id": 1})
    assert status == 202


async def test_hsts_only_when_public_url_is_https(id_client: TestClient, id_services: Services) -> None:
    id_services.settings.public_url = "https://devflowfix.example"
    assert_secure((await id_client.get("/healthz")).headers, hsts=True)
    id_services.settings.public_url = "http://devflowfix.example"
    assert_secure((await id_client.get("/healthz")).headers, hsts=False)


async def count_states(db: Database) -> int:
    async with db.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(OAuthState))).scalar_one())


async def test_setup_needs_the_code_printed_at_start(
    aiohttp_client: object, id_settings: object, id_services: Services, db: Database, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from bot.server import create_app

    id_services.settings.env_file_path = tmp_path / ".env"
    with caplog.at_level(logging.WARNING, logger="bot.web.setup"):
        client: TestClient = await aiohttp_client(create_app(id_settings, services=id_services, migrate=False))  # type: ignore[operator]
    [line] = [r.getMessage() for r in caplog.records if "first-run setup" in r.getMessage()]
    assert [r.levelno for r in caplog.records if "first-run setup" in r.getMessage()] == [logging.WARNING]
    code = parse_qs(urlsplit(re.search(r"open (\S+) ", line).group(1)).query)["code"][0]  # type: ignore[union-attr]
    assert code == client.app[GATE].code and len(code) >= 32

    # Anonymous visits: the page asks for the code, and nothing is written (no state row, no cookie).
    for _ in range(3):
        page = await client.get("/")
        assert page.status == 200 and "setup code" in await page.text() and "manifest" not in await page.text()
        assert "Set-Cookie" not in page.headers
    assert await count_states(db) == 0
    for wrong in ("nope", code[:-1], code + "x", "x" * 500):
        resp = await client.get("/", params={"code": wrong})
        assert resp.status == 403 and "manifest" not in await resp.text()
    assert await count_states(db) == 0
    ok = await client.get("/", params={"code": code})
    assert ok.status == 200 and "name='manifest'" in await ok.text()
    assert await count_states(db) == 1


async def test_setup_is_single_use(
    id_client: TestClient, id_services: Services, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    id_services.settings.env_file_path = env_file
    code = id_client.app[GATE].code
    first_action, _ = form_of(await (await id_client.get("/", params={"code": code})).text())
    first = parse_qs(urlsplit(first_action).query)["state"][0]
    # a second browser that also got the code (both before anything was registered)
    second_browser = await other_browser(id_client)
    try:
        action, _ = form_of(await (await second_browser.get("/", params={"code": code})).text())
        second = parse_qs(urlsplit(action).query)["state"][0]
        fake_github.oauth.manifest_codes.update({"code-one", "code-two"})  # type: ignore[attr-defined]
        done = await id_client.get("/setup/callback", params={"code": "code-one", "state": first})
        assert done.status == 200, await done.text()
        written = env_file.read_bytes()
        again = await second_browser.get("/setup/callback", params={"code": "code-two", "state": second})
        assert again.status == 409 and "once" in (await again.json())["error"]
        assert env_file.read_bytes() == written  # untouched
        assert fake_github.calls("POST", "/app-manifests/code-two") == []  # GitHub was not even asked
        # the setup page is closed too: no new states, the code does not work any more
        page = await id_client.get("/", params={"code": code})
        assert "Restart the server" in await page.text() and "manifest" not in await page.text()
    finally:
        await second_browser.session.close()


async def test_a_previous_registration_in_the_env_file_closes_setup(
    id_client: TestClient, id_services: Services, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text('APP_ID="12345"\n')
    id_services.settings.env_file_path = env_file
    resp = await id_client.get("/setup/callback", params={"code": "abc", "state": "x"})
    assert resp.status == 409
    assert env_file.read_text() == 'APP_ID="12345"\n'


async def test_urls_never_come_from_the_host_header(id_client: TestClient, id_services: Services) -> None:
    id_services.settings.public_url = None  # development: localhost and the port, never the Host header
    resp = await id_client.get("/api/v1/oauth/github/authorize", allow_redirects=False,
                               headers={"Host": "evil.example"})
    assert resp.status == 302
    [redirect] = parse_qs(urlsplit(resp.headers["Location"]).query)["redirect_uri"]
    assert redirect == f"http://localhost:{id_services.settings.port}/api/v1/oauth/github/callback"
    id_services.settings.public_url = "https://devflowfix.example/"
    resp = await id_client.get("/api/v1/oauth/github/authorize", allow_redirects=False,
                               headers={"Host": "evil.example"})
    [redirect] = parse_qs(urlsplit(resp.headers["Location"]).query)["redirect_uri"]
    assert redirect == "https://devflowfix.example/api/v1/oauth/github/callback"


def test_public_url_is_required_outside_development(database_url: str) -> None:
    with pytest.raises(ConfigError, match=r"^configuration error: PUBLIC_URL: required outside development"):
        preflight.check_public_url(make_settings(database_url, devflowfix_env="production"))
    for bad in ("devflowfix.example", "ftp://devflowfix.example", "https://", "https://x.example/?a=1"):
        with pytest.raises(ConfigError, match=r"^configuration error: PUBLIC_URL: not an http"):
            preflight.check_public_url(make_settings(database_url, devflowfix_env="production", public_url=bad))
    preflight.check_public_url(make_settings(database_url, devflowfix_env="production",
                                             public_url="https://devflowfix.example"))
    preflight.check_public_url(make_settings(database_url, devflowfix_env="development"))


def test_serve_without_public_url_stops_with_one_line(tmp_path: Path) -> None:
    from cryptography.fernet import Fernet

    env = {"WEBHOOK_SECRET": "s3cr3t-webhook", "OAUTH_TOKEN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
           "DATABASE_URL": f"sqlite:///{tmp_path}/ok.sqlite3"}
    result = run_bot("serve", "--port", "1", env=env, timeout=60)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("configuration error: PUBLIC_URL: required"), result.stderr


def test_last_error_is_one_line_without_paths() -> None:
    trace = ('Traceback (most recent call last):\n  File "/srv/devflowfix/bot/dispatch.py", line 3, in run\n'
             "    raise OSError\nPermissionError: [Errno 13] Permission denied: '/srv/devflowfix/secrets/key.pem'\n")
    assert one_line(trace) == "PermissionError: [Errno 13] Permission denied: <path>"
    assert one_line("RetryLater: GitHub answered 502\nsecond line") == "RetryLater: GitHub answered 502"
    assert one_line("failed in C:\\app\\x.py and ~/x/y") == "failed in <path> and <path>"
    assert one_line(None) is None
    assert len(one_line("x " * 10_000) or "") <= 300


async def record_one(db: Database, repository: str) -> None:
    from storage.deliveries import NewDelivery

    db.writer.start()
    try:
        recorded = await db.writer.record(NewDelivery(provider="github", delivery_id="d-1", event="ping", action=None,
                                                      installation_id=None, repository=repository, body=b"{}"))
    finally:
        await db.writer.close()
    assert recorded.id is not None


async def test_the_api_shows_last_error_as_one_line(db: Database) -> None:
    from bot.web.history import describe_delivery

    await record_one(db, "o/r")
    from sqlalchemy import update

    from storage.models import WebhookDelivery

    trace = 'Traceback (most recent call last):\n  File "/srv/app/x.py", line 1\nValueError: bad /srv/app/y\n'
    async with db.sessions.begin() as session:
        await session.execute(update(WebhookDelivery).values(last_error=trace, status="failed"))
    _, [summary] = await db.deliveries.for_repository("o/r", limit=1)
    assert summary.last_error == trace  # the full text stays in the row (and the logs)
    assert describe_delivery(summary)["last_error"] == "ValueError: bad <path>"


def test_the_sqlite_file_is_private(tmp_path: Path) -> None:
    import asyncio

    path = tmp_path / "bot.sqlite3"
    old = os.umask(0o022)
    try:
        from storage.migrate import upgrade_sync

        upgrade_sync(f"sqlite+aiosqlite:///{path}")

        async def write() -> None:
            database = Database.connect(f"sqlite+aiosqlite:///{path}")
            try:
                await record_one(database, "o/r")
                for suffix in ("", "-wal", "-shm"):
                    if (tmp_path / f"bot.sqlite3{suffix}").exists():
                        mode = stat.S_IMODE((tmp_path / f"bot.sqlite3{suffix}").stat().st_mode)
                        assert mode == 0o600, (suffix, oct(mode))
            finally:
                await database.close()

        asyncio.run(write())
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        # an existing file others can read is made private at the next start
        path.chmod(0o644)
        preflight.check_sqlite(str(path))
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)
