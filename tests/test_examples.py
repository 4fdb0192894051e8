"""examples/: the failure payloads match the worlds the fake GitHub and the fake GitLab build, and `receive --api-url`
(with `--gitlab` for GitLab) runs each through the whole main path against its fake, in a temporary database of its
own, producing the pull request's comment or the merge request's note."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from tests.fakes import example_gitlab, example_world
from tests.fakes.github import APP_ID, FakeGitHub, app_key
from tests.fakes.gitlab import API_TOKEN, FakeGitLab

ROOT = Path(__file__).resolve().parent.parent


def test_the_example_payload_is_the_worlds_failed_run() -> None:
    fake = FakeGitHub(public_key=app_key()[1])
    expected = example_world.payload(example_world.seed(fake))
    shipped = json.loads((ROOT / "examples/github/workflow_run.failure.json").read_text())
    assert shipped == expected, "regenerate with: python -m tests.fakes.example_world --write-payload"
    assert shipped["workflow_run"]["conclusion"] == "failure"


async def test_receive_an_example_failure_against_the_fake_posts_the_comment(tmp_path: Path) -> None:
    fake = FakeGitHub(public_key=app_key()[1])
    world = example_world.seed(fake)
    await fake.start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME", "LANG")}
        env |= {"APP_ID": str(APP_ID), "PRIVATE_KEY": app_key()[0], "LOG_LEVEL": "WARNING",
                "DATABASE_URL": f"sqlite:///{tmp_path}/not-this-one.sqlite3"}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "receive", "--api-url", fake.url, "-e", "workflow_run",
            "-p", "examples/github/workflow_run.failure.json", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 180)
    finally:
        await fake.close()
    assert proc.returncode == 0, err.decode()
    assert "HTTP 202" in out.decode() and ": done" in out.decode()
    comments = fake.repos.comments_on(world["repo"], example_world.PR)  # type: ignore[attr-defined]
    assert len(comments) == 1
    assert "test_total_with_tax" in comments[0]["body"] or "tests/test_cart.py" in comments[0]["body"]
    assert not (tmp_path / "not-this-one.sqlite3").exists()  # its own temporary database, not DATABASE_URL's


def test_the_gitlab_example_payload_is_the_worlds_failed_pipeline() -> None:
    expected = example_gitlab.payload(example_gitlab.seed(FakeGitLab()))
    shipped = json.loads((ROOT / "examples/gitlab/pipeline.failed.json").read_text())
    assert shipped == expected, "regenerate with: python -m tests.fakes.example_gitlab --write-payload"
    assert shipped["object_attributes"]["status"] == "failed"
    assert shipped["merge_request"]["iid"] == example_gitlab.MR


async def test_receive_the_gitlab_example_against_the_fake_posts_the_mr_note(tmp_path: Path) -> None:
    fake = FakeGitLab()
    world = example_gitlab.seed(fake)
    await fake.start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME", "LANG")}
        env |= {"GITLAB_TOKEN": API_TOKEN, "LOG_LEVEL": "WARNING",
                "DATABASE_URL": f"sqlite:///{tmp_path}/not-this-one.sqlite3"}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "receive", "--gitlab", "--api-url", fake.url, "-e", "Pipeline Hook",
            "-p", "examples/gitlab/pipeline.failed.json", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 180)
    finally:
        await fake.close()
    assert proc.returncode == 0, err.decode()
    assert "HTTP 202" in out.decode() and ": done" in out.decode()
    notes = world["project"].mr_notes(example_gitlab.MR)
    assert len(notes) == 1
    body = notes[0]["body"]
    failed = next(j for j in world["jobs"] if j["status"] == "failed")
    assert "GitLab pipeline · test" in body  # the failing job
    assert f"/-/jobs/{failed['id']}" in body and f"/-/pipelines/{example_gitlab.PIPELINE_ID}" in body
    assert "tests/test_cart.py::test_total_with_tax" in body and "assert 30 == 33.0" in body  # the lines that matter
    assert "tests/test_cart.py:9: AssertionError" in body
    assert "as the 'root' user" not in body and "section_start" not in body  # what the green run had too
    green = next(j for j in world["project"].jobs.values()
                 if j["pipeline"]["id"] == example_gitlab.GREEN_PIPELINE_ID and j["name"] == "test")
    fetched = [c.path for c in fake.calls]
    base = f"/api/v4/projects/{example_gitlab.PROJECT_ID}"
    assert f"{base}/pipelines/{example_gitlab.GREEN_PIPELINE_ID}/jobs" in fetched  # the baseline: the last green one
    for job in (failed, green):  # both traces, each behind its redirect to object storage
        assert f"{base}/jobs/{job['id']}/trace" in fetched
        assert f"/_objects/traces/{example_gitlab.PROJECT_ID}-{job['id']}" in fetched
    assert not (tmp_path / "not-this-one.sqlite3").exists()


def test_receive_without_a_gitlab_token_records_the_gitlab_example() -> None:
    from tests.test_cli import run_bot

    result = run_bot("receive", "--gitlab", "-e", "Pipeline Hook", "-p", "examples/gitlab/pipeline.failed.json",
                     env={"LOG_LEVEL": "WARNING"})
    assert result.returncode == 0, result.stderr
    assert "HTTP 202" in result.stdout and ": done" in result.stdout
    payload = json.loads((ROOT / "examples/gitlab/pipeline.failed.json").read_text())
    assert payload["object_kind"] == "pipeline" and payload["object_attributes"]["status"] == "failed"
