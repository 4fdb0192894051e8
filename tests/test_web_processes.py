"""WEB_CONCURRENCY: `python -m bot serve` forks that many web processes sharing the port (SO_REUSEPORT); each
defers its deliveries' jobs; SIGTERM stops them all, exit 0, and every delivery answered 202 is recorded with a job."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from storage.database import Database
from tests.conftest import WEBHOOK_SECRET
from tests.helpers import github_headers, load
from tests.test_job_engine import rows

ROOT = Path(__file__).resolve().parent.parent
BODY = json.dumps(load("github/installation/created.payload.json")).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        found += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return found


async def test_two_web_processes_share_the_port_and_stop_cleanly(
    postgres_url: str, pg: Database, tmp_path: Path
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME", "LANG")}
    env.update({"DATABASE_URL": postgres_url, "QUEUE_MODE": "external", "WEB_CONCURRENCY": "2", "PORT": str(port),
                "HOST": "127.0.0.1", "WEBHOOK_SECRET": WEBHOOK_SECRET, "DEVFLOWFIX_ENV": "development",
                "SHUTDOWN_GRACE_SECONDS": "5", "PERIODIC_WORK": "false"})
    log = (tmp_path / "serve.log").open("wb")
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "serve", cwd=ROOT, env=env,
                                                stdout=log, stderr=log, stdin=asyncio.subprocess.DEVNULL)
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/ping") as resp:
                        if resp.status == 200 and len(children(proc.pid)) == 2:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
            assert len(children(proc.pid)) == 2
            first = set(children(proc.pid))

            async def send(i: int) -> int:
                headers = github_headers("installation", BODY, delivery=f"multi-{i}")
                async with aiohttp.ClientSession() as own, own.post(  # a connection each: both processes answer
                    f"http://127.0.0.1:{port}/api/github/webhooks", data=BODY, headers=headers
                ) as resp:
                    return resp.status

            statuses = await asyncio.gather(*(send(i) for i in range(40)))
            assert statuses == [202] * 40
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
        assert all(not Path(f"/proc/{c}").exists() for c in first)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        log.close()
    recorded = await rows(pg)
    assert len(recorded) == 40 and all(r.status == "pending" for r in recorded)
    assert await pg.jobs.counts() == {"todo": 40}  # every delivery's job deferred before the processes stopped


def test_a_stop_while_the_processes_are_still_starting_is_a_clean_exit(tmp_path: Path) -> None:
    """SIGTERM reaching a web process before its event loop has taken the signal over (a slow start on a busy
    machine) stops it cleanly: the parent exits 0 instead of reporting a child killed by the signal."""
    import subprocess
    import time

    ready = tmp_path / "ready"
    script = (
        "import sys, time, pathlib\n"
        "from bot.processes import serve_processes\n"
        f"ready = pathlib.Path({str(ready)!r})\n"
        "def slow_start():\n"
        "    ready.touch()\n"
        "    time.sleep(30)  # still importing, still building the app\n"
        "sys.exit(serve_processes(2, slow_start, grace=5))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        for _ in range(300):
            if ready.exists() and len(children(proc.pid)) == 2:
                break
            time.sleep(0.05)
        time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
