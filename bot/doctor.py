"""`python -m bot doctor`: is this deployment able to work? One line per check, exit 1 when one fails.

Checks, in order: the settings (and what `preflight` checks at start); the database reachable and its migrations
current; the App's JWT accepted (`GET /app`); each installation's permissions and events against `app.yml`;
recent webhook deliveries GitHub failed to deliver (`GET /app/hook/deliveries`); `PUBLIC_URL` set and https;
the LLM server reachable and the model known (`GET /models`); the GitLab token's scopes. A check that cannot
apply (no App, no LLM key, no GitLab token) says so and is skipped. Nothing printed carries a secret's value.
"""

from __future__ import annotations

import argparse
import asyncio
import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.settings import ConfigError, Settings

TIMEOUT = 15.0  # seconds for each remote call
DELIVERIES_LOOKED_AT = 50


class Status(enum.Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"
    SKIP = "skip"


@dataclass(frozen=True)
class Result:
    name: str
    status: Status
    detail: str

    def line(self) -> str:
        return f"{self.status.value:<4} {self.name}: {self.detail}"


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    def add(self, name: str, status: Status, detail: str) -> Result:
        result = Result(name, status, detail)
        self.results.append(result)
        return result

    @property
    def failed(self) -> bool:
        return any(r.status is Status.FAIL for r in self.results)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    doctor = sub.add_parser(
        "doctor", help="check the settings, the database, the App at GitHub, the LLM and GitLab; exit 1 on a problem"
    )
    doctor.add_argument("--timeout", type=float, default=TIMEOUT,
                        help=f"seconds for each remote call (default: {TIMEOUT:g})")
    doctor.add_argument("--dev", action="store_true",
                        help="development mode (default: off; env DEVFLOWFIX_ENV=development)")
    doctor.set_defaults(func=cmd_doctor)


def cmd_doctor(args: argparse.Namespace) -> int:
    from bot.settings import load_settings

    report = Report()
    try:
        settings = load_settings(**({"devflowfix_env": "development"} if args.dev else {}))
    except ConfigError as exc:
        report.add("settings", Status.FAIL, str(exc).removeprefix("configuration error: "))
        _print(report)
        return 1
    asyncio.run(diagnose(settings, report, timeout=args.timeout, echo=True))
    return 1 if report.failed else 0


def _print(report: Report, start: int = 0) -> None:
    for result in report.results[start:]:
        print(result.line(), flush=True)


async def diagnose(settings: Settings, report: Report, *, timeout: float = TIMEOUT, echo: bool = False) -> Report:
    """Run every check into `report` (printing each line as it comes when `echo`)."""
    import aiohttp

    async def step(check: Callable[..., Awaitable[None]], *extra: Any) -> None:
        start = len(report.results)
        try:
            await check(settings, report, *extra)
        except Exception as exc:  # a check that breaks is a failed check, not a traceback
            report.add(check.__name__.removeprefix("check_"), Status.FAIL, f"could not check ({type(exc).__name__})")
        if echo:
            _print(report, start)

    await step(check_settings)
    await step(check_database)
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout), headers={"User-Agent": "devflowfix-doctor"}
    ) as http:
        await step(check_github_app, http)
        await step(check_public_url)
        await step(check_llm, http)
        await step(check_gitlab, http)
    return report


# ---- the checks


async def check_settings(settings: Settings, report: Report) -> None:
    from bot import preflight

    try:
        preflight.check_private_key(settings)
        preflight.check_encryption_keys(settings)
    except ConfigError as exc:
        report.add("settings", Status.FAIL, str(exc).removeprefix("configuration error: "))
        return
    missing = []
    if not settings.development:
        if settings.webhook_secret is None:
            missing.append("WEBHOOK_SECRET")
        if not settings.oauth_token_encryption_key:
            missing.append("OAUTH_TOKEN_ENCRYPTION_KEY")
    if missing:
        report.add("settings", Status.FAIL, f"{', '.join(missing)}: required outside development mode")
        return
    mode = "development" if settings.development else "production"
    report.add("settings", Status.OK, f"read ({mode} mode, QUEUE_MODE={settings.queue_mode})")


