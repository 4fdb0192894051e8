"""End to end over real HTTP: a signed `workflow_run` delivery into the server; the bot talks to the fake GitHub
(jobs, the 302 log redirect, contents, compare, Git Data, pulls, comments, check runs) and to a fake
OpenAI-compatible server; the tests check what those fakes received.
"""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.appkeys import QUEUE
from bot.dispatch import run_delivery
from bot.forges.http import GATE
from bot.server import create_app
from bot.services import Services
from storage.database import Database
from storage.models import FixAttempt, Incident, WebhookDelivery
from storage.types import utcnow
from tests.conftest import make_settings
from tests.fakes.github import APP_ID, FakeGitHub, app_key
from tests.fakes.github_repos import FakeRepo, FakeRepos
from tests.fakes.llm import API_KEY, FakeLLM
from tests.helpers import load, send_github

DATA = Path(__file__).parent / "data"
INSTALLATION = 31337
REPO = "octo-org/cidiff"
TEST_PATH = "cidiff/src/test/java/com/github/gumtreediff/cidiff/LogDifferTest.java"
PARSER_PATH = "cidiff/src/main/java/com/github/gumtreediff/cidiff/LogParser.java"
WORKFLOW = ".github/workflows/ci.yml"
JOB = "build-test-deploy"
BAD_LINE = '        assertEquals(42, parser.parse("github").size());'
GOOD_LINE = '        assertEquals(41, parser.parse("github").size());'
SECRET = "ghp_Zq9xW2vB7nK4mL1pR8sT6uY3aE5dF0gH2jK4"
CONFIG_READS = (f"GET /repos/{REPO}/contents/.github?[('ref', 'main')]", "GET /repos/octo-org/.github/contents/.github")


def java_test_source() -> str:
    lines = [f"    // line {i}" for i in range(1, 80)]
    lines[60] = BAD_LINE  # line 61, where the log says the test failed
    return "\n".join(["package com.github.gumtreediff.cidiff;", *lines[1:]]) + "\n"


