"""Benchmark: analyzer throughput (MiB/s) and peak memory on generated GitHub Actions logs.

Generates a realistic job log (timestamps, ##[group] steps, dependency installs, compiler and test
output, a failing test near the end) of 50 MiB and of 1 GiB by default, streaming it to a temporary
directory, analyses each in a fresh subprocess (so ``ru_maxrss`` is the analysis's own peak RSS), and
deletes the files afterwards.

Usage: python bench/analysis_speed.py [--small-mib 50] [--large-mib 1024] [--keep]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from bot.analysis import analyze
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
result = analyze(Path(sys.argv[1]))
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_kib": peak, "start_kib": before, "lines": result.lines_total,
                  "spans": [[s.start, s.end] for s in result.spans], "category": result.category}))
"""

_PACKAGES = [
    "requests",
    "urllib3",
    "numpy",
    "pandas",
    "pytest",
    "attrs",
    "pydantic",
    "sqlalchemy",
    "click",
    "rich",
]
_GO_PKGS = [
    "github.com/stretchr/testify",
    "golang.org/x/sys",
    "github.com/pkg/errors",
    "google.golang.org/grpc",
]


def _lines(rng: random.Random, step: int):
    """Yield one realistic chunk of log lines (without timestamps) for a normal, passing stretch."""
    kind = step % 6
    if kind == 0:
        yield f"##[group]Run pip install -r requirements-{step}.txt"
        yield "\x1b[36;1mpip install -r requirements.txt\x1b[0m"
        yield "shell: /usr/bin/bash -e {0}"
        yield "##[endgroup]"
        for _ in range(40):
            p = rng.choice(_PACKAGES)
            v = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
            yield f"Collecting {p}=={v}"
            yield f"  Downloading {p}-{v}-py3-none-any.whl ({rng.randint(10, 900)} kB)"
            yield "     \x1b[90m" + "━" * 40 + "\x1b[0m \x1b[32m1.2/1.2 MB\x1b[0m 45.1 MB/s eta 0:00:00"
        yield "Successfully installed " + " ".join(f"{p}-1.0" for p in _PACKAGES)
    elif kind == 1:
        for _ in range(30):
            yield f"go: downloading {rng.choice(_GO_PKGS)} v0.{rng.randint(0, 40)}.{rng.randint(0, 9)}"
    elif kind == 2:
        for i in range(60):
            pad = " " * rng.randint(1, 20)
            yield f"tests/test_module_{step}.py::test_case_{i} PASSED{pad}[{i % 100:3d}%]"
    elif kind == 3:
        for i in range(40):
            yield f"=== RUN   TestThing{i}"
            yield f"--- PASS: TestThing{i} (0.{rng.randint(0, 99):02d}s)"
        yield f"ok  \tgithub.com/acme/project/pkg{step}\t{rng.random() * 3:.3f}s"
    elif kind == 4:
        for i in range(30):
            yield f"[INFO] Compiling {rng.randint(1, 80)} source files to /home/runner/work/p/p/m{i}/target"
            yield f"[INFO] --- maven-surefire-plugin:3.0.0:test (default-test) @ module{i} ---"
            runs = rng.randint(1, 50)
            yield f"[INFO] Tests run: {runs}, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.{i} s"
        yield "[WARNING] Some deprecated API is used; see the compiler output"
    else:
        for i in range(40):
            yield f"  PASS  src/components/widget{i}.test.tsx ({rng.randint(1, 900)} ms)"
            yield f"    \u2713 renders the widget number {i} ({rng.randint(1, 30)} ms)"
        yield "npm WARN deprecated inflight@1.0.6: This module is not supported"


_FAILURE = [
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


def _stamp(us: int) -> str:
    """A GitHub Actions timestamp for ``us`` microseconds after 2024-05-01T00:00:00Z (cheap to format)."""
    seconds, frac = divmod(us, 1_000_000)
    minutes, sec = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    days, hour = divmod(hours, 24)
    return f"2024-05-{1 + days % 28:02d}T{hour:02d}:{minute:02d}:{sec:02d}.{frac:06d}0Z "


def generate(path: Path, size: int, seed: int = 7) -> None:
    """Write a log of about ``size`` bytes to ``path`` (streamed, a few KiB held at a time)."""
    rng = random.Random(seed)
    pool = [list(_lines(rng, step)) for step in range(600)]  # varied stretches, reused in random order
    extra = [sum(len(x.encode("utf-8")) - len(x) for x in stretch) for stretch in pool]  # non-ASCII bytes
    us = 12 * 3600 * 1_000_000
    written = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(_stamp(us) + "Current runner version: '2.316.0'\n")
        while written < size - 4096:
            pick = rng.randrange(len(pool))
            stretch = pool[pick]
            buf = []
            for line in stretch:
                us += rng.randint(10, 5000)
                buf.append(_stamp(us) + line + "\n")
            chunk = "".join(buf)
            out.write(chunk)
            written += len(chunk) + extra[pick]
        for line in _FAILURE:
            us += 1000
            out.write(_stamp(us) + line + "\n")


def measure(path: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(ROOT)], capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small-mib", type=float, default=50)
    parser.add_argument("--large-mib", type=float, default=1024, help="size of the large log (0 to skip)")
    parser.add_argument("--keep", action="store_true", help="keep the generated logs")
    args = parser.parse_args(argv)
    sizes = [("small", args.small_mib)] + ([("large", args.large_mib)] if args.large_mib > 0 else [])
    tmp = Path(tempfile.mkdtemp(prefix="analysis-speed-"))
    try:
        for name, mib in sizes:
            path = tmp / f"{name}.log"
            t0 = time.perf_counter()
            generate(path, int(mib * 1024 * 1024))
            gen = time.perf_counter() - t0
            real = path.stat().st_size / (1024 * 1024)
            res = measure(path)
            print(
                f"{real:8.1f} MiB log: {real / res['seconds']:7.1f} MiB/s ({res['seconds']:.2f}s), "
                f"peak RSS {res['peak_kib'] / 1024:6.1f} MB "
                f"(interpreter at start {res['start_kib'] / 1024:.1f} MB), "
                f"{res['lines']} lines, spans {res['spans']}, category {res['category']} "
                f"[generated in {gen:.1f}s]"
            )
            if not args.keep:
                path.unlink()
    finally:
        if not args.keep:
            for p in tmp.iterdir():
                p.unlink()
            tmp.rmdir()
        else:
            print(f"logs kept in {tmp}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
