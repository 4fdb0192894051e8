"""The failure's category from what the tools print (and the step that ran them), on their real output shapes."""

from __future__ import annotations

import pytest

from bot.analysis import analyze

from .helpers import gh_step

CASES = {
    "cargo clippy": (
        "cargo clippy --all-targets -- -D warnings",
        [
            "    Checking pathnorm v0.1.0 (/home/runner/work/pathnorm)",
            "error: unneeded `return` statement",
            "  --> src/lib.rs:9:5",
            "   |",
            "9  |     return out;",
            "   |     ^^^^^^^^^^",
            "   = help: for further information visit https://rust-lang.github.io/rust-clippy/master/index.html",
            "error: could not compile `pathnorm` (lib) due to 1 previous error",
        ],
        101,
        "lint",
    ),
    "go vet": (
        "go vet ./...",
        [
            "# example.com/report/report",
            "report/report.go:35:3: fmt.Fprintf format %d has arg r.Passed of wrong type bool",
        ],
        1,
        "lint",
    ),
    "a linter that found code that does not compile": (
        "make staticcheck",
        ["##[error]internal/x/y_test.go:89:4: undeclared name: os (compile)"],
        2,
        "compile",
    ),
    "curl": (
        "./scripts/smoke.sh",
        ["curl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server"],
        7,
        "infrastructure",
    ),
    "npm ci out of sync": (
        "npm ci",
        [
            "npm error code EUSAGE",
            "npm error",
            "npm error `npm ci` can only install packages when your package.json and package-lock.json or "
            "npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing.",
            "npm error",
            "npm error Missing: semver@7.7.2 from lock file",
        ],
        1,
        "dependency",
    ),
    "a missing environment variable": (
        "python scripts/deploy.py",
        [
            "Traceback (most recent call last):",
            '  File "/home/runner/work/app/app/scripts/deploy.py", line 4, in <module>',
            "    token = os.environ['RELEASE_API_TOKEN']",
            "  File \"<frozen os>\", line 679, in __getitem__",
            "KeyError: 'RELEASE_API_TOKEN'",
        ],
        1,
        "configuration",
    ),
    "a missing dict key is not configuration": (
        "python -m unittest",
        [
            "ERROR: test_name (tests.test_user.UserTest.test_name)",
            "Traceback (most recent call last):",
            '  File "/home/runner/work/app/app/src/user.py", line 8, in name',
            "    return data['display_name']",
            "KeyError: 'display_name'",
        ],
        1,
        "test",
    ),
    "pytest-timeout": (
        "pytest",
        [
            "_______________________ test_waits_for_unstarted_worker ________________________",
            ">       assert q.wait_for(2) == 9",
            "E           Failed: Timeout (>3.0s) from pytest-timeout.",
            "FAILED tests/test_queue.py::test_waits - Failed: Timeout (>3.0s) from pytest-timeout.",
        ],
        1,
        "timeout",
    ),
    "coreutils timeout": (
        "timeout -v 4 python scripts/wait_for_service.py",
        ["127.0.0.1:9 not reachable yet: [Errno 111] Connection refused"] * 3
        + ["timeout: sending signal TERM to command 'python'"],
        124,
        "timeout",
    ),
    "busted": (
        "busted --verbose",
        [
            "1 success / 1 failure / 0 errors / 0 pending : 0.008228 seconds",
            "",
            "Failure -> spec/queue_spec.lua @ 13",
            "Queue counts its items",
            "spec/queue_spec.lua:17: Expected objects to be equal.",
        ],
        1,
        "test",
    ),
    "shellcheck": (
        "shellcheck scripts/deploy.sh",
        [
            "",
            "In scripts/deploy.sh line 5:",
            "rm -rf $DIR/*",
            "       ^--^ SC2115 (warning): Use \"${var:?}\" to ensure this never expands to /* .",
        ],
        1,
        "lint",
    ),
    "terraform validate": (
        "terraform validate",
        [
            "\u2577",
            "\u2502 Error: Reference to undeclared input variable",
            "\u2502 ",
            '\u2502   on main.tf line 5, in resource "null_resource" "x":',
            "\u2575",
        ],
        1,
        "configuration",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_category(name: str) -> None:
    step, output, code, want = CASES[name]
    assert analyze(gh_step(step, output, code).encode()).category == want


def test_stylish_report_rows_point_at_their_file() -> None:
    # ESLint's default formatter: the file's path alone, then one row per problem
    log = gh_step(
        "npm run lint",
        [
            "> eslint --max-warnings 0 lib",
            "",
            "/home/runner/work/agent/agent/lib/worker.js",
            "  13:9   warning  'job' is never reassigned. Use 'const' instead  prefer-const",
            "  18:14  error    'err' is defined but never used                 no-unused-vars",
            "",
            "\u2716 2 problems (1 error, 1 warning)",
        ],
    )
    files = [(f.path, f.line) for f in analyze(log.encode(), tree=["lib/worker.js", "package.json"]).files]
    assert files == [("lib/worker.js", 18)]  # the heading is found above the rows the block leaves out


def test_files_known_by_name_and_bash_line_numbers() -> None:
    log = gh_step(
        "make build",
        [
            "./scripts/publish.sh: line 4: DEPLOY_KEY: DEPLOY_KEY is not set",
            "make: *** [Makefile:12: build] Error 1",
        ],
        2,
    )
    files = {(f.path, f.line) for f in analyze(log.encode(), tree=["Makefile", "scripts/publish.sh"]).files}
    assert files == {("scripts/publish.sh", 4), ("Makefile", 12)}


@pytest.mark.parametrize(
    ("step", "output", "tree", "want"),
    [
        (
            "npm ci",
            ["npm error code EUSAGE", "npm error Missing: semver@7.7.2 from lock file"],
            ["package.json", "package-lock.json", "web/package.json", "src/index.js"],
            ["package-lock.json", "package.json"],
        ),
        (
            "pip install -r requirements.txt",
            [
                "ERROR: Could not find a version that satisfies the requirement attrs==99.0 (from versions: 23.1.0)",
                "ERROR: No matching distribution found for attrs==99.0",
            ],
            ["requirements.txt", "pyproject.toml", "src/app.py"],
            ["requirements.txt"],
        ),
        (
            "cargo build",
            [
                "error: failed to select a version for the requirement `serde = \"^9.0\"`",
                "candidate versions found which didn't match: 1.0.219",
            ],
            ["Cargo.toml", "Cargo.lock", "src/main.rs"],
            ["Cargo.toml"],
        ),
    ],
)
def test_a_resolution_failure_names_its_manifest(
    step: str, output: list[str], tree: list[str], want: list[str]
) -> None:
    result = analyze(gh_step(step, output).encode(), tree=tree)
    assert result.category == "dependency"
    assert [f.path for f in result.files] == want


@pytest.mark.parametrize(
    ("step", "line", "want"),
    [
        (
            "vendor/bin/phpstan analyse",
            "::error file=src/Cart.php,line=28,col=0::Call to an undefined method App\\Cart::totl().",
            ("src/Cart.php", 28),
        ),
        (
            "ruff check --output-format=github .",
            "::error title=Ruff (F401),file=/home/runner/work/a/a/src/app.py,line=3,col=8,endLine=3,endColumn=10::"
            "src/app.py:3:8: F401 `os` imported but unused",
            ("src/app.py", 3),
        ),
    ],
)
def test_a_workflow_command_annotation_is_a_finding_with_its_file(step: str, line: str, want: tuple) -> None:
    # tools in GitHub Actions print their findings as workflow commands; among other output they are the failure
    pad = [f"checking file {i}" for i in range(40)]
    result = analyze(gh_step(step, [*pad, line, *pad]).encode(), tree=["src/Cart.php", "src/app.py"])
    assert result.category == "lint"
    assert (result.files[0].path, result.files[0].line) == want
    assert any(line[:40] in s.text for s in result.spans if s.kind == "error")


@pytest.mark.parametrize(("step", "want"), [("python -m pytest", "test"), ("Publish the latest release", "unknown")])
def test_the_failing_step_names_a_test_runner_not_any_word_ending_in_test(step: str, want: str) -> None:
    # nothing in the lines says what failed: the step's words do, when they name a test runner
    assert analyze(gh_step(step, ["something went sideways"]).encode()).category == want


def test_a_server_refusing_the_jobs_credentials_is_configuration() -> None:
    log = gh_step(
        "git push origin HEAD:main",
        [
            "remote: Permission to acme/w.git denied to github-actions[bot].",
            "fatal: unable to access 'https://github.com/acme/w/': The requested URL returned error: 403",
        ],
        code=128,
    )
    assert analyze(log).category == "configuration"  # not the network, though git could not "access" the URL


def test_a_process_the_kernel_killed_is_infrastructure() -> None:
    log = gh_step(
        "cargo build --release",
        [
            "   Compiling serde_derive v1.0.200",
            "error: could not compile `w` (lib)",
            "",
            "Caused by:",
            "  process didn't exit successfully: `rustc --crate-name w` (signal: 9, SIGKILL: kill)",
        ],
    )
    assert analyze(log).category == "infrastructure"


def test_the_step_says_what_it_ran_in_its_paths_words_too() -> None:
    log = gh_step("./build/test_runner", ["Running 12 tests", "./run.sh: line 3:  4121 Segmentation fault"])
    assert analyze(log).category == "test"  # "build" is a folder; "test_runner" runs tests


def test_a_bare_error_line_is_not_a_compiler_by_itself() -> None:
    bun = gh_step(
        "bun test",
        [
            "src/cart.test.ts:",
            "error: expect(received).toBe(expected)",
            "",
            "Expected: 360",
            "Received: 120",
            "",
            "      at /home/runner/work/w/w/src/cart.test.ts:13:24",
            "\u2717 cart > totals [0.31ms]",
            "",
            " 1 pass",
            " 1 fail",
        ],
    )
    assert analyze(bun).category == "test"
    zig = gh_step("zig build test", ["error: 'main.test.split' failed: expected 3, found 2", "Build Summary: 1 failed"])
    assert analyze(zig).category == "test"
    cargo = gh_step("cargo build", ["error: cannot find macro `foo` in this scope", "error: could not compile `w`"])
    assert analyze(cargo).category == "compile"
    clippy = gh_step("cargo clippy", ["error: this `if` has identical blocks", "error: could not compile `w`"])
    assert analyze(clippy).category == "lint"


def test_boost_tests_failed_check() -> None:
    log = gh_step(
        "./build/unit_tests",
        [
            "Running 4 test cases...",
            '/home/runner/work/w/w/tests/split.cpp(14): error: in "split_suite/trailing_comma": check n == 3u '
            "has failed [2 != 3]",
            "",
            '*** 1 failure is detected in the test module "unit_tests"',
        ],
    )
    result = analyze(log)
    assert result.category == "test"
    assert result.tests == ["split_suite/trailing_comma"]
    assert (result.files[0].path, result.files[0].line) == ("tests/split.cpp", 14)


@pytest.mark.parametrize(
    ("step", "output", "category"),
    [
        (
            "kubectl apply --dry-run=server -f k8s/",
            [
                'error: error validating "k8s/deploy.yaml": error validating data: ValidationError(Deployment.spec): '
                'unknown field "replica" in io.k8s.api.apps.v1.DeploymentSpec'
            ],
            "configuration",
        ),
        (
            "flutter analyze",
            ["  error \u2022 Undefined name 'foo' \u2022 lib/main.dart:12:5 \u2022 undefined_identifier", "1 issue."],
            "lint",
        ),
        (
            "./gradlew spotlessCheck",
            ["> The following files had format violations:", "      src/main/java/com/acme/Parser.java"],
            "lint",
        ),
        (
            "snyk test",
            [
                "  Upgrade lodash@4.17.15 to lodash@4.17.21 to fix",
                "  \u2717 Prototype Pollution [High Severity][https://security.snyk.io/vuln/x] in lodash@4.17.15",
            ],
            "dependency",
        ),
        ("mix dialyzer", ["lib/w/parser.ex:12:no_return", "Function split/1 has no local return."], "typecheck"),
        ("npm run typecheck", ["Found 2 problems in the project"], "typecheck"),
    ],
)
def test_more_tools_categories(step: str, output: list[str], category: str) -> None:
    assert analyze(gh_step(step, output)).category == category


def test_msbuilds_errors_summary_is_not_a_test_report() -> None:
    log = gh_step(
        "xbuild /p:Configuration=Release W.sln",
        [
            "src/W/Parser.cs(12,13): error CS0103: The name `SplitRow' does not exist in the current context",
            '\t\t\tTask "Csc" execution -- FAILED',
            "Build FAILED.",
            "Errors:",
            "",
            "\tsrc/W/Parser.cs(12,13): error CS0103: The name `SplitRow' does not exist in the current context",
            "\t 1 Error(s)",
        ],
    )
    assert analyze(log).category == "compile"


def test_a_test_that_asserts_a_forbidden_answer_is_a_test() -> None:
    log = gh_step(
        "npm test",
        [
            "  \u2715 rejects an anonymous caller (12 ms)",
            "    expect(received).toBe(expected)",
            "    Expected: 200",
            "    Received: 403 Forbidden",
            "Tests:       1 failed, 9 passed, 10 total",
        ],
    )
    assert analyze(log).category == "test"


@pytest.mark.parametrize(
    ("step", "output", "category"),
    [
        # a linter's words about the code, its command not named in the step (a script runs it)
        ("./scripts/check.sh", ["app/report.py:1:1: 'os' imported but unused"], "lint"),
        ("./scripts/check.sh", ["inventory/stock.py:2: unused import 'os' (90% confidence)"], "lint"),
        # webpack's parse failure under its "ERROR in": the code does not build
        (
            "npm run bundle",
            [
                "ERROR in ./src/cart.js 4:43",
                "Module parse failed: Unexpected token (4:43)",
                "File was parsed as module type 'javascript/auto'.",
                "webpack 5.113.0 compiled with 1 error in 216 ms",
            ],
            "compile",
        ),
    ],
)
def test_a_linters_words_and_a_bundlers_parse_failure(step: str, output: list[str], category: str) -> None:
    assert analyze(gh_step(step, output)).category == category
