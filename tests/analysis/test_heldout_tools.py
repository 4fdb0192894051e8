"""The analyzer on tools it was never tuned on: the held-out set (bench/heldout), real output of Ruby, PHP,
Haskell, Elixir, Perl, R and Lua tools, sanitizers, linters and formatters, wrapped as GitHub Actions and GitLab
job logs with the lines a person must read labelled per tool and failure kind; and the generic shapes that
carry it there (frames in many languages' forms, a path before "line N", a failing step's words)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.analysis import analyze
from bot.analysis.facts import RepoTree, extract_files

from .helpers import chosen, gh_step

LOGS = Path(__file__).resolve().parents[2] / "bench" / "heldout" / "logs"

# Every labelled line, every labelled file (path and line) with the first one first, and the category.
WHOLE = [
    # DEV half
    "asan-heap-overflow",
    "asan-use-after-free",
    "bandit-medium",
    "black-check",
    "busted-tap",
    "composer-conflict",
    "ghc-type-error",
    "ghc-not-in-scope",
    "phpunit-errors",
    "phpunit-testdox",
    "prove-failures",
    "shellcheck-gcc",
    "terraform-fmt",
    # TEST half (found without being tuned on: kept from falling)
    "bundler-missing-gem",
    "bundler-version-conflict",
    "isort-check",
    "minitest-failures",
    "mix-compile-error",
    "prettier-check-src",
]
# Every labelled line and every labelled file, in whatever order.
LINES_AND_FILES = [
    "busted-failures",
    "rspec-failures",
    "rspec-documentation",
    "rubocop-offenses",
    "shellcheck-tty",
    "terraform-validate",
    "bandit-issues",
    "cppcheck-errors",
    "exunit-failures",
    "php-uncaught-exception",
    # DEV3: a "Failures:" list header ten lines above its first error word; stylelint's "\u2716" rows
    "jasmine-failures",
    "stylelint-string",
    # DEV7: Twisted trial's "[FAIL]"/"[ERROR]" reports (Maven's empty "[ERROR]" line has the same text), each closed
    # by the test's dotted id; an exception named by its module ("twisted.trial.unittest.FailTest: 150 != 15")
    "trial-failures",
    "trial-text",
    # DEV7: hspec's numbered verdicts ("reads hours FAILED [1]"); webpack's resolver log left out under its
    # "Can't resolve", its "Did you mean './charts.js'?" kept
    "hspec-failures",
    "webpack-module-not-found",
    # DEV6: unittest's verbose verdict "test_x (app.tests.T.test_x) ... FAIL" (Django's runner), far above its report
    "django-test-verbose",
]
# An error raised in the code under test, called from a test: the code's path:line first, the test's next.
RAISED_IN_CODE = ["asan-heap-overflow", "asan-use-after-free", "phpunit-errors"]


def _case(name: str, variant: str) -> tuple[dict, object, set[int]]:
    path = LOGS / f"{name}.{variant}.json"
    if not path.exists():  # each case has one -post variant, github's or gitlab's
        path = LOGS / f"{name}.{variant.replace('gitlab', 'github')}-post.json"
    meta = json.loads(path.read_text())
    result = analyze(path.with_suffix(".log"), tree=meta["tree"])
    return meta, result, chosen(result)


def _files(result: object) -> list[tuple[str, int | None]]:
    return [(f.path, f.line) for f in result.files]  # type: ignore[attr-defined]


def _found(label: dict, got: list[tuple[str, int | None]]) -> bool:
    return any(path == label["path"] and (label["line"] is None or line == label["line"]) for path, line in got)


@pytest.mark.parametrize("variant", ["github", "gitlab"])
@pytest.mark.parametrize("name", WHOLE)
def test_tool_output_is_found_whole(name: str, variant: str) -> None:
    meta, result, lines = _case(name, variant)
    assert set(meta["lines"]) <= lines, sorted(set(meta["lines"]) - lines)
    got = _files(result)
    assert all(_found(f, got) for f in meta["files"]), (got, meta["files"])
    if meta["files"]:
        assert _found(meta["files"][0], got[:1]), (got, meta["files"])
    assert result.category == meta["category"]  # type: ignore[attr-defined]
    assert len(lines) < len(meta["lines"]) * 6 + 30  # a few times what must be read, not the whole log


@pytest.mark.parametrize("variant", ["github", "gitlab"])
@pytest.mark.parametrize("name", LINES_AND_FILES)
def test_tool_output_lines_and_files(name: str, variant: str) -> None:
    meta, result, lines = _case(name, variant)
    assert set(meta["lines"]) <= lines, sorted(set(meta["lines"]) - lines)
    got = _files(result)
    assert all(_found(f, got) for f in meta["files"]), (got, meta["files"])


@pytest.mark.parametrize("name", RAISED_IN_CODE)
def test_error_raised_in_code_under_test(name: str) -> None:
    meta, result, _ = _case(name, "github")
    want = [(f["path"], f["line"]) for f in meta["files"]]
    got = _files(result)
    assert got[0] == want[0], got
    assert want[1] in got[:3], got


def test_sanitizer_report_runs_over_its_paragraphs() -> None:
    """ASan's report is paragraphs split by blank lines: the access's stack, the region, who freed it, who
    allocated it, the SUMMARY. All of them are one block; the shadow-byte map after it is not needed."""
    _meta, result, lines = _case("asan-use-after-free", "gitlab")
    # numbered as the analyzer numbers them: a GitLab log's "\r" (its section markers) does not end a line
    log = (LOGS / "asan-use-after-free.gitlab.log").read_bytes().decode("utf-8").split("\n")
    freed = next(i for i, t in enumerate(log, 1) if "freed by thread" in t)
    summary = next(i for i, t in enumerate(log, 1) if "SUMMARY: AddressSanitizer" in t)
    assert {freed, freed + 2, summary} <= lines
    assert result.category == "test"  # type: ignore[attr-defined]


def test_tap_diagnostics_belong_to_their_not_ok() -> None:
    log = gh_step(
        "busted -o TAP",
        [
            "ok 1 - Queue pops in order",
            "not ok 2 - Queue counts its items",
            "# spec/queue_spec.lua @ 13",
            "# Failure message: spec/queue_spec.lua:17: Expected objects to be equal.",
            "# Passed in:",
            "# (number) 1",
            "1..2",
        ],
    )
    result = analyze(log, tree=["spec/queue_spec.lua", "src/queue.lua"])
    assert {4, 5, 6, 7, 8} <= chosen(result)
    assert ("spec/queue_spec.lua", 17) in _files(result)
    assert result.tests == ["Queue counts its items"]


def test_frames_in_other_languages_continue_the_error() -> None:
    log = gh_step(
        "php bin/boot.php",
        [
            "PHP Fatal error:  Uncaught RuntimeException: cannot read settings in /w/src/boot.php:9",
            "Stack trace:",
            "#0 /w/src/boot.php(16): load_settings()",
            "#1 /w/src/boot.php(20): boot()",
            "#2 {main}",
            "  thrown in /w/src/boot.php on line 9",
            "",
            "done with the report",
        ],
        code=255,
    )
    result = analyze(log, tree=["src/boot.php"])
    assert {3, 4, 5, 6, 7, 8} <= chosen(result)
    assert _files(result)[:2] == [("src/boot.php", 9), ("src/boot.php", 16)]


def test_a_path_before_line_n_is_a_file() -> None:
    tree = RepoTree(["lib/Temperature.pm", "t/convert.t", "src/Router.php", "main.tf", "scripts/deploy.sh"])
    lines = [
        "cannot parse temperature '21 C' at lib/Temperature.pm line 17.",
        "#   at t/convert.t line 10.",
        'PHP Parse error:  syntax error, unexpected token "}" in src/Router.php on line 12',
        '  on main.tf line 19, in output "bucket_name":',
        "In scripts/deploy.sh line 14:",
    ]
    got = [(f.path, f.line) for f in extract_files([lines], tree)]
    assert got == [
        ("lib/Temperature.pm", 17),
        ("t/convert.t", 10),
        ("src/Router.php", 12),
        ("main.tf", 19),
        ("scripts/deploy.sh", 14),
    ]


def test_a_path_without_a_line_comes_after_those_with_one() -> None:
    tree = RepoTree(["app/views.py", "app/models.py"])
    lines = [
        "would reformat /home/runner/work/shop/shop/app/views.py",
        "app/models.py:3:1: E302 expected 2 blank lines",
        "would reformat /home/runner/work/shop/shop/app/models.py",
    ]
    got = [(f.path, f.line) for f in extract_files([lines], tree)]
    assert got == [("app/models.py", 3), ("app/views.py", None)]


def test_rule_codes_in_brackets_are_findings_not_rustc_errors() -> None:
    bandit = gh_step(
        "bandit -r app",
        [
            "Test results:",
            ">> Issue: [B602:subprocess_popen_with_shell_equals_true] subprocess call with shell=True identified.",
            "   Severity: High   Confidence: High",
            "   Location: app/tasks.py:10:11",
            "",
            "Code scanned:",
        ],
    )
    result = analyze(bandit, tree=["app/tasks.py"])
    assert {4, 6} <= chosen(result)
    assert result.category == "lint"
    assert ("app/tasks.py", 10) in _files(result)
    rustc = gh_step(
        "cargo build",
        ["error[E0308]: mismatched types", " --> src/main.rs:4:5", "error: could not compile `app`"],
        code=101,
    )
    assert analyze(rustc, tree=["src/main.rs"]).category == "compile"


@pytest.mark.parametrize(
    ("command", "category"),
    [
        ("npm run lint", "lint"),
        ("terraform fmt -check -recursive", "lint"),
        ("bundle exec rake spec", "test"),
        ("make build", "compile"),
    ],
)
def test_a_failing_step_says_what_it_did_when_its_lines_do_not(command: str, category: str) -> None:
    log = gh_step(command, ["main.tf", "--- old/main.tf", "+++ new/main.tf"], code=3)
    assert analyze(log).category == category


def test_a_gnu_shaped_diagnostic_in_any_language_is_a_compile_error() -> None:
    log = gh_step(
        "ghc -isrc src/Main.hs",
        [
            "[1 of 2] Compiling Main             ( src/Main.hs, build/Main.o )",
            "",
            "src/Main.hs:12:29: error:",
            "    \u2022 Couldn't match expected type \u2018[Char]\u2019 with actual type \u2018Double\u2019",
        ],
    )
    result = analyze(log, tree=["src/Main.hs"])
    assert result.category == "compile"
    assert _files(result) == [("src/Main.hs", 12)]


def test_rubocop_offenses_are_lint_findings() -> None:
    meta, result, lines = _case("rubocop-offenses", "github")
    assert set(meta["lines"]) <= lines
    assert result.category == "lint"  # type: ignore[attr-defined]
    assert _files(result)[0] == ("lib/report.rb", 1)


@pytest.mark.parametrize("variant", ["github", "gitlab"])
@pytest.mark.parametrize("name", ["tape-deep-equal", "bats-pretty", "bats-tap", "trial-failures", "trial-text"])
def test_tests_named_as_the_runner_draws_them(name: str, variant: str) -> None:
    """tape names a test by a TAP comment above its points (the failing points are its assertions); bats' pretty
    formatter redraws each test's line from its first column ("ESC[1G"): what shows is "✗ name"; trial closes each
    report with the test's dotted id (its verbose verdict "test_x ... [FAIL]" names it bare)."""
    meta, result, lines = _case(name, variant)
    assert result.tests == meta["tests"]  # type: ignore[attr-defined]
    assert set(meta["lines"]) <= lines


