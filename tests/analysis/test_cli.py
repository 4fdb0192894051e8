"""``python -m bot analyze``: the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.analysis.cli import main

from .helpers import DATA

LOG = DATA / "gh_staticcheck.log"
ROOT = Path(__file__).resolve().parents[2]


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(LOG), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"spans", "category", "signature", "summary", "files", "tests", "lines_total"}
    assert data["lines_total"] == 48
    assert data["spans"]


def test_text_output_with_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(LOG), "--baseline", str(DATA / "gh_go_mod_tidy.log")]) == 0
    out = capsys.readouterr().out
    assert "Failed step: Run make fmtcheck" in out
    assert "Category:" in out and "Summary:" in out
    assert " | ##[error]internal/command/cliconfig/credentials_test.go:89:4" in out


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main([str(tmp_path / "nope.log")]) == 2
    assert "nope.log" in capsys.readouterr().err


def test_module_entry_point_reads_stdin() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "analyze", "-", "--format", "json"],
        input=LOG.read_bytes(),
        capture_output=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["category"] == "compile"
