"""Per-repository configuration against the fake GitHub (and the fake GitLab): `.github/devflowfix.yml` on the
default branch, Probot's `_extends` and the organisation's `.github` repository, a broken file (one check run on its
line, the defaults apply), a file that tries to raise a server limit (ignored, said so), the cache by blob sha, and
the gates on failed runs (turned off, workflow and branch globs).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.config.effective import BOT_BRANCH_PREFIX
from bot.config.loader import GITHUB_PATH, clear_cache, load_github_config
from bot.config.report import CHECK_NAME, clear_sent
from bot.config.yaml_source import YamlError, parse
from bot.incidents.github_context import BOT_BRANCH_PREFIX as LOOP_GUARD_PREFIX
from storage.database import Database
from storage.models import WorkflowRun
from tests.test_pipeline import INSTALLATION, REPO, World, make_world

ORG_REPO = "octo-org/.github"


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    clear_cache()
    clear_sent()
    yield
    clear_cache()
    clear_sent()


@pytest.fixture
async def world(aiohttp_client: Any, database_url: str, db: Database) -> AsyncIterator[World]:
    async for w in make_world(aiohttp_client, database_url, db, llm_allowed_models="small-model, big-model"):
        yield w


def write_config(world: World, text: str, *, repo: str = REPO, path: str = GITHUB_PATH) -> str:
    """Commit the file on the repository's default branch (creating the repository if needed)."""
    target = world.repos.by_name.get(repo) or world.repos.add(repo)
    branch = target.default_branch
    return target.commit({path: text}, parent=target.refs[f"heads/{branch}"], branch=branch)


async def load(world: World) -> Any:
    gh = world.services.installation_client(INSTALLATION)
    conn = await world.db.installations.repository(REPO)
    return await load_github_config(gh, world.services.settings, conn, REPO, "main")


def content_calls(world: World, path: str = GITHUB_PATH, repo: str = REPO) -> int:
    return len(world.fake.calls("GET", f"/repos/{repo}/contents/{path}"))


# ---- loading ----------------------------------------------------------------------------------------------------
def test_the_loop_guard_prefix_is_the_one_the_config_keeps() -> None:
    assert BOT_BRANCH_PREFIX == LOOP_GUARD_PREFIX


async def test_no_file_means_defaults_and_the_server(world: World) -> None:
    config = await load(world)
    assert config.enabled and config.auto_pr and not config.allow_workflow_edits and not config.problems
    assert config.sources["max_attempts"] == "server" and config.sources.get("comment", "default") == "default"
    assert config.llm_model == "fake-model" and config.files == []


async def test_the_repository_file_sets_values_and_says_where_they_came_from(world: World) -> None:
    write_config(world, "enabled: false\ncomment: on_failure\nlabels: [ci]\nworkflows:\n  exclude: ['nightly*']\n")
    config = await load(world)
    assert not config.enabled and config.comment == "on_failure" and config.labels == ["ci"]
    source = f"{REPO}:{GITHUB_PATH}"
    assert config.sources["enabled"] == source and config.sources["workflows.exclude"] == source
    assert config.files == [source]
    assert not config.watches_workflow("nightly build", ".github/workflows/nightly.yml")
    assert config.watches_workflow("CI", ".github/workflows/ci.yml")
    rendered = config.render()
    assert f"| `enabled` | `false` | {source} |" in rendered and "| `max_attempts` | `3` | server |" in rendered


async def test_without_a_file_the_organisations_github_repository_applies(world: World) -> None:
    write_config(world, "short_commands: true\n", repo=ORG_REPO)
    config = await load(world)
    assert config.short_commands and config.sources["short_commands"] == f"{ORG_REPO}:{GITHUB_PATH}"


