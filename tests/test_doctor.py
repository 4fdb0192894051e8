"""`doctor` against the fake GitHub: a good App passes every check, a missing permission or failing deliveries
fail with one line each that says what to do; broken settings exit 1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.doctor import Report, Status, diagnose
from bot.settings import Settings
from tests.conftest import make_settings
from tests.fakes import github_app
from tests.fakes.github import APP_ID, FakeGitHub, app_key
from tests.test_cli import run_bot


@pytest.fixture
async def fake_app() -> AsyncIterator[tuple[FakeGitHub, github_app.AppState]]:
    fake = FakeGitHub(public_key=app_key()[1])
    state = github_app.install(fake)
    fake.add_installation(77, "octo-org", ["octo-org/service"])
    await fake.start()
    yield fake, state
    await fake.close()


def doctor_settings(database_url: str, fake: FakeGitHub, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "app_id": APP_ID, "private_key": app_key()[0], "github_api_url": fake.url, "github_url": fake.url,
        "public_url": "https://devflowfix.example.com", "oauth_token_encryption_key": "",
    }
    return make_settings(database_url, **(values | extra))


def by_name(report: Report) -> dict[str, Any]:
    return {r.name: r for r in report.results}


async def test_a_good_app_passes(database_url: str, fake_app: tuple[FakeGitHub, github_app.AppState]) -> None:
    fake, state = fake_app
    state.grant_app_yml(77)
    state.delivery(202)
    state.delivery(202)
    report = await diagnose(doctor_settings(database_url, fake), Report())
    lines = [r.line() for r in report.results]
    assert not report.failed, lines
    found = by_name(report)
    assert found["github app"].status is Status.OK
    assert "JWT accepted" in found["github app"].detail
    assert found["installation 77 (octo-org)"].status is Status.OK
    assert found["webhook deliveries"].status is Status.OK
    assert found["database"].status is Status.OK and "migrations current" in found["database"].detail
    assert found["public url"].status is Status.OK
    assert found["llm"].status is Status.SKIP and found["gitlab"].status is Status.SKIP
    jwt_calls = [c for c in fake.calls("GET") if c.path in ("/app", "/app/installations", "/app/hook/deliveries")]
    assert len(jwt_calls) == 3 and all(c.headers["Authorization"].startswith("Bearer ") for c in jwt_calls)


async def test_a_missing_permission_fails_naming_it(
    database_url: str, fake_app: tuple[FakeGitHub, github_app.AppState]
) -> None:
    fake, state = fake_app
    state.grant_app_yml(77)
    del state.permissions[77]["checks"]
    state.events[77].remove("issue_comment")
    state.delivery(202)
    report = await diagnose(doctor_settings(database_url, fake), Report())
    assert report.failed
    line = by_name(report)["installation 77 (octo-org)"].line()
    assert line.startswith("FAIL installation 77 (octo-org): checks: none (app.yml asks write)")
    assert "events not subscribed: issue_comment" in line
    assert [r.name for r in report.results if r.status is Status.FAIL] == ["installation 77 (octo-org)"]


async def test_failing_deliveries_and_a_wrong_key_fail(
    database_url: str, fake_app: tuple[FakeGitHub, github_app.AppState]
) -> None:
    fake, state = fake_app
    state.grant_app_yml(77)
    state.delivery(202)
    state.delivery(401)
    found = by_name(await diagnose(doctor_settings(database_url, fake), Report()))
    assert found["webhook deliveries"].status is Status.FAIL
    assert "1 of the last 2 failed" in found["webhook deliveries"].detail

    other_app = doctor_settings(database_url, fake, app_id=APP_ID + 1)
    found = by_name(await diagnose(other_app, Report()))
    assert found["github app"].status is Status.FAIL
    assert found["github app"].detail.startswith("GET /app answered 401")


async def test_the_llm_model_is_checked(database_url: str, fake_app: tuple[FakeGitHub, github_app.AppState]) -> None:
    fake, state = fake_app
    state.grant_app_yml(77)

    async def models(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != "Bearer sk-test-key":
            return web.json_response({"error": "bad key"}, status=401)
        return web.json_response({"object": "list", "data": [{"id": "gpt-4o-mini"}, {"id": "local-model"}]})

    llm_app = web.Application()
    llm_app.router.add_get("/v1/models", models)
    server = TestServer(llm_app, host="127.0.0.1")
    await server.start_server()
    try:
        base = str(server.make_url("/v1"))
        known = doctor_settings(database_url, fake, openai_api_key="sk-test-key", openai_base_url=base,
                                openai_model="local-model")
        assert by_name(await diagnose(known, Report()))["llm"].status is Status.OK
        unknown = doctor_settings(database_url, fake, openai_api_key="sk-test-key", openai_base_url=base,
                                  openai_model="gpt-9")
        assert by_name(await diagnose(unknown, Report()))["llm"].detail.startswith("OPENAI_MODEL gpt-9 is not")
        refused = doctor_settings(database_url, fake, openai_api_key="sk-wrong", openai_base_url=base)
        assert "OPENAI_API_KEY was refused" in by_name(await diagnose(refused, Report()))["llm"].detail
    finally:
        await server.close()


def test_doctor_exits_1_on_a_problem_and_0_when_all_is_well(tmp_path: Any) -> None:
    result = run_bot("doctor", env={"PORT": "nope"})
    assert result.returncode == 1
    assert result.stdout.strip().startswith("FAIL settings: PORT: Input should be a valid integer")

    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/doc.sqlite3", "DEVFLOWFIX_ENV": "development"}
    assert run_bot("migrate", env=env).returncode == 0
    result = run_bot("doctor", env=env)
    assert result.returncode == 0, result.stdout
    assert "ok   database: sqlite answers, migrations current" in result.stdout
