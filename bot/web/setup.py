"""First-run setup as Probot does it: register the GitHub App from `app.yml` through GitHub's manifest flow.

With no APP_ID, `GET /` shows a button that posts the manifest to GitHub (for a user, or for the organization
GH_ORG). GitHub sends the browser back to `/setup/callback?code=…&state=…`; the state (signed, single-use, bound
to this browser) proves the callback answers our own request, then the code is exchanged with
`POST /app-manifests/{code}/conversions` and APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GITHUB_CLIENT_ID and
GITHUB_CLIENT_SECRET are written to the .env file (mode 0600). Restart the server to use them.

Setup is guarded twice, so nobody who merely reaches the server can register their own App or replace ours:

- a one-time setup code, printed to the server's console (a WARNING line with the URL `/?code=…`, as Jupyter
  does): without it `/` only asks for the code and writes nothing. With several web processes (WEB_CONCURRENCY)
  there is one code for all: its SHA-256 is stored, made by an atomic insert, so exactly one process makes and
  prints it and every process accepts it (compared as hashes, in constant time). It lives SETUP_CODE_TTL seconds
  (an expired one is replaced, and printed, by the next start or the next visit with a code); a process that
  stops cleanly deletes the unused code it made, so a restart prints a new one;
- single use: a callback spends the code (an atomic update: one callback among all processes; given back if
  registering fails before anything is written); once credentials are written (or found in `.env`), every later
  callback is refused with 409 and `.env` is left untouched; callbacks in one process run one at a time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import html
import logging
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import yaml
from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.appkeys import SERVICES, SETTINGS
from bot.services import Services
from bot.settings import Settings
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
from bot.web.urls import public_base

log = logging.getLogger(__name__)

APP_YML = Path(__file__).resolve().parent.parent.parent / "app.yml"
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
ENV_KEYS = ("APP_ID", "PRIVATE_KEY", "WEBHOOK_SECRET", "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET")


CODE_QUERY = "code"
MAX_SETUP_CODE = 128


@dataclass
class SetupGate:
    """The one-time setup code as this process knows it: the code it made and printed (None if another process
    made the live one), whether this process wrote credentials, and the lock its callbacks take turns on.

    The code itself lives in the database (its SHA-256, bot/web/setup.py's `announce`), so every web process
    accepts the one code that was printed; `local` is the fallback when the database cannot hold it."""

    code: str | None = None
    made: bool = False
    local: bool = False
    done: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def accepts(self, services: Services, offered: str | None) -> bool:
        """Is `offered` the live setup code (compared as hashes, in constant time)?"""
        if not offered or len(offered) > MAX_SETUP_CODE or self.done:
            return False
        if self.local:
            return self.code is not None and hmac.compare_digest(offered.encode(errors="surrogateescape"),
                                                                 self.code.encode())
        row = await services.db.setup_codes.current()
        if row is None or row.used_at is not None or row.expires_at <= dt.datetime.now(dt.UTC):
            return False
        return hmac.compare_digest(sha256(offered), row.code_hash)

    async def make(self, services: Services) -> bool:
        """Make the shared code unless a live one exists (one atomic insert among all processes); True if this
        process made it (and so prints it)."""
        code = secrets.token_urlsafe(24)
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=services.settings.setup_code_ttl)
        try:
            made = await services.db.setup_codes.create_once(sha256(code), expires)
        except SQLAlchemyError:
            log.exception("the setup code cannot be stored; this process keeps its own")
            self.code, self.local, self.made = code, True, True
            return True
        if made:
            self.code, self.made = code, True
        return made


GATE = web.AppKey("setup_gate", SetupGate)


def env_has_credentials(path: Path) -> bool:
    """Does the dotenv file already hold an App's credentials (a non-empty APP_ID or PRIVATE_KEY)?"""
    try:
        lines = path.read_text().splitlines()
    except (FileNotFoundError, IsADirectoryError, PermissionError, UnicodeDecodeError):
        return False
    for line in lines:
        key, sep, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        if sep and key in ("APP_ID", "PRIVATE_KEY") and value.strip().strip("\"'").strip():
            return True
    return False


def setup_over(request: web.Request, services: Services) -> bool:
    settings = services.settings
    return settings.app_configured or request.app[GATE].done or env_has_credentials(settings.env_file_path)


def base_url(request: web.Request, services: Services) -> str:
    return public_base(services.settings)


def manifest(base: str, path: Path = APP_YML) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text()) if path.exists() else {}
    data = {k: v for k, v in data.items() if v is not None}
    data.setdefault("name", "DevFlowFix")
    data.setdefault("url", base)
    data["hook_attributes"] = {**(data.get("hook_attributes") or {}), "url": f"{base}/api/github/webhooks"}
    data["redirect_url"] = f"{base}/setup/callback"
    data["callback_urls"] = [f"{base}/api/v1/oauth/github/callback"]
    return data


def _page(title: str, body: str, status: int = 200) -> web.Response:
    text = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'><title>" + html.escape(title) +
        "</title></head><body><main>" + body + "</main></body></html>"
    )
    return web.Response(text=text, content_type="text/html", status=status)


