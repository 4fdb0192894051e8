"""Failing test ids from runners that spread them over lines, and from lines that look like a test but are not.

Each log is the runner's own output format (as the tool prints it), wrapped in a GitHub Actions step.
"""

from __future__ import annotations

import pytest

from bot.analysis import analyze

from .helpers import errors, gh_step, line_no

MOCHA = [
    "  formatDuration",
    "    \u2714 formats minutes",
    "    1) formats zero as 0s",
    "",
    "  1 passing (6ms)",
    "  1 failing",
    "",
    "  1) formatDuration",
    "       nested suite",
    "         formats zero as 0s:",
    "",
    "      AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:",
    "",
    "      at Context.<anonymous> (test/duration.spec.js:16:12)",
]
BUSTED = [
    "\u25cf\u25fc\u25fc",
    "1 success / 1 failure / 1 error / 0 pending : 0.008228 seconds",
    "",
    "Failure \u2192 spec/queue_spec.lua @ 13",
    "Queue counts its items",
    "spec/queue_spec.lua:17: Expected objects to be equal.",
    "",
    "Error -> spec/queue_spec.lua @ 20",
    "Queue peeks at a name",
    "src/queue.lua:28: attempt to index field 'name' (a nil value)",
]
CTEST = [
    "    Start 2: trim",
    "2/2 Test #2: trim .............................Subprocess aborted***Exception:   0.01 sec",
    "test_trim: tests/test_trim.c:14: main: Assertion `0' failed.",
    "",
    "50% tests passed, 1 tests failed out of 2",
    "",
    "The following tests FAILED:",
    "\t  2 - trim (Subprocess aborted)",
    "Errors while running CTest",
]
MINITEST = [
    "  1) Failure:",
    "SlugTest#test_strips_accents [test/slug_test.rb:7]:",
    'Expected: "creme"',
    '  Actual: "cr\u00e8me"',
    "",
    "  2) Error:",
    "SlugTest#test_empty:",
    "NoMethodError: undefined method `downcase' for nil",
    "    lib/slug.rb:3:in `call'",
    "",
    "2 runs, 2 assertions, 1 failures, 1 errors, 0 skips",
]
PHPUNIT = [
    "There were 2 errors:",
    "",
    "1) CartTest::testRemoveTwice",
    "InvalidArgumentException: unknown item: A1",
    "",
    "/app/src/Cart.php:28",
    "",
    "2) CartTest::testAverage with data set #0 (1, 2)",
    "DivisionByZeroError: Division by zero",
    "",
    "ERRORS!",
    "Tests: 4, Assertions: 2, Errors: 2.",
]
RSPEC = [
    "Failures:",
    "",
    "  1) Invoice adds tax to the total",
    "     Failure/Error: expect(invoice.total).to eq(107)",
    "       expected: 107",
    "            got: 100",
    "     # ./spec/invoice_spec.rb:12:in `block (2 levels) in <top (required)>'",
    "",
    "2 examples, 1 failure",
    "",
    "Failed examples:",
    "",
    "rspec ./spec/invoice_spec.rb:10 # Invoice adds tax to the total",
]
PROVE = [
    "t/basic.t .... ok",
    "",
    "#   Failed test 'zero F'",
    "#   at t/convert.t line 10.",
    "#          got: '-17.8'",
    "#     expected: '-17.7'",
    "# Looks like you failed 1 test of 4.",
    "t/convert.t ..",
    "Dubious, test returned 1 (wstat 256, 0x100)",
    "Failed 1/4 subtests",
]
NODE_TAP = [
    "# Subtest: TokenBucket",
    "    # Subtest: never refills beyond capacity",
    "    not ok 2 - never refills beyond capacity",
    "      ---",
    "      error: 'Expected values to be strictly equal'",
    "      ...",
    "    1..2",
    "not ok 1 - TokenBucket",
    "  ---",
    "  error: '1 subtest failed'",
    "  ...",
    "# fail 1",
]
VITEST = [
    " \u276f test/slug.test.js (3 tests | 1 failed) 31ms",
    "   \u00d7 slugify > drops leading and trailing punctuation 25ms",
    "",
    " FAIL  test/slug.test.js > slugify > drops leading and trailing punctuation",
    "AssertionError: expected 'hello-' to be 'hello'",
    " \u276f test/slug.test.js:12:30",
]
JEST = [
    " FAIL  test/cart.test.js",
    "  Cart",
    "    \u2715 total multiplies price by quantity (4 ms)",
    "",
    "  \u25cf Cart \u203a total multiplies price by quantity",
    "",
    "    expect(received).toBe(expected) // Object.is equality",
    "",
    "      at Object.toBe (test/cart.test.js:9:25)",
]
PYTEST_PARAM = [
    "FAILED tests/test_text.py::test_slugify[Cr\\xe8me Br\\xfbl\\xe9e-creme-brulee] - AssertionError: assert 1 == 2",
    "FAILED tests/test_text.py::test_slugify[a-b] - assert [1] == [2]",
    "========================= 2 failed, 3 passed in 0.05s ==========================",
]
PYTEST_SETUP = [
    "==================================== ERRORS ====================================",
    "_______________________ ERROR at setup of test_create ________________________",
    "",
    "    @pytest.fixture",
    "    def store():",
    ">       raise RuntimeError('no database')",
    "E       RuntimeError: no database",
    "",
    "tests/conftest.py:5: RuntimeError",
    "=========================== short test summary info ============================",
    "ERROR tests/test_store.py::test_create - RuntimeError: no database",
    "========================= 1 error in 0.04s =========================",
]
PLAYWRIGHT = [
    "Running 5 tests using 2 workers",
    "  \u2718  1 [chromium] \u203a tests/login.spec.ts:12:5 \u203a login \u203a shows an error (5.1s)",
    "  \u2713  2 [chromium] \u203a tests/home.spec.ts:3:5 \u203a home \u203a loads (1.2s)",
    "",
    "  1) [chromium] \u203a tests/login.spec.ts:12:5 \u203a login \u203a shows an error \u2500\u2500",
    "",
    "    Error: expect(received).toBe(expected) // Object.is equality",
    "",
    "        at /home/runner/work/a/a/tests/login.spec.ts:15:52",
    "",
    "  1 failed",
    "    [chromium] \u203a tests/login.spec.ts:12:5 \u203a login \u203a shows an error \u2500\u2500",
    "  4 passed (12.3s)",
]
ESLINT = [
    "/app/src/a.js",
    "  3:7  error  'x' is assigned a value but never used  no-unused-vars",
    "",
    "\u2716 1 problem (1 error, 0 warnings)",
]


