"""Each rule of the one incident pipeline, decided once, checked on both forges over real HTTP: the same test body
runs against the fake GitHub (a `workflow_run` delivery, the PR's one comment) and the fake GitLab (a
`Pipeline Hook`, the MR's one note). A `Side` hides only how each forge is driven and read.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from storage.database import Database
from storage.models import Incident, RepositoryConnection, WebhookDelivery
from tests import test_gitlab_pipeline as gl
from tests import test_pipeline as gh
from tests.fakes.llm import FakeLLM
from tests.test_gitlab_fixes import FILES, MODES

SECRET = "ghp_Zq9xW2vB7nK4mL1pR8sT6uY3aE5dF0gH2jK4"


@dataclass
class Side:
    forge: str
    world: Any
    db: Database

    @property
    def llm(self) -> FakeLLM:
        return self.world.llm  # type: ignore[no-any-return]

    async def fail(self, n: int = 0, *, log: bytes | None = None) -> WebhookDelivery:
        """Deliver the n-th failure of the same test on the branch (a new commit each time)."""
        w = self.world
        if self.forge == "github":
            sha = w.head_sha if n == 0 else f"{n:x}".rjust(40, "e")
            return await w.deliver(w.payload(w.failed_run(head_sha=sha, log=log)))  # type: ignore[no-any-return]
        trace = gl.gitlab_trace(gl.DATA / "gradle_test_fail.log") if log is None else log
        sha = gl.HEAD if n == 0 else f"{n:x}".rjust(40, "e")
        return await w.deliver(w.payload(w.failed_pipeline(sha=sha, trace=trace)))  # type: ignore[no-any-return]

    def thread(self) -> list[str]:
        """The bodies of the one comment (GitHub PR #7) or note (GitLab MR !1) the bot writes."""
        if self.forge == "github":
            return [c["body"] for c in self.world.comments()]
        return [n["body"] for n in self.world.notes()]

    def fix_writes(self) -> int:
        if self.forge == "github":
            return len(self.world.fake.calls("POST", f"/repos/{gh.REPO}/pulls"))
        return len(self.world.calls("POST", "/repository/commits"))

    async def incidents(self) -> list[Incident]:
        return await self.world.incidents()  # type: ignore[no-any-return]

    def label_now(self, label: str) -> None:
        """The PR (#7) or MR (!1) has `label` now: added after the event was sent, so not in its payload."""
        if self.forge == "github":
            self.world.repo.pulls[7]["labels"] = [{"name": label}]
        else:
            self.world.project.merge_requests[1] = {"iid": 1, "labels": [label], "state": "opened",
                                                    "source_branch": gl.BRANCH, "target_branch": "main"}

    async def connect(self, **values: Any) -> None:
        """The repository's connection row, with `values` (is_enabled, auto_pr_enabled, ...)."""
        if self.forge == "github":
            row = RepositoryConnection(provider="github", repository_id=str(self.world.repo.id), full_name=gh.REPO,
                                       installation_id=gh.INSTALLATION, **values)
        else:
            row = RepositoryConnection(provider="gitlab", repository_id=str(gl.PROJECT_ID), full_name=gl.PROJECT,
                                       **values)
        async with self.db.sessions.begin() as s:
            found = (await s.execute(select(RepositoryConnection).where(
                RepositoryConnection.provider == row.provider,
                RepositoryConnection.repository_id == row.repository_id))).scalar_one_or_none()
            if found is None:
                s.add(row)
            else:
                for key, value in values.items():
                    setattr(found, key, value)


@pytest.fixture(params=["github", "gitlab"])
async def side(request: pytest.FixtureRequest, aiohttp_client: Any, database_url: str,
               db: Database) -> AsyncIterator[Side]:
    if request.param == "github":
        async for w in gh.make_world(aiohttp_client, database_url, db, llm=True):
            yield Side("github", w, db)
    else:
        async for w in gl.make_world(aiohttp_client, database_url, db, llm=True):
            main = w.project.add_commit(FILES, modes=MODES, sha=gl.MAIN, branch="main", protected=True)
            w.project.add_commit({"README.md": "x\n"}, sha=gl.HEAD, parent=main, branch=gl.BRANCH)
            for n in (1, 2):
                w.project.add_commit({"README.md": f"{n}\n"}, sha=f"{n:x}".rjust(40, "e"), parent=main)
            yield Side("gitlab", w, db)


async def test_monitoring_switched_off_does_nothing(side: Side) -> None:
    await side.connect(is_enabled=False)
    row = await side.fail()
    assert row.status == "done", row.last_error
    assert await side.incidents() == [] and side.thread() == [] and side.llm.received == []


async def test_the_skip_label_counts_when_added_after_the_event(side: Side) -> None:
    side.label_now("devflowfix-skip")
    row = await side.fail()
    assert row.status == "done", row.last_error
    [incident] = await side.incidents()
    assert incident.status == "skipped" and side.thread() == [] and side.llm.received == []


async def test_the_same_failure_again_is_counted_on_the_open_incident(side: Side) -> None:
    side.llm.answer({**gh.fix_answer(), "fix": None})
    await side.fail(0)
    await side.fail(1)
    incidents = await side.incidents()
    assert sorted(i.status for i in incidents) == ["merged", "open"]
    [body] = side.thread()
    assert "**Seen:** 2 times" in body and body.count("### ") == 1
    assert len(side.llm.received) == 1  # the repeat is not explained again


async def test_the_daily_llm_cap_holds(side: Side) -> None:
    side.llm.answer({**gh.fix_answer(), "fix": None})
    side.world.services.settings.llm_daily_cap_per_repo = 1
    await side.fail(0)
    incidents = await side.incidents()
    await side.db.incidents.update(incidents[0].id, status="resolved")  # so the next one is not merged
    await side.fail(1)
    assert len(side.llm.received) == 1
    assert "daily LLM budget" in side.thread()[0]


async def test_a_fix_below_the_confidence_bar_is_not_used(side: Side) -> None:
    side.llm.answer(gh.fix_answer(confidence=0.3))
    row = await side.fail()
    assert row.status == "done", row.last_error
    assert "is below 0.70" in side.thread()[0] and side.fix_writes() == 0


async def test_fixes_turned_off_for_the_repository(side: Side) -> None:
    await side.connect(auto_pr_enabled=False)
    side.llm.answer(gh.fix_answer())
    await side.fail()
    assert "are turned off for this repository" in side.thread()[0] and side.fix_writes() == 0


async def test_a_secret_in_the_log_reaches_neither_the_llm_nor_the_thread(side: Side) -> None:
    side.llm.answer({**gh.fix_answer(), "fix": None})
    raw = (gh.DATA / "gradle_test_fail.log").read_bytes().splitlines()
    raw.insert(240, b"export TOKEN=" + SECRET.encode())
    log = b"\n".join(raw)
    await side.fail(log=log if side.forge == "github" else gl.gitlab_trace(gl.DATA / "gradle_test_fail.log",
                                                                           insert={240: b"TOKEN=" + SECRET.encode()}))
    assert SECRET not in json.dumps(side.llm.received) and all(SECRET not in b for b in side.thread())
    assert all(SECRET not in json.dumps(i.analysis) for i in await side.incidents())


async def test_the_api_calls_are_kept_with_the_incident(side: Side) -> None:
    side.llm.answer({**gh.fix_answer(), "fix": None})
    await side.fail()
    [incident] = await side.incidents()
    assert incident.analysis[f"{side.forge}_calls"] > 0