@dataclass
class World:
    client: TestClient
    fake: FakeGitHub
    llm: FakeLLM
    db: Database
    services: Services
    repo: FakeRepo
    main_sha: str
    head_sha: str

    @property
    def repos(self) -> FakeRepos:
        return self.fake.repos  # type: ignore[attr-defined,no-any-return]

    def failed_run(self, *, log: bytes | None = None, branch: str = "feature", head_sha: str | None = None,
                   run_id: int | None = None, event: str = "pull_request", head_repo: str | None = None,
                   attempt: int = 1) -> dict[str, Any]:
        for pr in self.repo.pulls.values():  # a run of a new commit on the PR's branch: it was pushed there
            if head_sha and pr["head"]["ref"] == branch and not head_repo and pr["head"]["repo"]["fork"] is False:
                pr["head"]["sha"] = head_sha
        return self.repos.add_run(
            self.repo, head_sha=head_sha or self.head_sha, branch=branch, conclusion="failure", run_id=run_id,
            event=event, head_repo=head_repo, attempt=attempt,
            jobs=[{"name": JOB, "conclusion": "failure", "steps": [("Set up job", "success"),
                                                                  ("Run ./gradlew build", "failure")],
                   "log": log if log is not None else (DATA / "gradle_test_fail.log").read_bytes()}],
        )

    def payload(self, run: dict[str, Any], *, pulls: list[int] = (7,)) -> dict[str, Any]:
        data = copy.deepcopy(load("github/workflow_run/completed.with-pull-requests.payload.json"))
        wr = data["workflow_run"]
        wr.update({k: run[k] for k in ("id", "name", "head_branch", "head_sha", "path", "run_number", "event",
                                       "conclusion", "workflow_id", "run_attempt", "html_url")})
        wr["status"] = "completed"
        wr["head_repository"] = {**wr["head_repository"], "full_name": run["head_repository"]["full_name"]}
        repo_obj = {**data["repository"], "full_name": REPO, "name": "cidiff", "id": self.repo.id,
                    "default_branch": "main"}
        data["repository"] = repo_obj
        wr["pull_requests"] = [
            {"number": n, "head": {"ref": run["head_branch"], "sha": run["head_sha"],
                                   "repo": {"id": self.repo.id, "name": "cidiff"}},
             "base": {"ref": "main", "sha": self.main_sha, "repo": {"id": self.repo.id, "name": "cidiff"}}}
            for n in pulls
        ]
        data["installation"] = {"id": INSTALLATION, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMzEzMzc="}
        return data

    async def deliver(self, payload: dict[str, Any], delivery: str | None = None) -> WebhookDelivery:
        delivery = delivery or str(uuid.uuid4())
        status, body = await send_github(self.client, "workflow_run", payload, delivery=delivery)
        assert status == 202, body
        await self.client.app[QUEUE].join(timeout=60)
        async with self.db.sessions() as s:
            query = select(WebhookDelivery).where(WebhookDelivery.delivery_id == delivery)
            return (await s.execute(query)).scalar_one()

    async def incidents(self) -> list[Incident]:
        async with self.db.sessions() as s:
            return list((await s.execute(select(Incident).order_by(Incident.created_at))).scalars())

    def api_calls(self) -> list[str]:
        return [f"{r.method} {r.path}" + (f"?{sorted(r.query.items())}" if r.query else "") for r in self.fake.requests
                if not r.path.startswith(("/_blobs", "/app/installations"))]

    def work_calls(self) -> list[str]:
        """The API calls besides reading the configuration (bot/config: `.github` listed in the repository and in
        the organisation's `.github` repository, as Probot's `context.config` looks)."""
        return [c for c in self.api_calls() if c not in CONFIG_READS]

    def comments(self, number: int = 7) -> list[dict[str, Any]]:
        return self.repos.comments_on(self.repo, number)


def fix_answer(path: str = TEST_PATH, search: str = BAD_LINE, replace: str = GOOD_LINE,
               confidence: float = 0.9) -> dict[str, Any]:
    return {
        "root_cause": "The test expects 42 parsed lines but the parser now returns 41.",
        "confidence": confidence,
        "explanation": "LogParser drops the trailing empty line since the last change; the test was not updated.",
        "fix": {"edits": [{"path": path, "search": search, "replace": replace}]},
    }


async def make_world(
    aiohttp_client: Any, database_url: str, db: Database, *, llm: bool = True, **settings: Any
) -> AsyncIterator[World]:
    fake = FakeGitHub(public_key=app_key()[1])
    await fake.start()
    fake_llm = FakeLLM()
    await fake_llm.start()
    fake.add_installation(INSTALLATION, repos=[REPO])
    repos: FakeRepos = fake.repos  # type: ignore[attr-defined]
    repo = repos.add(REPO, files={
        "README.md": "cidiff\n", WORKFLOW: "name: CI\non: [push, pull_request]\njobs:\n  build-test-deploy:\n"
        "    runs-on: ubuntu-latest\n    steps:\n      - run: ./gradlew build\n",
        TEST_PATH: java_test_source(), PARSER_PATH: "class LogParser {\n  int keep = 42;\n}\n",
    })
    main_sha = repo.refs["heads/main"]
    head_sha = repo.commit({PARSER_PATH: "class LogParser {\n  int keep = 41;\n}\n"}, parent=main_sha,
                           branch="feature", message="Trim the trailing line")
    repos.add_run(repo, head_sha=main_sha, branch="main", conclusion="success",
                  jobs=[{"name": JOB, "conclusion": "success", "log": (DATA / "gradle_test_pass.log").read_bytes()}])
    repos.add_pull(repo, number=7, head_branch="feature", head_sha=head_sha, base_branch="main", base_sha=main_sha)

    pem, _ = app_key()
    values: dict[str, Any] = {"app_id": APP_ID, "private_key": pem, "github_api_url": fake.url,
                              "github_url": fake.url, "llm_max_retries": 0, "llm_timeout": 10,
                              "forge_backoff_base": 0.01, "forge_max_wait": 5}
    if llm:
        values.update(openai_api_key=API_KEY, openai_base_url=fake_llm.url, openai_model="fake-model")
    values.update(settings)
    conf = make_settings(database_url, **values)
    services = await Services.create(conf, db=db)
    await db.installations.upsert({"id": INSTALLATION, "account": {"login": "octo-org", "id": 1}})
    await db.installations.add_repositories(INSTALLATION, [{"id": repo.id, "full_name": REPO}])
    client = await aiohttp_client(create_app(conf, services=services, migrate=False))
    try:
        yield World(client, fake, fake_llm, db, services, repo, main_sha, head_sha)
    finally:
        await client.close()
        await services.http.close()
        await fake_llm.close()
        await fake.close()


@pytest.fixture
async def world(aiohttp_client: Any, database_url: str, db: Database) -> AsyncIterator[World]:
    async for w in make_world(aiohttp_client, database_url, db):
        yield w


@pytest.fixture
async def world_no_llm(aiohttp_client: Any, database_url: str, db: Database) -> AsyncIterator[World]:
    async for w in make_world(aiohttp_client, database_url, db, llm=False):
        yield w


def tree_of(repo: FakeRepo, commit: str) -> dict[str, str]:
    return {p: repo.blobs[s].decode() for p, (_, s) in repo.trees[repo.commits[commit]["tree"]].items()}


# ---------------------------------------------------------------------------------------------------------------
async def test_failed_pr_run_is_explained_commented_annotated_and_fixed(world: World) -> None:
    world.llm.answer(fix_answer())
    run = world.failed_run()
    row = await world.deliver(world.payload(run))
    assert row.status == "done", row.last_error

    # the comment on the PR: job, step, the lines with a link to them in the run, category, root cause, what it did
    [comment] = world.comments()
    body = comment["body"]
    assert "build-test-deploy" in body and "Run ./gradlew build" in body
    assert "LogDifferTest > testGithubParsing() FAILED" in body
    assert f"/actions/runs/{run['id']}/job/" in body and "#step:2:1" in body
    assert "**Category:** test" in body
    assert "parser now returns 41" in body
    assert "Opened #8" in body

    # the check run on head_sha with an annotation at the file and line
    [check] = world.repo.check_runs.values()
    assert check["head_sha"] == world.head_sha
    [annotation] = check["output"]["annotations"]
    assert annotation["path"] == TEST_PATH and annotation["start_line"] == 61

    # the branch, the commit's tree, the PR and its label
    branch = f"devflowfix/{world.head_sha[:7]}-build-test-deploy"
    commit = world.repo.refs[f"heads/{branch}"]
    assert world.repo.commits[commit]["parents"] == [world.head_sha]
    files = tree_of(world.repo, commit)
    before = tree_of(world.repo, world.head_sha)
    assert files[TEST_PATH] == before[TEST_PATH].replace(BAD_LINE, GOOD_LINE)
    assert {p: t for p, t in files.items() if p != TEST_PATH} == {p: t for p, t in before.items() if p != TEST_PATH}
    pr = world.repo.pulls[8]
    assert pr["head"]["ref"] == branch and pr["base"]["ref"] == "feature"
    assert f"/actions/runs/{run['id']}" in pr["body"]
    assert {"name": "devflowfix"} in pr["labels"]

    # what the LLM saw: the spans, the workflow, the diff and the file
    [prompt] = world.llm.prompts()
    assert "LogDifferTest > testGithubParsing() FAILED" in prompt
    assert "./gradlew build" in prompt and "int keep = 41" in prompt and BAD_LINE.strip() in prompt

    [incident] = await world.incidents()
    assert (incident.status, incident.category, incident.fix_state, incident.fix_pr_number) == ("open", "test",
                                                                                                "open", 8)
    assert incident.pr_number == 7 and incident.run_id == run["id"]
    assert incident.analysis["github_calls"] == len(world.api_calls())

    # few API calls, none repeated
    calls = world.api_calls()
    gets = [c for c in calls if c.startswith("GET")]
    assert len(gets) == len(set(gets)), calls  # no call whose answer is already known
    # 2 of them: the configuration (`.github` listed here and in octo-org/.github); 1 the base branch's latest run
    assert len(calls) <= 20, calls
    print(f"{len(calls)} API calls:", *calls, sep="\n  ")
    assert len(world.fake.calls("POST", "/app/installations")) == 1


async def test_a_leftover_fix_branch_is_moved_not_duplicated(world: World) -> None:
    branch = f"devflowfix/{world.head_sha[:7]}-build-test-deploy"
    world.repo.refs[f"heads/{branch}"] = world.main_sha  # left by an earlier try that died before its PR
    world.llm.answer(fix_answer())
    row = await world.deliver(world.payload(world.failed_run()))
    assert row.status == "done", row.last_error
    [create] = world.fake.calls("POST", f"/repos/{REPO}/git/refs")
    assert create.json()["ref"] == f"refs/heads/{branch}"  # answered 422 "Reference already exists"
    [move] = world.fake.calls("PATCH", f"/repos/{REPO}/git/refs/heads/{branch}")
    assert move.json()["force"] is True
    commit = world.repo.refs[f"heads/{branch}"]
    assert world.repo.commits[commit]["parents"] == [world.head_sha]
    assert world.repo.pulls[8]["head"]["ref"] == branch


async def test_no_llm_explains_with_the_analyzer(world_no_llm: World) -> None:
    world = world_no_llm
    row = await world.deliver(world.payload(world.failed_run()))
    assert row.status == "done", row.last_error
    [comment] = world.comments()
    assert "no LLM is configured" in comment["body"]
    assert "Tests failed" in comment["body"]
    assert len(world.repo.check_runs) == 1
    assert not world.fake.calls("POST", f"/repos/{REPO}/git/")
    assert not world.fake.calls("GET", f"/repos/{REPO}/contents/{TEST_PATH}")  # no source needed without an LLM
    assert world.llm.received == []
    calls = world.work_calls()
    assert not [c for c in calls if "/contents/" in c or "/compare/" in c], calls  # only the LLM needs them
    assert len(calls) <= 10, calls  # one of them: the base branch's latest run (is the failure pre-existing?)


async def test_malformed_answer_is_asked_again_once_then_explanation_alone(world: World) -> None:
    world.llm.answer("Sure! Here is the JSON you asked for: {root_cause: oops", '{"confidence": "high"}')
    row = await world.deliver(world.payload(world.failed_run()))
    assert row.status == "done", row.last_error
    assert len(world.llm.received) == 2
    assert "could not be used" in world.llm.prompts()[1]
    [comment] = world.comments()
    assert "malformed" in comment["body"]
    assert not world.fake.calls("POST", f"/repos/{REPO}/git/")
    assert await world.db.incidents.llm_calls(REPO) == 2


async def test_a_server_without_json_mode_is_asked_plainly(world: World) -> None:
    world.llm.json_mode = False
    world.llm.answer(fix_answer())
    await world.deliver(world.payload(world.failed_run()))
    assert [("response_format" in r) for r in world.llm.received] == [True, False]
    assert "Opened #8" in world.comments()[0]["body"]


async def test_edits_that_do_not_apply_open_nothing(world: World) -> None:
    world.llm.answer(fix_answer(search="this text is not in the file"))
    await world.deliver(world.payload(world.failed_run()))
    [comment] = world.comments()
    assert "does not apply" in comment["body"]
    assert not world.fake.calls("POST", f"/repos/{REPO}/git/") and not world.fake.calls("POST", f"/repos/{REPO}/pulls")


async def test_a_permission_403_on_the_fix_pr_still_explains(world: World) -> None:
    """A plain 403 (the App lacks `pull_requests: write`), not a rate limit: the explanation still goes out,
    the comment says why there is no fix PR, and a later run may try again (the claim is released)."""
    world.llm.answer(fix_answer())
    world.fake.fail_next("POST", f"/repos/{REPO}/pulls", (403, "Resource not accessible by integration"))
    row = await world.deliver(world.payload(world.failed_run()))
    assert row.status == "done", row.last_error
    [comment] = world.comments()
    assert "could not be opened" in comment["body"] and "403" in comment["body"]
    assert "Resource not accessible by integration" in comment["body"]
    assert world.repo.check_runs  # the check run went out too
    [incident] = await world.incidents()
    assert incident.fix_pr_number is None


async def test_edit_to_a_workflow_is_refused(world: World) -> None:
    world.llm.answer(fix_answer(path=WORKFLOW, search="./gradlew build", replace="./gradlew build -x test"))
    await world.deliver(world.payload(world.failed_run()))
    [comment] = world.comments()
    assert "workflow file" in comment["body"]
    assert not world.fake.calls("POST", f"/repos/{REPO}/git/")


async def test_path_escaping_the_repository_is_refused(world: World) -> None:
    world.llm.answer(fix_answer(path="../../etc/passwd", search="root", replace="x"))
    await world.deliver(world.payload(world.failed_run()))
    assert "not a plain repository path" in world.comments()[0]["body"]
    assert not world.fake.calls("POST", f"/repos/{REPO}/git/")


async def test_fork_pr_gets_the_change_suggested_not_pushed(world: World) -> None:
    fork_sha = world.repo.commit({PARSER_PATH: "class LogParser {\n  int keep = 40;\n}\n"}, parent=world.main_sha,
                                 message="fork change")
    world.repos.add_pull(world.repo, number=9, head_branch="patch-1", head_sha=fork_sha, base_branch="main",
                         base_sha=world.main_sha, head_repo="forker/cidiff")
    world.llm.answer(fix_answer())
    run = world.failed_run(branch="patch-1", head_sha=fork_sha, head_repo="forker/cidiff")
    payload = world.payload(run, pulls=[])  # GitHub leaves pull_requests empty for a fork's run
    row = await world.deliver(payload)
    assert row.status == "done", row.last_error
    assert world.fake.calls("GET", f"/repos/{REPO}/pulls")[0].query["head"] == "forker:patch-1"
    [comment] = world.comments(9)
    assert "```diff" in comment["body"] and f"+{GOOD_LINE}" in comment["body"]
    assert not world.fake.calls("POST", f"/repos/{REPO}/git/") and not world.fake.calls("POST", f"/repos/{REPO}/pulls")
    [incident] = await world.incidents()
    assert incident.is_fork and incident.fix_state is None


async def test_duplicate_and_concurrent_deliveries_make_one_incident_and_one_pr(world: World) -> None:
    world.llm.answer(fix_answer())
    payload = world.payload(world.failed_run())
    body = json.dumps(payload).encode()
    first, second = await asyncio.gather(
        send_github(world.client, "workflow_run", body), send_github(world.client, "workflow_run", body)
    )
    assert first[0] == second[0] == 202
    await world.client.app[QUEUE].join(timeout=60)
    again = await world.deliver(payload)  # a redelivery later
    assert again.status == "done"
    assert len(await world.incidents()) == 1
    assert len(world.repo.pulls) == 2  # the PR under test and one fix PR
    assert len(world.comments()) == 1
    assert len(world.repo.check_runs) == 1
    assert len(world.llm.received) == 1


async def test_two_workflows_failing_at_once_on_one_pr_share_one_comment_and_one_fix_pr(world: World) -> None:
    world.llm.answer(fix_answer(), fix_answer())
    lint = (DATA / "maven_lint_fail.log").read_bytes()
    first = world.payload(world.failed_run())
    second = world.payload(world.failed_run(log=lint))
    second["workflow_run"]["name"] = "Lint"
    await asyncio.gather(send_github(world.client, "workflow_run", first),
                         send_github(world.client, "workflow_run", second))
    await world.client.app[QUEUE].join(timeout=60)
    assert len(await world.incidents()) == 2
    [comment] = world.comments()
    assert "Lint" in comment["body"] and "CI" in comment["body"]
    fixes = [p for p in world.repo.pulls.values() if p["head"]["ref"].startswith("devflowfix/")]
    assert len(fixes) == 1  # one live fix PR per branch


async def test_same_failure_again_updates_the_open_incident(world: World) -> None:
    world.llm.answer(fix_answer(confidence=0.2))
    await world.deliver(world.payload(world.failed_run()))
    await world.deliver(world.payload(world.failed_run()))  # a new run, same branch, same failure
    first, second = await world.incidents()
    assert first.status == "open" and first.occurrences == 2
    assert second.status == "merged" and second.merged_into_id == first.id
    [comment] = world.comments()
    assert "**Seen:** 2 times" in comment["body"]
    assert world.fake.calls("PATCH", f"/repos/{REPO}/issues/comments/")
    assert len(world.llm.received) == 1


async def test_loop_guard_and_verification_of_the_fix(world: World) -> None:
    world.llm.answer(fix_answer())
    await world.deliver(world.payload(world.failed_run()))
    branch = f"devflowfix/{world.head_sha[:7]}-build-test-deploy"
    fix_commit = world.repo.refs[f"heads/{branch}"]
    before = len(world.fake.requests)

    # a failure on the bot's own branch that is not its fix's run: ignored, no incident, no call
    stray = world.failed_run(branch="devflowfix/0000000-other", head_sha=world.head_sha)
    await world.deliver(world.payload(stray, pulls=[]))
    assert len(await world.incidents()) == 1
    assert len(world.fake.requests) == before

    # the fix PR's own run fails: the attempt is recorded failed, the comment says so
    failed = world.failed_run(branch=branch, head_sha=fix_commit)
    await world.deliver(world.payload(failed, pulls=[8]))
    [incident] = await world.incidents()
    assert incident.status == "open" and incident.fix_state == "failed"
    assert "its checks failed" in world.comments()[0]["body"]

    # then it goes green: fixed, the history kept
    green = world.repos.add_run(world.repo, head_sha=fix_commit, branch=branch, conclusion="success",
                                jobs=[{"name": JOB, "conclusion": "success", "log": b"ok\n"}], run_id=990001)
    await world.deliver(world.payload(green, pulls=[8]))
    [incident] = await world.incidents()
    assert incident.status == "fixed"
    async with world.db.sessions() as s:
        [attempt] = (await s.execute(select(FixAttempt))).scalars()
    assert attempt.status == "fixed" and attempt.verify_run_id == 990001
    assert "its checks passed" in world.comments()[0]["body"]
    [check] = world.repo.check_runs.values()
    assert check["conclusion"] == "success"


async def test_opt_out_label_skips_the_pr(world: World) -> None:
    world.repo.pulls[7]["labels"] = [{"name": "devflowfix-skip"}]
    row = await world.deliver(world.payload(world.failed_run()))
    assert row.status == "done", row.last_error
    assert world.comments() == [] and world.repo.check_runs == {}
    assert world.llm.received == []
    [incident] = await world.incidents()
    assert incident.status == "skipped"
    assert world.work_calls() == [f"GET /repos/{REPO}/pulls/7"]


async def test_expired_log_url_is_asked_for_again(world_no_llm: World) -> None:
    world = world_no_llm
    world.repos.expire_next_log_urls = 1
    run = world.failed_run()
    row = await world.deliver(world.payload(run))
    assert row.status == "done", row.last_error
    job_id = world.repo.jobs[run["id"]][0]["id"]
    assert len(world.fake.calls("GET", f"/repos/{REPO}/actions/jobs/{job_id}/logs")) == 2
    expired = [r for r in world.fake.calls("GET", f"/_blobs/job-logs/{job_id}")]
    assert len(expired) == 2
    assert "LogDifferTest" in world.comments()[0]["body"]


@pytest.mark.parametrize("status", [500, 403])
async def test_github_error_or_rate_limit_is_retried_later_not_lost(world: World, status: int) -> None:
    world.llm.answer(fix_answer())
    run = world.failed_run()
    # a 500 past every attempt in place (5); a rate limit until a reset (60 s) further than the wait allowed (5 s)
    jobs = f"/repos/{REPO}/actions/runs/{run['id']}/jobs"
    world.fake.fail_next("GET", jobs, *([status] * (5 if status == 500 else 1)))
    row = await world.deliver(world.payload(run))
    assert row.status == "pending" and row.next_attempt_at is not None
    assert "rate limit" in (row.last_error or "") if status == 403 else "500" in (row.last_error or "")
    assert world.comments() == []
    assert await run_delivery(world.services, row.id) is None  # not before it comes due
    await world.services.db.deliveries.retry_later(row.id, utcnow(), row.last_error or "")  # time passes
    GATE.forget()  # and the limit's reset with it
    assert await run_delivery(world.services, row.id) == "done"  # the retry, when it comes due
    assert len(world.comments()) == 1 and 8 in world.repo.pulls
    assert len(await world.incidents()) == 1


async def test_publishing_retried_later_keeps_the_decisions(world: World) -> None:
    world.llm.answer(fix_answer())
    world.fake.fail_next("POST", f"/repos/{REPO}/issues/7/comments", *[502] * 5)  # past the attempts in place
    row = await world.deliver(world.payload(world.failed_run()))
    assert row.status == "pending"
    await world.services.db.deliveries.retry_later(row.id, utcnow(), row.last_error or "")  # time passes
    assert await run_delivery(world.services, row.id) == "done"
    assert len(world.llm.received) == 1  # not asked again
    assert len(world.repo.pulls) == 2  # one fix PR
    [comment] = world.comments()
    assert "Opened #8" in comment["body"]


async def test_a_secret_in_the_log_never_reaches_the_llm(world: World) -> None:
    lines = (DATA / "gradle_test_fail.log").read_bytes().splitlines(keepends=True)
    prefix = b"build-test-deploy\tbuild cidiff\t2021-12-01T13:01:04.3807000Z "
    lines.insert(241, prefix + b"export GITHUB_TOKEN=" + SECRET.encode() + b"\n")
    world.llm.answer(fix_answer())
    await world.deliver(world.payload(world.failed_run(log=b"".join(lines))))
    [prompt] = world.llm.prompts()
    assert "LogDifferTest > testGithubParsing() FAILED" in prompt
    assert SECRET not in prompt and SECRET not in json.dumps(world.llm.received)
    everything = json.dumps([c["body"] for c in world.repo.comments.values()] +
                            [c["output"] for c in world.repo.check_runs.values()])
    assert SECRET not in everything


async def test_flaky_infrastructure_failure_on_a_push_is_rerun_once(world: World) -> None:
    run = world.failed_run(log=(DATA / "jenkins_clone_fail.log").read_bytes(), branch="main",
                           head_sha=world.main_sha, event="push")
    await world.deliver(world.payload(run, pulls=[]))
    assert world.repo.reruns == [run["id"]]
    assert world.llm.received == []
    assert world.repo.comments == {}  # a push with no PR: the check run only
    [check] = world.repo.check_runs.values()
    assert "re-ran the failed jobs once" in check["output"]["summary"]
    [incident] = await world.incidents()
    assert incident.status == "rerun"
    # the re-run fails again: explained this time, not re-run twice
    again = dict(run, run_attempt=2)
    world.repo.jobs[run["id"]][0]["run_attempt"] = 2
    await world.deliver(world.payload(again, pulls=[]))
    assert world.repo.reruns == [run["id"]]
    [incident] = await world.incidents()
    assert incident.status == "open" and incident.processed_attempt == 2


async def test_a_green_rerun_resolves_the_incident(world: World) -> None:
    run = world.failed_run(log=(DATA / "jenkins_clone_fail.log").read_bytes(), branch="main",
                           head_sha=world.main_sha, event="push")
    await world.deliver(world.payload(run, pulls=[]))
    await world.deliver(world.payload(dict(run, run_attempt=2, conclusion="success"), pulls=[]))
    [incident] = await world.incidents()
    assert incident.status == "resolved"


async def test_daily_llm_cap_per_repository(aiohttp_client: Any, database_url: str, db: Database) -> None:
    async for world in make_world(aiohttp_client, database_url, db, llm_daily_cap_per_repo=0):
        await world.deliver(world.payload(world.failed_run()))
        assert world.llm.received == []
        assert "daily LLM budget" in world.comments()[0]["body"]
        reads = world.fake.calls("GET", f"/repos/{REPO}/contents/")
        assert [r.path for r in reads] == [f"/repos/{REPO}/contents/.github"]  # the configuration only


async def test_failed_push_with_no_pr_gets_a_check_run_and_a_fix_pr_into_its_branch(world: World) -> None:
    world.llm.answer(fix_answer())
    run = world.failed_run(branch="main", head_sha=world.main_sha, event="push")
    row = await world.deliver(world.payload(run, pulls=[]))
    assert row.status == "done", row.last_error
    assert world.repo.comments == {}
    [check] = world.repo.check_runs.values()
    assert check["head_sha"] == world.main_sha and check["output"]["annotations"]
    [fix] = [p for p in world.repo.pulls.values() if p["head"]["ref"].startswith("devflowfix/")]
    assert fix["base"]["ref"] == "main"
    assert world.fake.calls("GET", f"/repos/{REPO}/commits/{world.main_sha}")  # no green run before: its own diff


async def test_startup_failure_without_jobs_is_still_explained(world: World) -> None:
    run = world.repos.add_run(world.repo, head_sha=world.head_sha, branch="feature", conclusion="startup_failure",
                              jobs=[])
    row = await world.deliver(world.payload(run))
    assert row.status == "done", row.last_error
    assert "did not start" in world.comments()[0]["body"]
    [incident] = await world.incidents()
    assert incident.category == "configuration"


async def test_attempts_per_pr_are_limited(aiohttp_client: Any, database_url: str, db: Database) -> None:
    async for world in make_world(aiohttp_client, database_url, db, max_fix_attempts_per_pr=0):
        world.llm.answer(fix_answer())
        await world.deliver(world.payload(world.failed_run()))
        assert "limit of 0 attempts" in world.comments()[0]["body"]
        assert not world.fake.calls("POST", f"/repos/{REPO}/pulls")


async def test_closing_the_fix_pr_frees_the_branch(world: World) -> None:
    world.llm.answer(fix_answer())
    await world.deliver(world.payload(world.failed_run()))
    branch = f"devflowfix/{world.head_sha[:7]}-build-test-deploy"
    closed = copy.deepcopy(load("github/pull_request/closed.payload.json"))
    closed["pull_request"]["head"] = {"ref": branch}
    closed["repository"] = {"full_name": REPO, "id": world.repo.id}
    status, _ = await send_github(world.client, "pull_request", closed)
    assert status == 202
    await world.client.app[QUEUE].join(timeout=30)
    [incident] = await world.incidents()
    assert incident.fix_state == "closed"


async def test_monitoring_switched_off_for_the_repository(world: World) -> None:
    from sqlalchemy import update

    from storage.models import RepositoryConnection

    async with world.db.sessions.begin() as s:
        await s.execute(update(RepositoryConnection).values(is_enabled=False))
    row = await world.deliver(world.payload(world.failed_run()))
    assert row.status == "done"
    assert await world.incidents() == [] and world.api_calls() == []



async def test_a_dependency_failure_is_annotated_on_the_line_that_declares_the_package(world_no_llm: World) -> None:
    from tests.analysis.helpers import gh_step

    world = world_no_llm
    head = world.repo.commit({"requirements.txt": "flask==3.0.3\nrequests>=2.31\nattrs==99.0\n"},
                             parent=world.head_sha, branch="feature", message="Pin attrs")
    log = gh_step("pip install -r requirements.txt", [
        "Collecting flask==3.0.3 (from -r requirements.txt (line 1))",
        "ERROR: Could not find a version that satisfies the requirement attrs==99.0 (from versions: 23.1.0, 23.2.0)",
        "ERROR: No matching distribution found for attrs==99.0",
    ]).encode()
    row = await world.deliver(world.payload(world.failed_run(log=log, head_sha=head)))
    assert row.status == "done", row.last_error
    [incident] = await world.incidents()
    assert incident.category == "dependency"
    [check] = world.repo.check_runs.values()
    [annotation] = check["output"]["annotations"]
    assert (annotation["path"], annotation["start_line"]) == ("requirements.txt", 3)
    reads = [c for c in world.work_calls() if "/contents/requirements.txt" in c]
    assert len(reads) == 1, reads  # the manifest read once, for its line
    [comment] = world.comments()
    assert "**Where:** [`requirements.txt:3`](" in comment["body"]  # a link to the line at the failing commit
    assert f"/octo-org/cidiff/blob/{head}/requirements.txt#L3)" in comment["body"]
