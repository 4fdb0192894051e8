"""The context the selection adds around error blocks: the lead-up to a step-less log's failure, the lines before
its blocks, the failing step's tail when no tool explains it or the tool's report is far from the step's end, and
the failing step when later steps also print errors. Real tool output (TAP from ``node --test``) included."""

from __future__ import annotations

from pathlib import Path

from bot.analysis import analyze
from bot.analysis.blocks import FILL_TAIL, LEAD_UP, TAIL_LINES
from bot.analysis.patterns import classify
from bot.analysis.text import clean

from .helpers import DATA, chosen, errors, gh, gh_step, line_no

CORPUS = Path(__file__).resolve().parents[2] / "bench" / "corpus" / "logs"


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def test_jenkins_lead_up_to_a_script_check_after_a_tool_succeeded() -> None:
    # Maven says BUILD SUCCESS, then the job's own script prints one ERROR line and Jenkins marks the build
    # step failed: the lines just before the marker are what the step was doing (kept whole, noise too).
    path = DATA / "jenkins_script_check.log"
    log = _read(path)
    result = analyze(path)
    lines = chosen(result)
    error_at = line_no(log, "ERROR: no tag class, spoon has failed")
    marker = line_no(log, "Build step 'Execute shell' marked build as failure")
    assert error_at in errors(result)
    lead = range(marker - LEAD_UP, marker)
    assert set(lead) <= lines
    assert any("BUILD SUCCESS" in log.split("\n")[n - 1] for n in lead)


def test_step_less_blocks_get_the_text_lines_before_them() -> None:
    path = DATA / "jenkins_script_check.log"
    log = _read(path)
    lines = chosen(analyze(path))
    first = line_no(log, "No space left on device")
    assert first in lines
    # the script's banner and, over the blank line, the three lines it printed before
    assert line_no(log, "Number of errors in tests: 0") in lines
    assert line_no(log, "Number of tests skipped:") in lines
    assert line_no(log, "Time to compile:") not in lines or line_no(log, "Time to compile:") >= first - 8


def test_with_steps_no_lead_up_of_progress_lines() -> None:
    # a compiler's error after progress lines in a GitHub Actions step: the step's name says what ran, the
    # progress lines before the error stay out
    log = gh_step(
        "go build ./...",
        [
            *[f"go: downloading example.com/mod{i} v1.0.{i}" for i in range(40)],
            "# example.com/app",
            "./main.go:12:5: undefined: parseConfig",
        ],
        1,
    )
    result = analyze(log)
    lines = chosen(result)
    assert line_no(log, "./main.go:12:5: undefined: parseConfig") in lines
    assert not any(line_no(log, f"example.com/mod{i} ") in lines for i in range(30))


def test_tap_not_ok_from_node_test() -> None:
    # real `node --test` output (bench/corpus): "not ok 2 - name" and its YAML diagnostics
    path = CORPUS / "node-test-assertion.github.log"
    log = _read(path)
    result = analyze(path)
    lines = errors(result)
    assert line_no(log, "not ok 2 - never refills beyond capacity") in lines
    assert line_no(log, "53 !== 3") in lines
    assert line_no(log, "bucket.test.js:16:12") in lines
    assert result.tests == ["TokenBucket > never refills beyond capacity"]  # the suite verdict names its test
    assert result.category == "test"


def test_tap_directives_and_counts() -> None:
    assert classify("not ok 7 - parses dates").rule == "tap_not_ok"
    assert classify("    not ok 2 - nested subtest").test == "nested subtest"
    assert classify("not ok 3 - flaky network call # TODO fix upstream").rule != "tap_not_ok"
    assert classify("not ok 4 - windows only # SKIP not on linux").rule != "tap_not_ok"
    assert classify("ok 5 - passes").rule != "tap_not_ok"
    assert classify("# fail 2").rule == "tap_fail_count"
    assert classify("# fail 0").rule != "tap_fail_count"


