"""First-run setup through GitHub's manifest flow: the page, the forged-callback refusals, the .env written."""

from __future__ import annotations

import html
import json
import re
import stat
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiohttp.test_utils import TestClient

from bot.services import Services
from bot.settings import Settings, load_settings
from bot.web.setup import GATE
from tests.fakes.github import FakeGitHub, app_key
from tests.identities import other_browser


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
