"""GitLab at parity, end to end over real HTTP against the fake GitLab and the fake LLM: a failed MR pipeline gets a
fix merge request (a branch from the failing sha, one commit of `actions`, an MR into the MR's source branch,
labelled, linked from the note) and the fix MR's own pipeline verifies it; a fork's MR gets the change as a
suggested diff in the note; the context (`.gitlab-ci.yml` and its local includes, the MR's changes, the files the
errors point at) reaches the LLM; an infrastructure failure is retried once; and the fix safety rules refuse a
symbolic link, a submodule, `.github/actions/x/action.yml`, `.gitlab-ci.yml` and its includes on GitLab too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from storage.database import Database
from storage.models import FixAttempt
from tests.test_gitlab_pipeline import BRANCH, DATA, HEAD, JOB, MAIN, World, gitlab_trace, make_world
from tests.test_pipeline import BAD_LINE, GOOD_LINE, PARSER_PATH, TEST_PATH, fix_answer, java_test_source

CI_YAML = "include:\n  - local: ci/build.yml\nstages: [build, test]\n"
BUILD_YAML = "build-test-deploy:\n  stage: test\n  script: ./gradlew build\n"
FILES = {
    TEST_PATH: java_test_source(), PARSER_PATH: "class LogParser {\n  int keep = 41;\n}\n",
    ".gitlab-ci.yml": CI_YAML, "ci/build.yml": BUILD_YAML,
    ".github/actions/x/action.yml": "runs:\n  using: node20\n",
    "docs/link.java": "../" + TEST_PATH, "vendor/gumtree": "a" * 40,
}
MODES = {"docs/link.java": "120000", "vendor/gumtree": "160000"}


@pytest.fixture
async def world(aiohttp_client: Any, database_url: str, db: Database) -> AsyncIterator[World]:
    async for w in make_world(aiohttp_client, database_url, db, llm=True):
        main = w.project.add_commit(FILES, modes=MODES, sha=MAIN, branch="main", protected=True)
        w.project.add_commit({PARSER_PATH: "class LogParser {\n  int keep = 42;\n}\n"}, sha=HEAD, parent=main,
                             branch=BRANCH)
        w.project.mr_diffs[1] = [{"old_path": PARSER_PATH, "new_path": PARSER_PATH, "a_mode": "100644",
                                  "b_mode": "100644", "new_file": False, "renamed_file": False,
                                  "deleted_file": False, "diff": "@@ -1 +1 @@\n-  int keep = 41;\n+  int keep = 42;\n"}]
        yield w


async def attempts(world: World) -> list[FixAttempt]:
    async with world.db.sessions() as s:
        return list((await s.execute(select(FixAttempt))).scalars())


async def test_a_failed_mr_pipeline_gets_a_fix_merge_request_verified_by_its_own_pipeline(world: World) -> None:
    world.llm.answer(fix_answer())
    pipeline = world.failed_pipeline()
    row = await world.deliver(world.payload(pipeline))
    assert row.status == "done", row.last_error

    # the context the LLM read: the CI file with its local include, the MR's change, the file the error names
    [prompt] = world.llm.prompts()
    assert "ci/build.yml" in prompt and "./gradlew build" in prompt and "int keep = 42" in prompt
    assert BAD_LINE.strip() in prompt

    # one commit of actions on the bot's branch, from the failing sha
    [commit] = [c for c in world.fake.calls if c.method == "POST" and c.path.endswith("/repository/commits")]
    assert commit.body["start_sha"] == HEAD and commit.body["branch"].startswith("devflowfix/bcbb5ec-")
    assert [a["action"] for a in commit.body["actions"]] == ["update"]
    assert commit.body["actions"][0]["file_path"] == TEST_PATH
    branch = commit.body["branch"]
    new_tree = world.project.commits[world.project.branches[branch]["commit"]]
    assert new_tree[TEST_PATH][1] == FILES[TEST_PATH].replace(BAD_LINE, GOOD_LINE)
    assert new_tree[TEST_PATH][0] == "100644"

    # an MR into the failing MR's source branch, labelled, linked from the note
    [mr] = world.project.merge_requests.values()
    assert (mr["source_branch"], mr["target_branch"], mr["labels"]) == (branch, BRANCH, ["devflowfix"])
    assert mr["title"].startswith("Fix GitLab pipeline: ") and "\n" not in mr["title"]
    [note] = world.notes()
    assert f"Opened !{mr['iid']} with a fix" in note["body"] and f"Fix attempt !{mr['iid']}" in note["body"]
    [attempt] = await attempts(world)
    assert attempt.status == "open" and attempt.pr_number == mr["iid"]

    # the fix MR's own pipeline is green: the incident is fixed, the note says so
    fix_sha = world.project.branches[branch]["commit"]
    green = world.green_pipeline(ref=branch, sha=fix_sha)
    row = await world.deliver(world.payload(green, mr=mr["iid"]))
    assert row.status == "done", row.last_error
    [attempt] = await attempts(world)
    assert attempt.status == "fixed"
    [incident] = await world.incidents()
    assert incident.status == "fixed"
    [edited] = world.notes()
    assert edited["id"] == note["id"] and "its checks passed" in edited["body"]
    assert len(world.llm.received) == 1


async def test_a_failing_fix_pipeline_is_recorded_not_fixed_again(world: World) -> None:
    world.llm.answer(fix_answer())
    await world.deliver(world.payload(world.failed_pipeline()))
    [mr] = world.project.merge_requests.values()
    fix_sha = world.project.branches[mr["source_branch"]]["commit"]
    again = world.failed_pipeline(ref=mr["source_branch"], sha=fix_sha)
    row = await world.deliver(world.payload(again, mr=mr["iid"]))
    assert row.status == "done", row.last_error
    [attempt] = await attempts(world)
    assert attempt.status == "failed"
    assert len(world.llm.received) == 1 and len(world.project.merge_requests) == 1  # the loop guard


async def test_a_fork_merge_request_gets_the_change_as_a_suggested_diff(world: World) -> None:
    world.llm.answer(fix_answer())
    payload = world.payload(world.failed_pipeline())
    payload["merge_request"]["source_project_id"] = 77  # a fork's MR, its pipeline run in the parent
    row = await world.deliver(payload)
    assert row.status == "done", row.last_error
    assert not world.calls("POST", "/repository/commits") and world.project.merge_requests == {}
    [note] = world.notes()
    assert "comes from a fork" in note["body"] and "```diff" in note["body"]
    assert f"-{BAD_LINE}" in note["body"] and f"+{GOOD_LINE}" in note["body"]


async def test_an_infrastructure_failure_is_retried_once(world: World) -> None:
    trace = gitlab_trace(DATA / "jenkins_clone_fail.log")  # the runner could not fetch the repository
    world.project.mr_diffs[1] = [{"old_path": "README.md", "new_path": "README.md", "diff": "@@ +docs\n"}]
    pipeline = world.failed_pipeline(trace=trace)
    row = await world.deliver(world.payload(pipeline))
    assert row.status == "done", row.last_error
    [incident] = await world.incidents()
    if incident.category != "infrastructure":
        pytest.skip(f"the analyzer reads this trace as {incident.category}")
    retries = world.calls("POST", "/retry")
    assert len(retries) == 1 and incident.status == "rerun"
    assert "re-ran the failed jobs once" in world.notes()[0]["body"]
    # the retried job fails the same pipeline again: explained this time, not retried a second time
    for job in world.project.jobs.values():
        if job["pipeline"]["id"] == pipeline["id"] and job["status"] == "pending":
            job["status"] = "failed"
            world.project.traces[job["id"]] = trace
    world.llm.answer({**fix_answer(), "fix": None})
    row = await world.deliver(world.payload(pipeline))
    assert row.status == "done", row.last_error
    assert len(world.calls("POST", "/retry")) == 1
    [incident] = await world.incidents()
    assert incident.status == "open" and incident.run_attempt == 2


@pytest.mark.parametrize(("path", "why"), [
    ("docs/link.java", "symbolic link"),
    ("vendor/gumtree", "submodule"),
    (".github/actions/x/action.yml", "workflow file"),
    (".gitlab-ci.yml", "workflow file"),
    ("ci/build.yml", "workflow file"),  # a local include of `.gitlab-ci.yml`
])
async def test_edits_the_bot_must_never_write_are_refused_on_gitlab(world: World, path: str, why: str) -> None:
    text = FILES[path]
    world.llm.answer(fix_answer(path=path, search=text[:3], replace="zzz"))
    row = await world.deliver(world.payload(world.failed_pipeline()))
    assert row.status == "done", row.last_error
    [note] = world.notes()
    assert "was not applied" in note["body"] and why in note["body"], note["body"]
    assert not world.calls("POST", "/repository/commits") and world.project.merge_requests == {}


async def test_gitlab_refusing_the_commit_is_explained_not_a_crash(world: World) -> None:
    world.llm.answer(fix_answer())
    world.fake.fail_next("POST", f"/api/v4/projects/{world.project.id}/repository/commits", 400)
    row = await world.deliver(world.payload(world.failed_pipeline()))
    assert row.status == "done", row.last_error
    [note] = world.notes()
    assert "could not be opened" in note["body"] and "GitLab answered 400" in note["body"]
    [incident] = await world.incidents()
    assert incident.fix_state is None or incident.fix_state not in ("creating", "open")


async def test_a_protected_leftover_branch_is_not_moved(world: World) -> None:
    world.llm.answer(fix_answer())
    pipeline = world.failed_pipeline()
    leftover = f"devflowfix/{HEAD[:7]}-{JOB}"
    world.project.branches[leftover] = {"commit": MAIN, "protected": True}
    row = await world.deliver(world.payload(pipeline))
    assert row.status == "done", row.last_error
    assert "is protected" in world.notes()[0]["body"]
    assert not world.calls("POST", "/repository/commits")



async def test_the_skip_label_on_the_merge_request_opts_it_out(world: World) -> None:
    payload = world.payload(world.failed_pipeline())
    payload["merge_request"]["labels"] = [{"id": 5, "title": "devflowfix-skip", "color": "#ff0000"}]
    row = await world.deliver(payload)
    assert row.status == "done", row.last_error
    [incident] = await world.incidents()
    assert incident.status == "skipped" and world.notes() == [] and world.llm.received == []
