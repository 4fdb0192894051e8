"""Webhook ingestion benchmark: signed ~20 KB workflow_run deliveries over loopback, durable write included.

Starts `python -m bot serve` pinned to one core (the other core drives the load with a lean keep-alive
HTTP/1.1 client), sends deliveries with 1 and 32 concurrent clients for a bounded time each, and prints
deliveries/s and p50/p99 latency of the answer. Every answer is checked (202 = recorded); the row count is
checked against the answers at the end.

    .venv/bin/python bench/webhooks.py [--seconds 10] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAYLOAD = ROOT / "tests/fixtures/github/workflow_run/completed.payload.json"
SECRET = "bench-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request_bytes(port: int, body: bytes, signature: str) -> tuple[bytes, bytes]:
    """The request split around the delivery id, so each request only pays for one join."""
    head = (
        f"POST /api/github/webhooks HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"User-Agent: GitHub-Hookshot/bench\r\nX-GitHub-Event: workflow_run\r\n"
        f"X-Hub-Signature-256: {signature}\r\nContent-Length: {len(body)}\r\nX-GitHub-Delivery: "
    ).encode()
    return head, b"\r\n\r\n" + body


async def client(
    port: int, head: bytes, tail: bytes, deadline: float, latencies: list[float], statuses: dict[int, int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            writer.write(head + uuid.uuid4().hex.encode() + tail)
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            status = int(status_line.split()[1])
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()


async def run_level(
    port: int, head: bytes, tail: bytes, concurrency: int, seconds: float
) -> tuple[float, list[float], dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds
    start = time.perf_counter()
    await asyncio.gather(*[client(port, head, tail, deadline, latencies, statuses) for _ in range(concurrency)])
    return time.perf_counter() - start, latencies, statuses


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time (user + system) of this process, or of another one from /proc."""
    if pid is None:
        usage = os.times()
        return usage.user + usage.system
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
            line = await reader.readline()
            writer.close()
            if b" 200 " in line:
                return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("server did not become ready")


def count_rows(database_url: str) -> int | None:
    if database_url.startswith("sqlite"):
        path = database_url.split(":///", 1)[1]
        with sqlite3.connect(path) as conn:
            return int(conn.execute("select count(*) from webhook_deliveries").fetchone()[0])
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each concurrency level runs")
    parser.add_argument("--levels", default="1,32")
    parser.add_argument("--database-url", help="default: a SQLite file in a temp dir")
    parser.add_argument(
        "--queue-mode", choices=["external", "embedded"], default="external",
        help="external: the web process only records (workers would run the work); embedded: it also runs the "
        "handlers after each answer, on the same core",
    )
    args = parser.parse_args()

    body = PAYLOAD.read_bytes()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    port = free_port()
    tmp = tempfile.TemporaryDirectory()
    database_url = args.database_url or f"sqlite:///{tmp.name}/bench.sqlite3"
    from cryptography.fernet import Fernet

    env = dict(os.environ, WEBHOOK_SECRET=SECRET, DATABASE_URL=database_url, LOG_LEVEL="WARNING",
               OAUTH_TOKEN_ENCRYPTION_KEY=Fernet.generate_key().decode(),
               PORT=str(port), HOST="127.0.0.1", DEVFLOWFIX_ENV="production", QUEUE_MODE=args.queue_mode,
               WEBHOOK_RATE_LIMIT="0")  # one client address sending thousands a second is the point here
    if not database_url.startswith("sqlite"):
        subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, check=True, cwd=ROOT)
    cores = sorted(os.sched_getaffinity(0))
    server_core, client_core = cores[0], cores[-1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"], env=env, cwd=ROOT,
        preexec_fn=lambda: os.sched_setaffinity(0, {server_core}),
    )
    os.sched_setaffinity(0, {client_core})
    try:
        asyncio.run(wait_ready(port, proc))
        head, tail = request_bytes(port, body, signature)
        print(f"payload {len(body)} bytes; server on core {server_core}, load on core {client_core}; "
              f"database {database_url.split(':', 1)[0]}; queue mode {args.queue_mode}")
        total_ok = 0
        for level in [int(x) for x in args.levels.split(",")]:
            client0, server0 = cpu_seconds(), cpu_seconds(proc.pid)
            elapsed, latencies, statuses = asyncio.run(run_level(port, head, tail, level, args.seconds))
            client_cpu = (cpu_seconds() - client0) / elapsed * 100
            server_cpu = (cpu_seconds(proc.pid) - server0) / elapsed * 100
            total_ok += statuses.get(202, 0)
            print(
                f"concurrency {level:>3}: {len(latencies) / elapsed:8.0f} deliveries/s  "
                f"p50 {pct(latencies, 0.50):6.2f} ms  p99 {pct(latencies, 0.99):6.2f} ms  "
                f"mean {statistics.fmean(latencies) * 1000:6.2f} ms  answers {statuses}  "
                f"cpu: server {server_cpu:.0f}% client {client_cpu:.0f}%; "
                f"server CPU per delivery {server_cpu * 10_000 / max(len(latencies) / elapsed, 1):.0f} µs"
            )
        rows = count_rows(database_url)
        if rows is not None:
            print(f"rows recorded: {rows} (202 answers: {total_ok})")
    finally:
        proc.terminate()
        proc.wait(10)
        tmp.cleanup()


if __name__ == "__main__":
    main()
