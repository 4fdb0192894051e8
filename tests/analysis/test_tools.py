"""The analyzer on realistic output of the common tools, wrapped in GitHub Actions job logs."""

from __future__ import annotations

import pytest

from bot.analysis import analyze

from .helpers import chosen, gh, line_no

SETUP = [
    "Current runner version: '2.316.0'",
    "##[group]Run actions/checkout@v4",
    "with:",
    "  repository: acme/widgets",
    "##[endgroup]",
    "Syncing repository: acme/widgets",
    "[command]/usr/bin/git version",
    "git version 2.45.1",
]
POST = ["Post job cleanup.", "[command]/usr/bin/git version", "Cleaning up orphan processes"]


def job(step: str, output: list[str], code: int = 1) -> str:
    header = [
        f"##[group]Run {step}",
        f"\x1b[36;1m{step}\x1b[0m",
        "shell: /usr/bin/bash -e {0}",
        "##[endgroup]",
    ]
    return gh([*SETUP, *header, *output, f"##[error]Process completed with exit code {code}.", *POST])


CASES = {
    "pytest": (
        "pytest -q",
        [
            "============================= test session starts ==============================",
            "collected 3 items",
            "",
            "tests/test_config.py .F.                                                 [100%]",
            "",
            "=================================== FAILURES ===================================",
            "______________________________ test_parse_timeout ______________________________",
            "",
            "    def test_parse_timeout():",
            "        cfg = parse('timeout: 10')",
            ">       assert cfg.timeout == 30",
            "E       AssertionError: assert 10 == 30",
            "E        +  where 10 = Config(timeout=10).timeout",
            "",
            "tests/test_config.py:12: AssertionError",
            "=========================== short test summary info ============================",
            "FAILED tests/test_config.py::test_parse_timeout - AssertionError: assert 10 == 30",
            "========================= 1 failed, 2 passed in 0.12s ==========================",
        ],
        ["E       AssertionError: assert 10 == 30", "FAILED tests/test_config.py::test_parse_timeout"],
        "test",
        "tests/test_config.py::test_parse_timeout",
        "tests/test_config.py",
    ),
    "unittest": (
        "python -m unittest",
        [
            "..F.",
            "======================================================================",
            "FAIL: test_add (tests.test_math.MathTest.test_add)",
            "----------------------------------------------------------------------",
            "Traceback (most recent call last):",
            '  File "/home/runner/work/widgets/widgets/tests/test_math.py", line 8, in test_add',
            "    self.assertEqual(add(1, 2), 4)",
            "AssertionError: 3 != 4",
            "",
            "----------------------------------------------------------------------",
            "Ran 4 tests in 0.001s",
            "",
            "FAILED (failures=1)",
        ],
        ["FAIL: test_add (tests.test_math.MathTest.test_add)", "AssertionError: 3 != 4"],
        "test",
        "tests.test_math.MathTest.test_add",
        "tests/test_math.py",
    ),
    "jest": (
        "npx jest",
        [
            " PASS  src/utils.test.js",
            " FAIL  src/sum.test.js",
            "  ● sum › adds two numbers",
            "",
            "    expect(received).toBe(expected) // Object.is equality",
            "",
            "    Expected: 4",
            "    Received: 5",
            "",
            "      3 | test('adds two numbers', () => {",
            "    > 4 |   expect(sum(2, 2)).toBe(4);",
            "        |                     ^",
            "",
            "      at Object.<anonymous> (src/sum.test.js:4:21)",
            "",
            "Tests:       1 failed, 7 passed, 8 total",
        ],
        ["● sum › adds two numbers", "Received: 5"],
        "test",
        "sum > adds two numbers",  # Jest's "›" written as every other runner's ">"
        None,
    ),
    "vitest": (
        "npx vitest run",
        [
            " ✓ src/a.test.ts (3 tests) 4ms",
            " ❯ src/b.test.ts (2 tests | 1 failed) 7ms",
            "   × parses dates 5ms",
            "     → expected '2024-01-02' to be '2024-01-01'",
            "",
            " FAIL  src/b.test.ts > parses dates",
            "AssertionError: expected '2024-01-02' to be '2024-01-01' // Object.is equality",
            " ❯ src/b.test.ts:9:20",
            "",
            " Test Files  1 failed | 1 passed (2)",
        ],
        ["FAIL  src/b.test.ts > parses dates", "AssertionError: expected '2024-01-02'"],
        "test",
        None,
        None,
    ),
    "mocha": (
        "npx mocha",
        [
            "  Array",
            "    #indexOf()",
            "      ✔ should return -1 when not present",
            "      1) should return the index",
            "",
            "  1 passing (8ms)",
            "  1 failing",
            "",
            "  1) Array",
            "       #indexOf()",
            "         should return the index:",
            "     AssertionError [ERR_ASSERTION]: -1 == 0",
            "      at Context.<anonymous> (test/array.spec.js:9:14)",
        ],
        ["1 failing", "AssertionError [ERR_ASSERTION]: -1 == 0"],
        "test",
        None,
        None,
    ),
    "go test": (
        "go test ./...",
        [
            "ok  \tgithub.com/acme/widgets/internal/a\t0.012s",
            "--- FAIL: TestParse (0.00s)",
            "    parse_test.go:14: got 3, want 4",
            "FAIL",
            "FAIL\tgithub.com/acme/widgets/internal/parse\t0.009s",
            "ok  \tgithub.com/acme/widgets/internal/z\t0.010s",
            "FAIL",
        ],
        ["--- FAIL: TestParse (0.00s)", "parse_test.go:14: got 3, want 4"],
        "test",
        "TestParse",
        None,
    ),
    "cargo build": (
        "cargo build",
        [
            "   Compiling widgets v0.1.0 (/home/runner/work/widgets/widgets)",
            "error[E0425]: cannot find value `x` in this scope",
            " --> src/main.rs:3:13",
            "  |",
            '3 |     println!("{}", x);',
            "  |                    ^ not found in this scope",
            "",
            "For more information about this error, try `rustc --explain E0425`.",
            'error: could not compile `widgets` (bin "widgets") due to 1 previous error',
        ],
        ["error[E0425]: cannot find value `x` in this scope", "--> src/main.rs:3:13"],
        "compile",
        None,
        "src/main.rs",
    ),
    "cargo test": (
        "cargo test",
        [
            "running 2 tests",
            "test tests::it_works ... ok",
            "test tests::it_adds ... FAILED",
            "",
            "failures:",
            "",
            "---- tests::it_adds stdout ----",
            "thread 'tests::it_adds' panicked at src/lib.rs:12:9:",
            "assertion `left == right` failed",
            "  left: 3",
            " right: 4",
            "",
            "test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
            "error: test failed, to rerun pass `--lib`",
        ],
        ["test tests::it_adds ... FAILED", "thread 'tests::it_adds' panicked at src/lib.rs:12:9:"],
        "test",
        "tests::it_adds",
        None,
    ),
    "maven surefire": (
        "mvn -B test",
        [
            "[INFO] Running com.acme.WidgetTest",
            "[ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! - "
            "in com.acme.WidgetTest",
            "[ERROR] com.acme.WidgetTest.testSize  Time elapsed: 0.01 s  <<< FAILURE!",
            "org.opentest4j.AssertionFailedError: expected: <2> but was: <3>",
            "\tat com.acme.WidgetTest.testSize(WidgetTest.java:21)",
            "",
            "[INFO] BUILD FAILURE",
            "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test "
            "(default-test) on project widgets: There are test failures.",
        ],
        ["<<< FAILURE!", "AssertionFailedError: expected: <2> but was: <3>"],
        "test",
        "com.acme.WidgetTest.testSize",
        None,
    ),
    "npm install": (
        "npm ci",
        [
            "npm ERR! code ERESOLVE",
            "npm ERR! ERESOLVE unable to resolve dependency tree",
            "npm ERR! Found: react@18.2.0",
            "npm ERR! Could not resolve dependency:",
            'npm ERR! peer react@"^17.0.0" from react-widgets@4.0.0',
        ],
        ["npm ERR! code ERESOLVE", "npm ERR! Could not resolve dependency:"],
        "dependency",
        None,
        None,
    ),
    "pnpm": (
        "pnpm install --frozen-lockfile",
        [
            "Lockfile is up to date, resolution step is skipped",
            ' ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile" because pnpm-lock.yaml '
            "is not up to date with package.json",
        ],
        ["ERR_PNPM_OUTDATED_LOCKFILE"],
        "dependency",
        None,
        None,
    ),
    "pip": (
        "pip install -r requirements.txt",
        [
            "Collecting requests==2.99.0",
            "ERROR: Could not find a version that satisfies the requirement requests==2.99.0 "
            "(from versions: 2.31.0, 2.32.0)",
            "ERROR: No matching distribution found for requests==2.99.0",
        ],
        ["ERROR: Could not find a version", "ERROR: No matching distribution found"],
        "dependency",
        None,
        None,
    ),
    "uv": (
        "uv sync",
        [
            "Resolved 10 packages in 3ms",
            "  × No solution found when resolving dependencies:",
            "  ╰─▶ Because widgets depends on numpy>=3 and only numpy<=2.1 is available, we can conclude "
            "that widgets's requirements are unsatisfiable.",
        ],
        ["No solution found when resolving dependencies", "╰─▶ Because widgets depends on numpy"],
        "dependency",
        None,
        None,
    ),
    "poetry": (
        "poetry install",
        [
            "Updating dependencies",
            "Resolving dependencies...",
            "",
            "Because widgets depends on both pydantic (^1.10) and fastapi (0.110.0) which depends on "
            "pydantic (>=2), version solving failed.",
        ],
        ["version solving failed"],
        "dependency",
        None,
        None,
    ),
    "mypy": (
        "mypy src",
        [
            'src/widgets/core.py:12: error: Incompatible return value type (got "str", expected "int")  '
            "[return-value]",
            'src/widgets/core.py:30: note: Revealed type is "builtins.int"',
            "Found 1 error in 1 file (checked 12 source files)",
        ],
        ["core.py:12: error: Incompatible return value type"],
        "typecheck",
        None,
        "src/widgets/core.py",
    ),
    "ruff": (
        "ruff check .",
        [
            "src/widgets/core.py:1:8: F401 [*] `os` imported but unused",
            "src/widgets/api.py:22:5: E722 Do not use bare `except`",
            "Found 2 errors.",
            "[*] 1 fixable with the `--fix` option.",
        ],
        ["core.py:1:8: F401", "api.py:22:5: E722"],
        "lint",
        None,
        "src/widgets/core.py",
    ),
    "flake8": (
        "flake8",
        ["./src/widgets/core.py:3:1: E302 expected 2 blank lines, found 1"],
        ["core.py:3:1: E302"],
        "lint",
        None,
        "src/widgets/core.py",
    ),
    "eslint": (
        "npx eslint .",
        [
            "/home/runner/work/widgets/widgets/src/index.js",
            "  3:7   error  'unused' is assigned a value but never used  no-unused-vars",
            "  9:1   error  Expected indentation of 2 spaces             indent",
            "",
            "✖ 2 problems (2 errors, 0 warnings)",
        ],
        ["3:7   error  'unused' is assigned a value", "9:1   error  Expected indentation"],  # not its count
        "lint",
        None,
        None,
    ),
    "tsc": (
        "npx tsc --noEmit",
        [
            "src/app.ts(14,7): error TS2322: Type 'string' is not assignable to type 'number'.",
            "src/util.ts:3:10 - error TS2305: Module '\"./x\"' has no exported member 'y'.",
        ],
        ["error TS2322", "error TS2305"],
        "typecheck",
        None,
        "src/app.ts",
    ),
    "gcc": (
        "make",
        [
            "cc -O2 -Wall -Werror -c src/main.c -o build/main.o",
            "src/main.c: In function 'main':",
            "src/main.c:7:5: error: implicit declaration of function 'foo' "
            "[-Werror=implicit-function-declaration]",
            "    7 |     foo();",
            "      |     ^~~",
            "cc1: all warnings being treated as errors",
            "make: *** [Makefile:12: build/main.o] Error 1",
        ],
        ["src/main.c:7:5: error: implicit declaration", "make: *** [Makefile:12: build/main.o] Error 1"],
        "compile",
        None,
        "src/main.c",
    ),
    "clang linker": (
        "make",
        [
            "clang -o widgets main.o util.o",
            "/usr/bin/ld: main.o: in function `main':",
            "main.c:(.text+0x15): undefined reference to `frobnicate'",
            "clang: error: linker command failed with exit code 1 (use -v to see invocation)",
        ],
        ["undefined reference to `frobnicate'", "linker command failed"],
        "compile",
        None,
        None,
    ),
    "javac": (
        "javac -d out src/Main.java",
        [
            "src/Main.java:5: error: cannot find symbol",
            '        Strin name = "x";',
            "        ^",
            "  symbol:   class Strin",
            "  location: class Main",
            "1 error",
        ],
        ["src/Main.java:5: error: cannot find symbol", "symbol:   class Strin"],
        "compile",
        None,
        "src/Main.java",
    ),
    "gradle": (
        "./gradlew build",
        [
            "> Task :compileJava FAILED",
            "/home/runner/work/widgets/widgets/src/main/java/com/acme/App.java:10: error: ';' expected",
            "        int x = 1",
            "                 ^",
            "1 error",
            "",
            "FAILURE: Build failed with an exception.",
            "",
            "* What went wrong:",
            "Execution failed for task ':compileJava'.",
            "> Compilation failed; see the compiler error output for details.",
        ],
        ["App.java:10: error: ';' expected", "Execution failed for task ':compileJava'."],
        "compile",
        None,
        "src/main/java/com/acme/App.java",
    ),
    "docker build": (
        "docker build .",
        [
            "#8 [3/4] RUN pip install -r requirements.txt",
            "#8 1.234 ERROR: Could not find a version that satisfies the requirement nope==1.0",
            '#8 ERROR: process "/bin/sh -c pip install -r requirements.txt" did not complete successfully: '
            "exit code: 1",
            "------",
            " > [3/4] RUN pip install -r requirements.txt:",
            "------",
            'ERROR: failed to solve: process "/bin/sh -c pip install -r requirements.txt" did not complete '
            "successfully: exit code: 1",
        ],
        ["#8 ERROR: process", "ERROR: failed to solve"],
        None,
        None,
        None,
    ),
    "terraform": (
        "terraform plan",
        [
            "Planning...",
            "╷",
            "│ Error: Unsupported argument",
            "│ ",
            '│   on main.tf line 12, in resource "aws_s3_bucket" "b":',
            '│   12:   acl_x = "private"',
            "│ ",
            '│ An argument named "acl_x" is not expected here.',
            "╵",
        ],
        ["│ Error: Unsupported argument", 'An argument named "acl_x" is not expected here.'],
        None,
        None,
        None,
    ),
    "timeout": (
        "make e2e",
        [
            "Running e2e suite",
            "##[error]The job running on runner GitHub Actions 12 has exceeded the maximum execution time "
            "of 60 minutes.",
        ],
        ["exceeded the maximum execution time"],
        "timeout",
        None,
        None,
    ),
    "oom": (
        "make build",
        ["Building widgets", "bash: line 1:  1234 Killed                  node build.js"],
        ["Killed"],
        "infrastructure",
        None,
        None,
    ),
    "missing input": (
        "deploy",
        ["##[error]Input required and not supplied: token"],
        ["Input required and not supplied: token"],
        "configuration",
        None,
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_tool_output(name: str) -> None:
    step, output, needles, category, test_id, path = CASES[name]
    log = job(step, output)
    result = analyze(log)
    lines = chosen(result)
    for needle in needles:
        assert line_no(log, needle) in lines, (needle, result.spans)
    # the setup noise and the post-job cleanup are not chosen
    assert line_no(log, "Syncing repository") not in lines
    assert line_no(log, "Cleaning up orphan processes") not in lines
    # the output and the exit marker; the step's header is the analysis's failed_step, not a line again
    assert len(lines) <= len(output) + 1
    if category:
        assert result.category == category
    if test_id:
        assert test_id in result.tests
    if path:
        assert path in [f.path for f in result.files]
    assert result.failed_step == f"Run {step}"


def test_failing_step_tail_without_error_words() -> None:
    log = job(
        "./deploy.sh",
        [
            "Uploading bundle",
            "Bundle uploaded",
            "Checking health endpoint",
            "health endpoint returned 502 after 3 tries",
        ],
    )
    result = analyze(log)
    assert line_no(log, "health endpoint returned 502") in chosen(result)


def test_step_with_only_a_tail_explanation() -> None:
    log = job("./check-version.sh", ["comparing versions", "version 1.2.3 is older than 1.3.0"])
    result = analyze(log)
    assert line_no(log, "version 1.2.3 is older than 1.3.0") in chosen(result)
    assert result.failed_step == "Run ./check-version.sh"


def test_errors_in_earlier_passing_steps_are_not_chosen() -> None:
    lines = [
        *SETUP,
        "##[group]Run npm ci",
        "##[endgroup]",
        "npm WARN deprecated request@2.88.2",
        "error: this warning-like line from a tolerated tool",
        "added 812 packages in 12s",
        "##[group]Run npm test",
        "##[endgroup]",
        " FAIL  src/a.test.js",
        "  ● adds",
        "    expect(received).toBe(expected)",
        "##[error]Process completed with exit code 1.",
    ]
    log = gh(lines)
    result = analyze(log)
    assert line_no(log, "tolerated tool") not in chosen(result)
    assert line_no(log, "● adds") in chosen(result)


def test_gitlab_trace_sections() -> None:
    log = (
        "\x1b[0KRunning with gitlab-runner 16.11.0 (abc)\n"
        "section_start:1714550000:prepare_executor\r\x1b[0K\x1b[0K"
        '\x1b[36;1mPreparing the "docker" executor\x1b[0;m\n'
        "Using docker image python:3.12\n"
        "section_end:1714550003:prepare_executor\r\x1b[0K\n"
        "section_start:1714550004:step_script\r\x1b[0K\x1b[0K"
        '\x1b[36;1mExecuting "step_script" stage\x1b[0;m\n'
        "\x1b[32;1m$ pytest -q\x1b[0;m\n"
        "E       assert 1 == 2\n"
        "FAILED tests/test_x.py::test_one - assert 1 == 2\n"
        "1 failed in 0.01s\n"
        "section_end:1714550010:step_script\r\x1b[0K\n"
        "section_start:1714550011:cleanup_file_variables\r\x1b[0K\x1b[0K\x1b[36;1mCleaning up\x1b[0;m\n"
        "section_end:1714550012:cleanup_file_variables\r\x1b[0K\n"
        "\x1b[31;1mERROR: Job failed: exit code 1\n"
        "\x1b[0;m\n"
    )
    result = analyze(log)
    lines = chosen(result)
    assert line_no(log, "E       assert 1 == 2") in lines
    assert line_no(log, "FAILED tests/test_x.py::test_one") in lines
    assert result.failed_step == "pytest -q"  # the command the script stopped at, inside step_script
    assert result.category == "test"
    assert "tests/test_x.py::test_one" in result.tests
