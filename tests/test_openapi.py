"""The OpenAPI description matches the server: every `/api/v1` route the application registers is described (and
nothing that is not served), and schemathesis runs it against the running server, signed in: no 5xx, and every
answer matches the description (status code, content type, body), the OAuth redirects, sign-out and forgetting
a connection included (those two on a browser of their own). The server runs in a thread of its own (its
own event loop, SQLite database and fake GitHub) so that schemathesis's blocking client can call it."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from aiohttp import web

from bot.web.openapi import description
from tests.conftest import make_settings

API = "/api/v1"
EXAMPLES_PER_OPERATION = 15
THROWAWAY = ("/api/v1/session/logout", "/api/v1/oauth/connections/{id}")  # run on a session of their own


def served_routes(app: web.Application) -> set[tuple[str, str]]:
    found = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter") or ""
        if path.startswith(API) and route.method not in ("HEAD", "OPTIONS", "*"):
            found.add((route.method.lower(), path))
    return found


def described_routes() -> set[tuple[str, str]]:
    return {(method, path) for path, item in description()["paths"].items() for method in item}


def test_every_api_route_is_described_and_nothing_else(database_url: str) -> None:
    from bot.server import create_app

    app = create_app(make_settings(database_url), migrate=False)
    served = served_routes(app)
    assert served, "no /api/v1 routes found"
    assert served - described_routes() == set(), "served but not in the OpenAPI description"
    assert described_routes() - served == set(), "described but not served"


async def test_the_description_is_served(client: Any) -> None:
    resp = await client.get("/api/v1/openapi.json")
    assert resp.status == 200
    body = await resp.json()
    assert body["openapi"].startswith("3.") and body == description()
    assert set(body["components"]["securitySchemes"]) == {"session", "csrf"}


# ---- schemathesis against the running server --------------------------------------------------------------------
@dataclass
class Running:
    base: str
    session: requests.Session
    csrf: str
    fake: Any

    def sign_in(self, user_id: int, login: str) -> tuple[requests.Session, str]:
        """A new browser signed in as `login` through the whole OAuth flow; its CSRF token."""
        return sign_in_over_http(self.base, self.fake, user_id, login)


def sign_in_over_http(base: str, fake: Any, user_id: int, login: str) -> tuple[requests.Session, str]:
    if user_id not in fake.oauth.users:
        fake.oauth.add_user(login, user_id)
    fake.oauth.approve_as = user_id
    session = requests.Session()
    # us -> the fake GitHub's authorize page -> our callback
    start = session.get(f"{base}/api/v1/oauth/github/authorize", allow_redirects=False, timeout=30)
    assert start.status_code == 302, start.text
    approved = session.get(start.headers["Location"], allow_redirects=False, timeout=30)
    assert approved.status_code == 302, approved.text
    done = session.get(approved.headers["Location"], allow_redirects=False, timeout=30)
    assert done.status_code == 302, done.text
    info = session.get(f"{base}/api/v1/session", timeout=30).json()
    assert info["signed_in"], info
    return session, str(info["csrf_token"])


def _serve(ready: threading.Event, stop: threading.Event, box: dict[str, Any], db_path: Path) -> None:
    from bot.server import create_app
    from bot.services import Services
    from tests.fakes.github import APP_ID, FakeGitHub, app_key
    from tests.identities import identity_settings

    async def main() -> None:
        pem, public = app_key()
        fake = FakeGitHub(public_key=public)
        await fake.start()
        settings = identity_settings(f"sqlite+aiosqlite:///{db_path}", fake, None, app_id=APP_ID, private_key=pem,
                                     log_level="WARNING")
        services = await Services.create(settings)
        repos = fake.repos  # type: ignore[attr-defined]
        repo = repos.add("octo-org/app", files={"README.md": "app\n", "src/main.py": "print(1)\n"})
        repos.add_run(repo, head_sha=repo.refs["heads/main"], branch="main", conclusion="failure",
                      jobs=[{"name": "build", "conclusion": "failure", "log": b"boom\n"}])
        fake.add_installation(11, "octo-org", ["octo-org/app"], first_repo_id=repo.id)
        await services.db.installations.upsert({"id": 11, "account": {"login": "octo-org", "id": 1}})
        await services.db.installations.add_repositories(11, [{"id": repo.id, "full_name": "octo-org/app"}])
        fake.oauth.add_user("octocat", 1)  # type: ignore[attr-defined]
        fake.oauth.approve_as = 1  # type: ignore[attr-defined]
        fake.oauth.grant_repo(1, "octo-org/app", "admin")  # type: ignore[attr-defined]
        runner = web.AppRunner(create_app(settings, services=services, migrate=False))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        settings.public_url = f"http://127.0.0.1:{port}"
        box["base"] = settings.public_url
        box["fake"] = fake
        ready.set()
        await asyncio.to_thread(stop.wait)
        await runner.cleanup()
        await services.close()
        await fake.close()

    try:
        asyncio.run(main())
    except BaseException as exc:  # pragma: no cover - reported by the fixture
        box["error"] = exc
        ready.set()


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Running]:
    db_path = tmp_path_factory.mktemp("openapi") / "bot.sqlite3"
    shutil.copy(sqlite_template, db_path)
    ready, stop, box = threading.Event(), threading.Event(), {}
    thread = threading.Thread(target=_serve, args=(ready, stop, box, db_path), daemon=True)
    thread.start()
    assert ready.wait(60), "the server did not start"
    if "error" in box:
        raise box["error"]
    base = box["base"]
    session, csrf = sign_in_over_http(base, box["fake"], 1, "octocat")
    try:
        yield Running(base, session, csrf, box["fake"])
    finally:
        stop.set()
        thread.join(30)


def test_schemathesis_against_the_running_server(running: Running) -> None:
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_dict(description())
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    started = time.monotonic()
    tried: list[str] = []
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        # signing out and forgetting a connection end a sign-in: they run on a browser of their own (the OAuth
        # redirects, on the run's own: the provider is never followed)
        session, csrf = running.sign_in(2, "mallory") if operation.path in THROWAWAY else \
            (running.session, running.csrf)

        def runner(operation: Any, session: requests.Session, csrf: str) -> Any:
            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            def run(case: Any) -> None:
                headers = {"X-CSRF-Token": csrf}
                if case.headers:
                    headers.update(case.headers)
                case.call_and_validate(base_url=running.base, session=session, headers=headers, checks=checks,
                                       allow_redirects=False, timeout=30)

            return run  # noqa: B023  (its own, returned at once)

        run = runner(operation, session, csrf)

        tried.append(operation.label)
        try:
            run()
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    assert len(tried) >= 20, tried
    assert {"GET /api/v1/oauth/github/authorize", "GET /api/v1/oauth/github/callback", "POST /api/v1/session/logout",
            "DELETE /api/v1/oauth/connections/{id}"} <= set(tried), tried
    assert not failures, "\n\n".join(failures)
    assert time.monotonic() - started < 90


def test_redirects_sign_out_and_forgetting_a_connection_answer_as_described(running: Running) -> None:
    """The answers schemathesis rarely reaches at random: a redirect's Location, another person's connection
    (404), one's own (200, as described), a sign-out (200, then 401)."""
    import schemathesis
    from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

    schema = schemathesis.openapi.from_dict(description())
    checks = [status_code_conformance, response_schema_conformance]
    start = running.session.get(f"{running.base}/api/v1/oauth/gitlab/authorize", allow_redirects=False, timeout=30)
    assert start.status_code == 302 and start.headers["Location"].startswith("https://")
    theirs, their_csrf = running.sign_in(3, "trudy")
    [their_connection] = theirs.get(f"{running.base}/api/v1/oauth/connections", timeout=30).json()["connections"]
    delete = schema["/api/v1/oauth/connections/{id}"]["DELETE"]
    case = delete.Case(path_parameters={"id": their_connection["id"]})
    mine = case.call(base_url=running.base, session=running.session, headers={"X-CSRF-Token": running.csrf})
    assert mine.status_code == 404 and mine.json()["error"]
    case.validate_response(mine, checks=checks)
    own = case.call(base_url=running.base, session=theirs, headers={"X-CSRF-Token": their_csrf})
    assert own.status_code == 200 and own.json()["deleted"] is True
    case.validate_response(own, checks=checks)
    logout = schema["/api/v1/session/logout"]["POST"].Case()
    out = logout.call(base_url=running.base, session=theirs, headers={"X-CSRF-Token": their_csrf})
    assert out.status_code == 200 and out.json() == {"signed_in": False}
    logout.validate_response(out, checks=checks)
    again = logout.call(base_url=running.base, session=theirs, headers={"X-CSRF-Token": their_csrf})
    assert again.status_code == 401
    logout.validate_response(again, checks=checks)