async def test_extends_the_org_github_repository_lists_concatenated_repo_last(world: World) -> None:
    write_config(world, "labels: [org]\ncomment: never\nbranches:\n  exclude: ['dependabot/**']\n", repo=ORG_REPO)
    write_config(world, "_extends: .github\nlabels: [mine]\ncomment: on_failure\n")
    config = await load(world)
    assert config.labels == ["org", "mine"]  # Probot's deepmerge concatenates arrays
    assert config.comment == "on_failure" and config.sources["comment"] == f"{REPO}:{GITHUB_PATH}"
    assert config.sources["branches.exclude"] == f"{ORG_REPO}:{GITHUB_PATH}"
    assert not config.watches_branch("dependabot/npm/lodash") and config.watches_branch("feature")
    assert config.files == [f"{ORG_REPO}:{GITHUB_PATH}", f"{REPO}:{GITHUB_PATH}"]


async def test_extends_another_repository_and_path(world: World) -> None:
    write_config(world, "max_attempts: 1\n", repo="octo-org/settings", path="shared/devflowfix.yaml")
    write_config(world, "_extends: settings:shared/devflowfix.yaml\n")
    config = await load(world)
    assert config.max_attempts == 1 and config.sources["max_attempts"] == "octo-org/settings:shared/devflowfix.yaml"


async def test_a_missing_or_circular_extends_is_a_note_not_a_failure(world: World) -> None:
    write_config(world, "_extends: nowhere\nlabels: [x]\n")
    config = await load(world)
    assert config.labels == ["x"] and not config.fatal_problems
    assert "was not found" in config.problems[0].message
    write_config(world, "_extends: cidiff\nlabels: [y]\n")
    config = await load(world)
    assert config.labels == ["y"] and "leads back" in config.problems[0].message


@pytest.mark.parametrize(("text", "line", "words"), [
    ("enabled: false\nmax_attempts: lots\n", 2, "`max_attempts`"),
    ("enabled: false\nworkflows:\n  include: [ci]\n  exlude: [x]\n", 4, "`workflows.exlude`: unknown key"),
    ("comment: sometimes\n", 1, "`comment`"),
    ("enabled: false\nlabels: [a\n", 3, "invalid YAML"),
    ("base: &b {enabled: false}\nother: *b\n", 1, "aliases"),
    ("_extends: ../../etc:passwd\n", 1, "_extends"),
])
async def test_a_bad_file_is_a_problem_on_its_line_and_the_defaults_apply(
    world: World, text: str, line: int, words: str
) -> None:
    write_config(world, text)
    config = await load(world)
    [problem] = config.problems
    assert problem.fatal and problem.line == line and words in problem.message, problem
    assert problem.file == f"{REPO}:{GITHUB_PATH}"
    assert config.enabled and config.files == []  # defaults apply, `enabled: false` did not


def test_the_yaml_reader_refuses_bombs_and_big_files() -> None:
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    with pytest.raises(YamlError, match="aliases"):
        parse(bomb)
    with pytest.raises(YamlError, match="larger than 64 KiB"):
        parse("k: " + "x" * 70_000)
    with pytest.raises(YamlError, match="deeper"):
        parse("a: " + "[" * 30 + "]" * 30)
    # shapes PyYAML is slow on (quadratic flow nesting) or recurses on (a sequence per dash): refused before it
    for hostile in ("a: " + "[" * 20_000, "- " * 20_000 + "x", "".join(" " * i + f"k{i}:\n" for i in range(300)),
                    "".join(f"k{i}: [a, b, {{c: d}}]\n" for i in range(2_000))):
        started = time.perf_counter()
        with pytest.raises(YamlError, match=r"deeper|more than 5000 values"):
            parse(hostile)
        assert time.perf_counter() - started < 1.0
    with pytest.raises(YamlError):
        parse("a: !!python/object:os.system x\n")


async def test_a_file_cannot_raise_a_server_limit_and_config_says_so(world: World) -> None:
    write_config(world, "max_attempts: 10\nallow_workflow_edits: true\nbranch_prefix: main\n"
                        "llm:\n  model: gpt-huge\n")
    config = await load(world)
    assert config.max_attempts == 3 and config.sources["max_attempts"] == "server"
    assert not config.allow_workflow_edits and config.llm_model == "fake-model"
    assert config.branch_prefix == "devflowfix/"
    text = "\n".join(config.ignored)
    assert "`max_attempts: 10`" in text and "above the server's limit of 3" in text
    assert "`allow_workflow_edits: true`" in text and "gpt-huge" in text and "`branch_prefix: main`" in text
    assert "Ignored" in config.render()


