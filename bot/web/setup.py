"""First-run setup as Probot does it: register the GitHub App from `app.yml` through GitHub's manifest flow.

With no APP_ID, `GET /` shows a button that posts the manifest to GitHub (for a user, or for the organization
GH_ORG). GitHub sends the browser back to `/setup/callback?code=…&state=…`; the state (signed, single-use, bound
to this browser) proves the callback answers our own request, then the code is exchanged with
`POST /app-manifests/{code}/conversions` and APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GITHUB_CLIENT_ID and
GITHUB_CLIENT_SECRET are written to the .env file (mode 0600). Restart the server to use them.
"""

from __future__ import annotations

import html
import logging
import os
import re
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import yaml
from aiohttp import web

from bot.services import Services
from bot.web import states
from bot.web.sessions import (
    BROWSER_COOKIE,
    browser_id,
    fail,
    services_of,
    set_browser_cookie,
    sha256,
    signed_in,
    signing_key,
)

log = logging.getLogger(__name__)

APP_YML = Path(__file__).resolve().parent.parent.parent / "app.yml"
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
ENV_KEYS = ("APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET", "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET")


def base_url(request: web.Request, services: Services) -> str:
    return (services.settings.public_url or f"{request.scheme}://{request.host}").rstrip("/")


def manifest(base: str, path: Path = APP_YML) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text()) if path.exists() else {}
    data = {k: v for k, v in data.items() if v is not None}
    data.setdefault("name", "DevFlowFix")
    data.setdefault("url", base)
    data["hook_attributes"] = {**(data.get("hook_attributes") or {}), "url": f"{base}/api/github/webhooks"}
    data["redirect_url"] = f"{base}/setup/callback"
    data["callback_urls"] = [f"{base}/api/v1/oauth/github/callback"]
    return data


def _page(title: str, body: str) -> web.Response:
    text = (
        "<!doctype html><html><head><meta charset='utf-8'><title>" + html.escape(title) + "</title></head>"
        "<body style='font-family:sans-serif;max-width:40em;margin:3em auto'>" + body + "</body></html>"
    )
    return web.Response(text=text, content_type="text/html")


async def index(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    settings = services.settings
    if settings.app_configured:  # the console: the repositories if signed in, else the sign-in page
        who = await signed_in(request)
        raise web.HTTPSeeOther(location="/repositories" if who is not None else "/sign-in")
    base = base_url(request, services)
    response = _page("Set up DevFlowFix", "")
    browser, new_browser = browser_id(request)
    if new_browser:
        set_browser_cookie(request, response, browser)
    state = await states.issue(
        services.db, signing_key(services), provider="github", purpose="manifest", browser_hash=sha256(browser),
        ttl=3600,
    )
    target = (
        f"{settings.github_web_base}/organizations/{settings.gh_org}/settings/apps/new"
        if settings.gh_org else f"{settings.github_web_base}/settings/apps/new"
    )
    action = f"{target}?state={state}"
    manifest_json = orjson.dumps(manifest(base)).decode()
    owner = f"the organization {html.escape(settings.gh_org)}" if settings.gh_org else "your account"
    response.text = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Set up DevFlowFix</title></head>"
        "<body style='font-family:sans-serif;max-width:40em;margin:3em auto'>"
        "<h1>Set up DevFlowFix</h1><p>No GitHub App is configured yet. Register one for " + owner + " from "
        "<code>app.yml</code>; GitHub sends you back here and the credentials are written to <code>.env</code>.</p>"
        f"<form action='{html.escape(action, quote=True)}' method='post'>"
        f"<input type='hidden' name='manifest' value='{html.escape(manifest_json, quote=True)}'>"
        "<button type='submit'>Register the GitHub App</button></form></body></html>"
    )
    return response


def write_env(path: Path, values: dict[str, str]) -> None:
    """Set `values` in the dotenv file at `path`, keeping its other lines; the file is made private (0600)."""
    lines = path.read_text().splitlines() if path.exists() else []
    kept = [line for line in lines if line.split("=", 1)[0].strip() not in values]
    for key, value in values.items():
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        kept.append(f'{key}="{escaped}"')
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(kept) + "\n")
    path.chmod(0o600)


async def callback(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    settings = services.settings
    if settings.app_configured:
        fail(409, "a GitHub App is already configured; remove APP_ID to register another")
    code = request.query.get("code", "")
    if not CODE_PATTERN.match(code):
        fail(400, "missing or malformed code")
    cookie = request.cookies.get(BROWSER_COOKIE)
    try:
        await states.redeem(
            services.db, signing_key(services), request.query.get("state"), provider="github", purpose="manifest",
            browser_hash=sha256(cookie) if cookie and len(cookie) <= 256 else None,
        )
    except states.StateError as exc:
        fail(400, str(exc))
    url = f"{settings.github_api_base}/app-manifests/{code}/conversions"
    try:
        async with services.http.post(url, headers={"Accept": "application/vnd.github+json"}) as resp:
            body = await resp.read()
            status = resp.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        fail(502, f"GitHub is unreachable ({type(exc).__name__})")
    if status != 201:
        fail(400 if status in (404, 422) else 502, f"GitHub refused the manifest code (HTTP {status}); start again")
    data = orjson.loads(body)
    try:
        values = {
            "APP_ID": str(int(data["id"])), "PRIVATE_KEY": str(data["pem"]),
            "WEBHOOK_SECRET": str(data["webhook_secret"]), "GITHUB_CLIENT_ID": str(data["client_id"]),
            "GITHUB_CLIENT_SECRET": str(data["client_secret"]),
        }
    except (KeyError, TypeError, ValueError):
        fail(502, "GitHub's answer lacks the App's credentials")
    write_env(settings.env_file_path, values)
    log.warning("GitHub App %s registered; credentials written to %s; restart the server",
                values["APP_ID"], settings.env_file_path)
    html_url = str(data.get("html_url") or "")
    install = f"{html_url}/installations/new" if html_url.startswith("https://") else ""
    link = f"<a href='{html.escape(install, quote=True)}'>Install it</a> on your repositories." if install else ""
    where = html.escape(str(settings.env_file_path))
    response = _page("DevFlowFix registered", f"<h1>App registered</h1><p>The credentials are in <code>{where}"
                                              f"</code>. Restart the server to use them. {link}</p>")
    response.del_cookie(BROWSER_COOKIE, path="/")
    return response


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", index)
    app.router.add_get("/setup/callback", callback)
