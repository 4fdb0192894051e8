"""Fix safety over real HTTP against the fake GitHub: the LLM proposes an edit to something the bot must never
write (a symbolic link, a submodule, a local action, CI configuration) and nothing is written; the fix PR's
title is one cleaned line whatever the workflow is called; a leftover fix branch that is protected is not moved.
The rules themselves are forge-neutral (git modes, paths) and are checked on GitLab-shaped trees too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.fixes.edits import EditRejected, Limits, check_paths, local_includes, written_modes
from bot.fixes.pull_request import check_fix_branch, fix_title
from bot.llm.answer import ProposedFix
from storage.database import Database
from tests.test_pipeline import JOB, REPO, World, fix_answer, make_world

LINK = "docs/LogDifferTest.java"
MODULE = "vendor/gumtree"


@pytest.fixture
async def world(aiohttp_client: Any, database_url: str, db: Database) -> AsyncIterator[World]:
    async for w in make_world(aiohttp_client, database_url, db):
        yield w


def add_files(world: World, files: dict[str, str], modes: dict[str, str] | None = None) -> None:
    """Put files on the head commit under test (the branch and the PR follow it)."""
    sha = world.repo.commit(files, parent=world.head_sha, branch="feature", modes=modes, message="more")
    world.head_sha = sha
    world.repo.pulls[7]["head"]["sha"] = sha


async def refused(world: World, answer: dict[str, Any], why: str) -> None:
    world.llm.answer(answer)
    row = await world.deliver(world.payload(world.failed_run()))
    assert row.status == "done", row.last_error
    [comment] = world.comments()
    assert "was not applied" in comment["body"] and why in comment["body"], comment["body"]
    assert not world.fake.calls("POST", f"/repos/{REPO}/git/")
    assert not world.fake.calls("POST", f"/repos/{REPO}/pulls")


async def test_a_symbolic_link_is_not_edited(world: World) -> None:
    target = "cidiff/src/test/java/com/github/gumtreediff/cidiff/LogDifferTest.java"
    add_files(world, {LINK: "../" + target}, {LINK: "120000"})
    # GitHub's contents API answers a link to a file with the file's text: the edit would apply to it
    line = '        assertEquals(42, parser.parse("github").size());'
    await refused(world, fix_answer(path=LINK, search=line, replace=line.replace("42", "41")), "symbolic link")


async def test_a_submodule_is_not_edited(world: World) -> None:
    add_files(world, {MODULE: "a" * 40}, {MODULE: "160000"})
    await refused(world, fix_answer(path=MODULE, search="a", replace="b"), "submodule")


async def test_a_file_inside_a_submodule_is_not_edited(world: World) -> None:
    add_files(world, {MODULE: "a" * 40}, {MODULE: "160000"})
    await refused(world, fix_answer(path=f"{MODULE}/src/Main.java", search="a", replace="b"), "submodule")


@pytest.mark.parametrize("path", [".github/actions/x/action.yml", ".github/CODEOWNERS", ".github/dependabot.yml",
                                  ".gitlab-ci.yml"])
async def test_ci_configuration_is_not_edited(world: World, path: str) -> None:
    add_files(world, {path: "runs:\n  using: composite\n  steps: []\n"})
    await refused(world, fix_answer(path=path, search="steps: []", replace="steps: [x]"), "workflow file")


async def test_a_protected_leftover_branch_is_not_moved(world: World) -> None:
    branch = f"devflowfix/{world.head_sha[:7]}-{JOB}"
    world.repo.refs[f"heads/{branch}"] = world.main_sha
    world.repo.protected.add(branch)
    world.llm.answer(fix_answer())
    row = await world.deliver(world.payload(world.failed_run()))
    assert row.status == "done", row.last_error
    assert "is protected" in world.comments()[0]["body"]
    assert world.repo.refs[f"heads/{branch}"] == world.main_sha
    assert not world.fake.calls("PATCH", f"/repos/{REPO}/git/refs/")
    assert not world.fake.calls("POST", f"/repos/{REPO}/pulls")
    [incident] = await world.incidents()
    assert incident.fix_pr_number is None and incident.fix_state != "creating"


async def test_the_fix_pr_title_is_one_clean_line(world: World) -> None:
    world.llm.answer(fix_answer())
    run = world.failed_run()
    payload = world.payload(run)
    payload["workflow_run"]["name"] = "CI\n\n@octo-org/admins <img src=x> `ping`"
    row = await world.deliver(payload)
    assert row.status == "done", row.last_error
    pr = world.repo.pulls[8]
    assert "\n" not in pr["title"] and "<" not in pr["title"] and "`" not in pr["title"]
    assert "@octo-org" not in pr["title"] and "@\u200bocto-org" in pr["title"]
    message = world.repo.commits[world.repo.refs[f"heads/{pr['head']['ref']}"]]["message"]
    assert "@octo-org" not in message and message.splitlines()[0].startswith("Fix failing CI")
    assert "@octo-org" not in pr["body"] and "<img" not in pr["body"]


# ---- the rules alone, on both forges' trees (GitHub's entries, GitLab's modes)
LIMITS = Limits(max_files=5, max_bytes=10_000)
GITHUB_TREE = {"a.py": "100644", "run.sh": "100755", "link": "120000", "mod": "160000"}


def edit(path: str) -> ProposedFix:
    return ProposedFix.model_validate({"edits": [{"path": path, "search": "x", "replace": "y"}]})


@pytest.mark.parametrize("forge", ["github", "gitlab"])
@pytest.mark.parametrize(("path", "why"), [
    ("link", "symbolic link"), ("mod", "submodule"), ("mod/inner.c", "submodule"),
    (".github/actions/x/action.yml", "workflow"), (".github/workflows/ci.yml", "workflow"),
    (".gitlab-ci.yml", "workflow"), ("ci/build.yml", "workflow"),
])
def test_refused_on_both_forges(forge: str, path: str, why: str) -> None:
    ci = "include:\n  - local: /ci/build.yml\n  - remote: https://example.com/x.yml\n  - 'ci/other.yml'\n"
    limits = Limits(5, 10_000, ci_files=local_includes(ci))
    tree: dict[str, object] = {**GITHUB_TREE, ".github/actions/x/action.yml": "100644",
                               ".github/workflows/ci.yml": "100644", ".gitlab-ci.yml": "100644",
                               "ci/build.yml": "100644"}
    submodules = ["mod"] if forge == "github" else []  # GitHub lists them apart; GitLab's tree gives the mode
    if forge == "github":
        tree.pop("mod")
    with pytest.raises(EditRejected, match=why):
        check_paths(edit(path), tree, limits, submodules=submodules)


def test_what_may_be_written() -> None:
    assert check_paths(edit("run.sh"), GITHUB_TREE, LIMITS) == ["run.sh"]
    assert written_modes(["a.py", "run.sh"], GITHUB_TREE) == {"a.py": "100644", "run.sh": "100755"}
    for bad in ("link", "mod", "new.py"):
        with pytest.raises(EditRejected):
            written_modes([bad], GITHUB_TREE)
    assert check_paths(edit(".github/actions/x/action.yml"), {".github/actions/x/action.yml": "100644"},
                       Limits(5, 10_000, allow_workflow_edits=True))
    assert local_includes("include: 'ci/a.yml'\n") == {"ci/a.yml"}
    assert local_includes("include:\n  local: /b.yml\n") == {"b.yml"}
    assert local_includes("{not yaml") == frozenset() and local_includes(None) == frozenset()


def test_fix_branches_and_titles() -> None:
    for branch, base, default in [("main", "main", "main"), ("feature", "main", "main"),
                                  ("devflowfix/x", "devflowfix/x", "main"), ("devflowfix/x", "f", "devflowfix/x")]:
        with pytest.raises(EditRejected):
            check_fix_branch(branch, base=base, default_branch=default)
    check_fix_branch("devflowfix/0123456-job", base="feature", default_branch="main")
    title = fix_title("CI\r\n# <b>x</b>", "a\nb @team `c`")
    assert "\n" not in title and "\r" not in title and "<b>" not in title and "@team" not in title