@pytest.mark.parametrize(
    ("name", "output", "want"),
    [
        ("mocha", MOCHA, ["formatDuration nested suite formats zero as 0s"]),
        ("busted", BUSTED, ["Queue counts its items", "Queue peeks at a name"]),
        ("ctest", CTEST, ["trim"]),
        ("minitest", MINITEST, ["SlugTest#test_strips_accents", "SlugTest#test_empty"]),
        ("phpunit", PHPUNIT, ["CartTest::testRemoveTwice", "CartTest::testAverage with data set #0 (1, 2)"]),
        ("rspec", RSPEC, ["Invoice adds tax to the total"]),
        ("prove", PROVE, ["zero F"]),
        ("node --test", NODE_TAP, ["TokenBucket > never refills beyond capacity"]),
        ("vitest", VITEST, ["slugify > drops leading and trailing punctuation"]),
        ("jest", JEST, ["Cart > total multiplies price by quantity"]),
        (
            "pytest parametrized",
            PYTEST_PARAM,
            [
                "tests/test_text.py::test_slugify[Cr\\xe8me Br\\xfbl\\xe9e-creme-brulee]",
                "tests/test_text.py::test_slugify[a-b]",
            ],
        ),
        ("pytest fixture error", PYTEST_SETUP, ["tests/test_store.py::test_create"]),
        ("playwright", PLAYWRIGHT, ["login > shows an error"]),
        ("eslint", ESLINT, []),
    ],
)
def test_failing_test_ids(name: str, output: list[str], want: list[str]) -> None:
    result = analyze(gh_step(name, output).encode())
    assert sorted(result.tests) == sorted(want)


@pytest.mark.parametrize(
    ("output", "want"),
    [
        (MOCHA, ["formatDuration nested suite formats zero as 0s"]),
        (RSPEC, ["Invoice adds tax to the total"]),
        (PHPUNIT, ["CartTest::testRemoveTwice", "CartTest::testAverage with data set #0 (1, 2)"]),
    ],
)
def test_numbered_failures_without_their_list_header(output: list[str], want: list[str]) -> None:
    # the lines chosen may leave out the list's header ("1 failing", "Failures:", "There were 2 errors:")
    from bot.analysis.patterns import classify
    from bot.analysis.test_ids import extract_tests

    headers = ("  1 failing", "Failures:", "There were 2 errors:")
    rows = [(no, text, classify(text)) for no, text in enumerate(output) if text not in headers]
    assert extract_tests(rows) == want


def test_node_tap_subtests_are_the_tests_and_their_points_the_assertions() -> None:
    log = gh_step(
        "npx tap",
        [
            "TAP version 14",
            "# Subtest: test/duration.test.js",
            "    # Subtest: format pads the minutes",
            "        not ok 1 - should be equal",
            "          ---",
            "          stack: |",
            "            Test.<anonymous> (test/duration.test.js:13:5)",
            "          ...",
            "        1..1",
            "    not ok 2 - format pads the minutes # time=28.088ms",
            "    # Subtest: later",
            "        not ok 1 - not written yet # TODO",
            "    ok 3 - later # time=1ms",
            "    1..3",
            "not ok 1 - test/duration.test.js # time=81.665ms",
            "# { total: 5, pass: 3, fail: 1 }",
        ],
    )
    result = analyze(log)
    assert result.tests == ["format pads the minutes"]
    assert line_no(log, "not ok 2 - format pads the minutes # time=") in errors(result)
    assert line_no(log, "not ok 1 - not written yet # TODO") not in errors(result)


def test_zig_tests_failed_test_and_its_frames() -> None:
    log = gh_step(
        "zig test src/stack.zig",
        [
            "1/3 stack.test.push then pop gives the value back...OK",
            "2/3 stack.test.peek shows the top of the stack...expected 2, found 1",
            "FAIL (TestExpectedEqual)",
            "/opt/zig/lib/std/testing.zig:93:17: 0x12501a4 in expectEqualInner__func_971 (std.zig)",
            "                return error.TestExpectedEqual;",
            "                ^",
            "/home/runner/work/w/w/src/stack.zig:40:5: 0x125051d in test.peek shows the top of the stack (stack.zig)",
            "3/3 stack.test.a full stack refuses a push...OK",
            "2 passed; 0 skipped; 1 failed.",
            "# fail  1",
        ],
    )
    result = analyze(log)
    assert result.tests == ["stack.test.peek shows the top of the stack"]
    assert line_no(log, "src/stack.zig:40:5: 0x125051d") in errors(result)
    assert ("src/stack.zig", 40) in [(f.path, f.line) for f in result.files]
    assert line_no(log, "1/3 stack.test.push") not in errors(result)
