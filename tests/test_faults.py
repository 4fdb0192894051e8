"""Faults between the bot and GitHub, over real HTTP against the fake GitHub's fault switch: 502s, refused
connections, secondary and primary rate limits, a connection dropped after the work was done (a worker killed
between creating and recording). Every incident completes, nothing is created twice; the token mint and the log
download follow the same rules. Also: `/metrics` parses, JSON log lines carry the delivery.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import random
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from bot import metrics
from bot.appkeys import QUEUE
from bot.auth.app_jwt import AppJWT
from bot.auth.installation_tokens import InstallationTokens
from bot.dispatch import run_delivery
from bot.forges import github_actions as actions
from bot.forges.errors import RetryLater
from bot.forges.github_client import GitHubClient
from bot.forges.http import RetryPolicy, rate_limit_wait, retry_after
from bot.log_setup import CONTEXT, JsonFormatter
from storage.database import Database
from storage.models import Incident, WebhookDelivery
from storage.types import utcnow
from tests.conftest import on_one_database
from tests.fakes.github import APP_ID, FakeGitHub, app_key
from tests.helpers import send_github
from tests.test_pipeline import JOB, PARSER_PATH, REPO, World, fix_answer, make_world

SECONDARY = {"status": 403, "message": "You have exceeded a secondary rate limit. Please wait a few minutes.",
             "headers": {"Retry-After": "1"}}
FAST = RetryPolicy(base=0.05, cap=0.4, attempts=8, max_wait=5)


def metric_value(name: str, **labels: str) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value(name, labels) or 0.0


async def tokens_and_client(http: aiohttp.ClientSession, fake: FakeGitHub, installation: int = 7,
                            policy: RetryPolicy = FAST) -> tuple[InstallationTokens, GitHubClient]:
    tokens = InstallationTokens(http, AppJWT(APP_ID, app_key()[0]), fake.url, policy=policy)
    return tokens, GitHubClient(http, tokens.provider(installation), fake.url, policy=policy)


# ---- the client base, call by call
def test_retry_after_and_limit_headers_are_read() -> None:
    now = 1_000_000.0
    assert retry_after("7", now) == 7
    assert retry_after("Thu, 01 Jan 1970 00:00:10 GMT", 0.0) == 10
    assert retry_after("soon", now) is None and retry_after(None) is None
    assert rate_limit_wait("github", 403, {"Retry-After": "3"}, b"", now) == (3, "secondary")
    primary = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(now) + 42)}
    assert rate_limit_wait("github", 403, primary, b"", now) == (42, "primary")
    assert rate_limit_wait("github", 403, {}, b'{"message": "You have exceeded a secondary rate limit"}', now)
    assert rate_limit_wait("github", 403, {}, b'{"message": "Resource not accessible by integration"}', now) is None
    assert rate_limit_wait("gitlab", 429, {"RateLimit-Reset": str(int(now) + 5)}, b"", now) == (60.0, "secondary")
    assert rate_limit_wait("gitlab", 403, {"RateLimit-Remaining": "0", "RateLimit-Reset": str(int(now) + 5)}, b"",
                           now) == (5, "primary")


async def test_the_token_mint_is_retried_on_502(fake_github: FakeGitHub) -> None:
    fake_github.add_installation(7, repos=["octo-org/a"])
    fake_github.fail_next("POST", "/app/installations/7/access_tokens", 502, 503)
    async with aiohttp.ClientSession() as http:
        tokens, client = await tokens_and_client(http, fake_github)
        data = await client.getitem("/installation/repositories")
    assert data["total_count"] == 1
    assert len(fake_github.calls("POST", "/app/installations/7/access_tokens")) == 3
    assert tokens.minted == 1


async def test_502s_and_refused_connections_are_retried_in_place(fake_github: FakeGitHub) -> None:
    fake_github.add_installation(7, repos=["octo-org/a"])
    async with aiohttp.ClientSession() as http:
        # enough attempts (and a seeded jitter) to outlast the 0.6 s refusal whatever the draws: the test is of
        # the retry in place, not of how many attempts a given jitter needs
        patient = RetryPolicy(base=0.05, cap=0.4, attempts=20, max_wait=5, rng=random.Random(3))
        _, client = await tokens_and_client(http, fake_github, policy=patient)
        await client.getitem("/installation/repositories")  # the token minted, a connection pooled
        fake_github.fail_next("GET", "/installation/repositories", 502, 502)
        assert (await client.getitem("/installation/repositories"))["total_count"] == 1
        connects = metric_value("devflowfix_api_retries_total", provider="github", reason="connect")
        refusing = asyncio.create_task(fake_github.refuse_connections(0.6))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        assert (await client.getitem("/installation/repositories"))["total_count"] == 1
        await refusing
    assert time.monotonic() - started >= 0.4  # it waited the refusal out
    assert metric_value("devflowfix_api_retries_total", provider="github", reason="connect") > connects


async def test_a_secondary_limit_holds_that_installation_only(fake_github: FakeGitHub) -> None:
    fake_github.add_installation(7, repos=["octo-org/a"])
    fake_github.add_installation(8, repos=["octo-org/b"])
    async with aiohttp.ClientSession() as http:
        tokens, first = await tokens_and_client(http, fake_github, 7)
        second = GitHubClient(http, tokens.provider(7), fake_github.url, policy=FAST)
        other = GitHubClient(http, tokens.provider(8), fake_github.url, policy=FAST)
        for c in (first, other):
            await c.getitem("/installation/repositories")
        fake_github.fail_next("GET", "/installation/repositories", SECONDARY)

        async def timed(client: GitHubClient, delay: float) -> float:
            await asyncio.sleep(delay)
            t = time.monotonic()
            await client.getitem("/installation/repositories")
            return time.monotonic() - t

        held, same, free = await asyncio.gather(timed(first, 0), timed(second, 0.2), timed(other, 0.2))
    assert held >= 1.0  # Retry-After: 1
    assert same >= 0.6  # the same installation waited at the gate, without asking (and being refused)
    assert free < 0.5  # another installation is not held
    # two to begin with; the limited one and its repeat; the held one once; the free one once
    assert len(fake_github.calls("GET", "/installation/repositories")) == 2 + 2 + 1 + 1


async def test_the_primary_limit_waits_until_its_reset_or_retries_later(fake_github: FakeGitHub) -> None:
    fake_github.add_installation(7, repos=["octo-org/a"])
    async with aiohttp.ClientSession() as http:
        _, client = await tokens_and_client(http, fake_github)
        await client.getitem("/installation/repositories")
        fake_github.faults.primary_until = time.time() + 1.0
        started = time.monotonic()
        assert (await client.getitem("/installation/repositories"))["total_count"] == 1
        assert time.monotonic() - started >= 0.9
        impatient = GitHubClient(http, client.provider, fake_github.url, policy=RetryPolicy(max_wait=0.5))
        fake_github.faults.primary_until = time.time() + 30
        with pytest.raises(RetryLater) as caught:
            await impatient.getitem("/installation/repositories")
    assert caught.value.at is not None and (caught.value.at - utcnow()).total_seconds() > 20


async def test_an_answer_spending_the_primary_limit_closes_the_gate(fake_github: FakeGitHub) -> None:
    fake_github.add_installation(7, repos=["octo-org/a"])
    async with aiohttp.ClientSession() as http:
        _, client = await tokens_and_client(http, fake_github)
        fake_github.rate_limit_remaining = 0  # this answer is the last of the hour (reset in 3600 s)
        assert (await client.getitem("/installation/repositories"))["total_count"] == 1
        sent = len(fake_github.requests)
        with pytest.raises(RetryLater) as caught:
            await client.getitem("/installation/repositories")
    assert len(fake_github.requests) == sent  # not even asked: it would be refused
    assert caught.value.at is not None and (caught.value.at - utcnow()).total_seconds() > 3000


async def test_the_log_download_honours_retry_after(fake_github: FakeGitHub) -> None:
    fake_github.add_installation(7, repos=[REPO])
    repos = fake_github.repos  # type: ignore[attr-defined]
    repo = repos.add(REPO)
    run = repos.add_run(repo, head_sha=repo.refs["heads/main"], branch="main", conclusion="failure",
                        jobs=[{"name": JOB, "conclusion": "failure", "log": b"line 1\nBUILD FAILED\n"}])
    job_id = repo.jobs[run["id"]][0]["id"]
    fake_github.fail_next("GET", f"/repos/{REPO}/actions/jobs/{job_id}/logs", SECONDARY)
    fake_github.fail_next("GET", f"/_blobs/job-logs/{job_id}", {"status": 503, "headers": {"Retry-After": "1"}})
    async with aiohttp.ClientSession() as http:
        _, client = await tokens_and_client(http, fake_github)
        started = time.monotonic()
        got = await actions.download_job_log(client, REPO, job_id, max_bytes=1 << 20)
        elapsed = time.monotonic() - started
    assert got is not None and got.file.read() == b"line 1\nBUILD FAILED\n"
    assert elapsed >= 2.0  # one second for the API's secondary limit, one for the blob host's 503
    assert len(fake_github.calls("GET", f"/repos/{REPO}/actions/jobs/{job_id}/logs")) == 2
    assert len(fake_github.calls("GET", f"/_blobs/job-logs/{job_id}")) == 2


# ---- whole deliveries
@pytest.fixture
async def world(aiohttp_client: Any, database_url: str, db: Database) -> AsyncIterator[World]:
    async for w in make_world(aiohttp_client, database_url, db, forge_backoff_cap=0.3):
        yield w


async def finish_all(world: World, delivery_ids: list[str], rounds: int = 12) -> list[WebhookDelivery]:
    """Run what is left (each pending delivery made due at once: time passes) until every one is finished."""
    rows: list[WebhookDelivery] = []
    for _ in range(rounds):
        await world.client.app[QUEUE].join(timeout=120)
        async with world.db.sessions() as s:
            rows = list((await s.execute(
                select(WebhookDelivery).where(WebhookDelivery.delivery_id.in_(delivery_ids))
            )).scalars())
        left = [r for r in rows if r.status in ("pending", "running")]
        if not left:
            return rows
        for row in left:
            await world.db.deliveries.retry_later(row.id, utcnow(), row.last_error or "")
            await run_delivery(world.services, row.id)
    return rows


def add_pr_run(world: World, number: int) -> dict[str, Any]:
    """A PR #number of its own (its own branch and commit) whose run failed."""
    branch = f"feature-{number}"
    head = world.repo.commit({PARSER_PATH: f"class LogParser {{\n  int keep = {number};\n}}\n"},
                             parent=world.main_sha, branch=branch, message=f"change {number}")
    world.repos.add_pull(world.repo, number=number, head_branch=branch, head_sha=head, base_branch="main",
                         base_sha=world.main_sha)
    run = world.failed_run(branch=branch, head_sha=head)
    return world.payload(run, pulls=[number])


