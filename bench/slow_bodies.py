"""Slow anonymous bodies against the front door: memory held, and how long the connections stay open.

Starts `python -m bot serve` (SQLite, production mode), opens `--connections` unsigned connections to
`POST /api/github/webhooks` at once, each declaring a body of `--declared` MiB, sending `--sent` MiB of it
quickly and then trickling one byte every `--trickle` seconds (0: stalling) and never finishing. Prints the
server's RSS before, at its peak and after, what each connection was answered and when the server closed it.

    .venv/bin/python bench/slow_bodies.py [--connections 16] [--declared 25] [--sent 24] [--trickle 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


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


async def slow_client(port: int, declared: int, sent: int, trickle: float, limit: float) -> tuple[str, float]:
    """(the status line or how it ended, seconds until the server closed the connection)."""
    start = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST /api/github/webhooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: ping\r\nX-GitHub-Delivery: slow-{id(reader)}\r\nX-Hub-Signature-256: sha256={'0' * 64}\r\n"
        f"Content-Length: {declared}\r\n\r\n"
    ).encode()
    status = "no answer"

    async def send() -> None:
        try:
            writer.write(head)
            block = b" " * (1 << 20)
            left = sent
            while left > 0:
                writer.write(block[: min(left, len(block))])
                left -= min(left, len(block))
                await writer.drain()
            while trickle > 0:
                await asyncio.sleep(trickle)
                writer.write(b" ")
                await writer.drain()
            await asyncio.sleep(limit)
        except (ConnectionError, OSError):
            pass

    sender = asyncio.create_task(send())
    try:
        async with asyncio.timeout(limit):
            line = await reader.readline()
            if line:
                status = line.decode(errors="replace").strip()
            while await reader.read(65536):  # until the server closes
                pass
        closed = time.monotonic() - start
    except TimeoutError:
        closed = float("inf")
    except (ConnectionError, OSError) as exc:
        status = status if status != "no answer" else type(exc).__name__
        closed = time.monotonic() - start
    sender.cancel()
    writer.close()
    return status, closed


async def run(port: int, pid: int, args: argparse.Namespace) -> None:
    mib = 1 << 20
    peak = 0.0
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_mib(pid))
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    results = await asyncio.gather(*[
        slow_client(port, int(args.declared * mib), int(args.sent * mib), args.trickle, args.limit)
        for _ in range(args.connections)
    ])
    done.set()
    await sampler
    answers: dict[str, int] = {}
    for status, _ in results:
        answers[status] = answers.get(status, 0) + 1
    closes = sorted(closed for _, closed in results)
    print(f"answers: {answers}")
    print(f"closed by the server after: min {closes[0]:.1f} s, max {closes[-1]:.1f} s "
          f"({sum(c != float('inf') for c in closes)}/{len(closes)} closed within {args.limit:.0f} s)")
    print(f"RSS peak {peak:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--declared", type=float, default=25, help="MiB declared in Content-Length")
    parser.add_argument("--sent", type=float, default=24, help="MiB sent at once before trickling")
    parser.add_argument("--trickle", type=float, default=1.0, help="seconds between single bytes; 0 stalls")
    parser.add_argument("--limit", type=float, default=90, help="seconds to wait for the server to close")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    args = parser.parse_args()

    port = free_port()
    tmp = tempfile.TemporaryDirectory()
    from cryptography.fernet import Fernet

    env = dict(os.environ, WEBHOOK_SECRET="bench-secret", DATABASE_URL=f"sqlite:///{tmp.name}/slow.sqlite3",
               LOG_LEVEL="WARNING", OAUTH_TOKEN_ENCRYPTION_KEY=Fernet.generate_key().decode(),
               PORT=str(port), HOST="127.0.0.1", DEVFLOWFIX_ENV="production",
               PUBLIC_URL="https://devflowfix.bench.invalid")
    env.update(item.split("=", 1) for item in args.env)
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve"], env=env, cwd=ROOT)
    try:
        asyncio.run(wait_ready(port, proc))
        before = rss_mib(proc.pid)
        then = f"one byte every {args.trickle:g} s" if args.trickle else "nothing"
        print(f"{args.connections} connections, {args.declared} MiB declared, {args.sent} MiB sent, then {then}")
        print(f"RSS before {before:.0f} MiB")
        asyncio.run(run(port, proc.pid, args))
        time.sleep(2)
        print(f"RSS after (2 s later) {rss_mib(proc.pid):.0f} MiB")
    finally:
        proc.terminate()
        proc.wait(10)
        tmp.cleanup()


if __name__ == "__main__":
    main()
