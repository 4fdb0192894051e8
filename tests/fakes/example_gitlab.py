"""The GitLab half of examples/, built in the fake GitLab (tests/fakes/gitlab.py): the project `octo-org/shop` with
merge request !7 whose pipeline failed (its `test` job's trace is examples/gitlab/job.log) after a green pipeline of
the same branch (examples/gitlab/pass.log, the baseline). The example payload `examples/gitlab/pipeline.failed.json`
is this world's failed pipeline; `python -m tests.fakes.example_gitlab` writes it again and serves the world for
`receive --gitlab --api-url` (scripts/fake-gitlab)."""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.fakes.example_main import run_example, serve_world

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = ROOT / "examples" / "gitlab"
PROJECT = "octo-org/shop"
PROJECT_ID = 4712
MR = 7
BRANCH = "simplify-cart"
PIPELINE_ID = 80002
GREEN_PIPELINE_ID = 80001
HEAD_SHA = "5d1e0c7a41b2f8e9c3d6a0b7e4f1c2d5a8b9e0f3"  # "Simplify total()"
GREEN_SHA = "9b2f4e18c7a3d5b6e0f1a2c4d8e9b7f3a6c5d2e1"  # the branch's first commit, before it
WEB = f"https://gitlab.example/{PROJECT}"


def seed(fake: Any) -> dict[str, Any]:
    """Put the example world into `fake` (a FakeGitLab, not started yet or started); return the failed pipeline."""
    project = fake.add_project(PROJECT_ID, PROJECT)
    fake.add_pipeline(project, status="success", ref=BRANCH, sha=GREEN_SHA, pipeline_id=GREEN_PIPELINE_ID, jobs=[
        {"name": "lint", "stage": "test", "status": "success", "trace": b"$ ruff check .\nAll checks passed!\n"},
        {"name": "test", "stage": "test", "status": "success", "trace": (EXAMPLES / "pass.log").read_bytes()},
    ])
    pipeline = fake.add_pipeline(project, status="failed", ref=BRANCH, sha=HEAD_SHA, pipeline_id=PIPELINE_ID, jobs=[
        {"name": "lint", "stage": "test", "status": "success", "trace": b"$ ruff check .\nAll checks passed!\n"},
        {"name": "test", "stage": "test", "status": "failed", "trace": (EXAMPLES / "job.log").read_bytes()},
    ])
    jobs = [j for j in project.jobs.values() if j["pipeline"]["id"] == PIPELINE_ID]
    return {"project": project, "pipeline": pipeline, "jobs": jobs}


def payload(world: dict[str, Any]) -> dict[str, Any]:
    """The `Pipeline Hook` GitLab would send for the world's failed pipeline (the fixture's shape, this world's
    facts; its `builds` are the pipeline's jobs)."""
    template = ROOT / "tests" / "fixtures" / "gitlab" / "pipeline.json"
    data: dict[str, Any] = copy.deepcopy(json.loads(template.read_text()))
    pipeline = world["pipeline"]
    attributes = data["object_attributes"]
    attributes.update({k: pipeline[k] for k in ("id", "iid", "ref", "sha", "status")})
    attributes.update(before_sha=GREEN_SHA, source="merge_request_event", detailed_status="failed", stages=["test"],
                      variables=[], created_at="2025-12-01 09:59:40 UTC", finished_at="2025-12-01 10:00:22 UTC",
                      duration=22, queued_duration=18)
    data["merge_request"].update({
        "id": 100 + MR, "iid": MR, "title": "Simplify total()", "source_branch": BRANCH,
        "source_project_id": PROJECT_ID, "target_branch": "main", "target_project_id": PROJECT_ID,
        "url": f"{WEB}/-/merge_requests/{MR}",
    })
    data["project"].update({
        "id": PROJECT_ID, "name": "shop", "description": "A small shop", "web_url": WEB,
        "git_ssh_url": f"git@gitlab.example:{PROJECT}.git", "git_http_url": f"{WEB}.git", "namespace": "octo-org",
        "visibility_level": 0, "path_with_namespace": PROJECT, "default_branch": "main",
    })
    data["commit"].update({"id": HEAD_SHA, "message": "Simplify total()\n", "url": f"{WEB}/-/commit/{HEAD_SHA}",
                           "timestamp": "2025-12-01T10:59:31+01:00"})
    data.pop("source_pipeline", None)
    template_build = next(b for b in data["builds"] if b["stage"] == "test")
    builds = []
    for job in sorted(world["jobs"], key=lambda j: j["id"], reverse=True):
        build = copy.deepcopy(template_build)
        build.update({"id": job["id"], "stage": job["stage"], "name": job["name"], "status": job["status"],
                      "failure_reason": job["failure_reason"], "allow_failure": job["allow_failure"],
                      "created_at": "2025-12-01 09:59:40 UTC", "started_at": "2025-12-01 09:59:58 UTC",
                      "finished_at": "2025-12-01 10:00:22 UTC", "duration": 24.0, "queued_duration": 18.0})
        if job["status"] != "failed":
            build.pop("failure_reason")
        builds.append(build)
    data["builds"] = builds
    return data


async def serve(port: int) -> None:
    from tests.fakes.gitlab import API_TOKEN, FakeGitLab

    fake = FakeGitLab()
    project = seed(fake)["project"]
    seen: dict[int, str] = {}

    def written() -> Iterator[str]:
        for iid, notes in sorted(project.notes.items()):
            for note in notes.values():
                if seen.get(note["id"]) != note["body"]:
                    verb = "note" if note["id"] not in seen else "note edited"
                    yield f"\n--- {verb} on {PROJECT}!{iid} ---\n{note['body']}\n---"
                    seen[note["id"]] = note["body"]
        for sha, comments in project.commit_comments.items():
            for n, comment in enumerate(comments):
                key = -hash((sha, n))
                if key not in seen:
                    yield f"\n--- comment on {PROJECT}@{sha[:8]} ---\n{comment['note']}\n---"
                    seen[key] = comment["note"]

    banner = (f"fake GitLab on {{url}}: {PROJECT} (project {PROJECT_ID}), merge request !{MR}, failed pipeline "
              f"{PIPELINE_ID}. In another shell:\n"
              f"  GITLAB_TOKEN={API_TOKEN} .venv/bin/python -m bot receive --gitlab --api-url {{url}} "
              "-e 'Pipeline Hook' -p examples/gitlab/pipeline.failed.json")
    await serve_world(fake, port, banner, written)


def payload_text() -> str:
    from tests.fakes.gitlab import FakeGitLab

    return json.dumps(payload(seed(FakeGitLab())), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.exit(run_example(__doc__, port=3002, payload_file=EXAMPLES / "pipeline.failed.json",
                         payload_text=payload_text, serve=serve))
