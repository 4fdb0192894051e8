"""Benchmark: one failed `workflow_run`, from the signed delivery to the fix PR, against the fake GitHub (real
HTTP on loopback) and a fake LLM that answers at once, with a 10 MB job log (and a 10 MB baseline log).

Prints the wall time from the delivery to the PR, the peak memory (Python allocations, traced, and the
process's peak RSS) and the GitHub API calls the incident made, one per line.

Usage: python bench/pipeline.py [--log-mib 10] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

from bot.appkeys import QUEUE  # noqa: E402
from bot.server import create_app  # noqa: E402
from bot.services import Services  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.migrate import upgrade_sync  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.fakes.github import APP_ID, FakeGitHub, app_key  # noqa: E402
from tests.fakes.llm import API_KEY, FakeLLM  # noqa: E402
from tests.helpers import send_github  # noqa: E402
from tests.test_pipeline import (  # noqa: E402
    BAD_LINE,
    DATA,
    INSTALLATION,
    JOB,
    PARSER_PATH,
    REPO,
    TEST_PATH,
    WORKFLOW,
    World,
    fix_answer,
    java_test_source,
)


def padded(path: Path, mib: int) -> bytes:
    """The real log with `mib` MiB of ordinary build output inserted before its failure."""
    lines = path.read_bytes().splitlines(keepends=True)
    cut = max(len(lines) - 60, 0)
    prefix = b"build-test-deploy\tbuild cidiff\t2021-12-01T13:00:59.%07dZ "
    noise = []
    size = 0
    i = 0
    while size < mib * 1024 * 1024:
        line = prefix % (i % 10_000_000) + b"> Task :cidiff:compileJava UP-TO-DATE (module %d, file %d.java)\n" % (
            i % 97, i)
        noise.append(line)
        size += len(line)
        i += 1
    return b"".join(lines[:cut] + noise + lines[cut:])


async def one_run(tmp: Path, log: bytes, baseline: bytes) -> dict[str, object]:
    fake = FakeGitHub(public_key=app_key()[1])
    await fake.start()
    llm = FakeLLM()
    await llm.start()
    fake.add_installation(INSTALLATION, repos=[REPO])
    repos = fake.repos  # type: ignore[attr-defined]
    repo = repos.add(REPO, files={"README.md": "x\n", WORKFLOW: "name: CI\n", TEST_PATH: java_test_source(),
                                  PARSER_PATH: "class LogParser { int keep = 42; }\n"})
    main_sha = repo.refs["heads/main"]
    head_sha = repo.commit({PARSER_PATH: "class LogParser { int keep = 41; }\n"}, parent=main_sha, branch="feature")
    repos.add_run(repo, head_sha=main_sha, branch="main", conclusion="success",
                  jobs=[{"name": JOB, "conclusion": "success", "log": baseline}])
    repos.add_pull(repo, number=7, head_branch="feature", head_sha=head_sha, base_branch="main", base_sha=main_sha)

    url = f"sqlite+aiosqlite:///{tmp / (uuid.uuid4().hex + '.sqlite3')}"
    await asyncio.to_thread(upgrade_sync, url)
    pem, _ = app_key()
    settings = make_settings(url, app_id=APP_ID, private_key=pem, github_api_url=fake.url, github_url=fake.url,
                             openai_api_key=API_KEY, openai_base_url=llm.url, log_level="WARNING")
    db = Database.connect(url)
    services = await Services.create(settings, db=db)
    await db.installations.upsert({"id": INSTALLATION, "account": {"login": "octo-org", "id": 1}})
    await db.installations.add_repositories(INSTALLATION, [{"id": repo.id, "full_name": REPO}])
    client = TestClient(TestServer(create_app(settings, services=services, migrate=False)))
    await client.start_server()
    world = World(client, fake, llm, db, services, repo, main_sha, head_sha)
    llm.answer(fix_answer())
    run = world.failed_run(log=log)
    body = json.dumps(world.payload(run)).encode()

    tracemalloc.start()
    t0 = time.perf_counter()
    status, _ = await send_github(client, "workflow_run", body)
    await client.app[QUEUE].join(timeout=300)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert status == 202
    assert 8 in repo.pulls, "no fix PR was opened"
    fix_branch = repo.pulls[8]["head"]["ref"]
    assert BAD_LINE not in repo.blobs[repo.trees[repo.commits[repo.refs[f"heads/{fix_branch}"]]["tree"]][TEST_PATH][1]
                                      ].decode()
    calls = world.api_calls()
    await client.close()
    await services.close()
    await llm.close()
    await fake.close()
    return {"seconds": elapsed, "traced_peak_mib": peak / 2**20, "calls": calls,
            "tokens_minted": len(fake.calls("POST", "/app/installations"))}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log-mib", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    log = padded(DATA / "gradle_test_fail.log", args.log_mib)
    baseline = padded(DATA / "gradle_test_pass.log", args.log_mib)
    print(f"job log {len(log) / 2**20:.1f} MiB, baseline log {len(baseline) / 2**20:.1f} MiB, {args.runs} runs")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            results.append(await one_run(Path(tmp), log, baseline))
    best = min(results, key=lambda r: r["seconds"])  # type: ignore[arg-type,return-value]
    times = ", ".join(f"{r['seconds']:.2f}" for r in results)
    print(f"delivery -> fix PR: best {best['seconds']:.2f} s (runs: {times} s)")
    print(f"peak traced Python memory during the run: {max(r['traced_peak_mib'] for r in results):.1f} MiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (fakes, logs held by the fake, and the bot together): {rss:.0f} MiB")
    calls = best["calls"]
    print(f"GitHub API calls for the incident: {len(calls)} (+{best['tokens_minted']} installation token minted)")
    for call in calls:  # type: ignore[attr-defined]
        print("  ", call)


if __name__ == "__main__":
    asyncio.run(main())
