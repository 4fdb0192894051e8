"""Shared fixtures: a real database per test (SQLite file and PostgreSQL), settings, and the running app."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text

from bot.forges import gitlab_project_paths
from bot.settings import Settings, load_settings
from storage.database import Database
from storage.migrate import upgrade_sync
from storage.models import Base

WEBHOOK_SECRET = "it's a secret to everybody"
GITLAB_SECRET = "gitlab-hook-secret"
PG_ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = [b for b in os.environ.get("TEST_DATABASES", "sqlite,postgres").split(",") if b]


def _utf8(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Captured output and failures as UTF-8 (lone surrogates escaped): hostile-input tests log undecodable bytes
    as surrogates, and pytest-xdist sends each report to the controller as UTF-8 (it crashes the worker else)."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    report.sections = [(title, _utf8(content)) for title, content in report.sections]
    if report.longrepr is not None:
        text = str(report.longrepr)
        if _utf8(text) != text:
            report.longrepr = _utf8(text)


@pytest.fixture(autouse=True)
def fresh_project_paths() -> Iterator[None]:
    """The per-process cache of GitLab project paths starts empty in each test: a path cached by an earlier test's
    fake GitLab (same address, same ids) would save this test's `GET /projects/:id` and change its call counts."""
    gitlab_project_paths.clear()
    yield
    gitlab_project_paths.clear()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade_sync(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of its own for this test run on the machine's PostgreSQL, migrated, dropped at the end."""
    name = f"dff_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = PG_ADMIN_DSN

    async def admin_exec(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin_exec(f'CREATE DATABASE "{name}"'))
    base = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    upgrade_sync(url)
    yield url
    # Dropped by a detached process: DROP DATABASE waits for a checkpoint, which on a busy server took 18-140 s
    # at the end of each xdist worker (the run waited for it with nothing else to do).
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    subprocess.Popen(
        [sys.executable, "-c", "import asyncio, sys, asyncpg\n"
         "async def main():\n    c = await asyncpg.connect(sys.argv[1])\n    await c.execute(sys.argv[2])\n"
         "    await c.close()\nasyncio.run(main())", admin, drop],
        start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "bot.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def on_one_database(preferred: str = "postgres") -> pytest.MarkDecorator:
    """Run a test on one database only (`preferred`, or the first of TEST_DATABASES without it): for slow tests of
    behaviour above the storage layer, whose database-specific parts other tests cover on both."""
    backend = preferred if preferred in BACKENDS else BACKENDS[0]
    return pytest.mark.parametrize("database_url", [backend], indirect=True)


async def _truncate(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        return
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


JOB_TABLES = "procrastinate_jobs, procrastinate_workers, procrastinate_periodic_defers, procrastinate_events"


@pytest.fixture
async def pg(postgres_url: str) -> AsyncIterator[Database]:
    """The run's PostgreSQL database, emptied, the job engine's tables included."""
    database = Database.connect(postgres_url)
    await _truncate(database)
    async with database.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {JOB_TABLES} RESTART IDENTITY CASCADE"))
    yield database
    await database.close()

@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database.connect(database_url)
    await _truncate(database)
    yield database
    await database.close()


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "devflowfix_env": "test",
        "database_url": database_url,
        "webhook_secret": WEBHOOK_SECRET,
        "gitlab_webhook_secret": GITLAB_SECRET,
        "log_level": "DEBUG",
        # the forge clients retry in place: quickly in tests, and a limit further than 5 s away is "retry later"
        "forge_backoff_base": 0.01,
        "forge_max_wait": 5,
        # no periodic timer beside the test's own calls (tests count API calls; test_periodic_work runs the jobs)
        "periodic_work": False,
    }
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
async def services(settings: Settings, db: Database) -> AsyncIterator[object]:
    from bot.services import Services

    svc = await Services.create(settings, db=db)
    yield svc
    await svc.http.close()


@pytest.fixture
async def client(settings: Settings, services: object, aiohttp_client: object) -> object:
    """The app on a test server. `aiohttp_client` comes after `services` (so after `db`): pytest tears fixtures
    down in reverse, so the app stops (its queue waits for the ends of deliveries in hand, written by the database's
    group commit) while the database is still open; the other order cost each such test a 30 s shutdown grace."""
    from bot.server import create_app

    app = create_app(settings, services=services, migrate=False)  # type: ignore[arg-type]
    return await aiohttp_client(app)  # type: ignore[operator]


@pytest.fixture
async def fake_github() -> AsyncIterator[object]:
    from tests.fakes.github import FakeGitHub, app_key

    _, public_key = app_key()
    fake = FakeGitHub(public_key=public_key)
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def app_settings(database_url: str, fake_github: object) -> Settings:
    """Settings for a configured GitHub App whose API is the fake GitHub."""
    from tests.fakes.github import APP_ID, app_key

    pem, _ = app_key()
    url = fake_github.url  # type: ignore[attr-defined]
    return make_settings(database_url, app_id=APP_ID, private_key=pem, github_api_url=url, github_url=url)


pytest_plugins = ["tests.identities"]  # fixtures of the identity tests (fake GitLab, settings with OAuth clients)
