"""Worker processes on procrastinate die and stop: a SIGKILL mid-job is retried and completes; a SIGTERM under
load hands the work in hand back and exits 0; nothing recorded is lost (real processes, PostgreSQL, fake GitHub)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from storage.database import Database
from tests.conftest import JOB_TABLES
from tests.fakes.github import APP_ID, app_key
from tests.fakes.llm import API_KEY
from tests.test_job_engine import rows, until
from tests.test_pipeline import World, fix_answer, make_world

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
async def pg_world(aiohttp_client: Any, postgres_url: str) -> AsyncIterator[World]:
    from tests.conftest import _truncate

    db = Database.connect(postgres_url)
    await _truncate(db)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {JOB_TABLES} RESTART IDENTITY CASCADE"))
    async for w in make_world(aiohttp_client, postgres_url, db, queue_mode="external"):
        yield w
    await db.close()


def worker_env(world: World, **extra: str) -> dict[str, str]:
    settings = world.services.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "GITHUB", "DATABASE"))}
    env.update({
        "DATABASE_URL": settings.database_url, "QUEUE_MODE": "external", "DEVFLOWFIX_ENV": "test",
        "APP_ID": str(APP_ID), "PRIVATE_KEY": app_key()[0], "GITHUB_API_URL": world.fake.url,
        "GITHUB_URL": world.fake.url, "WEBHOOK_SECRET": "x", "OPENAI_API_KEY": API_KEY,
        "OPENAI_BASE_URL": world.llm.url, "OPENAI_MODEL": "fake-model", "LLM_MAX_RETRIES": "0",
        "WORKER_HEARTBEAT_SECONDS": "1", "SHUTDOWN_GRACE_SECONDS": "1", "WORKER_CONCURRENCY": "4",
        "JOB_CHECKS_SECONDS": "2",  # the stalled-job check every 2 s, not 10: a killed worker's job comes back sooner
        "PERIODIC_WORK": "false", "LOG_LEVEL": os.environ.get("WORKER_LOG_LEVEL", "INFO"),
    })
    env.update(extra)
    return env


STARTED: list[asyncio.subprocess.Process] = []


@pytest.fixture(autouse=True)
async def no_worker_left() -> AsyncIterator[None]:
    yield
    while STARTED:  # a failed test must not leave its workers running
        proc = STARTED.pop()
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def last_worker_id(world: World) -> int:
    async with world.db.engine.connect() as conn:
        return int((await conn.execute(text("SELECT coalesce(max(id), 0) FROM procrastinate_workers"))).scalar() or 0)


async def start_worker(world: World, log: Path, **extra: str) -> asyncio.subprocess.Process:
    before = await last_worker_id(world)
    out = log.open("ab")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "worker", cwd=ROOT, env=worker_env(world, **extra), stdout=out, stderr=out,
        stdin=asyncio.subprocess.DEVNULL,
    )
    out.close()
    STARTED.append(proc)

    async def registered() -> bool:
        return await last_worker_id(world) > before

    await until(registered, timeout=30)
    return proc


async def test_a_worker_killed_mid_job_leaves_it_to_be_retried_and_it_completes(
    pg_world: World, tmp_path: Path
) -> None:
    world = pg_world
    world.llm.answer(fix_answer())
    world.fake.delays["/logs"] = 3.0  # the job log download is slow: the worker is killed while it waits
    first = await start_worker(world, tmp_path / "w1.log")
    payload = world.payload(world.failed_run())
    from tests.helpers import send_github

    status, _ = await send_github(world.client, "workflow_run", payload, delivery="killed-mid-job")
    assert status == 202

    async def downloading() -> bool:
        return any("/logs" in r.path for r in world.fake.requests)

    await until(downloading)
    first.send_signal(signal.SIGKILL)
    assert await first.wait() == -signal.SIGKILL
    world.fake.delays.clear()
    second = await start_worker(world, tmp_path / "w2.log")

    async def done() -> bool:
        found = await rows(world.db)
        return bool(found) and found[0].status == "done"

    await until(done, timeout=60)  # the stalled job is retried (heartbeat 1 s, stalled after 3 s, checked every 2 s)
    [row] = await rows(world.db)
    assert row.attempts == 2
    assert len(world.comments()) == 1  # published once
    [incident] = await world.incidents()
    assert incident.status != "analyzing"
    second.send_signal(signal.SIGTERM)
    assert await second.wait() == 0


async def test_sigterm_under_load_loses_nothing(pg_world: World, tmp_path: Path) -> None:
    from tests.helpers import send_github

    world = pg_world
    world.fake.delays["/logs"] = 1.5  # every delivery is in hand for a while
    workers = [await start_worker(world, tmp_path / f"w{i}.log") for i in range(2)]
    runs = [world.failed_run(run_id=9000 + i) for i in range(4)]
    for i, run in enumerate(runs):
        status, _ = await send_github(world.client, "workflow_run", world.payload(run), delivery=f"load-{i}")
        assert status == 202

    async def started() -> bool:
        return sum("/logs" in r.path for r in world.fake.requests) >= 2

    await until(started)
    for proc in workers:
        proc.send_signal(signal.SIGTERM)
    codes = await asyncio.wait_for(asyncio.gather(*(p.wait() for p in workers)), 30)
    assert codes == [0, 0]  # both stopped within the grace and exited cleanly
    world.fake.delays.clear()
    survivor = await start_worker(world, tmp_path / "w3.log")

    async def all_done() -> bool:
        found = await rows(world.db)
        return len(found) == 4 and all(r.status == "done" for r in found)

    await until(all_done, timeout=90)
    incidents = await world.incidents()
    assert len(incidents) == 4 and all(i.status != "analyzing" for i in incidents)
    survivor.send_signal(signal.SIGTERM)
    assert await survivor.wait() == 0