def test_unknown_tool_error_far_from_the_step_end_is_in_the_tail() -> None:
    # no rule knows this tool and its message has no error word: the step's tail is what explains it,
    # and it reaches back further than a fixed 50 lines
    log = gh_step(
        "./run-integration.sh",
        [
            *[f"step {i}: applying migration {i}" for i in range(300)],
            "mismatch: expected schema version 42, database reports 41",
            *[f"teardown: released lease {i}" for i in range(80)],
        ],
        3,
    )
    result = analyze(log)
    lines = chosen(result)
    assert line_no(log, "mismatch: expected schema version 42") in lines
    assert line_no(log, "teardown: released lease 79") in lines
    assert line_no(log, "applying migration 0") not in lines
    assert len(lines) <= FILL_TAIL + 10


def test_explaining_block_150_lines_before_the_step_end() -> None:
    # a script's uncaught exception, then 150 lines its worker pool logs while shutting down
    log = gh_step(
        "python scripts/migrate.py",
        [
            "migrate: connecting to the database",
            "Traceback (most recent call last):",
            '  File "/home/runner/work/app/app/scripts/migrate.py", line 14, in <module>',
            "    main()",
            '  File "/home/runner/work/app/app/scripts/migrate.py", line 9, in main',
            "    apply(load_schema())",
            "ValueError: schema version 41 is older than the database's 42",
            *[f"worker: draining queue {i} ({i * 3} jobs left)" for i in range(150)],
        ],
        1,
    )
    result = analyze(log)
    lines = chosen(result)
    assert line_no(log, "Traceback (most recent call last):") in lines
    assert line_no(log, "ValueError: schema version 41") in lines
    # the step went on long after the error: its last lines are offered as far as FILL_TAIL reaches
    assert line_no(log, "draining queue 149 ") in lines
    assert line_no(log, "draining queue 60 ") in lines
    assert line_no(log, "draining queue 20 ") not in lines
    assert len(lines) <= 200


def test_failing_step_is_not_the_last_step() -> None:
    # an always() step after the failure prints error words of its own; the job's failing step is the test step
    log = gh(
        [
            "##[group]Run go test ./...",
            "##[endgroup]",
            "--- FAIL: TestParse (0.00s)",
            "    parse_test.go:21: got 3 tokens, want 4",
            "FAIL",
            "FAIL\texample.com/parser\t0.012s",
            "##[error]Process completed with exit code 1.",
            "##[group]Run actions/upload-artifact@v4",
            "with:",
            "  path: coverage/",
            "##[endgroup]",
            "Error: unable to stat coverage/: no such file or directory",
            "##[warning]No files were found with the provided path: coverage/. No artifacts will be uploaded.",
            "Post job cleanup.",
            "Cleaning up orphan processes",
        ]
    )
    result = analyze(log)
    assert result.failed_step == "Run go test ./..."
    assert line_no(log, "parse_test.go:21: got 3 tokens, want 4") in errors(result)
    assert line_no(log, "unable to stat coverage/") not in errors(result)


def test_gcc_instantiation_backtrace_heads_the_error() -> None:
    # real g++ 12 output (bench/corpus): "In file included from", "In instantiation of", "required from here"
    path = CORPUS / "cmake-gxx-error.github.log"
    log = _read(path)
    lines = errors(analyze(path))
    assert line_no(log, "main.cpp:11:44:   required from here") in lines
    assert line_no(log, "main.cpp:12:48:   required from here") in lines
    assert line_no(log, "unique_ptr.h: In instantiation of") in lines
    assert line_no(log, "error: static assertion failed") in lines


def test_tsc_pretty_source_lines_belong_to_their_error() -> None:
    # real `tsc --pretty` output (bench/corpus): the quoted source line after a blank line, single- and two-digit
    path = CORPUS / "tsc-pretty-errors.github.log"
    log = _read(path)
    lines = errors(analyze(path))
    assert line_no(log, "condition: body.conditions,") in lines
    assert line_no(log, "import { toFahrenheit } from './units.js';") in lines


def test_a_report_at_the_step_end_takes_no_tail_but_the_warnings() -> None:
    # pytest's report ends the step: its unmarked source listing is not brought back by the tail
    path = CORPUS / "pytest-exception-in-code.github.log"
    log = _read(path)
    result = analyze(path)
    last_summary = max(i for i, t in enumerate(log.split("\n"), 1) if "= warnings summary =" in t)
    assert last_summary not in chosen(result)
    assert line_no(log, "ZeroDivisionError: float division by zero") in chosen(result)
    # pip's error ends the step: the retries it warned about before giving up are offered
    path = CORPUS / "network-pip-index.github.log"
    log = _read(path)
    lines = chosen(analyze(path))
    assert line_no(log, "WARNING: Retrying (Retry(total=0") in lines
    assert line_no(log, "ERROR: No matching distribution found") in lines