async def check_database(settings: Settings, report: Report) -> None:
    from bot import preflight

    try:
        if (path := preflight._sqlite_path(settings.database_url)) is not None:
            preflight.check_sqlite(path)
        else:
            await preflight.ping_database(settings.database_url)
    except ConfigError as exc:
        report.add("database", Status.FAIL, str(exc).removeprefix("configuration error: "))
        return
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from storage import migrate

    engine = create_async_engine(settings.database_url, poolclass=NullPool)
    try:
        current, head = await migrate.current_revision(engine), migrate.head_revision()
    finally:
        await engine.dispose()
    kind = settings.database_url.split("+", 1)[0]
    if current != head:
        report.add("database", Status.FAIL, f"{kind} answers, migrations behind ({current or 'none'} → {head}): "
                   "run `python -m bot migrate`")
    else:
        report.add("database", Status.OK, f"{kind} answers, migrations current ({head})")


class AppAPI:
    """GET calls as the App itself (the JWT as a Bearer token, as bot/auth/installation_tokens.py mints with)."""

    def __init__(self, http: Any, base: str, jwt: str) -> None:
        self.http, self.base, self.jwt = http, base.rstrip("/"), jwt

    async def get(self, path_or_url: str) -> tuple[int, Any, str | None]:
        """(status, JSON body, the Link header's next URL)."""
        url = path_or_url if path_or_url.startswith("http") else self.base + path_or_url
        headers = {"Authorization": f"Bearer {self.jwt}", "Accept": "application/vnd.github+json",
                   "X-GitHub-Api-Version": "2022-11-28"}
        async with self.http.get(url, headers=headers) as resp:
            body = await resp.json(content_type=None) if resp.content_length != 0 else None
            return resp.status, body, resp.links.get("next", {}).get("url") and str(resp.links["next"]["url"])

    async def get_all(self, path: str, pages: int = 20) -> tuple[int, list[Any]]:
        items: list[Any] = []
        url: str | None = path
        status = 200
        while url and pages > 0:
            status, body, url = await self.get(url)
            if status != 200:
                return status, items
            items.extend(body or [])
            pages -= 1
        return status, items


async def check_github_app(settings: Settings, report: Report, http: Any) -> None:
    from bot.auth.app_jwt import AppJWT

    if not settings.app_configured:
        report.add("github app", Status.SKIP, "APP_ID and PRIVATE_KEY unset: register the App at / (serve --dev)")
        return
    assert settings.app_id is not None and settings.private_key is not None
    jwt = AppJWT(settings.app_id, settings.private_key.get_secret_value()).token()
    gh = AppAPI(http, settings.github_api_base, jwt)
    try:
        status, app, _ = await gh.get("/app")
    except (TimeoutError, OSError) as exc:
        report.add("github app", Status.FAIL, f"{settings.github_api_base} did not answer ({type(exc).__name__})")
        return
    if status != 200 or not isinstance(app, dict):
        report.add("github app", Status.FAIL, f"GET /app answered {status}: the JWT was refused (APP_ID "
                   "and PRIVATE_KEY must be the same App's; a server clock far off also does it)")
        return
    report.add("github app", Status.OK, f"JWT accepted: App {app.get('slug') or app.get('id')} (APP_ID "
               f"{settings.app_id})")
    await _check_installations(settings, report, gh)
    await _check_deliveries(report, gh)


async def _check_installations(settings: Settings, report: Report, gh: AppAPI) -> None:
    from bot.web.repositories import missing_permissions, requested_by_app_yml

    wanted, events = requested_by_app_yml()
    status, installations = await gh.get_all("/app/installations?per_page=100")
    if status != 200:
        report.add("installations", Status.FAIL, f"GET /app/installations answered {status}")
        return
    if not installations:
        report.add("installations", Status.WARN, "the App is installed nowhere yet: install it on a repository")
        return
    for inst in installations:
        account = (inst.get("account") or {}).get("login", "?")
        name = f"installation {inst.get('id')} ({account})"
        if inst.get("suspended_at"):
            report.add(name, Status.FAIL, "suspended: nothing is delivered or done there")
            continue
        lacking = missing_permissions(inst.get("permissions") or {}, wanted)
        subscribed = set(inst.get("events") or ())
        no_events = [e for e in events if e not in subscribed]
        problems = [f"{m['permission']}: {m['granted']} (app.yml asks {m['wanted']})" for m in lacking]
        if no_events:
            problems.append("events not subscribed: " + ", ".join(no_events))
        if problems:
            report.add(name, Status.FAIL, "; ".join(problems) + " (accept the new permissions in the installation's "
                       "settings, or update the App's)")
        else:
            report.add(name, Status.OK, f"permissions and events match app.yml ({len(wanted)} permissions, "
                       f"{len(events)} events)")


