"""The job's structure across CI formats: which step failed, and that output after it does not count."""

from __future__ import annotations

from bot.analysis import analyze
from bot.analysis.blocks import FILL_TAIL

from .helpers import DATA, chosen, gh, line_no


def test_travis_first_failing_command_and_not_after_failure() -> None:
    log = (DATA / "travis_pytest.log").read_bytes().decode()  # its "\r" are not line ends
    result = analyze(DATA / "travis_pytest.log")
    lines = chosen(result)
    assert result.failed_step == "python -m pytest tests"
    assert line_no(log, "E       assert 3 == 4") in lines
    assert line_no(log, "tests/test_a.py:12: AssertionError") in lines
    # the after_failure phase's own ERROR lines come after the verdict of the failing command
    assert line_no(log, "ERROR worker 0 lost connection") not in lines
    assert result.summary.endswith("assert 3 == 4")
    assert [(f.path, f.line) for f in result.files] == [("tests/test_a.py", 12)]


def test_a_log_full_of_harmless_error_words() -> None:
    noise = []
    for i in range(300):
        noise += [
            f"tests/test_mod_{i}.py::test_error_path[{i}] PASSED",
            "Found 0 errors in 12 files",
            "   Compiling thiserror v1.0.50",
            f"    ✓ renders an error message for widget {i} (12 ms)",
            "Tests: 0 failed, 812 passed",
            "warning: unused variable `x`",
            "Retrying (Retry(total=4)) after connection broken; ok",
        ]
    log = gh(
        [
            "##[group]Run make test",
            "##[endgroup]",
            *noise,
            "deploy: health check returned 502 for https://staging.example.test/healthz",
            "##[error]Process completed with exit code 2.",
        ]
    )
    result = analyze(log)
    lines = chosen(result)
    assert line_no(log, "health check returned 502") in lines
    # the step's end (FILL_TAIL lines of context at most: no tool's block explains it), not the decoys
    assert len(lines) <= FILL_TAIL + 10
    assert line_no(log, "test_error_path[0] PASSED") not in lines


def test_only_the_last_lines_explain() -> None:
    log = gh(
        [
            "##[group]Run ./scripts/release.sh",
            "##[endgroup]",
            *[f"packing file {i}" for i in range(500)],
            "signature does not match the uploaded archive",
            "##[error]Process completed with exit code 1.",
        ]
    )
    result = analyze(log)
    assert line_no(log, "signature does not match") in chosen(result)
    assert line_no(log, "packing file 100") not in chosen(result)
