"""Per-project configuration on GitLab, end to end (a `Pipeline Hook` into the server, the fake GitLab's repository
tree and files API): `.gitlab/devflowfix.yml` turning the bot off, branch globs, `_extends` from another project of
the group, a broken file (one note naming the file and the line; the defaults apply), the cache by blob id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.config.loader import GITLAB_PATH, load_gitlab_config
from bot.config.report import MARKER
from storage.database import Database
from storage.models import WorkflowRun
from tests.test_gitlab_pipeline import PROJECT, PROJECT_ID, World, make_world
from tests.test_repo_config import fresh_caches  # noqa: F401  (the autouse fixture)


@pytest.fixture
async def world(aiohttp_client: Any, database_url: str, db: Database) -> AsyncIterator[World]:
    async for w in make_world(aiohttp_client, database_url, db):
        yield w


async def ignored(world: World) -> list[WorkflowRun]:
    async with world.db.sessions() as s:
        return list((await s.execute(select(WorkflowRun).where(WorkflowRun.status == "ignored"))).scalars())


def config_notes(world: World) -> list[str]:
    return [n["body"] for n in world.notes() if MARKER in n["body"]]


async def test_no_file_changes_nothing(world: World) -> None:
    await world.deliver(world.payload(world.failed_pipeline()))
    assert len(await world.incidents()) == 1 and config_notes(world) == []


async def test_turned_off_by_the_projects_file(world: World) -> None:
    world.project.put_file(GITLAB_PATH, "enabled: false\n")
    pipeline = world.failed_pipeline()
    row = await world.deliver(world.payload(pipeline))
    assert row.status == "done", row.last_error
    assert await world.incidents() == [] and world.notes() == []
    [run] = await ignored(world)
    assert run.run_id == pipeline["id"] and run.provider == "gitlab"


async def test_branch_globs(world: World) -> None:
    world.project.put_file(GITLAB_PATH, "branches:\n  exclude: ['te*']\n")
    await world.deliver(world.payload(world.failed_pipeline()))
    assert await world.incidents() == [] and len(await ignored(world)) == 1
    await world.deliver(world.payload(world.failed_pipeline(ref="main")))
    assert len(await world.incidents()) == 1


async def test_extends_another_project_of_the_group(world: World) -> None:
    shared = world.fake.add_project(2, "gitlab-org/ci-settings")
    shared.put_file(GITLAB_PATH, "branches:\n  include: ['main']\nlabels: [shared]\n")
    world.project.put_file(GITLAB_PATH, "_extends: ci-settings\nlabels: [mine]\n")
    await world.deliver(world.payload(world.failed_pipeline()))  # branch `test`: not included by the base
    assert await world.incidents() == []
    client = world.services.gitlab_client()
    assert client is not None
    config = await load_gitlab_config(client, world.services.settings, None, PROJECT, "main", project_id=PROJECT_ID)
    assert config.labels == ["shared", "mine"]
    assert config.sources["branches.include"] == f"gitlab-org/ci-settings:{GITLAB_PATH}"
    assert config.files == [f"gitlab-org/ci-settings:{GITLAB_PATH}", f"{PROJECT}:{GITLAB_PATH}"]


async def test_a_broken_file_gets_one_note_and_the_defaults_apply(world: World) -> None:
    world.project.put_file(GITLAB_PATH, "enabled: false\ncomment: loudly\n")
    await world.deliver(world.payload(world.failed_pipeline()))
    [note] = config_notes(world)
    assert f"`{PROJECT}:{GITLAB_PATH}` line 2: `comment`" in note and "defaults apply" in note
    assert len(await world.incidents()) == 1  # `enabled: false` did not apply
    await world.deliver(world.payload(world.failed_pipeline(sha="d00d000000000000000000000000000000000002")))
    assert len(config_notes(world)) == 1


async def test_the_file_is_fetched_once_per_blob_id(world: World) -> None:
    world.project.put_file(GITLAB_PATH, "labels: [a]\n")
    await world.deliver(world.payload(world.failed_pipeline()))
    await world.deliver(world.payload(world.failed_pipeline(sha="d00d000000000000000000000000000000000002")))
    assert len(world.calls("GET", "/repository/tree")) == 4  # per pipeline: `.gitlab` listed, the tree for the analyzer
    assert len([c for c in world.fake.api_calls() if "/repository/files/" in c]) == 1
