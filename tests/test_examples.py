"""examples/: the failure payload matches the world the fake GitHub builds, and `receive --api-url` runs it through
the whole main path against that fake, in a temporary database of its own, producing the pull request's comment."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from tests.fakes import example_world
from tests.fakes.github import APP_ID, FakeGitHub, app_key

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


def test_receive_sends_the_gitlab_example_as_a_gitlab_hook() -> None:
    from tests.test_cli import run_bot

    result = run_bot("receive", "--gitlab", "-e", "Pipeline Hook", "-p", "examples/gitlab/pipeline.failed.json",
                     env={"LOG_LEVEL": "WARNING"})
    assert result.returncode == 0, result.stderr
    assert "HTTP 202" in result.stdout and ": done" in result.stdout
    payload = json.loads((ROOT / "examples/gitlab/pipeline.failed.json").read_text())
    assert payload["object_kind"] == "pipeline" and payload["object_attributes"]["status"] == "failed"
