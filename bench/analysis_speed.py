"""Benchmark: the analyzer's CPU time and MiB/s on big generated logs beside grep, its slowest lines, its memory.

Generates (seeded, deterministic, streamed into a temporary folder) a log of each kind, ``--size-mib`` MiB:
``github`` (GitHub Actions: timestamp-prefixed lines, ``##[group]`` steps, ANSI progress bars, decoys such as
"0 errors", "Failures: 0, Errors: 0", "error_handler", ``pkg/errors/x.go``, retries that succeed), ``maven``
(a plain console of ``[INFO]``/``[WARNING]`` lines, some harmless ``[ERROR]`` lines, surefire "Tests run:"
lines) and ``pytest`` (``pytest -v -s``: many PASSED lines, logged tracebacks of retried calls, a FAILURES
section with long tracebacks and ``E`` lines). Each ends with a real failure; the bench says whether the
analyzer's spans hold its key lines. A ``--big-gib`` GitHub Actions log follows.

Figures, one line each: the CPU seconds of ``analyze()`` (``time.process_time`` in a fresh child process,
whose ``ru_maxrss`` is the peak RSS, the generator's memory not counted) and MiB/s, beside
``LC_ALL=C grep -aiE WORDS`` on the same file, its output read through a pipe (GNU grep writing to
/dev/null stops at the first match), its CPU seconds from ``wait4``, and the ratio analyzer/grep measured
in the same run (the machine is shared: absolute figures are noisy, the ratios less so). Then the slowest
line: single-line logs of hostile shapes (long runs of ``a/``, ``::``, ``.``, quotes, ``"error" ``, a URL-like
path; bare and with an error word before or after), 20 KiB, 200 KiB and 1 MiB long, in ms of CPU per KiB.

Usage: python bench/analysis_speed.py [--size-mib 200] [--big-gib 1] [--kinds github,maven,pytest]
       [--max-lines 200] [--no-hostile] [--keep] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _corpus_eval import KEYWORDS, api_note, call_analyze, span_lines

MIB = 1024 * 1024
KINDS = ("github", "maven", "pytest")

# ---- generators -------------------------------------------------------------------------------------------

_PACKAGES = ["requests", "urllib3", "numpy", "pandas", "pytest", "attrs", "pydantic", "sqlalchemy", "click", "rich"]
_GO_PKGS = ["github.com/stretchr/testify", "golang.org/x/sys", "github.com/pkg/errors", "google.golang.org/grpc"]
_TEST_NAMES = ("test_case",) * 6 + ("test_error_handler", "test_fail_fast_flag", "test_retries")
_PARAMS = ("eur", "usd", "gbp", "jpy", "chf", "empty-cart", "bulk", "coupon", "error-path", "fail-open")
_FRAME_CODE = (
    "return self._next_{i}(request)",
    "response = self.session.send(prepared, **kwargs)",
    "return self._retry(call, attempts=3)",
    "raise ConnectionResetError(104, 'Connection reset by peer')",
    "return self.adapter.send(request, stream=stream, timeout=timeout)",
    "result = handler(event)",
)
_BAR = "\x1b[90m" + "\u2501" * 40 + "\x1b[0m"


def _github_stretch(rng: random.Random, step: int) -> list[str]:
    """A passing stretch of a GitHub Actions job (without timestamps), full of harmless error words."""
    kind = step % 8
    out: list[str] = []
    if kind == 0:
        out += [
            f"##[group]Run pip install -r requirements-{step}.txt",
            "\x1b[36;1mpip install -r requirements.txt\x1b[0m",
        ]
        out += ["shell: /usr/bin/bash -e {0}", "##[endgroup]"]
        for _ in range(30):
            p, v = rng.choice(_PACKAGES), f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
            out.append(f"Collecting {p}=={v}")
            out.append(f"  Downloading {p}-{v}-py3-none-any.whl ({rng.randint(10, 900)} kB)")
            out.append(f"     {_BAR} \x1b[32m1.2/1.2 MB\x1b[0m 45.1 MB/s eta 0:00:00")
        out.append(
            "  WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after "
            "connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='pypi.org', port=443): Read timed "
            "out. (read timeout=15)\")': /simple/urllib3/"
        )
        out.append("Successfully installed " + " ".join(f"{p}-1.0" for p in _PACKAGES))
    elif kind == 1:
        out += [
            f"go: downloading {rng.choice(_GO_PKGS)} v0.{rng.randint(0, 40)}.{rng.randint(0, 9)}" for _ in range(20)
        ]
        out += [
            f"ok  \tgithub.com/acme/project/pkg/errors\t0.{rng.randint(10, 99)}s",
            "?   \tgithub.com/acme/cmd [no test files]",
        ]
        out.append("compile: pkg/errors/x.go pkg/errors/wrap.go internal/error_handler.go")
    elif kind == 2:
        for i in range(50):
            name = rng.choice(_TEST_NAMES)
            out.append(
                f"tests/test_module_{step}.py::{name}_{i} \x1b[32mPASSED\x1b[0m{' ' * rng.randint(1, 20)}[{i:3d}%]"
            )
        out.append(f"\x1b[32m=== {rng.randint(100, 900)} passed, 0 failed, 2 warnings in 12.3s ===\x1b[0m")
    elif kind == 3:
        for i in range(30):
            out += [f"=== RUN   TestThing{i}", f"--- PASS: TestThing{i} (0.{rng.randint(0, 99):02d}s)"]
        out.append(f"ok  \tgithub.com/acme/project/pkg{step}\t{rng.random() * 3:.3f}s")
    elif kind == 4:
        for i in range(20):
            out.append(f"[INFO] Compiling {rng.randint(1, 80)} source files to /home/runner/work/p/p/m{i}/target")
            out.append(
                f"[INFO] Tests run: {rng.randint(1, 50)}, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.{i} s"
            )
        out.append("[WARNING] Some deprecated API is used; see the compiler output")
    elif kind == 5:
        for i in range(30):
            out.append(f"  PASS  src/components/widget{i}.test.tsx ({rng.randint(1, 900)} ms)")
            out.append(f"    \u2713 renders an error message for widget {i} ({rng.randint(1, 30)} ms)")
        out += ["npm warn deprecated inflight@1.0.6: This module is not supported", "Tests: 0 failures, 812 passed"]
    elif kind == 6:
        out += ["##[group]Run npx eslint . --max-warnings 0", "\x1b[36;1mnpx eslint .\x1b[0m", "##[endgroup]"]
        for i in range(15):
            out.append(f"src/lib/error_handler_{i}.ts: 0 problems (0 errors, 0 warnings)")
        out += [
            "Found 0 errors in 132 files.",
            "warning: unused variable `retry_count` in src/net.rs:88",
            "Failures: 0",
        ]
        out.append("##[warning]Node.js 16 actions are deprecated. Please update the following actions.")
    else:
        out += ["##[group]Run cargo build --release", "\x1b[36;1mcargo build --release\x1b[0m", "##[endgroup]"]
        for i in range(25):
            crate = rng.choice(("serde", "thiserror", "anyhow", "tokio", "failure", "error-chain"))
            out.append(f"   \x1b[1m\x1b[32mCompiling\x1b[0m {crate} v1.{i}.{rng.randint(0, 9)}")
        out.append("    Finished release [optimized] target(s) in 41.20s")
    return out


_GITHUB_FAILURE = [
    "##[group]Run pytest -q",
    "\x1b[36;1mpytest -q\x1b[0m",
    "shell: /usr/bin/bash -e {0}",
    "##[endgroup]",
    "============================= FAILURES =============================",
    "___________________________ test_parse_config ___________________________",
    "",
    "    def test_parse_config():",
    "        cfg = parse_config('tests/data/config.yml')",
    ">       assert cfg.timeout == 30",
    "E       AssertionError: assert 10 == 30",
    "E        +  where 10 = Config(timeout=10).timeout",
    "",
    "tests/test_config.py:42: AssertionError",
    "=========================== short test summary info ===========================",
    "FAILED tests/test_config.py::test_parse_config - AssertionError: assert 10 == 30",
    "==================== 1 failed, 812 passed in 41.12s ====================",
    "##[error]Process completed with exit code 1.",
    "Post job cleanup.",
]


def _maven_stretch(rng: random.Random, step: int) -> list[str]:
    """A passing stretch of a Maven build console: downloads, compiles, surefire, harmless ERROR lines."""
    module = f"module-{step % 40}"
    kind = step % 4
    out: list[str] = []
    if kind == 0:
        out += [f"[INFO] Building {module} 1.4.{step % 9}-SNAPSHOT [{step % 14 + 1}/14]", "[INFO] " + "-" * 72]
        for _ in range(25):
            art = rng.choice(("commons-lang3", "guava", "jackson-core", "slf4j-api", "error_prone_annotations"))
            url = f"https://repo.maven.apache.org/maven2/org/example/{art}/3.{rng.randint(0, 20)}/{art}-3.12.pom"
            out.append(f"[INFO] Downloading from central: {url}")
            out.append(f"[INFO] Downloaded from central: {url} ({rng.randint(1, 90)} kB at 1.{rng.randint(0, 9)} MB/s)")
    elif kind == 1:
        out.append(f"[INFO] --- maven-compiler-plugin:3.11.0:compile (default-compile) @ {module} ---")
        out.append(
            f"[INFO] Compiling {rng.randint(10, 300)} source files with javac [debug target 17] to target/classes"
        )
        for i in range(6):
            out.append(
                f"[WARNING] /home/jenkins/ws/{module}/src/main/java/com/acme/Foo{i}.java:[{rng.randint(1, 300)},"
                f"{rng.randint(1, 40)}] getErrorCode() in com.acme.ErrorHandler has been deprecated"
            )
    elif kind == 2:
        out.append(f"[INFO] --- maven-surefire-plugin:3.2.5:test (default-test) @ {module} ---")
        out += ["[INFO] ", "[INFO] -------------------------------------------------------", "[INFO]  T E S T S"]
        out.append("[INFO] -------------------------------------------------------")
        for i in range(20):
            cls = f"com.acme.{module.replace('-', '')}.Service{i}Test"
            out.append(f"[INFO] Running {cls}")
            if i % 7 == 3:
                out.append(f"10:00:0{i % 10}.123 [main] ERROR com.acme.RetryingClient - request failed, retrying (1/3)")
                out.append("java.net.SocketTimeoutException: Read timed out")
                out.append("\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)")
                out.append(f"10:00:0{i % 10}.456 [main] INFO  com.acme.RetryingClient - request succeeded")
            runs = rng.randint(1, 40)
            out.append(
                f"[INFO] Tests run: {runs}, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.{i} s - in {cls}"
            )
        out += ["[INFO] ", "[INFO] Results:", "[INFO] ", "[INFO] Tests run: 412, Failures: 0, Errors: 0, Skipped: 2"]
    else:
        out.append(f"[INFO] --- maven-javadoc-plugin:3.6.3:jar (attach-javadocs) @ {module} ---")
        for i in range(4):
            out.append(
                f"[ERROR] /home/jenkins/ws/{module}/src/main/java/com/acme/Api{i}.java:{rng.randint(1, 200)}: "
                "error: unknown tag: apiNote"
            )
        out.append(f"[WARNING] Javadoc Warnings: 4 (failOnError=false) in {module}")
        out.append(f"[INFO] Building jar: /home/jenkins/ws/{module}/target/{module}-1.4-javadoc.jar")
    return out


_MAVEN_FAILURE = [
    "[INFO] --- maven-surefire-plugin:3.2.5:test (default-test) @ core ---",
    "[INFO] Running com.acme.core.ConfigTest",
    "[ERROR] Tests run: 5, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! -- in "
    "com.acme.core.ConfigTest",
    "[ERROR] com.acme.core.ConfigTest.parsesTimeout -- Time elapsed: 0.011 s <<< FAILURE!",
    "org.opentest4j.AssertionFailedError: expected: <30> but was: <10>",
    "\tat org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)",
    "\tat org.junit.jupiter.api.AssertEquals.assertEquals(AssertEquals.java:150)",
    "\tat com.acme.core.ConfigTest.parsesTimeout(ConfigTest.java:42)",
    "",
    "[INFO] ",
    "[INFO] Results:",
    "[INFO] ",
    "[ERROR] Failures: ",
    "[ERROR]   ConfigTest.parsesTimeout:42 expected: <30> but was: <10>",
    "[INFO] ",
    "[ERROR] Tests run: 812, Failures: 1, Errors: 0, Skipped: 3",
    "[INFO] ",
    "[INFO] ------------------------------------------------------------------------",
    "[INFO] BUILD FAILURE",
    "[INFO] ------------------------------------------------------------------------",
    "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on "
    "project core: There are test failures.",
    "[ERROR] -> [Help 1]",
    "Build step 'Invoke top-level Maven targets' marked build as failure",
    "Finished: FAILURE",
]


def _traceback(rng: random.Random, frames: int, root: str = "/builds/acme/shop") -> list[str]:
    out = ["Traceback (most recent call last):"]
    for i in range(frames):
        mod = rng.choice(("client", "retry", "transport", "session", "adapters"))
        out.append(f'  File "{root}/src/shop/{mod}.py", line {rng.randint(10, 400)}, in call_{i}')
        out.append("    " + rng.choice(_FRAME_CODE).format(i=i))
    return out


def _pytest_stretch(rng: random.Random, step: int) -> list[str]:
    """A passing stretch of ``pytest -v -s``: PASSED lines, logged tracebacks of retried calls, skips."""
    out: list[str] = []
    mod = f"tests/unit/test_mod_{step}.py"
    for i in range(40):
        param = rng.choice(_PARAMS)
        out.append(f"{mod}::test_case_{i}[{param}] \x1b[32mPASSED\x1b[0m{' ' * rng.randint(1, 20)}[{i % 100:3d}%]")
    if step % 3 == 0:
        out.append(f"tests/integration/test_client_{step}.py::test_retry_on_reset ")
        out.append(f"WARNING  shop.client:client.py:{rng.randint(40, 200)} attempt 1 failed, retrying in 0.1s")
        out += _traceback(rng, rng.randint(4, 12))
        out.append("ConnectionResetError: [Errno 104] Connection reset by peer")
        out.append("\x1b[32mPASSED\x1b[0m")
    if step % 5 == 0:
        out.append(f"{mod}::test_legacy_errors SKIPPED (needs the error service)                          [ 50%]")
        out.append(f"{mod}::test_known_failure XFAIL (fails on purpose: issue 12)                           [ 51%]")
    return out


def _pytest_failure(rng: random.Random) -> list[str]:
    out = ["", "=================================== FAILURES ==================================="]
    for name in ("test_checkout_total[eur]", "test_checkout_total[usd]", "test_refund_rounding"):
        out += [f"_______________________________ {name} _______________________________", ""]
        out += ["    def test_checkout_total(cart, currency):", ">       total = cart.total(currency)", ""]
        out.append("tests/test_checkout.py:88: ")
        out.append("_ " * 40)
        for i in range(30):
            out.append(f"src/shop/pricing.py:{100 + i}: in convert_{i}")
            out.append(f"    return self.rates[currency].apply(amount, step={i})")
        out += ["_ " * 40, "", "self = <shop.pricing.Rate object at 0x7f3a2c1d9e10>, amount = Decimal('9.99')"]
        out += ["", "    def apply(self, amount):", ">       return amount.quantize(self.step, rounding=ROUND_HALF_UP)"]
        out.append("E       decimal.InvalidOperation: [<class 'decimal.InvalidOperation'>]")
        out += ["", "src/shop/pricing.py:212: InvalidOperation"]
    out.append("=========================== short test summary info ============================")
    out.append(
        "FAILED tests/test_checkout.py::test_checkout_total[eur] - decimal.InvalidOperation: [<class 'decimal..."
    )
    out.append(
        "FAILED tests/test_checkout.py::test_checkout_total[usd] - decimal.InvalidOperation: [<class 'decimal..."
    )
    out.append("FAILED tests/test_checkout.py::test_refund_rounding - decimal.InvalidOperation: [<class 'decimal.In...")
    out.append(f"\x1b[31m=== 3 failed, {rng.randint(20000, 90000)} passed, 12 skipped, 3 xfailed in 912.33s ===\x1b[0m")
    out += ["Cleaning up project directory and file based variables", "ERROR: Job failed: exit code 1"]
    return out


def _stamp(us: int) -> str:
    """A GitHub Actions timestamp ``us`` microseconds after 2026-11-01T00:00:00Z (cheap to format)."""
    seconds, frac = divmod(us, 1_000_000)
    minutes, sec = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    days, hour = divmod(hours, 24)
    return f"2026-11-{1 + days % 28:02d}T{hour:02d}:{minute:02d}:{sec:02d}.{frac:06d}0Z "


def _key(lines: list[str], first: int, keys: tuple[str, ...]) -> list[int]:
    """Line numbers (the failure block starting at line ``first``) of the lines containing one of ``keys``."""
    return [first + i for i, line in enumerate(lines) if any(k in line for k in keys)]


def generate(kind: str, path: Path, size: int, seed: int) -> dict[str, Any]:
    """Writes a log of about ``size`` bytes (streamed) and returns its line count and the failure's key lines."""
    rng = random.Random(f"{kind}:{seed}")
    stretch: Callable[[random.Random, int], list[str]] = {
        "github": _github_stretch,
        "maven": _maven_stretch,
        "pytest": _pytest_stretch,
    }[kind]
    pool = ["".join(line + "\n" for line in stretch(rng, step)) for step in range(800)]
    counts = [s.count("\n") for s in pool]
    sizes = [len(s.encode()) for s in pool]
    if kind == "github":
        failure = _GITHUB_FAILURE
        keys: tuple[str, ...] = ("E       AssertionError", "FAILED tests/")
    elif kind == "maven":
        failure = _MAVEN_FAILURE
        keys = ("AssertionFailedError", "ConfigTest.parsesTimeout:42")
    else:
        failure = _pytest_failure(rng)
        keys = ("E       decimal", "FAILED tests/")
    stamped = kind == "github"
    us = 12 * 3600 * 1_000_000
    written = lines = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        if stamped:
            out.write(_stamp(us) + "Current runner version: '2.321.0'\n")
        else:
            out.write("Started by an SCM change\n" if kind == "maven" else "Running with gitlab-runner 17.5.0\n")
        lines += 1
        while written < size - 16384:
            pick = rng.randrange(len(pool))
            text = pool[pick]
            if stamped:
                parts = text.split("\n")
                parts.pop()
                buf = []
                for line in parts:
                    us += rng.randint(10, 5000)
                    buf.append(_stamp(us) + line + "\n")
                text = "".join(buf)
                written += sizes[pick] + 29 * counts[pick]
            else:
                written += sizes[pick]
            out.write(text)
            lines += counts[pick]
        first = lines + 1
        for line in failure:
            us += 1000
            out.write((_stamp(us) if stamped else "") + line + "\n")
        lines += len(failure)
    return {"lines": lines, "key_lines": _key(failure, first, keys)}


