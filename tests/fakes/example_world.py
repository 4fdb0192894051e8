"""The world examples/ is about, built in a fake GitHub: the repository `octo-org/shop` with pull request 7 whose
CI failed (examples/github/job.log) after a green run on main (examples/github/pass.log). The example payload
`examples/github/workflow_run.failure.json` is this world's failed run; `python -m tests.fakes.example_world`
writes it again and serves the world for `receive --api-url` (scripts/fake-github)."""

from __future__ import annotations

import copy
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.fakes.example_main import run_example, serve_world

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = ROOT / "examples" / "github"
REPO = "octo-org/shop"
INSTALLATION = 4711
RUN_ID = 90001
PR = 7
CART = "def total(prices, tax=0.0):\n    return sum(prices) * (1 + tax)\n"
BROKEN_CART = "def total(prices, tax=0.0):\n    return sum(prices)\n"
TEST = ("from shop.cart import total\n\n\ndef test_plain():\n    assert total([1, 2]) == 3\n\n\n"
        "def test_total_with_tax():\n    assert total([10, 20], tax=0.1) == 33.0\n")


def seed(fake: Any) -> dict[str, Any]:
    """Put the example world into `fake` (a FakeGitHub, not started yet or started); return the failed run."""
    fake.add_installation(INSTALLATION, "octo-org", [REPO])
    repos = fake.repos
    repo = repos.add(REPO, files={
        "README.md": "shop\n", "shop/cart.py": CART, "tests/test_cart.py": TEST,
        ".github/workflows/ci.yml": "name: CI\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: python -m pytest -q\n",
    })
    main_sha = repo.refs["heads/main"]
    head_sha = repo.commit({"shop/cart.py": BROKEN_CART}, parent=main_sha, branch="simplify-cart",
                           message="Simplify total()")
    repos.add_run(repo, head_sha=main_sha, branch="main", conclusion="success", run_id=RUN_ID - 1,
                  jobs=[{"name": "test", "conclusion": "success", "log": (EXAMPLES / "pass.log").read_bytes()}])
    run = repos.add_run(
        repo, head_sha=head_sha, branch="simplify-cart", conclusion="failure", run_id=RUN_ID, event="pull_request",
        jobs=[{"name": "test", "conclusion": "failure",
               "steps": [("Set up job", "success"), ("Run python -m pytest -q", "failure")],
               "log": (EXAMPLES / "job.log").read_bytes()}],
    )
    repos.add_pull(repo, number=PR, head_branch="simplify-cart", head_sha=head_sha, base_branch="main",
                   base_sha=main_sha)
    return {"run": run, "repo": repo, "main_sha": main_sha, "head_sha": head_sha}


def payload(world: dict[str, Any]) -> dict[str, Any]:
    """The `workflow_run` `completed` delivery GitHub would send for the world's failed run."""
    template = ROOT / "tests" / "fixtures" / "github" / "workflow_run" / "completed.with-pull-requests.payload.json"
    data = copy.deepcopy(json.loads(template.read_text()))
    run, repo = world["run"], world["repo"]
    wr = data["workflow_run"]
    wr.update({k: run[k] for k in ("id", "name", "head_branch", "head_sha", "path", "run_number", "event",
                                   "conclusion", "workflow_id", "run_attempt", "html_url")})
    wr["status"] = "completed"
    wr["head_repository"] = {**wr["head_repository"], "full_name": REPO, "name": "shop"}
    data["repository"] = {**data["repository"], "full_name": REPO, "name": "shop", "id": repo.id,
                          "default_branch": "main"}
    wr["pull_requests"] = [{
        "number": PR, "head": {"ref": run["head_branch"], "sha": run["head_sha"],
                               "repo": {"id": repo.id, "name": "shop"}},
        "base": {"ref": "main", "sha": world["main_sha"], "repo": {"id": repo.id, "name": "shop"}},
    }]
    data["installation"] = {"id": INSTALLATION}
    return data


async def serve(port: int) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from tests.fakes.github import APP_ID, FakeGitHub

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    key_file = Path(tempfile.gettempdir()) / "devflowfix-fake-github.pem"
    key_file.write_text(pem)
    key_file.chmod(0o600)
    fake = FakeGitHub(public_key=key.public_key())
    repo = seed(fake)["repo"]
    seen = 0

    def written() -> Iterator[str]:
        nonlocal seen
        comments = list(repo.comments.values())
        for comment in comments[seen:]:
            yield f"\n--- comment on {REPO}#{comment['issue_number']} ---\n{comment['body']}\n---"
        seen = len(comments)

    banner = (f"fake GitHub on {{url}}: {REPO}, pull request {PR}, failed run {RUN_ID}. In another shell:\n"
              f"  APP_ID={APP_ID} PRIVATE_KEY_PATH={key_file} .venv/bin/python -m bot receive --api-url {{url}} "
              "-e workflow_run -p examples/github/workflow_run.failure.json")
    await serve_world(fake, port, banner, written)


def payload_text() -> str:
    from tests.fakes.github import FakeGitHub, app_key

    return json.dumps(payload(seed(FakeGitHub(public_key=app_key()[1]))), indent=2) + "\n"


if __name__ == "__main__":
    sys.exit(run_example(__doc__, port=3001, payload_file=EXAMPLES / "workflow_run.failure.json",
                         payload_text=payload_text, serve=serve))