async def _check_deliveries(report: Report, gh: AppAPI) -> None:
    status, data, _ = await gh.get(f"/app/hook/deliveries?per_page={DELIVERIES_LOOKED_AT}")
    if status != 200 or not isinstance(data, list):
        report.add("webhook deliveries", Status.WARN, f"GET /app/hook/deliveries answered {status}")
        return
    failing = [d for d in data or [] if not 200 <= int(d.get("status_code") or 0) < 300]
    if not data:
        report.add("webhook deliveries", Status.WARN, "GitHub has delivered nothing yet (is the webhook URL set?)")
    elif failing:
        last = failing[0]
        report.add("webhook deliveries", Status.FAIL, f"{len(failing)} of the last {len(data)} failed at GitHub; "
                   f"latest: {last.get('event')} answered {last.get('status_code') or 'nothing'} "
                   f"({last.get('status') or '?'}) at {last.get('delivered_at')}: is the server reachable at the "
                   "App's webhook URL, with the same WEBHOOK_SECRET?")
    else:
        report.add("webhook deliveries", Status.OK, f"the last {len(data)} were delivered")


async def check_public_url(settings: Settings, report: Report) -> None:
    from urllib.parse import urlsplit

    if not settings.public_url:
        status = Status.WARN if settings.development else Status.FAIL
        report.add("public url", status, "PUBLIC_URL unset: redirect URIs and GitLab hooks use the request's host"
                   + (" (WEBHOOK_PROXY_URL is set, fine for local work)" if settings.webhook_proxy_url else ""))
        return
    parts = urlsplit(settings.public_url)
    if parts.scheme != "https" or not parts.netloc:
        local = parts.hostname in ("localhost", "127.0.0.1")
        report.add("public url", Status.WARN if local or settings.development else Status.FAIL,
                   "PUBLIC_URL is not an https:// URL (GitHub and the session cookie need https)")
        return
    report.add("public url", Status.OK, f"{parts.scheme}://{parts.netloc}")


async def check_llm(settings: Settings, report: Report, http: Any) -> None:
    if not settings.llm_enabled:
        report.add("llm", Status.SKIP, "OPENAI_API_KEY unset: failures are explained by the analyzer alone")
        return
    assert settings.openai_api_key is not None
    base = (settings.openai_base_url or "https://api.openai.com/v1").rstrip("/")
    headers = {"Authorization": f"Bearer {settings.openai_api_key.get_secret_value()}"}
    try:
        async with http.get(f"{base}/models", headers=headers) as resp:
            status = resp.status
            body = await resp.json(content_type=None) if status == 200 else None
    except (TimeoutError, OSError, ValueError) as exc:
        report.add("llm", Status.FAIL, f"OPENAI_BASE_URL did not answer ({type(exc).__name__})")
        return
    if status in (401, 403):
        report.add("llm", Status.FAIL, f"GET /models answered {status}: OPENAI_API_KEY was refused")
        return
    if status != 200:
        report.add("llm", Status.WARN, f"GET /models answered {status}: the model could not be checked")
        return
    models = {m.get("id") for m in (body or {}).get("data", []) if isinstance(m, dict)}
    if settings.openai_model not in models:
        report.add("llm", Status.FAIL, f"OPENAI_MODEL {settings.openai_model} is not among the server's "
                   f"{len(models)} models")
        return
    report.add("llm", Status.OK, f"reachable, model {settings.openai_model} known")


async def check_gitlab(settings: Settings, report: Report, http: Any) -> None:
    if settings.gitlab_token is None:
        report.add("gitlab", Status.SKIP, "GITLAB_TOKEN unset: projects connected by people use their own tokens")
        return
    headers = {"PRIVATE-TOKEN": settings.gitlab_token.get_secret_value()}
    url = f"{settings.gitlab_base}/api/v4/personal_access_tokens/self"
    try:
        async with http.get(url, headers=headers) as resp:
            status = resp.status
            body = await resp.json(content_type=None) if status == 200 else None
    except (TimeoutError, OSError, ValueError) as exc:
        report.add("gitlab", Status.FAIL, f"GITLAB_URL did not answer ({type(exc).__name__})")
        return
    if status == 401:
        report.add("gitlab", Status.FAIL, "GITLAB_TOKEN was refused (revoked or expired)")
        return
    if status != 200 or not isinstance(body, dict):
        report.add("gitlab", Status.WARN, f"token scopes could not be read (HTTP {status})")
        return
    scopes = set(body.get("scopes") or ())
    if "api" not in scopes:
        report.add("gitlab", Status.FAIL, f"GITLAB_TOKEN lacks the api scope (has: {', '.join(sorted(scopes))})")
        return
    expires = body.get("expires_at")
    report.add("gitlab", Status.OK, "token has the api scope" + (f", expires {expires}" if expires else ""))