async def test_an_allowed_model_and_narrowing_values_apply(world: World) -> None:
    write_config(world, "max_attempts: 1\nauto_pr: false\nllm:\n  model: big-model\nbranch_prefix: devflowfix/ci/\n")
    config = await load(world)
    assert config.max_attempts == 1 and not config.auto_pr and config.llm_model == "big-model"
    assert config.branch_prefix == "devflowfix/ci/" and config.ignored == []


async def test_the_file_is_parsed_once_per_blob_sha(world: World) -> None:
    write_config(world, "labels: [a]\n")
    assert (await load(world)).labels == ["a"]
    assert (await load(world)).labels == ["a"]
    assert content_calls(world) == 1  # the second event only listed `.github` (no content)
    assert len([r for r in world.fake.calls("GET") if r.path == f"/repos/{REPO}/contents/.github"]) == 2
    write_config(world, "labels: [b]\n")  # a new blob: read again
    assert (await load(world)).labels == ["b"]
    assert content_calls(world) == 2


# ---- the gates on failed runs -----------------------------------------------------------------------------------
async def ignored_runs(world: World) -> list[WorkflowRun]:
    async with world.db.sessions() as s:
        return list((await s.execute(select(WorkflowRun).where(WorkflowRun.status == "ignored"))).scalars())


async def test_a_repository_turned_off_by_its_file_is_not_analyzed(world: World) -> None:
    write_config(world, "enabled: false\n")
    run = world.failed_run()
    row = await world.deliver(world.payload(run))
    assert row.status == "done", row.last_error
    assert await world.incidents() == [] and world.llm.received == [] and world.comments() == []
    [recorded] = await ignored_runs(world)
    assert recorded.run_id == run["id"] and recorded.incident_id is None


async def test_workflow_and_branch_globs(world: World) -> None:
    write_config(world, "workflows:\n  include: ['.github/workflows/release-*.yml', 'Deploy']\n")
    await world.deliver(world.payload(world.failed_run()))
    assert await world.incidents() == [] and len(await ignored_runs(world)) == 1

    write_config(world, "branches:\n  exclude: ['feat*']\n")
    await world.deliver(world.payload(world.failed_run()))
    assert await world.incidents() == [] and len(await ignored_runs(world)) == 2

    write_config(world, "workflows: ['CI']\nbranches:\n  include: ['feature', 'release/**']\n")
    await world.deliver(world.payload(world.failed_run()))
    assert len(await world.incidents()) == 1


async def test_a_broken_file_gets_one_check_run_on_its_line_and_the_run_is_still_explained(world: World) -> None:
    write_config(world, "enabled: false\nmax_attempts: -4\n")
    run = world.failed_run()
    await world.deliver(world.payload(run))
    checks = [c for c in world.repo.check_runs.values() if c["name"] == CHECK_NAME]
    assert len(checks) == 1
    [check] = checks
    assert check["conclusion"] == "action_required" and check["head_sha"] == run["head_sha"]
    [annotation] = check["output"]["annotations"]
    assert annotation["path"] == GITHUB_PATH and annotation["start_line"] == 2
    assert "max_attempts" in annotation["message"] and "#L2" in check["details_url"]
    assert "defaults apply" in check["output"]["summary"]
    assert len(await world.incidents()) == 1  # `enabled: false` of the broken file did not apply

    await world.deliver(world.payload(world.failed_run()))  # another run of the same commit: no second check run
    assert len([c for c in world.repo.check_runs.values() if c["name"] == CHECK_NAME]) == 1


async def test_a_refused_config_check_run_does_not_stop_the_work(world: World) -> None:
    write_config(world, "comment: sometimes\n")
    world.fake.fail_next("POST", f"/repos/{REPO}/check-runs", (403, "Resource not accessible by integration"))
    row = await world.deliver(world.payload(world.failed_run()))
    assert row.status == "done", row.last_error
    assert len(await world.incidents()) == 1