# On PostgreSQL only (the production database; 13 s, and 20 s more on SQLite): what this checks is the forge
# client's retries and the incidents' idempotence through faults; the storage under it (group commit, claims,
# leases, incident leases) is covered on both databases by test_front_door, test_webhooks and test_incidents.
@on_one_database("postgres")
async def test_a_batch_of_failed_runs_completes_through_faults_with_no_duplicate(world: World) -> None:
    numbers = list(range(20, 26))
    payloads = [add_pr_run(world, n) for n in numbers]
    world.llm.answer(*[fix_answer()] * len(numbers))
    faults = world.fake.faults
    faults.error_rate, faults.secondary_rate, faults.retry_after = 0.2, 0.05, 1

    async def primary_spent_for_a_second() -> None:
        await asyncio.sleep(0.8)
        faults.primary_until = time.time() + 1.0

    started = time.monotonic()
    ids = [f"batch-{n}" for n in numbers]
    chaos = [asyncio.create_task(world.fake.refuse_connections(0.7)), asyncio.create_task(primary_spent_for_a_second())]
    for delivery, payload in zip(ids, payloads, strict=True):
        status, body = await send_github(world.client, "workflow_run", payload, delivery=delivery)
        assert status == 202, body
    await asyncio.gather(*chaos)
    rows = await finish_all(world, ids)
    elapsed = time.monotonic() - started
    print(f"{len(numbers)} failed runs through faults in {elapsed:.1f}s, {len(world.fake.requests)} requests, "
          f"attempts {sorted(r.attempts for r in rows)}")

    assert sorted(r.status for r in rows) == ["done"] * len(numbers), [(r.status, r.last_error) for r in rows]
    injected = [r for r in world.fake.requests if not r.path.startswith("/_blobs")]
    assert len(injected) > 6 * 17  # the faults were met (and retried)
    for n in numbers:
        assert len(world.comments(n)) == 1, n  # one comment per PR
    heads = [c["head_sha"] for c in world.repo.check_runs.values()]
    assert sorted(heads) == sorted(set(heads)) and len(heads) == len(numbers)  # one check run per incident
    fix_heads = [p["head"]["ref"] for p in world.repo.pulls.values() if p["head"]["ref"].startswith("devflowfix/")]
    assert len(fix_heads) == len(set(fix_heads)) == len(numbers)  # one fix PR per incident
    async with world.db.sessions() as s:
        incidents = list((await s.execute(select(Incident))).scalars())
    assert len(incidents) == len(numbers)
    assert {i.status for i in incidents} == {"open"} and all(i.lease_owner is None for i in incidents)
    assert elapsed < 120


