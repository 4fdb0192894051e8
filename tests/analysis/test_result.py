"""The result: the stable JSON schema, the text format, signatures that survive a rerun."""

from __future__ import annotations

import json

from bot.analysis import CATEGORIES, Analysis, analyze
from bot.analysis.render import render_text

from .helpers import gh

RUN_1 = gh(
    [
        "##[group]Run pytest",
        "##[endgroup]",
        "________________ test_upload ________________",
        "tmp = PosixPath('/tmp/pytest-of-runner/pytest-12/test_upload0')",
        ">       assert upload(tmp) is True",
        "E       ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=49152) at 0x7f3a2b1c4d90",
        "E       took 1.532s, run id 8812345",
        "tests/test_up.py:88: ConnectionError",
        "FAILED tests/test_up.py::test_upload - ConnectionError",
        "========== 1 failed, 40 passed in 12.34s ==========",
        "##[error]Process completed with exit code 1.",
    ],
    start="2024-05-01T10:00:00",
)
RUN_2 = gh(
    [
        "Some extra setup line that moved everything down",
        "##[group]Run pytest",
        "##[endgroup]",
        "________________ test_upload ________________",
        "tmp = PosixPath('/tmp/pytest-of-runner/pytest-99/test_upload0')",
        ">       assert upload(tmp) is True",
        "E       ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=50001) at 0x55d0c0ffee00",
        "E       took 0.204s, run id 9900001",
        "tests/test_up.py:91: ConnectionError",
        "FAILED tests/test_up.py::test_upload - ConnectionError",
        "========== 1 failed, 40 passed in 9.87s ==========",
        "##[error]Process completed with exit code 1.",
    ],
    start="2024-06-11T23:59:59",
)


def test_json_schema_is_exact() -> None:
    result = analyze(RUN_1)
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) == {"spans", "category", "signature", "summary", "files", "tests", "lines_total"}
    for span in data["spans"]:
        # the old fields unchanged, and the span's own (redacted) lines added
        assert set(span) == {"start", "end", "step", "text", "kind"}
        assert span["text"].count("\n") == span["end"] - span["start"]
        assert isinstance(span["start"], int) and isinstance(span["end"], int)
        assert 1 <= span["start"] <= span["end"] <= data["lines_total"]
        assert span["step"] is None or isinstance(span["step"], str)
    assert data["category"] in CATEGORIES
    assert isinstance(data["signature"], str) and data["signature"]
    assert isinstance(data["summary"], str) and "\n" not in data["summary"]
    for f in data["files"]:
        assert set(f) == {"path", "line"}
        assert isinstance(f["path"], str)
        assert f["line"] is None or isinstance(f["line"], int)
    assert all(isinstance(t, str) for t in data["tests"])
    assert data["lines_total"] == 11


def test_analysis_extras_are_not_in_json() -> None:
    result = analyze(RUN_1)
    assert isinstance(result, Analysis)
    assert "excerpt" not in result.to_dict() and "failed_step" not in result.to_dict()
    assert result.failed_step == "Run pytest"
    numbers = [n for n, _ in result.excerpt]
    assert numbers == sorted({n for s in result.spans for n in range(s.start, s.end + 1)})


def test_signature_is_stable_across_runs() -> None:
    a, b = analyze(RUN_1), analyze(RUN_2)
    assert a.category == b.category
    assert a.signature == b.signature
    assert a.tests == b.tests == ["tests/test_up.py::test_upload"]


def test_signature_differs_for_a_different_failure() -> None:
    other = RUN_1.replace("ConnectionError", "KeyError").replace("test_upload", "test_download")
    assert analyze(other).signature != analyze(RUN_1).signature


def test_text_format_has_step_lines_category_summary() -> None:
    result = analyze(RUN_1)
    text = render_text(result)
    assert "Failed step: Run pytest" in text
    assert f"Category:    {result.category}" in text
    assert "Summary:" in text
    first = result.spans[0]
    assert f"{first.start} | " in text
    assert "2024-05-01T" not in text  # timestamps are stripped


def test_excerpt_is_redacted() -> None:
    log = "step\nerror: push failed for https://bot:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/a/b\n"
    result = analyze(log)
    text = "\n".join(t for _, t in result.excerpt)
    assert "ghp_" not in text and "[REDACTED]" in text
    assert "ghp_" not in result.summary
