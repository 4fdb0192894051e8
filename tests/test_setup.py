"""First-run setup through GitHub's manifest flow: the page, the forged-callback refusals, the .env written; one
setup code for several web processes on one database (made and printed once, accepted by all, used once)."""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import re
import stat
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import update

from bot.services import Services
from bot.settings import Settings, load_settings
from bot.web.setup import GATE
from storage.database import Database
from storage.models import SetupCode
from tests.fakes.github import FakeGitHub, app_key
from tests.identities import identity_settings, other_browser


def form_of(page: str) -> tuple[str, dict[str, object]]:
    action = html.unescape(re.search(r"<form action='([^']+)'", page).group(1))  # type: ignore[union-attr]
    manifest = json.loads(html.unescape(re.search(r"name='manifest' value='([^']+)'", page).group(1)))  # type: ignore[union-attr]
    return action, manifest


async def test_manifest_flow_writes_the_env_file(
    id_client: TestClient, id_services: Services, fake_github: FakeGitHub, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("LOG_LEVEL=DEBUG\nAPP_ID=\n")
    id_services.settings.env_file_path = env_file
    id_services.settings.public_url = str(id_client.make_url("")).rstrip("/")
    page = await (await id_client.get("/", params={"code": id_client.app[GATE].code})).text()
    action, manifest = form_of(page)
    assert action.startswith(f"{fake_github.url}/settings/apps/new?state=")
    assert manifest["redirect_url"] == str(id_client.make_url("/setup/callback"))
    assert manifest["hook_attributes"]["url"].endswith("/api/github/webhooks")  # type: ignore[index]
    assert manifest["default_permissions"]["contents"] == "write"  # type: ignore[index]
    state = parse_qs(urlsplit(action).query)["state"][0]
    fake_github.oauth.manifest_codes.add("manifestcode1")

    # A forged callback: no state, a made-up state, or a real state from another browser.
    for params in ({"code": "manifestcode1"}, {"code": "manifestcode1", "state": "v1.x.1.y"},
                   {"code": "../../etc", "state": state}):
        assert (await id_client.get("/setup/callback", params=params)).status == 400
    attacker = await other_browser(id_client)
    try:
        assert (await attacker.get("/setup/callback", params={"code": "manifestcode1", "state": state})).status == 400
    finally:
        await attacker.session.close()
    assert not env_file.read_text().count("WEBHOOK_SECRET")

    resp = await id_client.get("/setup/callback", params={"code": "manifestcode1", "state": state})
    assert resp.status == 200, await resp.text()
    assert "installations/new" in await resp.text()
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    text = env_file.read_text()
    assert "LOG_LEVEL=DEBUG" in text and 'APP_ID="98765"' in text and text.count("APP_ID") == 1
    settings = load_settings(_env_file=str(env_file), database_url=id_services.settings.database_url)
    assert settings.app_id == 98765 and settings.github_client_id == "Iv1.manifestclient"
    assert settings.private_key is not None
    assert settings.private_key.get_secret_value().strip() == app_key()[0].strip()
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.get_secret_value() == "manifest-webhook-secret"
    replay = await id_client.get("/setup/callback", params={"code": "manifestcode1", "state": state})
    assert replay.status == 409  # setup is over: refused before the state is even looked at


async def test_manifest_for_an_organization(
    id_client: TestClient, id_services: Services, fake_github: FakeGitHub
) -> None:
    id_services.settings.gh_org = "octo-org"
    action, _ = form_of(await (await id_client.get("/", params={"code": id_client.app[GATE].code})).text())
    assert action.startswith(f"{fake_github.url}/organizations/octo-org/settings/apps/new?state=")


async def test_setup_is_closed_once_configured(aiohttp_client: Any, app_settings: Settings, db: object) -> None:
    from bot.server import create_app

    client = await aiohttp_client(create_app(app_settings, migrate=False))
    resp = await client.get("/setup/callback", params={"code": "abc", "state": "x"})
    assert resp.status == 409
    page = await (await client.get("/")).text()
    assert "Sign in with GitHub" in page and "manifest" not in page


async def test_one_setup_code_for_every_process_and_used_once(
    aiohttp_client: Any, database_url: str, db: Database, fake_github: FakeGitHub, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two web processes (two apps, each with its own services and connection pool) on one database, as
    WEB_CONCURRENCY=2 runs them; each with its own .env, as two hosts would have."""
    from bot.server import create_app

    clients, envs, pools = [], [], []
    with caplog.at_level(logging.WARNING, logger="bot.web.setup"):
        for name in ("a", "b"):
            env = tmp_path / f"{name}.env"
            settings = identity_settings(database_url, fake_github, None, env_file_path=env)
            pool = Database.connect(database_url)
            services = await Services.create(settings, db=pool)
            client = await aiohttp_client(create_app(settings, services=services, migrate=False))
            settings.public_url = str(client.make_url("")).rstrip("/")
            clients.append(client)
            envs.append(env)
            pools.append((services, pool))
    try:
        printed = [r.getMessage() for r in caplog.records if "/?code=" in r.getMessage()]
        assert len(printed) == 1 and "every DevFlowFix web process" in printed[0]  # one code, printed once
        first, second = clients
        code = first.app[GATE].code
        assert code and second.app[GATE].code is None and code in printed[0]
        row = await db.setup_codes.current()
        assert row is not None and code not in row.code_hash and len(row.code_hash) == 64  # only its hash

        wrong = await second.get("/", params={"code": code[:-1] + ("A" if code[-1] != "A" else "B")})
        assert wrong.status == 403
        actions = []
        for client in (second, first):  # the other process accepts the code too
            page = await client.get("/", params={"code": code})
            assert page.status == 200
            action, _ = form_of(await page.text())
            actions.append(parse_qs(urlsplit(action).query)["state"][0])
        fake_github.oauth.manifest_codes.update({"manifestcode1", "manifestcode2"})

        done = await second.get("/setup/callback", params={"code": "manifestcode1", "state": actions[0]})
        assert done.status == 200, await done.text()
        assert 'APP_ID="98765"' in envs[1].read_text()
        # single use across processes: the first process (whose own .env is empty) refuses the second browser
        again = await first.get("/setup/callback", params={"code": "manifestcode2", "state": actions[1]})
        assert again.status == 409 and not envs[0].exists()
        assert (await first.get("/", params={"code": code})).status == 403
    finally:
        for services, pool in pools:
            await services.http.close()
            await pool.close()


async def test_a_clean_stop_lets_the_next_start_print_a_new_code(
    aiohttp_client: Any, database_url: str, db: Database, fake_github: FakeGitHub, tmp_path: Path,
) -> None:
    from aiohttp.test_utils import TestServer

    from bot.server import create_app

    settings = identity_settings(database_url, fake_github, None, env_file_path=tmp_path / ".env")
    services = await Services.create(settings, db=db)
    try:
        server = TestServer(create_app(settings, services=services, migrate=False))
        await server.start_server()
        first = server.app[GATE].code
        assert first and await db.setup_codes.current() is not None
        await server.close()
        assert await db.setup_codes.current() is None  # the unused code it made is gone
        client = await aiohttp_client(create_app(settings, services=services, migrate=False))
        second = client.app[GATE].code
        assert second and second != first
        assert (await client.get("/", params={"code": first})).status == 403
        assert (await client.get("/", params={"code": second})).status == 200

        # an expired code is replaced (and printed) at the next visit with a code
        async with db.sessions.begin() as session:
            await session.execute(update(SetupCode).values(expires_at=dt.datetime.now(dt.UTC)))
        resp = await client.get("/", params={"code": second})
        assert resp.status == 403 and "printed a new one" in await resp.text()
        third = client.app[GATE].code
        assert third not in (None, second) and (await client.get("/", params={"code": third})).status == 200
    finally:
        await services.http.close()
