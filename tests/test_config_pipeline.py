"""The repository's configuration applied by the one incident pipeline, each key on both forges over real HTTP:
the same test body runs against the fake GitHub (`.github/devflowfix.yml`, a `workflow_run` delivery, the PR's one
comment, a fix PR) and the fake GitLab (`.gitlab/devflowfix.yml`, a `Pipeline Hook`, the MR's one note, a fix MR).
Keys: `auto_pr`, `labels`, `branch_prefix`, `max_attempts`, `llm.enabled`, `llm.model`, `allow_workflow_edits`
and `comment`.
"""

from __future__ import annotations

from typing import Any

from bot.config.loader import GITLAB_PATH
from bot.fixes.edits import GITLAB_CI_FILE
from tests import test_gitlab_pipeline as gl
from tests import test_pipeline as gh
from tests import test_shared_rules as shared
from tests.test_gitlab_fixes import FILES
from tests.test_repo_config import fresh_caches  # noqa: F401  (the autouse fixture)
from tests.test_repo_config import write_config as write_github_config
from tests.test_shared_rules import Side

side = shared.side  # the fixture, parametrized over both forges


def configure(side: Side, text: str) -> None:
    """The repository's (project's) configuration file on its default branch."""
    if side.forge == "github":
        write_github_config(side.world, text)
    else:
        side.world.project.put_file(GITLAB_PATH, text)


def fix_change(side: Side) -> tuple[str, list[str]]:
    """The one fix PR (MR) the bot opened: its branch and its labels."""
    if side.forge == "github":
        [pr] = [p for p in side.world.repo.pulls.values() if p["head"]["ref"].startswith("devflowfix")]
        return str(pr["head"]["ref"]), [str(lb["name"]) for lb in pr["labels"]]
    [mr] = side.world.project.merge_requests.values()
    return str(mr["source_branch"]), [str(lb) for lb in mr["labels"]]


async def green(side: Side) -> None:
    """A green run (pipeline) of the same branch and PR (MR): it resolves the open incident."""
    w = side.world
    if side.forge == "github":
        run = dict(w.failed_run(), conclusion="success", run_attempt=2)
        row = await w.deliver(w.payload(run))
    else:
        row = await w.deliver(w.payload(w.green_pipeline(ref=gl.BRANCH, sha=gl.HEAD)))
    assert row.status == "done", row.last_error


def ci_edit(side: Side) -> dict[str, Any]:
    """A confident fix that edits the forge's CI file."""
    if side.forge == "github":
        return gh.fix_answer(path=gh.WORKFLOW, search="name: CI", replace="name: CI fixed")
    first = FILES[GITLAB_CI_FILE].splitlines()[0]
    return gh.fix_answer(path=GITLAB_CI_FILE, search=first, replace=first + " # fixed")


# ---- auto_pr
async def test_auto_pr_false_explains_without_a_fix(side: Side) -> None:
    configure(side, "auto_pr: false\n")
    side.llm.answer(gh.fix_answer())
    row = await side.fail()
    assert row.status == "done", row.last_error
    [body] = side.thread()
    assert "are turned off for this repository (`auto_pr: false` in " in body and side.fix_writes() == 0


async def test_without_a_file_auto_pr_is_on(side: Side) -> None:
    side.llm.answer(gh.fix_answer())
    await side.fail()
    assert side.fix_writes() == 1  # the defaults: auto_pr on


# ---- labels and branch_prefix
async def test_labels_are_added_to_the_fix_after_the_servers(side: Side) -> None:
    configure(side, "labels: [ci-fix, urgent]\n")
    side.llm.answer(gh.fix_answer())
    row = await side.fail()
    assert row.status == "done", row.last_error
    _, labels = fix_change(side)
    assert labels == ["devflowfix", "ci-fix", "urgent"]


async def test_branch_prefix_names_the_fix_branch_under_the_servers_prefix(side: Side) -> None:
    configure(side, "branch_prefix: devflowfix/team-a/\n")
    side.llm.answer(gh.fix_answer())
    await side.fail()
    branch, _ = fix_change(side)
    assert branch.startswith("devflowfix/team-a/") and len(branch) > len("devflowfix/team-a/")
    [attempt] = await side.db.incidents.attempts_of((await side.incidents())[0].id)
    assert attempt.branch == branch  # the fix's own run is verified by this name


