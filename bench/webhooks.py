"""Webhook benchmark: DevFlowFix and Probot side by side, in the same run, on the same pinned core.

Both servers run pinned to one core (the load comes from the other core, a lean keep-alive HTTP/1.1 client) with
the same App credentials and WEBHOOK_SECRET, and get the same signed ~21 KB `workflow_run` `completed`/`success`
delivery (a fresh delivery id each time). DevFlowFix runs its default, the embedded mode: it records each
delivery and answers, and runs its handlers in the same process (nothing is open on the branch, so the handler's
settler finds no work before the answer, from the in-memory index of open incidents, and the delivery is recorded
finished, without its body as KEEP_UNWORKED_BODIES is off by default: one insert, in a commit shared with the other
requests of the moment); `--queue-mode external` measures recording alone (the whole body, compressed).
"server CPU" is the server process's CPU time per answered delivery over the turn: on a shared machine it moves
less than the rates do. Probot 14 (`npm install`ed
into a temp folder) runs an app whose `workflow_run.completed` handler does nothing and writes nothing.

`--queue-mode both` runs one DevFlowFix server of each mode beside Probot. The servers take turns (DevFlowFix,
Probot, then Probot, DevFlowFix, ...) for `--rounds` rounds of `--seconds` per server and concurrency level, so
the machine's drift touches all alike; the figures are summed over the turns. After an embedded server's turn its
handler backlog (deliveries recorded but not yet finished) must drain before the next turn, and the bench prints
how large it was: the answers counted were also handled, or you see how many weren't.

The mixed load (`--mixed`, on by default in the embedded mode): 32 clients of `success` deliveries while 10
failed runs, each with a 10 MiB job log and a 10 MiB green baseline log served by the fake GitHub
(tests/fakes, in a process of its own on the load core), are downloaded and analyzed by the same server; it
prints the answers' p50/p99 over the window in which the analyses ran.

    .venv/bin/python bench/webhooks.py [--seconds 5] [--rounds 2] [--levels 1,32] [--queue-mode external|both]
                                       [--no-probot] [--no-mixed] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import hashlib
import hmac
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAYLOAD = ROOT / "tests/fixtures/github/workflow_run/completed.payload.json"
FAILED_PAYLOAD = ROOT / "tests/fixtures/github/workflow_run/completed.with-pull-requests.payload.json"
SECRET = "bench-secret"
APP_ID = 4242
INSTALLATION = 31337
MIXED_REPO = "octo-org/cidiff"
PROBOT_APP = 'import { run } from "probot";\n' \
    'await run((app) => { app.on("workflow_run.completed", async () => {}); });\n'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def request_bytes(port: int, body: bytes, event: str = "workflow_run") -> tuple[bytes, bytes]:
    """The request split around the delivery id, so each request only pays for one join."""
    head = (
        f"POST /api/github/webhooks HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"User-Agent: GitHub-Hookshot/bench\r\nX-GitHub-Event: {event}\r\n"
        f"X-Hub-Signature-256: {sign(body)}\r\nContent-Length: {len(body)}\r\nX-GitHub-Delivery: "
    ).encode()
    return head, b"\r\n\r\n" + body


@dataclass
class Samples:
    """Answers of one server at one level: (start time, latency) pairs and status counts."""

    seconds: float = 0.0
    times: list[tuple[float, float]] = field(default_factory=list)
    statuses: dict[Any, int] = field(default_factory=dict)
    server_cpu: float = 0.0

    def add(self, other: Samples) -> None:
        self.seconds += other.seconds
        self.times.extend(other.times)
        self.server_cpu += other.server_cpu
        for status, n in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n

    @property
    def latencies(self) -> list[float]:
        return [lat for _, lat in self.times]

    @property
    def rate(self) -> float:
        return len(self.times) / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        lat = self.latencies
        if not lat:
            return "no answers"
        cpu_us = self.server_cpu / len(lat) * 1e6
        return (f"{self.rate:8.0f} deliveries/s  p50 {pct(lat, 0.50):7.2f} ms  p99 {pct(lat, 0.99):7.2f} ms  "
                f"mean {statistics.fmean(lat) * 1000:6.2f} ms  answers {dict(sorted(self.statuses.items()))}  "
                f"server CPU {cpu_us:.0f} µs/delivery")


async def client(port: int, head: bytes, tail: bytes, stop: asyncio.Event, out: Samples) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while not stop.is_set():
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
            out.times.append((start, time.perf_counter() - start))
            status = int(status_line.split()[1])
            out.statuses[status] = out.statuses.get(status, 0) + 1
    finally:
        writer.close()


async def run_level(port: int, head: bytes, tail: bytes, concurrency: int, seconds: float, pid: int) -> Samples:
    out = Samples()
    stop = asyncio.Event()
    cpu0 = cpu_seconds(pid)
    start = time.perf_counter()
    tasks = [asyncio.create_task(client(port, head, tail, stop, out)) for _ in range(concurrency)]
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*tasks)
    out.seconds = time.perf_counter() - start
    out.server_cpu = cpu_seconds(pid) - cpu0
    return out


WRK_SCRIPT = r"""
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
local body = f:read("*a")
f:close()
local sig, nonce, out = os.getenv("BENCH_SIG"), os.getenv("BENCH_NONCE"), os.getenv("BENCH_OUT")
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local prefix, counter = nil, 0
function init(args)
  prefix = nonce .. "-" .. tostring(tid) .. "-"
