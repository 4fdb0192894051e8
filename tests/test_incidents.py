"""The shared incident pipeline's pieces: the typed outcomes and analysis record, the one monitoring rule on both
forges, and (over real HTTP against the fake GitHub) the analyzer's files as repository paths, the tree fetched
before the analysis."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.analysis import Analysis, FileRef
from bot.incidents import AnalysisRecord, LLMVerdict, Outcome
from bot.incidents.github_forge import GitHubForge
from bot.incidents.gitlab_forge import GitLabForge
from bot.incidents.steps import excerpt_text, monitoring_disabled
from storage.database import Database
from storage.models import RepositoryConnection
from tests.test_pipeline import REPO, TEST_PATH, World, make_world


def test_outcomes_are_the_sentences_they_were() -> None:
    assert Outcome.MONITORING_DISABLED == "monitoring disabled" and f"{Outcome.SKIPPED_LABEL}" == "skipped (label)"
    assert Outcome("already handled") is Outcome.ALREADY_HANDLED
    assert Outcome.of_status("rerun") is Outcome.RERUN and Outcome.of_status("open") is Outcome.OPEN


def test_the_analysis_record_round_trips_through_storage() -> None:
    analysis = Analysis(spans=[], category="test", signature="s1", summary="Tests failed",
                        files=[FileRef("src/a.py", 3)], tests=["t"], lines_total=9, excerpt=[(3, "boom")])
    record = AnalysisRecord.of_analysis(analysis, job="build", job_id=1, refs=[["src/a.py", 3]], run_attempt=2)
    record.llm = LLMVerdict("because", 0.8, "long")
    record.extra["github_calls"] = 7
    stored = record.to_dict()
    assert stored["files"] == [{"path": "src/a.py", "line": 3}] and stored["excerpt"] == [[3, "boom"]]
    assert stored["llm"] == {"root_cause": "because", "confidence": 0.8, "explanation": "long"}
    again = AnalysisRecord.from_dict(stored)
    assert again.to_dict() == stored and again.llm == record.llm and again.run_attempt == 2
    fresh = AnalysisRecord.of_analysis(analysis)
    fresh.keep_decisions_of(AnalysisRecord.from_dict({**stored, "outcome": "Opened #8"}))
    assert fresh.outcome == "Opened #8" and fresh.llm == record.llm
    assert excerpt_text([(1, "a")], [("lint", [(2, "b")]), ("empty", [])]) == "1: a\n\n(job lint)\n2: b"


def Conn(is_enabled: bool, removed_at: dt.datetime | None = None) -> RepositoryConnection:
    return RepositoryConnection(full_name="o/r", repository_id="1", is_enabled=is_enabled, removed_at=removed_at)


@pytest.mark.parametrize("forge", [GitHubForge, GitLabForge])
def test_one_monitoring_rule_on_both_forges(forge: Any) -> None:
    watched = forge.removed_is_watched
    assert not monitoring_disabled(None, removed_is_watched=watched)  # never connected: watched
    assert not monitoring_disabled(Conn(True), removed_is_watched=watched)
    assert monitoring_disabled(Conn(False), removed_is_watched=watched)  # switched off: the same on both
    # removed at the forge: a GitHub repository left the installation; a GitLab project's hook was disconnected
    removed = Conn(True, removed_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert monitoring_disabled(removed, removed_is_watched=watched) is (forge is GitHubForge)


@pytest.fixture
async def world(aiohttp_client: Any, database_url: str, db: Database) -> AsyncIterator[World]:
    async for w in make_world(aiohttp_client, database_url, db, llm=False):
        yield w


async def test_the_analyzer_names_repository_paths(world: World) -> None:
    row = await world.deliver(world.payload(world.failed_run()))
    assert row.status == "done", row.last_error
    [incident] = await world.incidents()
    files = [f["path"] for f in incident.analysis["files"]]
    assert TEST_PATH in files  # the log names the test class; the tree makes it a repository path
    tree = world.repo.trees[world.repo.commits[world.head_sha]["tree"]]
    assert all(path in tree for path in files), files
    trees = world.fake.calls("GET", f"/repos/{REPO}/git/trees/{world.head_sha}")
    logs = [r for r in world.fake.requests if r.path.endswith("/logs")]
    assert len(trees) == 1 and world.fake.requests.index(trees[0]) < world.fake.requests.index(logs[0])


async def test_fix_attempts_of_the_two_forges_never_collide(db: Database) -> None:
    """The same path, PR/MR number, branch and commit on GitHub and on GitLab: two attempts, each counted and found
    on its own forge only."""
    store = db.incidents
    ids = {}
    for provider in ("github", "gitlab"):
        incident = await store.claim_run({"provider": provider, "repository_full_name": "acme/app", "run_id": 7,
                                          "workflow_name": "CI", "head_branch": "feature"})
        ids[provider] = incident.id
        await store.fix_opened(incident.id, {
            "provider": provider, "repository_full_name": "acme/app", "source_pr_number": 1,
            "target_branch": "feature", "branch": "devflowfix/abc", "commit_sha": "c" * 40, "pr_number": 9,
        })
    assert ids["github"] != ids["gitlab"]
    for provider in ("github", "gitlab"):
        assert await store.attempts_count("acme/app", pr_number=1, target_branch="feature", provider=provider) == 1
        attempt = await store.attempt_for_branch("acme/app", "devflowfix/abc", provider=provider)
        assert attempt is not None and attempt.provider == provider and attempt.incident_id == ids[provider]
        [mine] = await store.attempts_of(ids[provider])
        assert mine.id == attempt.id
    assert await store.attempts_count("acme/app", pr_number=1, target_branch="feature", provider="other") == 0