def test_a_tap_comment_after_a_failing_point_names_no_test() -> None:
    """Diagnostics follow their point (bats' "# (in test file ...)", Test::More's "#   Failed test"): the next
    failing point keeps its own name."""
    log = gh_step(
        "bats --tap test",
        [
            "1..3",
            "ok 1 lower-cases a title",
            "not ok 2 squeezes repeated spaces",
            "# (in test file test/slugify.bats, line 16)",
            "#   `[ \"$output\" = \"release-notes\" ]' failed",
            "not ok 3 prints usage without an argument",
            "# (in test file test/slugify.bats, line 21)",
        ],
    )
    assert analyze(log).tests == ["squeezes repeated spaces", "prints usage without an argument"]


@pytest.mark.parametrize("variant", ["github", "gitlab"])
def test_pip_resolvers_conflict_heading_and_its_lines(variant: str) -> None:
    """pipenv prints pip's "The conflict is caused by:" and the requirements under it (then again inside its
    traceback): the first copy is read with the resolver's verdict."""
    meta, result, lines = _case("pipenv-conflict", variant)
    assert set(meta["lines"]) <= lines, sorted(set(meta["lines"]) - lines)
    assert result.category == "dependency"  # type: ignore[attr-defined]
    assert result.tests == []  # type: ignore[attr-defined]  # ("✘ Locking Failed!" is pipenv's status, no test)