def test_a_runner_verdict_at_the_step_end_keeps_the_tail() -> None:
    # npm's verdict ends the step, the test runner above it is one no rule knows: the step's last lines stay
    log = gh(
        [
            "##[group]Run npm test",
            "##[endgroup]",
            "> app@1.0.0 test",
            "> node ./tools/check-fixtures.js",
            *[f"checked fixture {i}" for i in range(10)],
            "fixture 11: checksum 9f2c does not match manifest entry 77ab",
            "npm ERR! code ELIFECYCLE",
            "npm ERR! errno 1",
            "npm ERR! app@1.0.0 test: `node ./tools/check-fixtures.js`",
            "npm ERR! Exit status 1",
        ],
        1,
    )
    lines = chosen(analyze(log))
    assert line_no(log, "checksum 9f2c does not match") in lines
    assert line_no(log, "npm ERR! Exit status 1") in lines


_TRAVIS_END = "\r\x1b[0K"


def _travis(test_output: list[str]) -> str:
    """A Travis CI raw log: an install fold, `npm test` with ``test_output``, npm's verdict, an after_failure."""
    e = _TRAVIS_END
    lines = ["travis_fold:start:install" + e + "travis_time:start:1c" + e + "$ npm ci"]
    lines += [f"added {i} packages in {i}s" for i in range(30)]
    lines += ["travis_time:end:1c:start=1,finish=2,duration=1" + e + "travis_fold:end:install" + e]
    lines += ["travis_time:start:2d" + e + "$ npm test", "", "> lib@1.0.0 test", "> ./run-checks"]
    lines += test_output
    lines += ["npm ERR! Test failed.  See above for more details.", "", "travis_time:end:2d" + e]
    lines += ['The command "npm test" exited with 1.']
    lines += ["travis_fold:start:after_failure" + e + "$ cat npm-debug.log"]
    lines += [f"{i} verbose stack Error: lib@1.0.0 test: `./run-checks`" for i in range(60)]
    lines += ["travis_fold:end:after_failure" + e, "", "Done. Your build exited with 1."]
    return "\n".join(lines) + "\n"


def test_karma_per_test_failed_line() -> None:
    log = _travis(
        [
            *[f"Chrome Headless 90: Executed {i} of 120 SUCCESS (0.5 secs / 0.4 secs)" for i in range(40)],
            "Chrome Headless 90 Parser should reject trailing commas FAILED",
            "\tExpected 3 to equal 4.",
            "\t    at UserContext.<anonymous> (test/parser.spec.js:42:19)",
            *[f"Chrome Headless 90: Executed {i} of 120 (1 FAILED)" for i in range(41, 120)],
        ]
    )
    result = analyze(log)
    lines = errors(result)
    assert result.failed_step == "npm test"
    assert line_no(log, "Parser should reject trailing commas FAILED") in lines
    assert line_no(log, "Expected 3 to equal 4.") in lines
    assert result.category == "test"
    assert classify("BUILD FAILED").rule != "test_line_failed"


def test_travis_log_that_lost_its_escape_bytes() -> None:
    # a Travis log kept as text without its ESC bytes: "[0K" and "[31;1m" are left before the markers and the
    # shell's echo, and are not read as part of the line
    log = _travis(
        [
            *[f"ok {i} - case {i}" for i in range(30)],
            "not ok 31 - rejects trailing commas",
            "  expected: 3",
            "  actual: 4",
        ]
    ).replace("\x1b", "")
    log = log.replace('The command "npm test"', '[31;1mThe command "npm test"')
    result = analyze(log)
    assert result.failed_step == "npm test"
    assert line_no(log, "not ok 31 - rejects trailing commas") in chosen(result)
    assert clean("[0K$ npm test").text == "$ npm test"
    assert clean('[31;1mThe command "npm test" exited with 1.[0m').text == 'The command "npm test" exited with 1.'
    assert clean("[K] kilo, a[0] and [0Kb]").text == "[K] kilo, a[0] and b]"