@pytest.mark.parametrize("what", ["check-runs", "issues/7/comments", "pulls"])
async def test_a_worker_cut_off_after_creating_leaves_no_duplicate(world: World, what: str) -> None:
    """The fake does the work and drops the connection before answering: the bot cannot know it was done (as a
    worker killed between creating and recording); the retry adopts what exists."""
    world.llm.answer(fix_answer(), fix_answer())
    world.fake.faults.drop_after = {("POST", f"/repos/{REPO}/{what}")}
    row = await world.deliver(world.payload(world.failed_run()))
    assert row.status == "pending", row.last_error
    assert world.fake.faults.drop_times == 0  # the drop happened: the thing exists on GitHub
    await world.db.deliveries.retry_later(row.id, utcnow(), row.last_error or "")  # time passes
    assert await run_delivery(world.services, row.id) == "done"

    assert len(world.repo.check_runs) == 1
    [check] = world.repo.check_runs.values()
    [incident] = await world.incidents()
    assert check["external_id"] == incident.id and incident.check_run_id == check["id"]
    [comment] = world.comments(7)
    assert "Opened #8" in comment["body"]
    assert sorted(world.repo.pulls) == [7, 8]  # one fix PR
    assert incident.fix_pr_number == 8


# ---- observability
async def test_metrics_parse_and_count_the_work(world: World) -> None:
    world.llm.answer(fix_answer())
    await world.deliver(world.payload(world.failed_run()))
    resp = await world.client.get("/metrics")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(await resp.text())}
    for name in ("devflowfix_deliveries", "devflowfix_webhook_answer_seconds", "devflowfix_handler_seconds",
                 "devflowfix_queue_depth", "devflowfix_queue_oldest_age_seconds", "devflowfix_api_calls",
                 "devflowfix_rate_limit_remaining", "devflowfix_llm_calls", "devflowfix_llm_tokens",
                 "devflowfix_identity_uses", "devflowfix_incidents"):
        assert name in families, name
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families.values() for s in f.samples}
    assert samples[("devflowfix_deliveries_total", (("event", "workflow_run"), ("provider", "github"),
                                                     ("result", "done")))] >= 1
    assert samples[("devflowfix_identity_uses_total", (("kind", "installation"), ("provider", "github")))] >= 10
    assert samples[("devflowfix_incidents_total", (("category", "test"), ("outcome", "open"),
                                                    ("provider", "github")))] >= 1
    assert samples[("devflowfix_queue_depth", ())] == 0
    assert samples[("devflowfix_rate_limit_remaining", (("provider", "github"),))] == 4999