async def test_a_branch_prefix_outside_the_servers_is_ignored(side: Side) -> None:
    configure(side, "branch_prefix: hotfix/\n")
    side.llm.answer(gh.fix_answer())
    await side.fail()
    branch, _ = fix_change(side)
    assert branch.startswith("devflowfix/") and "hotfix" not in branch


# ---- max_attempts
async def test_max_attempts_zero_opens_no_fix(side: Side) -> None:
    configure(side, "max_attempts: 0\n")
    side.llm.answer(gh.fix_answer())
    await side.fail()
    assert "the limit of 0 attempts is reached" in side.thread()[0] and side.fix_writes() == 0


async def test_max_attempts_above_the_server_is_clamped(side: Side) -> None:
    side.world.services.settings.max_fix_attempts_per_pr = 0
    configure(side, "max_attempts: 50\n")
    side.llm.answer(gh.fix_answer())
    await side.fail()
    assert "the limit of 0 attempts is reached" in side.thread()[0] and side.fix_writes() == 0


# ---- llm
async def test_llm_enabled_false_explains_from_the_log_only(side: Side) -> None:
    configure(side, "llm:\n  enabled: false\n")
    side.llm.answer(gh.fix_answer())
    row = await side.fail()
    assert row.status == "done", row.last_error
    assert side.llm.received == [] and side.fix_writes() == 0
    assert "the LLM is turned off for this repository by `llm.enabled: false`" in side.thread()[0]


async def test_llm_model_from_the_allow_list_is_the_one_asked(side: Side) -> None:
    side.world.services.settings.llm_allowed_models = ["big-model"]
    configure(side, "llm:\n  model: big-model\n")
    side.llm.answer({**gh.fix_answer(), "fix": None})
    await side.fail()
    assert [r["model"] for r in side.llm.received] == ["big-model"]


async def test_llm_model_outside_the_allow_list_is_not_used(side: Side) -> None:
    configure(side, "llm:\n  model: gpt-huge\n")
    side.llm.answer({**gh.fix_answer(), "fix": None})
    await side.fail()
    assert [r["model"] for r in side.llm.received] == [side.world.services.settings.openai_model]


# ---- allow_workflow_edits
async def test_the_server_allowing_workflow_edits_lets_a_ci_fix_through(side: Side) -> None:
    await side.connect(allow_workflow_edits=True)
    side.llm.answer(ci_edit(side))
    row = await side.fail()
    assert row.status == "done", row.last_error
    assert side.fix_writes() == 1


async def test_allow_workflow_edits_false_in_the_file_narrows_the_server(side: Side) -> None:
    await side.connect(allow_workflow_edits=True)
    configure(side, "allow_workflow_edits: false\n")
    side.llm.answer(ci_edit(side))
    await side.fail()
    assert side.fix_writes() == 0 and "the proposed fix was not applied" in side.thread()[0]


# ---- comment
async def test_comment_never_writes_no_thread(side: Side) -> None:
    configure(side, "comment: never\n")
    side.llm.answer({**gh.fix_answer(), "fix": None})
    row = await side.fail()
    assert row.status == "done", row.last_error
    [incident] = await side.incidents()
    assert incident.status == "open" and side.thread() == []
    await green(side)
    assert side.thread() == []
    if side.forge == "gitlab":
        assert side.world.calls("POST", "/comments") == []  # nor a commit comment


async def test_comment_on_failure_leaves_green_runs_silent(side: Side) -> None:
    configure(side, "comment: on_failure\n")
    side.llm.answer({**gh.fix_answer(), "fix": None})
    await side.fail()
    [body] = side.thread()
    await green(side)
    [incident] = await side.incidents()
    assert incident.status == "resolved" and side.thread() == [body]


async def test_comment_always_updates_the_thread_on_a_green_run(side: Side) -> None:
    configure(side, "comment: always\n")
    side.llm.answer({**gh.fix_answer(), "fix": None})
    await side.fail()
    [body] = side.thread()
    await green(side)
    [after] = side.thread()
    assert after != body
