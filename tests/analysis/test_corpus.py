"""The analyzer on real tool output: the committed corpus (bench/corpus), captured from the real tools and
wrapped as GitHub Actions and GitLab job logs, with the lines a person must read labelled per tool."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.analysis import analyze

LOGS = Path(__file__).resolve().parents[2] / "bench" / "corpus" / "logs"

# An exception raised in the code under test and called from a test: the code's path:line first, the test's
# second; every labelled line found; the failing test named.
RAISED_IN_CODE = [
    "pytest-exception-in-code",
    "pytest-exception-tb-short",
    "unittest-error",
    "jest-exception-in-code",
    "go-test-panic",
    "vitest-exception-in-code",
    "maven-surefire-error",
]
# One case per tool and failure kind whose every labelled line, category and test ids the analyzer finds.
WHOLE = [
    "pytest-assertion",
    "pytest-parametrize",
    "pytest-fixture-error",
    "pytest-collection-importerror",
    "pytest-doctest",
    "unittest-failure",
    "jest-assertion",
    "go-test-failure",
    "go-build-error",
    "cargo-build-error",
    "maven-surefire-failure",
    "maven-compile-error",
    "gradle-compile-error",
    "javac-compile-error",
    "gcc-compile-error",
    "tsc-type-errors",
    "flake8",
    "pylint",
    "uv-unsatisfiable",
    "poetry-lock-conflict",
    "npm-eresolve-peer",
    "make-compile",
]
VARIANTS = ["github", "gitlab", "gitlab-post"]


def _case(name: str, variant: str) -> tuple[dict, object, set[int]]:
    meta = json.loads((LOGS / f"{name}.{variant}.json").read_text())
    result = analyze(LOGS / f"{name}.{variant}.log", tree=meta["tree"])
    chosen = {n for s in result.spans for n in range(s.start, s.end + 1)}
    return meta, result, chosen


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", RAISED_IN_CODE)
def test_exception_raised_in_code_under_test(name: str, variant: str) -> None:
    if not (LOGS / f"{name}.{variant}.json").exists():
        variant = "github-post"
    meta, result, chosen = _case(name, variant)
    assert set(meta["lines"]) <= chosen
    want = [(f["path"], f["line"]) for f in meta["files"]]
    got = [(f.path, f.line) for f in result.files]
    assert got[0] == want[0], got  # where it was raised
    assert want[1] in got[:3], got  # the test that called it
    assert result.category == meta["category"]
    named = " ".join(result.tests).replace(" \u203a ", " > ")  # jest names a test "Suite › test"
    assert all(t in named for t in meta["tests"]), (result.tests, meta["tests"])


@pytest.mark.parametrize("variant", ["github", "gitlab"])
@pytest.mark.parametrize("name", WHOLE)
def test_tool_output_is_found(name: str, variant: str) -> None:
    meta, result, chosen = _case(name, variant)
    assert set(meta["lines"]) <= chosen, sorted(set(meta["lines"]) - chosen)
    assert result.category == meta["category"]
    # far fewer lines than the log: a budget, not the tail
    assert len(chosen) <= max(40, len(meta["lines"]) * 4)
    for span in result.spans:
        assert span.text.count("\n") == span.end - span.start
        assert "\x1b[" not in span.text and "2026-11-30T" not in span.text


def test_pytest_frames_point_into_the_repository() -> None:
    meta, result, _ = _case("pytest-exception-in-code", "github")
    assert [(f.path, f.line) for f in result.files][:1] == [("src/inventory/pricing.py", 16)]
    assert all(not f.path.startswith("/") and "site-packages" not in f.path for f in result.files)
    assert result.tests == meta["tests"]


def test_rust_panic_is_the_failure_not_the_verdict() -> None:
    _, result, _ = _case("cargo-test-panic", "github")
    text = "\n".join(s.text for s in result.spans)
    assert "panicked at src/stock.rs:19:9" in text
    assert "attempt to subtract with overflow" in text
    assert result.files[0].path == "src/stock.rs" and result.files[0].line == 19
    assert result.tests == ["ship_more_than_on_hand_is_refused"]


def test_decoy_error_words_in_passing_steps_are_not_chosen() -> None:
    # the corpus's noise: "0 errors", "--fail-fast", "error_handler", retries that succeed, deprecation warnings
    _, _, chosen = _case("pytest-assertion", "github")
    log = (LOGS / "pytest-assertion.github.log").read_bytes().split(b"\n")
    for no in chosen:
        line = log[no - 1]
        assert b"Found 0 errors" not in line and b"--fail-fast" not in line