def test_npm_verdict_alone_does_not_explain_the_step() -> None:
    # an unknown checker's error words 80 lines above npm's verdict: the step is read as unexplained, so the
    # windows around its error lines and its longer tail are offered
    log = _travis(
        [
            *[f"checking schema {i}: ok" for i in range(40)],
            "schema 41: field 'id' failed validation against the draft-07 meta-schema",
            *[f"checking schema {i}: ok" for i in range(42, 120)],
        ]
    )
    lines = chosen(analyze(log))
    assert line_no(log, "field 'id' failed validation") in lines
    assert line_no(log, "verbose stack Error") not in lines  # after_failure comes after the verdict


def test_tracebacks_a_passing_test_logged_are_not_the_failure() -> None:
    # pytest -v -s: a test's id, the traceback it logged of a retried call, then its bare PASSED verdict
    retried = []
    for k in range(12):
        retried += [
            f"tests/integration/test_client_{k}.py::test_retry_on_reset ",
            f"WARNING  shop.client:client.py:{40 + k} attempt 1 failed, retrying in 0.1s",
            "Traceback (most recent call last):",
            *[f'  File "/builds/acme/shop/src/shop/client.py", line {10 + i}, in call_{i}' for i in range(8)],
            "ConnectionResetError: [Errno 104] Connection reset by peer",
            "PASSED",
            *[f"tests/unit/test_mod_{k}.py::test_case_{i} PASSED     [{i:3d}%]" for i in range(30)],
        ]
    log = "\n".join(
        [
            *retried,
            "",
            "=================================== FAILURES ===================================",
            "_______________________________ test_refund_rounding _______________________________",
            "",
            "    def test_refund_rounding(cart):",
            ">       assert cart.refund(1) == Decimal('0.99')",
            "E       AssertionError: assert Decimal('1.00') == Decimal('0.99')",
            "",
            "tests/test_checkout.py:88: AssertionError",
            "=========================== short test summary info ============================",
            "FAILED tests/test_checkout.py::test_refund_rounding - AssertionError: assert Decimal('1.00') == ...",
            "=== 1 failed, 372 passed in 9.12s ===",
            "ERROR: Job failed: exit code 1",
        ]
    )
    result = analyze(log)
    lines = errors(result)
    assert line_no(log, "E       AssertionError: assert Decimal('1.00')") in lines
    assert line_no(log, "FAILED tests/test_checkout.py::test_refund_rounding") in lines
    assert not any("ConnectionResetError" in t for _, t in result.excerpt)
    assert result.category == "test"


def test_a_tool_block_near_the_step_end_takes_only_the_last_lines_as_tail() -> None:
    # a compiler's error, then the step prints on (a script's own lines, not progress): the tool's block explains
    # the step, so the hedge is the step's last TAIL_LINES lines, not the 30 before them
    log = gh_step(
        "make build",
        [
            "src/app.c:12:5: error: 'cfg' undeclared (first use in this function)",
            *[f"collecting artefact {i} for the report" for i in range(20)],
            "make: *** [Makefile:8: build] Error 1",
        ],
        2,
    )
    result = analyze(log)
    lines = chosen(result)
    assert line_no(log, "src/app.c:12:5: error") in errors(result)
    assert line_no(log, "make: *** [Makefile:8: build] Error 1") in lines
    assert line_no(log, "collecting artefact 19 ") in lines
    assert line_no(log, f"collecting artefact {19 - TAIL_LINES} ") not in lines
    assert not any(line_no(log, f"collecting artefact {i} ") in lines for i in range(1, 12))


