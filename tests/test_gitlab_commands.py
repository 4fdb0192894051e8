"""Commands in GitLab merge request notes, end to end over real HTTP: a `Note Hook` with `/devflowfix <verb>` goes
into the server; the author's access level comes from the fake GitLab's members API (Guest 10 and Reporter 20 are
refused with a 👎 and no reply; Developer 30 and Maintainer 40 are obeyed, with one reply note); the verbs run
through the same incident pipeline as a `Pipeline Hook`.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.appkeys import QUEUE
from storage.database import Database
from tests.helpers import load, send_gitlab
from tests.test_gitlab_fixes import FILES, MODES
from tests.test_gitlab_pipeline import BRANCH, HEAD, MAIN, PROJECT, PROJECT_ID, World, make_world
from tests.test_pipeline import fix_answer

USER = 4242
NOTE_ID = 5151


@pytest.fixture
async def world(aiohttp_client: Any, database_url: str, db: Database) -> AsyncIterator[World]:
    async for w in make_world(aiohttp_client, database_url, db, llm=True):
        main = w.project.add_commit(FILES, modes=MODES, sha=MAIN, branch="main", protected=True)
        w.project.add_commit({"README.md": "more\n"}, sha=HEAD, parent=main, branch=BRANCH)
        yield w


def note_payload(body: str, *, user: int = USER, note_id: int = NOTE_ID, **mr: Any) -> dict[str, Any]:
    data = copy.deepcopy(load("gitlab/note_merge_request.json"))
    data["project_id"] = PROJECT_ID
    data["project"].update({"id": PROJECT_ID, "path_with_namespace": PROJECT,
                            "web_url": f"https://gitlab.example/{PROJECT}", "default_branch": "main"})
    data["user"].update({"id": user, "username": f"user{user}"})
    data["object_attributes"].update({"id": note_id, "note": body, "author_id": user, "project_id": PROJECT_ID,
                                      "action": "create", "system": False})
    data["merge_request"].update({"iid": 1, "source_branch": BRANCH, "target_branch": "main",
                                  "source_project_id": PROJECT_ID, "target_project_id": PROJECT_ID,
                                  "last_commit": {"id": HEAD}, **mr})
    return data


async def command(world: World, body: str, **kw: Any) -> None:
    payload = note_payload(body, **kw)
    note_id = payload["object_attributes"]["id"]
    author = {"id": kw.get("user", USER)}
    world.project.notes.setdefault(1, {})[note_id] = {"id": note_id, "body": body, "author": author}
    status, answer = await send_gitlab(world.client, "Note Hook", payload, delivery=str(uuid.uuid4()))
    assert status in (200, 202), answer
    await world.client.app[QUEUE].join(timeout=60)


def replies(world: World) -> list[dict[str, Any]]:
    return [n for n in world.notes() if "devflowfix:command-reply" in n["body"]]


@pytest.mark.parametrize(("level", "obeyed"), [(10, False), (20, False), (30, True), (40, True)])
async def test_each_access_level(world: World, level: int, obeyed: bool) -> None:
    world.project.members[USER] = level
    world.llm.answer({**fix_answer(), "fix": None})
    world.failed_pipeline()
    await command(world, "Please look.\n/devflowfix explain")
    assert world.calls("GET", f"/members/all/{USER}")
    if obeyed:
        [reply] = replies(world)
        assert "> /devflowfix explain" in reply["body"] and "Explained pipeline" in reply["body"]
        assert "eyes" in world.project.notes[1][NOTE_ID]["awards"]
        [incident] = await world.incidents()
        assert incident.provider == "gitlab" and incident.pr_number == 1
        assert len(world.llm.received) == 1
    else:
        assert replies(world) == [] and world.project.notes[1][NOTE_ID]["awards"] == ["thumbsdown"]
        assert not world.calls("GET", "/pipelines") and await world.incidents() == []
        assert world.llm.received == []


async def test_a_non_member_is_refused(world: World) -> None:
    await command(world, "/devflowfix retry")
    assert replies(world) == [] and not world.calls("POST", "/retry")


async def test_fix_opens_a_fix_merge_request_and_the_note_is_handled_once(world: World) -> None:
    world.project.members[USER] = 30
    world.project.add_commit(
        {k: v for k, v in FILES.items() if k not in MODES}, sha="d" * 40, parent=MAIN, branch=BRANCH)
    world.llm.answer(fix_answer())
    world.failed_pipeline(sha="d" * 40)
    payload_mr = {"last_commit": {"id": "d" * 40}}
    await command(world, "/devflowfix fix", **payload_mr)
    [reply] = replies(world)
    [mr] = world.project.merge_requests.values()
    assert f"Opened !{mr['iid']}" in reply["body"] and mr["target_branch"] == BRANCH
    await command(world, "/devflowfix fix", **payload_mr)  # a redelivery of the same note: handled once
    assert len(replies(world)) == 1 and len(world.project.merge_requests) == 1


async def test_retry_skip_and_help(world: World) -> None:
    world.project.members[USER] = 40
    world.project.merge_requests[1] = {"iid": 1, "labels": [], "source_branch": BRANCH, "target_branch": "main",
                                       "state": "opened"}
    world.failed_pipeline()
    await command(world, "/devflowfix retry\n/devflowfix skip\n/devflowfix help")
    [reply] = replies(world)
    assert "Retrying the 1 failed jobs" in reply["body"] and len(world.calls("POST", "/retry")) == 1
    assert world.project.merge_requests[1]["labels"] == ["devflowfix-skip"]
    assert "/devflowfix unskip" in reply["body"]


async def test_notes_that_must_not_command(world: World) -> None:
    world.project.members[USER] = 40
    world.failed_pipeline()
    await command(world, "> /devflowfix explain\n```\n/devflowfix fix\n```")  # quoted, fenced: not commands
    payload = note_payload("/devflowfix explain", note_id=NOTE_ID + 1)
    payload["merge_request"]["target_project_id"] = 999  # names another project's MR
    status, _ = await send_gitlab(world.client, "Note Hook", payload, delivery=str(uuid.uuid4()))
    assert status in (200, 202)
    await world.client.app[QUEUE].join(timeout=60)
    assert replies(world) == [] and await world.incidents() == []
    assert not world.calls("GET", f"/members/all/{USER}")



async def test_a_note_naming_another_projects_path_is_refused(world: World) -> None:
    """Project 1's id and the global secret (project 1 is not connected) with project 2's path: GitLab says what
    project 1's path is, so no command runs and nothing is written or claimed under project 2's path."""
    other = world.fake.add_project(2, "gitlab-org/other", members={USER: 40})
    world.project.members[USER] = 40
    world.llm.answer({**fix_answer(), "fix": None})
    world.failed_pipeline()
    await command(world, "/devflowfix status", note_id=NOTE_ID + 1)
    payload = note_payload("/devflowfix explain", note_id=NOTE_ID + 2)
    payload["project"]["path_with_namespace"] = other.path
    status, _ = await send_gitlab(world.client, "Note Hook", payload, delivery=str(uuid.uuid4()))
    assert status == 202
    await world.client.app[QUEUE].join(timeout=60)
    [reply] = replies(world)  # the first note's; the forged one got none
    assert "> /devflowfix status" in reply["body"]
    assert await world.incidents() == [] and world.llm.received == [] and other.mr_notes(1) == []
    assert world.calls("GET", f"/projects/{PROJECT_ID}")  # what GitLab says the project's path is
