"""``python -m bot analyze``: only the analyzer is imported, the options, the JSON, the progress bar."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from bot.analysis import analyze
from bot.analysis.cli import _Progress, main, read_tree
from bot.analysis.source import counted, iter_chunks

from .helpers import DATA

LOG = DATA / "gh_staticcheck.log"
ROOT = Path(__file__).resolve().parents[2]
SERVER_PACKAGES = ("aiohttp", "sqlalchemy", "openai", "gidgethub", "gidgetlab", "alembic", "pydantic", "bot.server",
                   "bot.cli", "storage")


def _python(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=60, **kwargs
    )


def _imported(importtime_stderr: str) -> set[str]:
    """The modules named in ``python -X importtime`` output."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in importtime_stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


@pytest.mark.parametrize("args", [["--help"], [str(LOG), "--format", "json"]], ids=["help", "a log"])
def test_analyze_imports_only_the_analyzer(args: list[str]) -> None:
    proc = _python("-X", "importtime", "-m", "bot", "analyze", *args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    modules = _imported(proc.stderr)
    assert "bot.analysis.analyzer" in modules
    heavy = sorted(m for m in modules if m.split(".")[0] in SERVER_PACKAGES or m in SERVER_PACKAGES)
    assert not heavy, f"python -m bot analyze imported {heavy}"


def test_the_analysis_package_is_light() -> None:
    proc = _python("-c", "import sys, bot.analysis; print('\\n'.join(sorted(sys.modules)))")
    assert proc.returncode == 0, proc.stderr
    loaded = set(proc.stdout.split())
    assert not {m for m in loaded if m.split(".")[0] in ("aiohttp", "sqlalchemy", "openai", "gidgethub", "tqdm")}


def test_start_up_time_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    """Not asserted (a loaded machine would make it flaky): shown with ``pytest -s``."""
    best = min(_timed([sys.executable, "-m", "bot", "analyze", "--help"]) for _ in range(3))
    bare = min(_timed([sys.executable, "-c", "pass"]) for _ in range(3))
    with capsys.disabled():
        print(f"\n  python -m bot analyze --help: {best * 1000:.0f} ms wall (python -c pass: {bare * 1000:.0f} ms)")


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True, timeout=60)
    return time.perf_counter() - start


def _span_lines(data: dict[str, object]) -> int:
    return sum(s["end"] - s["start"] + 1 for s in data["spans"])  # type: ignore[attr-defined, index]


def test_max_lines_and_its_old_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(LOG), "--format", "json"]) == 0
    full = json.loads(capsys.readouterr().out)
    assert main([str(LOG), "--format", "json", "--max-lines", "3"]) == 0
    small = json.loads(capsys.readouterr().out)
    assert main([str(LOG), "--format", "json", "--max-span-lines", "3"]) == 0
    alias = json.loads(capsys.readouterr().out)
    assert 0 < _span_lines(small) <= 3 < _span_lines(full)
    assert alias == small


def test_max_span_lines_is_not_advertised(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "--max-lines" in out and "--tree" in out
    assert "--max-span-lines" not in out


def test_json_is_the_analysis_to_dict(capsys: pytest.CaptureFixture[str]) -> None:
    """The stable fields stay, and each span carries its text."""
    assert main([str(LOG), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"spans", "category", "signature", "summary", "files", "tests", "lines_total"} <= set(data)
    assert all(set(span) == {"start", "end", "step", "text", "kind"} for span in data["spans"])
    assert data == json.loads(json.dumps(analyze(LOG, max_lines=200).to_dict()))


def test_tree_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The listed paths reach the analyzer: a base name in an error becomes the repository's path."""
    log = tmp_path / "job.log"
    log.write_text("go build ./...\n# example.com/m/internal/util\nutil.go:9:2: undefined: x\n"
                   "##[error]Process completed with exit code 1.\n")
    tree = tmp_path / "tree.txt"
    tree.write_text("./internal/util/util.go\n\n  go.mod \nREADME.md\n")
    assert read_tree(tree) == ["internal/util/util.go", "go.mod", "README.md"]
    assert main([str(log), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["files"] == [{"path": "util.go", "line": 9}]
    assert main([str(log), "--tree", str(tree), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["files"] == [{"path": "internal/util/util.go", "line": 9}]


def test_a_missing_tree_file_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(LOG), "--tree", str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt" in capsys.readouterr().err


def test_counted_chunks_report_every_byte() -> None:
    seen: list[int] = []
    data = b"line\n" * 300_000
    assert b"".join(counted(iter_chunks(data, read_size=65536), seen.append)) == data
    assert sum(seen) == len(data)
    assert analyze(counted(iter_chunks(data), seen.append)).lines_total == 300_000


def test_progress_bar_appears_only_for_big_logs() -> None:
    small, big = io.StringIO(), io.StringIO()
    bar = _Progress(1000, file=small, min_bytes=10_000)
    bar.update(1000)
    bar.close()
    assert small.getvalue() == ""
    bar = _Progress(None, file=big, min_bytes=10_000)  # a pipe: the size shows itself as it is read
    for _ in range(30):
        bar.update(1000)
    bar.close()
    assert "analyzing" in big.getvalue()


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    """A 51 MiB log analyzed with standard error on a terminal draws the bar there, not on standard output."""
    log = tmp_path / "big.log"
    line = b"2024-05-01T10:00:00.1234567Z tests/test_mod.py::test_case PASSED [ 50%]\n"
    with log.open("wb") as fh:
        for _ in range(51):
            fh.write(line * (1024 * 1024 // len(line) + 1))
        fh.write(b"FAILED tests/test_mod.py::test_last - AssertionError\n")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # tqdm draws nothing 0 columns wide
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "analyze", str(log), "--format", "json"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL,
        )
        os.close(slave)
        terminal = b""
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            terminal += chunk
        out, _ = proc.communicate(timeout=60)
    finally:
        os.close(master)
    assert proc.returncode == 0
    assert b"analyzing" in terminal
    assert json.loads(out)["tests"] == ["tests/test_mod.py::test_last"]