# ---- measuring --------------------------------------------------------------------------------------------


def _child_analyze(path: str, max_lines: int) -> None:
    """Child mode: analyze one file, print CPU, wall, peak RSS and the span lines as JSON."""
    start_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    c0, w0 = time.process_time(), time.perf_counter()
    result = call_analyze(Path(path), max_lines=max_lines)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    got = span_lines(result)
    print(
        json.dumps(
            {
                "cpu": cpu,
                "wall": wall,
                "peak_kib": peak,
                "start_kib": start_kib,
                "lines_total": result.lines_total,
                "spans": [[s.start, s.end] for s in result.spans],
                "got": len(got),
                "category": result.category,
            }
        )
    )


def measure_analyzer(path: Path, max_lines: int, want: list[int]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child-analyze", str(path), "--max-lines", str(max_lines)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"analyzer child failed: {proc.stderr[-2000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    got = set()
    for a, b in res["spans"]:
        got.update(range(a, b + 1))
    res["found"] = sum(1 for n in want if n in got)
    return res


def grep_command(path: Path) -> list[str]:
    return ["grep", "-aiE", KEYWORDS, str(path)]


def measure_grep(path: Path) -> dict[str, Any]:
    """CPU seconds (user+sys, from ``wait4``) and wall time of grep, its output read through a pipe."""
    env = {**os.environ, "LC_ALL": "C"}
    w0 = time.perf_counter()
    proc = subprocess.Popen(grep_command(path), stdout=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    out_bytes = newlines = 0
    while chunk := proc.stdout.read(1 << 20):
        out_bytes += len(chunk)
        newlines += chunk.count(b"\n")
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - w0
    return {"cpu": usage.ru_utime + usage.ru_stime, "wall": wall, "matched": newlines, "out_bytes": out_bytes}


def run_log(kind: str, label: str, size: int, tmp: Path, args: argparse.Namespace) -> None:
    path = tmp / f"{label}.log"
    t0 = time.perf_counter()
    info = generate(kind, path, size, args.seed)
    gen = time.perf_counter() - t0
    mib = path.stat().st_size / MIB
    grep = measure_grep(path)
    res = measure_analyzer(path, args.max_lines, info["key_lines"])
    ratio = res["cpu"] / grep["cpu"] if grep["cpu"] else float("inf")
    head = f"{label:>9} {mib:6.0f} MiB:"
    print(
        f"{head} analyzer {res['cpu']:7.2f}s CPU {mib / res['cpu']:7.1f} MiB/s (wall {res['wall']:.1f}s)"
        f" | grep {grep['cpu']:5.2f}s CPU {mib / max(grep['cpu'], 1e-9):5.0f} MiB/s (wall {grep['wall']:.1f}s,"
        f" {grep['matched']} lines out) | analyzer/grep CPU {ratio:.0f}x",
        flush=True,
    )
    print(
        f"{head} peak RSS {res['peak_kib'] / 1024:.0f} MiB ({res['start_kib'] / 1024:.0f} after imports)"
        f" | {info['lines']} lines; spans hold {res['found']}/{len(info['key_lines'])} of the failure's key lines,"
        f" {res['got']} lines returned, category {res['category']} | generated in {gen:.0f}s",
        flush=True,
    )
    if not args.keep:
        path.unlink()


# ---- hostile lines ----------------------------------------------------------------------------------------

SHAPES: dict[str, str] = {
    "a/": "a/",
    "::": "::",
    ".": ".",
    'quotes "': '"',
    '"error" ': '"error" ',
    "url path": "segment-42/",
}
FORMS = ("bare", "error: before", "error after")
HOSTILE_KIB = (20, 200, 1024)


def hostile_line(shape: str, form: str, kib: int) -> bytes:
    """One line of about ``kib`` KiB of the shape, with an error word before or after it or none."""
    unit = SHAPES[shape]
    body = unit * (kib * 1024 // len(unit))
    if shape == "url path":
        body = "https://ci.example.com/" + body + "report.py:12"
    if form == "error: before":
        body = "Error: " + body
    elif form == "error after":
        body = body + " failed with error"
    return (body + "\n").encode()


def _child_hostile(shape: str, form: str, sizes: list[int], budget: float) -> None:
    """Child mode: per size (increasing), the best-of-repeats CPU ms of analyzing one hostile line.

    Prints one JSON line per size; stops before a size whose linear projection exceeds ``budget`` seconds.
    (No RLIMIT_CPU here: with it armed, Linux reads the process CPU clock at tick granularity.)
    """
    for k, kib in enumerate(sizes):
        data = hostile_line(shape, form, kib)
        best, spent, runs = float("inf"), 0.0, 0
        while runs < 1 or (spent < 0.3 and runs < 20):
            c0 = time.process_time()
            call_analyze(data)
            took = time.process_time() - c0
            best, spent, runs = min(best, took), spent + took, runs + 1
        print(json.dumps({"kib": len(data) / 1024, "ms": best * 1000, "runs": runs}), flush=True)
        if k + 1 < len(sizes) and best * sizes[k + 1] / kib > budget:
            print(json.dumps({"skipped": sizes[k + 1 :]}), flush=True)
            return


def _cpu_seconds(pid: int) -> float:
    """User+system CPU seconds a live process has used so far (Linux ``/proc``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_cpu_limited(cmd: list[str], cpu_limit: float, wall_limit: float) -> tuple[str, str]:
    """Runs ``cmd``, killing it past ``cpu_limit`` CPU seconds or ``wall_limit`` seconds; (stdout, status)."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        start = time.monotonic()
        status = "ok"
        while proc.poll() is None:
            if _cpu_seconds(proc.pid) > cpu_limit:
                status = f"over {cpu_limit:g}s of CPU"
            elif time.monotonic() - start > wall_limit:
                status = f"over {wall_limit:g}s of wall time"
            if status != "ok":
                proc.kill()
                proc.wait()
                break
            time.sleep(0.2)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
        if status == "ok" and proc.returncode != 0:
            status = f"child failed: {err[-300:]!r}"
        out.seek(0)
        return out.read().decode(), status


def run_hostile(sizes: list[int], timeout: float) -> None:
    """One line per shape and form with ms/KiB per size, then the slowest figure."""
    worst: tuple[float, str] = (0.0, "")
    stopped: list[str] = []
    arg = ",".join(str(k) for k in sizes)
    for shape in SHAPES:
        for form in FORMS:
            cmd = [sys.executable, __file__, "--child-hostile", shape, form, arg, str(timeout)]
            out, status = run_cpu_limited(cmd, timeout, 4 * timeout + 10)
            note = ""
            if status != "ok":
                note = f" | STOPPED on the next size: {status}"
                stopped.append(f"{shape!r} {form}")
            cells = []
            for row in (json.loads(x) for x in out.splitlines() if x.strip()):
                if "skipped" in row:
                    note += f" | skipped {row['skipped']} KiB (projected over {timeout:.0f}s)"
                    continue
                per_kib = row["ms"] / row["kib"]
                cells.append(f"{row['kib']:5.0f} KiB {row['ms']:9.1f} ms {per_kib:8.3f} ms/KiB")
                if per_kib > worst[0]:
                    worst = (per_kib, f"{shape!r} {form}, {row['kib']:.0f} KiB")
            print(f"hostile line {shape!r:11} {form:13}: " + " | ".join(cells) + note, flush=True)
    print(f"slowest line measured: {worst[0]:.3f} ms CPU per KiB ({worst[1]})", flush=True)
    if stopped:
        print(f"stopped (over {timeout:g}s of CPU, slower than measured): {', '.join(stopped)}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size-mib", type=float, default=200, help="size of each kind's log (default 200)")
    parser.add_argument("--big-gib", type=float, default=1, help="size of the big GitHub Actions log (0: skip)")
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated, of: " + ", ".join(KINDS))
    parser.add_argument("--max-lines", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-hostile", action="store_true", help="skip the hostile single-line logs")
    parser.add_argument(
        "--hostile-kib", default=",".join(map(str, HOSTILE_KIB)), help="hostile line sizes, KiB (20,200,1024)"
    )
    parser.add_argument("--hostile-timeout", type=float, default=15, help="CPU seconds per hostile shape and form")
    parser.add_argument("--keep", action="store_true", help="keep the generated logs")
    parser.add_argument("--child-analyze", help=argparse.SUPPRESS)
    parser.add_argument("--child-hostile", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_analyze:
        _child_analyze(args.child_analyze, args.max_lines)
        return 0
    if args.child_hostile:
        shape, form, sizes, budget = args.child_hostile
        _child_hostile(shape, form, [int(k) for k in sizes.split(",")], float(budget))
        return 0
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        parser.error(f"unknown kinds: {unknown}")
    print(f"{api_note()}; max_lines={args.max_lines}; grep: LC_ALL=C {' '.join(grep_command(Path('FILE')))}")
    tmp = Path(tempfile.mkdtemp(prefix="analysis-speed-"))
    try:
        for kind in kinds:
            run_log(kind, kind, int(args.size_mib * MIB), tmp, args)
        if args.big_gib > 0:
            run_log("github", f"github-{args.big_gib:g}G", int(args.big_gib * 1024 * MIB), tmp, args)
        if not args.no_hostile:
            run_hostile([int(k) for k in args.hostile_kib.split(",")], args.hostile_timeout)
    finally:
        if args.keep:
            print(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
