"""The sharper verdicts of the one incident pipeline, each on both forges over real HTTP (the fake GitHub: a
`workflow_run` delivery, the PR's one comment, issues; the fake GitLab: a `Pipeline Hook`, the MR's one note,
issues): superseded runs, failures pre-existing on the base branch, the flaky memory, default-branch issues.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete

from bot.config.loader import clear_cache
from bot.config.report import CHECK_NAME, MARKER, clear_sent
from bot.console.incident import flake_of
from storage.models import DefaultBranchIssue, WebhookDelivery
from tests import test_gitlab_pipeline as gl
from tests import test_pipeline as gh
from tests import test_shared_rules as shared
from tests.test_config_pipeline import configure
from tests.test_repo_config import fresh_caches  # noqa: F401  (the autouse fixture)
from tests.test_shared_rules import Side

side = shared.side  # the fixture, parametrized over both forges
NEWER = "a" * 40
EXPLAIN_ONLY = {**gh.fix_answer(), "fix": None}


def fail_log(side: Side) -> bytes:
    return (gh.DATA / "gradle_test_fail.log").read_bytes() if side.forge == "github" else gl.FAIL


def reruns(side: Side) -> int:
    if side.forge == "github":
        return len(side.world.repo.reruns)
    return len(side.world.calls("POST", "/retry"))


async def green_same_commit(side: Side) -> None:
    """The same commit run again, green (a GitHub re-run; a new GitLab pipeline of the sha)."""
    w = side.world
    if side.forge == "github":
        row = await w.deliver(w.payload(dict(w.failed_run(), conclusion="success", run_attempt=2)))
    else:
        row = await w.deliver(w.payload(w.green_pipeline(ref=gl.BRANCH, sha=gl.HEAD)))
    assert row.status == "done", row.last_error


# ---- superseded
async def test_a_run_of_an_old_head_is_recorded_not_explained(side: Side) -> None:
    side.llm.answer(gh.fix_answer())
    w = side.world
    if side.forge == "github":
        run = w.failed_run()
        w.repo.pulls[7]["head"]["sha"] = NEWER  # pushed again since
        newer = w.repos.add_run(w.repo, head_sha=NEWER, branch="feature", conclusion="success", jobs=[])
        newer_url = newer["html_url"]
        row = await w.deliver(w.payload(run))
    else:
        w.project.merge_requests[1] = {"iid": 1, "sha": NEWER, "state": "opened", "source_branch": gl.BRANCH,
                                       "target_branch": "master", "labels": []}
        newer_url = w.fake.add_pipeline(w.project, status="running", ref=gl.BRANCH, sha=NEWER)["web_url"]
        row = await w.deliver(w.payload(w.failed_pipeline()))
    assert row.status == "done", row.last_error
    [incident] = await side.incidents()
    assert incident.status == "superseded" and incident.links["newer_run"] == newer_url
    [body] = side.thread()
    assert "Superseded" in body and newer_url in body and "not explained or fixed" in body
    assert side.llm.received == [] and side.fix_writes() == 0


# ---- pre-existing on the base branch
async def test_a_failure_of_the_base_branch_is_explained_as_pre_existing_not_fixed(side: Side) -> None:
    side.llm.answer(gh.fix_answer())  # confident, with a fix: still none in this PR/MR
    w = side.world
    if side.forge == "github":
        base = w.repos.add_run(w.repo, head_sha=w.main_sha, branch="main", conclusion="failure", jobs=[{
            "name": gh.JOB, "conclusion": "failure", "log": fail_log(side),
            "steps": [("Set up job", "success"), ("Run ./gradlew build", "failure")]}])
    else:
        base = w.failed_pipeline(ref="master", sha=gl.MAIN)
    row = await side.fail()
    assert row.status == "done", row.last_error
    [body] = side.thread()
    assert "Pre-existing" in body and base["html_url" if side.forge == "github" else "web_url"] in body
    assert side.fix_writes() == 0
    [incident] = await side.incidents()
    assert incident.analysis["pre_existing"]["base_ref"] == ("main" if side.forge == "github" else "master")


async def test_an_open_incident_of_the_base_branch_is_linked(side: Side) -> None:
    side.llm.answer(EXPLAIN_ONLY)
    w = side.world
    w.services.settings.public_url = "https://devflowfix.example"
    if side.forge == "github":
        first = await w.deliver(w.payload(w.failed_run(branch="main", head_sha=w.main_sha, event="push"), pulls=[]))
    else:
        first = await w.deliver(w.payload(w.failed_pipeline(ref="master", sha=gl.MAIN), mr=None))
    assert first.status == "done", first.last_error
    [base] = await side.incidents()
    side.llm.answer(gh.fix_answer())
    row = await side.fail()
    assert row.status == "done", row.last_error
    [body] = side.thread()
    assert "Pre-existing" in body and f"https://devflowfix.example/incidents/{base.id}" in body
    assert side.fix_writes() == 0


async def test_a_green_base_branch_leaves_the_failure_to_this_change(side: Side) -> None:
    side.llm.answer(gh.fix_answer())
    row = await side.fail()
    assert row.status == "done", row.last_error
    assert "Pre-existing" not in side.thread()[0] and side.fix_writes() == 1


# ---- the flaky memory
async def test_a_failure_that_passed_on_a_rerun_is_rerun_next_time(side: Side) -> None:
    side.llm.answer(EXPLAIN_ONLY)
    await side.fail(0)
    assert reruns(side) == 0 and len(side.llm.received) == 1
    await green_same_commit(side)  # the same commit passed: a flake, remembered
    [first] = await side.incidents()
    keys = first.analysis["flaky_keys"]
    [memory] = await side.db.verdicts.memory(first.provider, first.repository_full_name, keys[:1])
    assert (memory.failures, memory.flakes) == (1, 1)

    row = await side.fail(1)  # the same test fails again on a new commit: re-run once, not explained
    assert row.status == "done", row.last_error
    assert reruns(side) == 1 and len(side.llm.received) == 1
    newest = (await side.incidents())[-1]
    assert newest.status == "rerun"
    assert "passed on a re-run of the same commit before" in side.thread()[0]
    assert "flake rate 50%" in side.thread()[0]  # 1 flake of 2 failures


async def test_a_failure_never_seen_passing_is_explained(side: Side) -> None:
    side.llm.answer(EXPLAIN_ONLY)
    await side.fail(0)
    [incident] = await side.incidents()
    await side.db.incidents.update(incident.id, status="resolved")  # resolved by a new commit, not a re-run
    await side.fail(1)
    assert reruns(side) == 0 and len(side.llm.received) == 2


# ---- default-branch issues
async def fail_on_default_branch(side: Side, n: int) -> WebhookDelivery:
    w = side.world
    if side.forge == "github":
        sha = w.main_sha if n == 0 else f"{n:x}".rjust(40, "e")
        return await w.deliver(w.payload(w.failed_run(branch="main", head_sha=sha, event="push"), pulls=[]))
    sha = gl.MAIN if n == 0 else f"{n:x}".rjust(40, "e")
    return await w.deliver(w.payload(w.failed_pipeline(ref="master", sha=sha), mr=None))


async def green_on_default_branch(side: Side) -> None:
    w = side.world
    if side.forge == "github":
        run = w.repos.add_run(w.repo, head_sha=w.main_sha, branch="main", conclusion="success", jobs=[])
        row = await w.deliver(w.payload(run, pulls=[]))
    else:
        row = await w.deliver(w.payload(w.green_pipeline(ref="master", sha=gl.MAIN), mr=None))
    assert row.status == "done", row.last_error


def issues(side: Side) -> list[dict[str, Any]]:
    if side.forge == "github":
        return list(side.world.repo.issues.values())
    return list(side.world.project.issues.values())


def issue_comments(side: Side, issue: dict[str, Any]) -> list[str]:
    if side.forge == "github":
        return [c["body"] for c in side.world.repos.comments_on(side.world.repo, issue["number"])]
    return [n["body"] for n in issue["notes"]]


def is_open(side: Side, issue: dict[str, Any]) -> bool:
    return bool(issue["state"] == ("open" if side.forge == "github" else "opened"))


async def test_a_default_branch_failure_opens_one_issue_updated_then_closed(side: Side) -> None:
    configure(side, "default_branch_issues: true\n")
    side.llm.answer(EXPLAIN_ONLY)
    row = await fail_on_default_branch(side, 0)
    assert row.status == "done", row.last_error
    [issue] = issues(side)
    assert is_open(side, issue) and "<!-- devflowfix:default-branch-issue " in str(
        issue.get("body") or issue.get("description"))
    assert issue_comments(side, issue) == []

    row = await fail_on_default_branch(side, 1)  # it recurs: the same issue, one comment
    assert row.status == "done", row.last_error
    [issue] = issues(side)
    [comment] = issue_comments(side, issue)
    assert "It failed again" in comment

    await green_on_default_branch(side)
    [issue] = issues(side)
    assert not is_open(side, issue) and "Resolved by a green" in issue_comments(side, issue)[-1]
    [incident] = [i for i in await side.incidents() if i.status != "merged"]
    assert incident.status == "resolved"


async def test_default_branch_issues_are_opt_in(side: Side) -> None:
    side.llm.answer(EXPLAIN_ONLY)
    row = await fail_on_default_branch(side, 0)
    assert row.status == "done", row.last_error
    assert issues(side) == []


async def test_an_issue_left_by_a_killed_worker_is_found_not_duplicated(side: Side) -> None:
    configure(side, "default_branch_issues: true\n")
    side.llm.answer(EXPLAIN_ONLY)
    await fail_on_default_branch(side, 0)
    [incident] = await side.incidents()
    async with side.db.sessions.begin() as s:  # the worker died after creating it, before recording it
        await s.execute(delete(DefaultBranchIssue))
    await side.db.incidents.update(incident.id, status="resolved")
    await fail_on_default_branch(side, 1)
    assert len(issues(side)) == 1


async def test_the_incident_page_shows_the_flake_rate(side: Side) -> None:
    side.llm.answer(EXPLAIN_ONLY)
    await side.fail(0)
    [incident] = await side.incidents()
    assert await flake_of(side.db, incident.id) is None
    await green_same_commit(side)
    assert await flake_of(side.db, incident.id) == {"rate": "100%", "flakes": 1, "failures": 1}


# ---- the broken-config report: once per (repository, blob sha), across processes
def config_reports(side: Side) -> int:
    if side.forge == "github":
        return len([c for c in side.world.repo.check_runs.values() if c["name"] == CHECK_NAME])
    return len([n for n in side.world.notes() if MARKER in n["body"]])


async def test_a_broken_file_is_reported_once_per_blob_across_processes(side: Side) -> None:
    side.llm.answer(EXPLAIN_ONLY)
    if side.forge == "github":  # the commits `fail(n)` runs on exist (a check run needs its commit)
        for n in (1, 2):
            side.world.repo.commits[f"{n:x}".rjust(40, "e")] = dict(side.world.repo.commits[side.world.head_sha])
    configure(side, "max_attempts: -4\n")
    await side.fail(0)
    assert config_reports(side) == 1
    clear_sent()  # another process: its memory knows nothing, the database does
    clear_cache()
    await side.fail(1)
    assert config_reports(side) == 1
    configure(side, "max_attempts: -5\n")  # another blob: reported again
    clear_cache()
    await side.fail(2)
    assert config_reports(side) == 2


async def test_a_merge_request_gitlab_will_not_show_leaves_the_verdict_out(side: Side) -> None:
    if side.forge != "gitlab":
        pytest.skip("GitLab's hook carries no head: only there is the merge request read for it")
    side.llm.answer(EXPLAIN_ONLY)
    side.world.fake.fail_next("GET", f"/api/v4/projects/{gl.PROJECT_ID}/merge_requests/1", 403)
    row = await side.fail()
    assert row.status == "done", row.last_error
    [incident] = await side.incidents()
    assert incident.status == "open" and "Superseded" not in side.thread()[0]