def test_an_error_block_at_the_step_end_takes_no_long_tail_before_it() -> None:
    # generic error words (no tool's own block) that end the step: what the step printed last is that block, so
    # the tail offered is the block and the few lines before it, not the step's last FILL_TAIL lines
    log = gh_step(
        "./scripts/render-docs.sh",
        [
            *[f"/opt/fonts/type1/public/font{i}: skipping, looped directory detected" for i in range(80)],
            "Rendering chapter 3",
            "fatal: unsafe repository ('/github/workspace' is owned by someone else)",
            "tar: This does not look like a tar archive",
            "tar: Exiting with failure status due to previous errors",
        ],
        1,
    )
    result = analyze(log)
    lines = chosen(result)
    assert line_no(log, "fatal: unsafe repository") in errors(result)
    assert line_no(log, "tar: Exiting with failure status") in lines
    assert line_no(log, "Rendering chapter 3") in lines
    assert not any(line_no(log, f"public/font{i}:") in lines for i in range(70))


def test_a_jenkins_failure_at_the_end_does_not_bring_back_the_preamble() -> None:
    # a step-less log: Jenkins' preamble, then a FATAL and its stack that end the build
    log = "\n".join(
        [
            *["Started by timer" for _ in range(20)],
            "Running as SYSTEM",
            "Building remotely on builder01 (lin) in workspace /builds/workspace/app",
            *[f" > git config remote.origin.opt{i} value # timeout=10" for i in range(20)],
            "FATAL: hudson.remoting.Channel$OrderlyShutdown: Command Close created at",
            "\tat hudson.remoting.Command.<init>(Command.java:70)",
            "\tat hudson.remoting.Channel.close(Channel.java:1488)",
            "Caused: hudson.remoting.RequestAbortedException",
            "\tat hudson.remoting.Request.abort(Request.java:345)",
            "Finished: FAILURE",
        ]
    )
    result = analyze(log)
    lines = chosen(result)
    assert line_no(log, "FATAL: hudson.remoting") in errors(result)
    assert line_no(log, "Caused: hudson.remoting.RequestAbortedException") in lines
    assert line_no(log, "Running as SYSTEM") not in lines
    assert not any(n in lines for n in range(1, 21))


def test_library_frames_of_a_trace_into_the_code_are_left_out() -> None:
    # real `pytest --tb=native` output (bench/corpus): the traceback runs through pytest and pluggy in the
    # toolcache's site-packages before it reaches the test and the code under test
    path = CORPUS / "pytest-exception-tb-native.github.log"
    log = _read(path)
    result = analyze(path)
    lines = chosen(result)
    text = log.split("\n")
    assert not any("site-packages" in text[n - 1] for n in lines)
    assert line_no(log, 'tests/test_stock.py", line 26, in test_restock') in lines
    assert line_no(log, 'src/inventory/pricing.py", line 16, in weighted_average') in lines
    assert line_no(log, "return total_cost / total_quantity") in lines
    assert line_no(log, "ZeroDivisionError: float division by zero") in lines
    # the files are what they were with every frame: the code's raising line first, the test's second
    files = [(f.path, f.line) for f in result.files]
    assert files[:2] == [("src/inventory/pricing.py", 16), ("tests/test_stock.py", 26)]
    # real `cargo test` output: the backtrace's frames in the toolchain (/rustc/...) go, the crate's stay
    path = CORPUS / "cargo-test-panic.github.log"
    log = _read(path)
    lines = chosen(analyze(path))
    text = log.split("\n")
    assert not any("/rustc/" in text[n - 1] for n in lines)
    assert line_no(log, "at ./src/stock.rs:19:9") in lines
    assert line_no(log, "inventory::stock::Stock::ship") in lines
    assert line_no(log, "attempt to subtract with overflow") in lines


def test_a_trace_with_only_library_frames_keeps_them() -> None:
    # the library failed on its own (no frame of the code being run): its frames are all there is to read
    frames = [f'  File "/usr/lib/python3/dist-packages/pkg/mod{i}.py", line {i + 3}, in f{i}' for i in range(4)]
    log = gh_step(
        "python -m pkg.cli build",
        [
            "Traceback (most recent call last):",
            *[x for f in frames for x in (f, "    return step()")],
            "RuntimeError: cache directory is not writable",
        ],
        1,
    )
    lines = chosen(analyze(log))
    assert all(line_no(log, f"/mod{i}.py") in lines for i in range(4))
    assert line_no(log, "RuntimeError: cache directory is not writable") in lines