async def test_metrics_token_guards_the_endpoint(aiohttp_client: Any, database_url: str, db: Database) -> None:
    async for world in make_world(aiohttp_client, database_url, db, metrics_token="scrape-me-please"):
        assert (await world.client.get("/metrics")).status == 401
        wrong = await world.client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status == 401
        ok = await world.client.get("/metrics", headers={"Authorization": "Bearer scrape-me-please"})
        assert ok.status == 200
        assert list(text_string_to_metric_families(await ok.text()))


async def test_json_log_lines_carry_the_delivery(world: World) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(CONTEXT)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        world.llm.answer(fix_answer())
        await world.deliver(world.payload(world.failed_run()), delivery="log-delivery-1")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    work = [line for line in lines if line.get("delivery_id") == "log-delivery-1"]
    assert any(line["msg"].startswith("workflow run ") for line in work)  # the handler's own line
    assert any(line["logger"].startswith("bot.forges") or line["logger"].startswith("bot.auth") for line in work)
    assert all(line["repository"] == REPO and line["installation_id"] == 31337 for line in work)
    assert all("ghs_" not in json.dumps(line) for line in lines)


def test_sentry_events_are_scrubbed() -> None:
    from bot.observability import scrub

    event = {"message": "failed with ghs_" + "a" * 36, "request": {"headers": {"Authorization": "Bearer xyz"}},
             "extra": {"note": ["token gho_" + "b" * 36], "count": 3}}
    clean = scrub(event)
    text = json.dumps(clean)
    assert "ghs_" not in text and "gho_" not in text and "xyz" not in text
    assert clean["extra"]["count"] == 3
    assert metrics.identity_kind("github_app_user") == "user_to_server"