ASK_CODE = (
    "<h1>Set up DevFlowFix</h1><p>No GitHub App is configured yet. To register one, give the one-time setup code "
    "the server printed in its log when it started (the line with <code>/?code=</code>).</p>"
    "<form action='/' method='get'><label for='code'>Setup code</label> "
    "<input id='code' name='code' autocomplete='off' required> <button type='submit'>Continue</button></form>"
)
REGISTERED = (
    "<h1>App registered</h1><p>A GitHub App's credentials are already written to the server's "
    "<code>.env</code>. Restart the server to use them; setup cannot be run again.</p>"
)


async def index(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    settings = services.settings
    if settings.app_configured:  # the console: the repositories if signed in, else the sign-in page
        who = await signed_in(request)
        raise web.HTTPSeeOther(location="/repositories" if who is not None else "/sign-in")
    if setup_over(request, services):
        return _page("DevFlowFix registered", REGISTERED)
    offered = request.query.get(CODE_QUERY)
    if offered is None:  # nothing written for an anonymous visit: no state row, no cookie
        return _page("Set up DevFlowFix", ASK_CODE)
    gate = request.app[GATE]
    if not await gate.accepts(services, offered):
        if not gate.local and await _renewed(request.app, services):
            return _page("Set up DevFlowFix", "<p role='alert'>The setup code had expired; the server printed a new "
                                              "one in its log just now.</p>" + ASK_CODE, 403)
        return _page("Set up DevFlowFix", "<p role='alert'>That is not the setup code.</p>" + ASK_CODE, 403)
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
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Set up DevFlowFix</title></head>"
        "<body><main><h1>Set up DevFlowFix</h1><p>No GitHub App is configured yet. Register one for " + owner + " from "
        "<code>app.yml</code>; GitHub sends you back here and the credentials are written to <code>.env</code>.</p>"
        f"<form action='{html.escape(action, quote=True)}' method='post'>"
        f"<input type='hidden' name='manifest' value='{html.escape(manifest_json, quote=True)}'>"
        "<button type='submit'>Register the GitHub App</button></form></main></body></html>"
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
    """GET /setup/callback: one at a time, and only until credentials are written."""
    services = services_of(request)
    gate = request.app[GATE]
    if setup_over(request, services):
        fail(409, "a GitHub App is already registered; setup runs once (restart the server to use it)")
    async with gate.lock:
        return await _register(request, services, gate)


async def _register(request: web.Request, services: Services, gate: SetupGate) -> web.StreamResponse:
    if setup_over(request, services):  # another callback finished while this one waited
        fail(409, "a GitHub App is already registered; setup runs once (restart the server to use it)")
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
    # the setup code is spent by exactly one callback among all processes (the others: 409, .env untouched)
    if not gate.local and not await services.db.setup_codes.claim():
        fail(409, "a GitHub App is already being registered, or was; setup runs once (restart the server to use it)")
    try:
        return await _convert(request, services, gate)
    except BaseException:
        if not gate.local and not gate.done:
            await services.db.setup_codes.release()  # nothing was written: the code may be used again
        raise


async def _convert(request: web.Request, services: Services, gate: SetupGate) -> web.StreamResponse:
    """Exchange the manifest code for the App's credentials and write them to .env."""
    settings = services.settings
    code = request.query.get("code", "")
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
    gate.done = True
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


def _print_code(settings: Settings, gate: SetupGate) -> None:
    scope = "in this process only" if gate.local else "in every DevFlowFix web process"
    log.warning("first-run setup: open %s/?code=%s to register the GitHub App (this code works %s, once, for %d "
                "minutes)", public_base(settings), gate.code, scope, settings.setup_code_ttl // 60)


async def _renewed(app: web.Application, services: Services) -> bool:
    """A visit with a code while the stored one has expired: make (and print) a new one; True if made."""
    row = await services.db.setup_codes.current()
    if row is not None and row.used_at is None and row.expires_at > dt.datetime.now(dt.UTC):
        return False
    gate = app[GATE]
    if await gate.make(services):
        _print_code(services.settings, gate)
        return True
    return False


async def announce(app: web.Application) -> None:
    """At start, while no App is configured: make the one setup code all processes share, unless another process
    has made a live one; the process that made it prints the setup URL with it (WARNING, to the console)."""
    settings = app[SETTINGS]
    if settings.app_configured or env_has_credentials(settings.env_file_path):
        return
    gate = app[GATE]
    if await gate.make(app[SERVICES]):
        _print_code(settings, gate)
    else:
        log.warning("first-run setup: another DevFlowFix process printed the one-time setup code in its log; "
                    "it works here too")


async def forget_code(app: web.Application) -> None:
    """A process stopping cleanly deletes the unused code it made, so the next start prints a new one."""
    gate = app[GATE]
    if gate.made and not gate.local and gate.code is not None and SERVICES in app:
        try:
            await app[SERVICES].db.setup_codes.forget(sha256(gate.code))
        except SQLAlchemyError:
            log.warning("the setup code could not be deleted at stop; it expires by itself")


def add_routes(app: web.Application) -> None:
    app[GATE] = SetupGate()
    app.on_startup.append(announce)
    app.on_cleanup.insert(0, forget_code)
    app.router.add_get("/", index)
    app.router.add_get("/setup/callback", callback)