def test_annotated_snippets_keep_the_marked_source_line_not_the_advice() -> None:
    # real `cargo clippy` output (bench/corpus): each error's header, location, the marked source line and its
    # markers; not the empty gutters, the "= help"/"= note" advice or the "help:" suggestion and its diff
    path = CORPUS / "cargo-clippy.github.log"
    log = _read(path)
    result = analyze(path)
    lines = chosen(result)
    assert line_no(log, "error: unneeded `return` statement") in lines
    assert line_no(log, "--> src/lib.rs:16:5") in lines
    assert line_no(log, "16 |     return joined;") in lines
    assert line_no(log, "16 |     return joined;") + 1 in lines  # the ^^^^ under it
    assert line_no(log, "= help: for further information visit") not in lines
    assert line_no(log, "help: remove `return`") not in lines
    assert line_no(log, "16 -     return joined;") not in lines
    assert ("src/lib.rs", 16) in [(f.path, f.line) for f in result.files]
    # real `ruff check` output: a finding named by its rule's code says what and where ("--> path:line:col"):
    # its snippet, the marked line included, is left out (the corpus's label for ruff asks for those two lines)
    path = CORPUS / "ruff-check.github.log"
    log = _read(path)
    lines = chosen(analyze(path))
    assert line_no(log, "`os` imported but unused") in lines
    assert line_no(log, "--> app/handlers.py:7:8") in lines
    assert line_no(log, "| import os") not in lines
    assert line_no(log, "| import json") not in lines
    assert line_no(log, "help: Remove unused import") not in lines


def test_a_code_frame_keeps_the_pointed_line() -> None:
    # real jest output (bench/corpus): the code frame under the assertion keeps the "> 17 |" line and its
    # marker, not the numbered lines around it
    path = CORPUS / "jest-assertion.github.log"
    log = _read(path)
    lines = chosen(analyze(path))
    assert line_no(log, "Cart › total multiplies price by quantity") in lines
    assert line_no(log, "Expected: ") in lines
    assert line_no(log, "17 |") in lines
    assert line_no(log, " 16 |") not in lines
    assert line_no(log, " 18 |") not in lines
    assert line_no(log, ":17:26)") in lines  # the frame "at Object.toBe (test/cart.test.js:17:26)"
    # a numbered list is not a code frame: nothing points into it
    listing = ["Migrations to apply:", *[f"  {i} | 2024_0{i}_add_table_{i}" for i in range(1, 6)]]
    log = gh_step("./migrate --check", [*listing, "error: 5 migrations are pending"], 1)
    lines = chosen(analyze(log))
    assert line_no(log, "error: 5 migrations are pending") in lines
    assert all(line_no(log, f"add_table_{i}") in lines for i in range(1, 6))


def test_the_usage_text_after_a_command_error_is_left_out() -> None:
    # real `npm ci` output (bench/corpus): EUSAGE, what is wrong, then npm's whole usage text for `npm ci`
    path = CORPUS / "npm-ci-lock-mismatch.github.log"
    log = _read(path)
    result = analyze(path)
    lines = chosen(result)
    assert line_no(log, "npm error code EUSAGE") in lines
    assert line_no(log, "Missing: semver@7.7.2 from lock file") in lines
    assert line_no(log, "npm error Usage:") not in lines
    assert line_no(log, "npm error   --install-strategy") not in lines
    assert len(lines) < 20
    # a CLI without a prefix (picocli): the error, then its usage text and option list
    log = gh_step(
        "java -jar tool.jar repair --rule-key=S1 --violation-specs=a",
        [
            "Error: --rule-key=<ruleKey>, --violation-specs=<specs> are mutually exclusive (specify only one)",
            "Usage: tool repair [-hV] [--max-files=<maxFiles>]",
            *[f"                   [--option-{i}=<value{i}>]" for i in range(12)],
        ],
        2,
    )
    lines = chosen(analyze(log))
    assert line_no(log, "are mutually exclusive") in lines
    assert not any(line_no(log, f"[--option-{i}=") in lines for i in range(12))


def test_a_bare_reset_code_is_left_in_code() -> None:
    code = "    return Number(match[1]) * UNITS[match[2]]"
    assert clean(code).text == code
    assert clean("[36;1mnpm test[0m").text == "npm test"
