"""End to end over real HTTP: a `Pipeline Hook` delivery with its X-Gitlab-Token goes into the server; the bot talks
to the fake GitLab (failed jobs, the trace behind a 302, the last green pipeline, MR notes, commit comments) and to
the fake LLM; the tests check what those fakes received and what the database holds.
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
from storage.models import Incident, WebhookDelivery
from storage.types import utcnow
from tests.conftest import make_settings
from tests.fakes.gitlab import API_TOKEN, FakeGitLab, FakeProject
from tests.fakes.llm import API_KEY, FakeLLM
from tests.helpers import load, send_gitlab

DATA = Path(__file__).parent / "data"
PROJECT_ID = 1
PROJECT = "gitlab-org/gitlab-test"
JOB = "build-test-deploy"
BRANCH = "test"
HEAD = "bcbb5ec396a2c0f828686f14fac9b80b780504f2"
MAIN = "c0ffee0000000000000000000000000000000001"
SECRET = "glpat-Zq9xW2vB7nK4mL1pR8sT"


def gitlab_trace(github_log: Path, *, insert: dict[int, bytes] | None = None) -> bytes:
    """A GitHub log of the cidiff breakage turned into a GitLab trace (runner sections, ANSI, exit line)."""
    lines = []
    for raw in github_log.read_bytes().splitlines():
        parts = raw.split(b"\t", 2)
        text = parts[2].split(b" ", 1)[1] if len(parts) == 3 and b" " in parts[2] else raw
        if not text.startswith((b"##[group]", b"##[endgroup]")):  # GitHub's own markers: not in a GitLab trace
            lines.append(text.replace(b"##[error]", b""))
    for at, line in sorted((insert or {}).items(), reverse=True):
        lines.insert(at, line)
    return (
        b"\x1b[0KRunning with gitlab-runner 16.11.0 (91a27b2a)\n"
        b"section_start:1714550000:prepare_executor\r\x1b[0K\x1b[0K\x1b[36;1mPreparing the \"docker\" executor"
        b"\x1b[0;m\nUsing docker image gradle:7-jdk11\nsection_end:1714550003:prepare_executor\r\x1b[0K\n"
        b"section_start:1714550004:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting \"step_script\" stage\x1b[0;m\n"
        b"\x1b[32;1m$ ./gradlew build\x1b[0;m\n" + b"\n".join(lines) + b"\n"
        b"section_end:1714550010:step_script\r\x1b[0K\n"
        b"\x1b[31;1mERROR: Job failed: exit code 1\n\x1b[0;m\n"
    )


FAIL = gitlab_trace(DATA / "gradle_test_fail.log")
PASS = gitlab_trace(DATA / "gradle_test_pass.log")


@dataclass
class World:
    client: TestClient
    fake: FakeGitLab
    llm: FakeLLM
    db: Database
    services: Services
    project: FakeProject

    def failed_pipeline(self, *, trace: bytes = FAIL, ref: str = BRANCH, sha: str = HEAD) -> dict[str, Any]:
        return self.fake.add_pipeline(self.project, status="failed", ref=ref, sha=sha, jobs=[
            {"name": "compile", "stage": "build", "status": "success", "trace": b"ok\n"},
            {"name": JOB, "stage": "test", "status": "failed", "trace": trace},
            {"name": "lint", "stage": "test", "status": "failed", "allow_failure": True, "trace": b"warning\n"},
        ])

    def green_pipeline(self, *, ref: str = BRANCH, sha: str = MAIN) -> dict[str, Any]:
        return self.fake.add_pipeline(self.project, status="success", ref=ref, sha=sha, jobs=[
            {"name": "compile", "stage": "build", "status": "success", "trace": b"ok\n"},
            {"name": JOB, "stage": "test", "status": "success", "trace": PASS},
        ])

    def payload(self, pipeline: dict[str, Any], *, mr: int | None = 1) -> dict[str, Any]:
        data = copy.deepcopy(load("gitlab/pipeline.json"))
        data["object_attributes"].update({k: pipeline[k] for k in ("id", "iid", "ref", "sha", "status")})
        data["object_attributes"]["source"] = "merge_request_event" if mr else "push"
        data["project"].update({"id": PROJECT_ID, "path_with_namespace": PROJECT,
                                "web_url": f"https://gitlab.example/{PROJECT}"})
        if mr is None:
            data["merge_request"] = None
        else:
            data["merge_request"].update({"iid": mr, "id": 100 + mr, "source_branch": pipeline["ref"],
                                          "source_project_id": PROJECT_ID, "target_project_id": PROJECT_ID})
        return data

    async def deliver(self, payload: dict[str, Any], delivery: str | None = None) -> WebhookDelivery:
        delivery = delivery or str(uuid.uuid4())
        status, body = await send_gitlab(self.client, "Pipeline Hook", payload, delivery=delivery)
        assert status in (200, 202), body
        await self.client.app[QUEUE].join(timeout=60)
        async with self.db.sessions() as s:
            query = select(WebhookDelivery).where(WebhookDelivery.delivery_id == delivery)
            return (await s.execute(query)).scalar_one()

    async def incidents(self) -> list[Incident]:
        async with self.db.sessions() as s:
            return list((await s.execute(select(Incident).order_by(Incident.created_at))).scalars())

    def notes(self, iid: int = 1) -> list[dict[str, Any]]:
        return self.project.mr_notes(iid)

    def calls(self, method: str, suffix: str) -> list[str]:
        return [c for c in self.fake.api_calls() if c.startswith(method + " ") and c.endswith(suffix)]


async def make_world(
    aiohttp_client: Any, database_url: str, db: Database, *, llm: bool = False, token: bool = True, **settings: Any
) -> AsyncIterator[World]:
    fake = FakeGitLab()
    await fake.start()
    fake_llm = FakeLLM()
    await fake_llm.start()
    project = fake.add_project(PROJECT_ID, PROJECT)
    values: dict[str, Any] = {"gitlab_url": fake.url, "llm_max_retries": 0, "llm_timeout": 10}
    if token:
        values["gitlab_token"] = API_TOKEN
    if llm:
        values.update(openai_api_key=API_KEY, openai_base_url=fake_llm.url, openai_model="fake-model")
    values.update(settings)
    conf = make_settings(database_url, **values)
    services = await Services.create(conf, db=db)
    client = await aiohttp_client(create_app(conf, services=services, migrate=False))
    try:
        yield World(client, fake, fake_llm, db, services, project)
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
async def world_llm(aiohttp_client: Any, database_url: str, db: Database) -> AsyncIterator[World]:
    async for w in make_world(aiohttp_client, database_url, db, llm=True):
        yield w


LLM_ANSWER = {
    "root_cause": "The test expects 42 parsed lines but the parser now returns 41.",
    "confidence": 0.9, "explanation": "LogParser drops the trailing empty line; the test was not updated.",
    "fix": None,
}


# ---------------------------------------------------------------------------------------------------------------
async def test_failed_mr_pipeline_gets_one_note_edited_on_the_next_failure(world: World) -> None:
    world.green_pipeline()  # the baseline
    pipeline = world.failed_pipeline()
    row = await world.deliver(world.payload(pipeline))
    assert row.status == "done", row.last_error

    [note] = world.notes()
    body = note["body"]
    assert JOB in body and "./gradlew build" in body  # the failing step: the command the script stopped at
    assert "LogDifferTest > testGithubParsing() FAILED" in body  # the lines that matter, in their fence
    assert "**Category:** test" in body
    assert f"/-/pipelines/{pipeline['id']}" in body and "/-/jobs/" in body
    assert "not open fix merge requests on GitLab" in body
    assert "Also failed" not in body  # `lint` failed too, but it is allowed to: not blamed

    [incident] = await world.incidents()
    assert (incident.provider, incident.repository_full_name, incident.run_id) == ("gitlab", PROJECT, pipeline["id"])
    assert incident.pr_number == 1 and incident.status == "open" and incident.category == "test"
    assert incident.analysis["baseline_used"] is True
    calls = world.fake.api_calls()
    print(f"{len(calls)} API calls:", *calls, sep="\n  ")
    # the configuration (`.gitlab` listed: no file), the project (its path verified for its id), the MR (its head
    # and labels now), jobs, green pipeline, its jobs, the tree (the analyzer maps paths with it), 2 traces, the
    # target branch's latest pipeline (is the failure pre-existing?), note
    assert incident.analysis["gitlab_calls"] == len(calls) == 11
    assert calls[0].endswith("/repository/tree")
    assert world.fake.calls[3].query.get("scope[]") == "failed"

    # the next failure on the MR edits the same note (same failure: counted on the open incident)
    again = world.failed_pipeline(sha="d00d000000000000000000000000000000000002")
    row = await world.deliver(world.payload(again))
    assert row.status == "done", row.last_error
    [edited] = world.notes()
    assert edited["id"] == note["id"] and "**Seen:** 2 times" in edited["body"]
    assert len(world.calls("POST", "/notes")) == 1
    assert world.calls("PUT", f"/merge_requests/1/notes/{note['id']}")


async def test_a_different_failure_adds_a_section_to_the_same_note(world: World) -> None:
    await world.deliver(world.payload(world.failed_pipeline()))
    other = gitlab_trace(DATA / "maven_lint_fail.log")
    await world.deliver(world.payload(world.failed_pipeline(trace=other, sha="d00d0000000000000000000000000000000003")))
    [note] = world.notes()
    assert note["body"].count("### ❌") == 2
    assert len(await world.incidents()) == 2


async def test_pipeline_without_mr_gets_one_commit_comment(world: World) -> None:
    pipeline = world.failed_pipeline(ref="main", sha=MAIN)
    payload = world.payload(pipeline, mr=None)
    row = await world.deliver(payload)
    assert row.status == "done", row.last_error
    [comment] = world.project.commit_comments[MAIN]
    assert JOB in comment["note"] and "**Category:** test" in comment["note"]
    assert world.notes() == []
    await world.deliver(payload)  # a redelivery (a new delivery id): no second comment
    assert len(world.project.commit_comments[MAIN]) == 1


async def test_duplicate_and_concurrent_deliveries_make_one_incident_and_one_note(world: World) -> None:
    payload = world.payload(world.failed_pipeline())
    delivery = str(uuid.uuid4())
    await world.deliver(payload, delivery)
    status, body = await send_gitlab(world.client, "Pipeline Hook", payload, delivery=delivery)
    assert (status, body["status"]) == (200, "duplicate")
    second = world.payload(world.failed_pipeline(sha="d00d000000000000000000000000000000000004"))
    results = await asyncio.gather(*(send_gitlab(world.client, "Pipeline Hook", second) for _ in range(4)))
    assert all(r[0] == 202 for r in results)
    await world.client.app[QUEUE].join(timeout=60)
    incidents = await world.incidents()
    assert len(incidents) == 2 and sorted(i.status for i in incidents) == ["merged", "open"]
    assert len(world.notes()) == 1 and len(world.calls("POST", "/notes")) == 1
    assert len(world.calls("GET", f"/pipelines/{second['object_attributes']['id']}/jobs")) == 1  # analysed once


@pytest.mark.parametrize("status", [429, 502])
async def test_rate_limit_or_gitlab_error_is_retried_later_not_lost(world: World, status: int) -> None:
    pipeline = world.failed_pipeline()
    # a 502 past every attempt in place (5); a 429 whose Retry-After (30 s) is further than the wait allowed (5 s)
    jobs = f"/api/v4/projects/{PROJECT_ID}/pipelines/{pipeline['id']}/jobs"
    world.fake.fail_next("GET", jobs, *([status] * (5 if status == 502 else 1)))
    row = await world.deliver(world.payload(pipeline))
    assert row.status == "pending" and row.next_attempt_at is not None
    assert ("rate limit" if status == 429 else "502") in (row.last_error or "")
    if status == 429:  # RateLimit-Reset / Retry-After: 30 s from now
        assert 20 < (row.next_attempt_at - utcnow()).total_seconds() <= 31
    assert world.notes() == []
    assert await run_delivery(world.services, row.id) is None  # not before it comes due
    await world.db.deliveries.retry_later(row.id, utcnow(), row.last_error or "")  # time passes
    GATE.forget()  # and the limit's reset with it
    assert await run_delivery(world.services, row.id) == "done"
    assert len(world.notes()) == 1 and len(await world.incidents()) == 1


async def test_publishing_retried_later_keeps_the_explanation(world_llm: World) -> None:
    world = world_llm
    world.llm.answer(LLM_ANSWER)
    world.fake.fail_next("POST", f"/api/v4/projects/{PROJECT_ID}/merge_requests/1/notes", *[503] * 5)
    row = await world.deliver(world.payload(world.failed_pipeline()))
    assert row.status == "pending", row.last_error
    await world.db.deliveries.retry_later(row.id, utcnow(), row.last_error or "")
    assert await run_delivery(world.services, row.id) == "done"
    assert len(world.llm.received) == 1  # not asked again
    [note] = world.notes()
    assert "parser now returns 41" in note["body"]


async def test_a_secret_in_the_trace_never_reaches_the_note_or_the_llm(world_llm: World) -> None:
    world = world_llm
    world.llm.answer(LLM_ANSWER)
    trace = gitlab_trace(DATA / "gradle_test_fail.log", insert={242: b"export GITLAB_TOKEN=" + SECRET.encode()})
    assert SECRET.encode() in trace
    row = await world.deliver(world.payload(world.failed_pipeline(trace=trace)))
    assert row.status == "done", row.last_error
    [prompt] = world.llm.prompts()
    assert "testGithubParsing" in prompt
    assert SECRET not in prompt and SECRET not in json.dumps(world.llm.received)
    [note] = world.notes()
    assert SECRET not in note["body"] and "parser now returns 41" in note["body"]
    [incident] = await world.incidents()
    assert SECRET not in json.dumps(incident.analysis)


async def test_llm_daily_cap_is_respected(aiohttp_client: Any, database_url: str, db: Database) -> None:
    async for world in make_world(aiohttp_client, database_url, db, llm=True, llm_daily_cap_per_repo=0):
        await world.deliver(world.payload(world.failed_pipeline()))
        assert world.llm.received == []
        assert "daily LLM budget" in world.notes()[0]["body"]


async def test_without_a_token_the_handler_stops_cleanly(aiohttp_client: Any, database_url: str, db: Database) -> None:
    async for world in make_world(aiohttp_client, database_url, db, token=False):
        row = await world.deliver(world.payload(world.failed_pipeline()))
        assert row.status == "done" and row.attempts == 1
        assert world.fake.api_calls() == [] and await world.incidents() == []


async def test_a_green_pipeline_resolves_and_updates_the_note(world: World) -> None:
    await world.deliver(world.payload(world.failed_pipeline()))
    [note] = world.notes()
    row = await world.deliver(world.payload(world.green_pipeline(sha="e0e0000000000000000000000000000000000005")))
    assert row.status == "done", row.last_error
    [incident] = await world.incidents()
    assert incident.status == "resolved"
    [edited] = world.notes()
    assert edited["id"] == note["id"] and "All the failures below are resolved" in edited["body"]


async def test_a_job_hook_is_recorded_not_analysed(world: World) -> None:
    job = copy.deepcopy(load("gitlab/job.json"))
    job.update({"build_status": "failed", "project_id": PROJECT_ID})
    status, _ = await send_gitlab(world.client, "Job Hook", job)
    assert status == 202
    await world.client.app[QUEUE].join(timeout=60)
    assert world.fake.api_calls() == [] and await world.incidents() == []


async def test_an_unknown_project_fails_the_delivery_without_a_retry_loop(world: World) -> None:
    payload = world.payload(world.failed_pipeline())
    payload["project"]["id"] = 4040
    row = await world.deliver(payload)
    assert row.status == "failed" and "404" in (row.last_error or "")


async def test_list_endpoints_are_followed_page_by_page(world: World) -> None:
    pipeline = world.fake.add_pipeline(world.project, status="failed", ref=BRANCH, sha=HEAD, jobs=[
        {"name": f"job {i}", "status": "failed"} for i in range(5)
    ])
    client = world.services.gitlab_client()
    assert client is not None
    url = f"/projects/{PROJECT_ID}/pipelines/{pipeline['id']}/jobs"
    names = [j["name"] async for j in client.getiter(url, {"scope[]": "failed", "per_page": "2"})]
    assert sorted(names) == [f"job {i}" for i in range(5)]
    assert client.calls == 3 and [c.query.get("page") for c in world.fake.calls] == [None, "2", "3"]
    assert all(c.query.get("scope[]") == "failed" for c in world.fake.calls)


async def test_a_dependency_failure_says_where_the_package_is_declared(world: World) -> None:
    sha = world.project.add_commit({"requirements.txt": "flask==3.0.3\nattrs==99.0\n", "app.py": "import attrs\n"},
                                   sha="feed000000000000000000000000000000000003", branch=BRANCH)
    trace = (
        b"section_start:1714550004:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting \"step_script\" stage\x1b[0;m\n"
        b"\x1b[32;1m$ pip install -r requirements.txt\x1b[0;m\n"
        b"ERROR: Could not find a version that satisfies the requirement attrs==99.0 (from versions: 23.2.0)\n"
        b"ERROR: No matching distribution found for attrs==99.0\n"
        b"section_end:1714550010:step_script\r\x1b[0K\n"
        b"\x1b[31;1mERROR: Job failed: exit code 1\n\x1b[0;m\n"
    )
    row = await world.deliver(world.payload(world.failed_pipeline(trace=trace, sha=sha)))
    assert row.status == "done", row.last_error
    [incident] = await world.incidents()
    assert incident.category == "dependency"
    assert incident.analysis["refs"] == [["requirements.txt", 2]]
    [note] = world.notes()
    # a link to the line at the failing commit, on the project's web URL (the pipeline's link says where it is)
    assert f"[`requirements.txt:2`](https://gitlab.example/{PROJECT}/-/blob/{sha}/requirements.txt#L2)" in note["body"]