async def test_a_gitlab_note_cut_off_after_creating_is_adopted(aiohttp_client: Any, database_url: str,
                                                               db: Database) -> None:
    from tests.test_gitlab_pipeline import PROJECT_ID
    from tests.test_gitlab_pipeline import make_world as make_gitlab_world

    async for world in make_gitlab_world(aiohttp_client, database_url, db):
        world.fake.drop_after.append(("POST", f"/api/v4/projects/{PROJECT_ID}/merge_requests/1/notes"))
        row = await world.deliver(world.payload(world.failed_pipeline()))
        assert row.status == "pending", row.last_error
        assert len(world.notes()) == 1 and not world.fake.drop_after  # written, its answer lost
        await world.db.deliveries.retry_later(row.id, utcnow(), row.last_error or "")  # time passes
        assert await run_delivery(world.services, row.id) == "done"
        [note] = world.notes()
        assert note["updated_at"] != note["created_at"]  # the retry edited the note it found


def test_metrics_of_several_processes_are_summed(tmp_path: Any) -> None:
    """With PROMETHEUS_MULTIPROC_DIR, two processes count; a third one's scrape sees both."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    count = ("from bot import metrics; metrics.DELIVERIES.labels('github', 'push', 'done').inc(2); "
             "metrics.API_CALLS.labels('github', '2xx').inc()")
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count], env=env, check=True, timeout=60)
    scrape = "from bot import metrics; import sys; sys.stdout.write(metrics.render(0, 0.0).decode())"
    text = subprocess.run([sys.executable, "-c", scrape], env=env, check=True, timeout=60, capture_output=True,
                          text=True).stdout
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for f in text_string_to_metric_families(text) for s in f.samples}
    assert samples[("devflowfix_deliveries_total", (("event", "push"), ("provider", "github"),
                                                     ("result", "done")))] == 4
    assert samples[("devflowfix_api_calls_total", (("provider", "github"), ("status", "2xx")))] == 2


def test_sentry_starts_with_a_dsn_and_scrubs_what_it_sends() -> None:
    import sentry_sdk

    from bot.observability import _before_send, init_sentry
    from tests.conftest import make_settings

    assert init_sentry(make_settings("sqlite+aiosqlite:///unused.sqlite3")) is False
    settings = make_settings("sqlite+aiosqlite:///unused.sqlite3", sentry_dsn="https://public@sentry.invalid/1")
    try:
        assert init_sentry(settings) is True
        assert sentry_sdk.get_client().is_active()
        event = {"exception": {"values": [{"value": "HTTP 401 for token ghs_" + "c" * 36}]},
                 "request": {"headers": {"X-Hub-Signature-256": "sha256=abc"}}}
        sent = json.dumps(_before_send(event, {}))
        assert "ghs_" not in sent and "sha256=abc" not in sent
    finally:
        sentry_sdk.get_client().close(timeout=0)
        sentry_sdk.init()  # no DSN: off again for the other tests