end
function request()
  counter = counter + 1
  return wrk.format("POST", "/api/github/webhooks", {
    ["Content-Type"] = "application/json", ["User-Agent"] = "GitHub-Hookshot/bench",
    ["X-GitHub-Event"] = "workflow_run", ["X-Hub-Signature-256"] = sig, ["X-GitHub-Delivery"] = prefix .. counter,
  }, body)
end
function done(summary, latency, requests)
  local o = assert(io.open(out, "w"))
  o:write(string.format("%d %d %d\n", summary.requests, summary.duration, summary.errors.status
    + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  for i = 1, #latency do
    local v, c = latency(i)
    o:write(v, " ", c, "\n")
  end
  o:close()
end
"""


def run_wrk(port: int, body_path: Path, concurrency: int, seconds: float, pid: int, work: Path,
            stop: Any = None) -> Samples:
    """One turn with wrk (one thread, on this process's core): every latency it saw, from its histogram.
    `stop` (a threading.Event): end the turn when it is set instead of after `seconds` (SIGINT makes wrk report)."""
    import signal

    script, out = work / "webhook.lua", work / f"wrk-{uuid.uuid4().hex}.txt"
    script.write_text(WRK_SCRIPT)
    env = dict(os.environ, BENCH_BODY=str(body_path), BENCH_SIG=sign(body_path.read_bytes()),
               BENCH_NONCE=uuid.uuid4().hex[:12], BENCH_OUT=str(out))
    cpu0 = cpu_seconds(pid)
    proc = subprocess.Popen(["wrk", "-t1", f"-c{concurrency}", f"-d{int(seconds if stop is None else 3600)}s",
                             "--timeout", "30s", "-s", str(script), f"http://127.0.0.1:{port}/"],
                            env=env, stdout=subprocess.DEVNULL)
    if stop is not None:
        stop.wait()
        proc.send_signal(signal.SIGINT)
    proc.wait()
    result = Samples(server_cpu=cpu_seconds(pid) - cpu0)
    first, *lines = out.read_text().splitlines()
    requests, duration_us, errors = (int(x) for x in first.split())
    result.seconds = duration_us / 1e6
    for line in lines:
        value, count = line.split()
        result.times.extend([(0.0, int(value) / 1e6)] * int(count))
    result.statuses = {"2xx": requests - errors, "errors": errors} if errors else {"2xx": requests}
    out.unlink()
    return result


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def wait_ready(port: int, proc: subprocess.Popen[bytes], path: str) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            line = await reader.readline()
            writer.close()
            if b" 200 " in line:
                return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("server did not become ready")


@dataclass
class Server:
    port: int
    proc: subprocess.Popen[bytes]
    ready_path: str
    mode: str  # embedded | external | "" (Probot)
    rows: Rows | None


# ---- the database of the DevFlowFix server, read from the bench (on the load core)
class Rows:
    def __init__(self, database_url: str) -> None:
        self.url = database_url

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self.url.split(":///", 1)[1]) as conn:
                return list(conn.execute(sql).fetchall())
        import asyncpg

        async def run() -> list[tuple[Any, ...]]:
            dsn = self.url.replace("postgresql+asyncpg://", "postgresql://")
            conn = await asyncpg.connect(dsn)
            try:
                return [tuple(r) for r in await conn.fetch(sql)]
            finally:
                await conn.close()

        return asyncio.run(run())

    def unfinished(self) -> int:
        return int(self.query("select count(*) from webhook_deliveries where status in ('pending', 'running')")[0][0])

    def count(self) -> int:
        return int(self.query("select count(*) from webhook_deliveries")[0][0])


def drain(rows: Rows, timeout: float = 300.0) -> tuple[int, float]:
    """(deliveries left to run when the load stopped, seconds until they had all run)."""
    left = rows.unfinished()
    start = time.perf_counter()
    while rows.unfinished() and time.perf_counter() - start < timeout:
        time.sleep(0.05)
    return left, time.perf_counter() - start


# ---- Probot
def probot_dir(wanted: str | None) -> Path:
    folder = Path(wanted) if wanted else Path(tempfile.gettempdir()) / "devflowfix-bench-probot14"
    if not (folder / "node_modules/probot/package.json").exists():
        if shutil.which("npm") is None:
            raise SystemExit("npm is not installed: run with --no-probot, or install Node.js 20+")
        folder.mkdir(parents=True, exist_ok=True)
        print(f"installing probot@14 into {folder} ...", flush=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--loglevel=error", "probot@14"],
                       cwd=folder, check=True)
    (folder / "app.mjs").write_text(PROBOT_APP)
    return folder


def probot_version(folder: Path) -> str:
    return str(json.loads((folder / "node_modules/probot/package.json").read_text())["version"])


# ---- the fake GitHub of the mixed load (its own process, on the load core)
def serve_fake_github(folder: Path, log_mib: int, failures: int) -> None:
    """Run by the bench in a subprocess: the fake GitHub with `failures` failed runs (one per branch), each
    with a `log_mib` MiB job log, and a green run of the same workflow on main with a `log_mib` MiB log."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from pipeline import padded

    from tests.fakes.github import FakeGitHub, generate_private_key
    from tests.test_pipeline import DATA, JOB, WORKFLOW

    async def main() -> None:
        pem, public_key = generate_private_key()
        fake = FakeGitHub(public_key=public_key, app_id=APP_ID)
        await fake.start()
        fake.add_installation(INSTALLATION, repos=[MIXED_REPO])
        repos = fake.repos  # type: ignore[attr-defined]
        repo = repos.add(MIXED_REPO, files={"README.md": "x\n", WORKFLOW: "name: CI\n"})
        main_sha = repo.refs["heads/main"]
        failed_log = padded(DATA / "gradle_test_fail.log", log_mib)
        green_log = padded(DATA / "gradle_test_pass.log", log_mib)
        repos.add_run(repo, head_sha=main_sha, branch="main", conclusion="success",
                      jobs=[{"name": JOB, "conclusion": "success", "log": green_log}])
        template = json.loads(FAILED_PAYLOAD.read_text())
        payloads = []
        for i in range(failures):
            branch = f"feature-{i}"
            sha = repo.commit({"README.md": f"change {i}\n"}, parent=main_sha, branch=branch)
            run = repos.add_run(repo, head_sha=sha, branch=branch, conclusion="failure", jobs=[{
                "name": JOB, "conclusion": "failure", "log": failed_log,
                "steps": [("Set up job", "success"), ("Run ./gradlew build", "failure")]}])
            data = copy.deepcopy(template)
            wr = data["workflow_run"]
            wr.update({k: run[k] for k in ("id", "name", "head_branch", "head_sha", "path", "run_number", "event",
                                           "conclusion", "workflow_id", "run_attempt", "html_url")})
            wr["status"], wr["pull_requests"] = "completed", []
            wr["head_repository"] = {**wr["head_repository"], "full_name": MIXED_REPO}
            data["repository"] = {**data["repository"], "full_name": MIXED_REPO, "name": "cidiff", "id": repo.id,
                                  "default_branch": "main"}
            data["installation"] = {"id": INSTALLATION}
            payloads.append(data)
        (folder / "key.pem").write_text(pem)
        (folder / "fake.json").write_text(json.dumps({"url": fake.url, "payloads": payloads,
                                                      "log_bytes": len(failed_log)}))
        await asyncio.Event().wait()

    asyncio.run(main())


async def send_failures(port: int, payloads: list[dict[str, Any]]) -> list[str]:
    """The failed runs' deliveries, sent at once; their delivery ids."""
    ids = []

    async def one(payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        head, tail = request_bytes(port, body)
        delivery = f"failed-{uuid.uuid4().hex}"
        ids.append(delivery)
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(head + delivery.encode() + tail)
        status = await reader.readline()
        writer.close()
        assert b" 202 " in status, status

    await asyncio.gather(*(one(p) for p in payloads))
    return ids


async def mixed_load(port: int, head: bytes, tail: bytes, rows: Rows, payloads: list[dict[str, Any]],
                     pid: int, timeout: float) -> tuple[Samples, Samples, float, list[tuple[str, str]]]:
    """32 clients of green runs; after a second, the failed runs. (answers before the failures, answers while
    they were analyzed, how long that took, each failed delivery's end)."""
    out = Samples()
    stop = asyncio.Event()
    cpu0 = cpu_seconds(pid)
    tasks = [asyncio.create_task(client(port, head, tail, stop, out)) for _ in range(32)]
    await asyncio.sleep(1.0)
    t0 = time.perf_counter()
    ids = await send_failures(port, payloads)
    quoted = ", ".join(f"'{i}'" for i in ids)
    ends: list[tuple[str, str]] = []
    while time.perf_counter() - t0 < timeout:
        ends = [(str(a), str(b)) for a, b in await asyncio.to_thread(
            rows.query, f"select status, coalesce(last_error, '') from webhook_deliveries "
                        f"where delivery_id in ({quoted})")]
        if len(ends) == len(ids) and all(s not in ("pending", "running") for s, _ in ends):
            break
        await asyncio.sleep(0.1)
    t1 = time.perf_counter()
    stop.set()
    await asyncio.gather(*tasks)
    cpu = cpu_seconds(pid) - cpu0
    before = Samples(seconds=1.0, times=[t for t in out.times if t[0] < t0])
    during = Samples(seconds=t1 - t0, times=[t for t in out.times if t0 <= t[0] < t1])
    during.server_cpu = cpu * len(during.times) / max(len(out.times), 1)
    for status, n in out.statuses.items():
        during.statuses[status] = n
    return before, during, t1 - t0, ends


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one turn")
    parser.add_argument("--rounds", type=int, default=2, help="turns per server and level (they alternate)")
    parser.add_argument("--levels", default="1,32")
    parser.add_argument("--database-url", help="default: a SQLite file in a temp dir")
    parser.add_argument(
        "--queue-mode", choices=["external", "embedded", "both"], default="embedded",
        help="embedded (the default): the server runs the handlers after each answer, on the same core; "
        "external: it only records (workers would run the work); both: one server of each, side by side",
    )
    parser.add_argument("--no-probot", action="store_true", help="DevFlowFix alone")
    parser.add_argument("--load", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python",
                        help="the load generator: wrk (one thread; the default where it is installed) or the "
                        "bench's own asyncio client")
    parser.add_argument("--probot-dir", help="where probot@14 is (or gets) installed; default: a temp folder")
    parser.add_argument("--no-mixed", action="store_true", help="skip the mixed load")
    parser.add_argument("--mixed-failures", type=int, default=10, help="failed runs per mixed round")
    parser.add_argument("--mixed-rounds", type=int, default=2, help="mixed rounds (the first starts the workers)")
    parser.add_argument("--log-mib", type=int, default=10)
    parser.add_argument("--profile", metavar="FILE",
                        help="run the DevFlowFix server under cProfile, write its stats to FILE (+ .<mode>) on exit "
                        "and print the top functions by own time (the figures are then not comparable)")
    parser.add_argument("--fake-github", help=argparse.SUPPRESS)  # internal: serve the fake GitHub into this dir
    args = parser.parse_args()
    if args.fake_github:
        serve_fake_github(Path(args.fake_github), args.log_mib, args.mixed_failures * args.mixed_rounds)
        return

    cores = sorted(os.sched_getaffinity(0))
    server_core, client_core = cores[0], cores[-1]
    pin_server = {"preexec_fn": lambda: os.sched_setaffinity(0, {server_core})}
    procs: list[subprocess.Popen[bytes]] = []
    tmp = tempfile.TemporaryDirectory()
    folder = Path(tmp.name)
    mixed = not args.no_mixed and args.queue_mode != "external"
    modes = ["embedded", "external"] if args.queue_mode == "both" else [args.queue_mode]
    if args.queue_mode == "both" and args.database_url:
        raise SystemExit("--queue-mode both needs a database per server: leave out --database-url")
    try:
        # The fake GitHub (the App's API for both servers; the mixed load's logs), on the load core.
        fake_proc = subprocess.Popen(
            [sys.executable, __file__, "--fake-github", str(folder), "--log-mib", str(args.log_mib),
             "--mixed-failures", str(args.mixed_failures if mixed else 0)],
            cwd=ROOT, preexec_fn=lambda: os.sched_setaffinity(0, {client_core}),
        )
        procs.append(fake_proc)
        for _ in range(1200):
            if (folder / "fake.json").exists() or fake_proc.poll() is not None:
                break
            time.sleep(0.1)
        fake = json.loads((folder / "fake.json").read_text())
        pem = (folder / "key.pem").read_text()

        from cryptography.fernet import Fernet

        base_env = dict(os.environ, WEBHOOK_SECRET=SECRET, LOG_LEVEL="WARNING", HOST="127.0.0.1",
                        OAUTH_TOKEN_ENCRYPTION_KEY=Fernet.generate_key().decode(), DEVFLOWFIX_ENV="production",
                        PUBLIC_URL="https://devflowfix.bench.invalid",
                        APP_ID=str(APP_ID), PRIVATE_KEY_PATH=str(folder / "key.pem"), GITHUB_API_URL=fake["url"],
                        GITHUB_URL=fake["url"],
                        WEBHOOK_RATE_LIMIT="0")  # one client address sending thousands a second is the point here
        base_env.pop("OPENAI_API_KEY", None)
        servers: dict[str, Server] = {}
        for mode in modes:
            database_url = args.database_url or f"sqlite:///{folder}/bench-{mode}.sqlite3"
            env = dict(base_env, DATABASE_URL=database_url, QUEUE_MODE=mode)
            if not database_url.startswith("sqlite"):
                subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, check=True, cwd=ROOT)
            port = free_port()
            profile = ["-m", "cProfile", "-o", f"{args.profile}.{mode}"] if args.profile else []
            proc = subprocess.Popen([sys.executable, *profile, "-m", "bot", "serve"], env=dict(env, PORT=str(port)),
                                    cwd=ROOT, **pin_server)
            procs.append(proc)
            name = "DevFlowFix" if len(modes) == 1 else f"DFF {mode}"
            servers[name] = Server(port, proc, "/readyz", mode, Rows(database_url))
        version = ""
        if not args.no_probot:
            pdir = probot_dir(args.probot_dir)
            version = probot_version(pdir)
            pport = free_port()
            penv = dict(os.environ, APP_ID=str(APP_ID), PRIVATE_KEY=pem, WEBHOOK_SECRET=SECRET, PORT=str(pport),
                        HOST="127.0.0.1", LOG_LEVEL="warn", NODE_ENV="production")
            probot = subprocess.Popen(["node", "app.mjs"], env=penv, cwd=pdir, **pin_server)
            procs.append(probot)
            servers["Probot"] = Server(pport, probot, "/ping", "", None)
        os.sched_setaffinity(0, {client_core})
        for server in servers.values():
            asyncio.run(wait_ready(server.port, server.proc, server.ready_path))

        body = PAYLOAD.read_bytes()
        print(f"payload: workflow_run completed/success, {len(body)} bytes, signed; servers on core {server_core}, "
              f"load on core {client_core}; DevFlowFix: database {(args.database_url or 'sqlite').split(':')[0]}, "
              f"queue mode {args.queue_mode}" + (f"; Probot {version} (node {node_version()})" if version else "")
              + f"; load: {args.load}", flush=True)
        ours = [name for name in servers if name != "Probot"]
        for level in [int(x) for x in args.levels.split(",") if x]:
            totals = {name: Samples() for name in servers}
            backlog: list[tuple[int, float]] = []
            order = list(servers)
            for turn in range(args.rounds):
                # each round starts with the next server (D P, P D, ...): the machine's drift touches all alike
                shift = turn % len(order)
                for name in order[shift:] + order[:shift]:
                    server = servers[name]
                    if args.load == "wrk":
                        totals[name].add(run_wrk(server.port, PAYLOAD, level, args.seconds, server.proc.pid, folder))
                    else:
                        head, tail = request_bytes(server.port, body)
                        totals[name].add(asyncio.run(
                            run_level(server.port, head, tail, level, args.seconds, server.proc.pid)))
                    if server.mode == "embedded" and server.rows is not None:
                        backlog.append(drain(server.rows))  # before the next server's turn: it's all done
            width = max(len(n) for n in servers)
            for name, samples in totals.items():
                print(f"{name:>{width}}  {level:>3} clients: {samples.line()}", flush=True)
            if backlog:
                print(f"{'':>{width}}  handler backlog of the embedded mode when its load stopped: "
                      + ", ".join(f"{left} (ran in {secs:.2f} s)" for left, secs in backlog))
            if "Probot" in totals and totals["Probot"].rate:
                for name in ours:
                    print(f"{'':>{width}}  ratio {name} / Probot at {level} clients: "
                          f"{totals[name].rate / totals['Probot'].rate:.2f}x", flush=True)
            for name in ours:
                rows = servers[name].rows
                assert rows is not None
                print(f"{'':>{width}}  {name} rows recorded so far: {rows.count()}; unfinished: {rows.unfinished()}")

        if mixed:
            server = servers[ours[0]]
            assert server.rows is not None
            head, tail = request_bytes(server.port, body)
            per_round = args.mixed_failures
            for round_ in range(args.mixed_rounds):
                payloads = fake["payloads"][round_ * per_round:(round_ + 1) * per_round]
                before, during, took, ends = asyncio.run(
                    mixed_load(server.port, head, tail, server.rows, payloads, server.proc.pid, timeout=600))
                statuses: dict[str, int] = {}
                for status, _ in ends:
                    statuses[status] = statuses.get(status, 0) + 1
                print(f"mixed load{' (the first: the analysis workers start)' if round_ == 0 else ''}: 32 clients "
                      f"of green runs while {len(payloads)} failed runs ({fake['log_bytes'] / 2**20:.0f} MiB job "
                      f"log + the same size of baseline each) were downloaded and analyzed: {took:.1f} s until all "
                      f"had ended ({statuses})")
                print(f"  before the failures: {before.line()}")
                print(f"  while analyzing:     {during.line()}")
                for status, error in ends:
                    if status != "done":
                        print(f"  a failed run's delivery ended {status}: {error[:300]}")
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
        tmp.cleanup()
    if args.profile:
        import pstats

        for mode in modes:
            print(f"---- profile of the {mode} server (own time)")
            pstats.Stats(f"{args.profile}.{mode}").sort_stats("tottime").print_stats(45)


def node_version() -> str:
    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


if __name__ == "__main__":
    main()
