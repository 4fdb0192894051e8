# ruff: noqa: E501  (real tool output lines are long)
"""More CI tools' failure output, in the shapes the tools print it: the lines kept, the category, the files.

One case per tool: Docker (BuildKit), sbt, dotnet, Kotlin through Gradle, flutter test, mix, Bazel, Julia's Test,
Ansible, pre-commit, golangci-lint, hadolint, actionlint, swift test (XCTest), Playwright and Cypress; then
bundlers (esbuild, Next.js, Angular), cloud and registry refusals, git push, apt, pip wheel builds, CMake, configure,
the race detector, Sphinx, GHC, Zig, the JVM out of memory, Node, Helm, kubectl and Codecov; then Travis CI logs
of nose, Leiningen, rebar3, ScalaTest through sbt, cabal, dune, xcodebuild, mocha, JSHint, Checkstyle, go, Maven,
rake, Composer, Python 2, make, Crystal and prove.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.analysis import analyze

from .helpers import gh, gh_step

# (step, output, substrings the error spans must hold, category or None, files that must be among the files)
CASES = [
    (
        "docker build .",
        [
            "#8 [4/6] RUN npm ci",
            "#8 0.512 npm error code ENOENT",
            '#8 ERROR: process "/bin/sh -c npm ci" did not complete successfully: exit code: 254',
            "------",
            " > [4/6] RUN npm ci:",
            "------",
            "Dockerfile:7",
            "--------------------",
            "   5 |     COPY package.json .",
            "   6 | >>> RUN npm ci",
            "--------------------",
            'ERROR: failed to solve: process "/bin/sh -c npm ci" did not complete successfully: exit code: 254',
        ],
        ["did not complete successfully"],
        None,
        [("Dockerfile", 7)],
    ),
    (
        "sbt test",
        [
            "[info] compiling 3 Scala sources to /home/runner/work/a/a/target/scala-2.13/classes ...",
            "[error] /home/runner/work/a/a/src/main/scala/app/Main.scala:10:5: not found: value foo",
            "[error]     foo(1)",
            "[error]     ^",
            "[error] one error found",
            "[error] (Compile / compileIncremental) Compilation failed",
            "[error] Total time: 5 s, completed Dec 1, 2026",
        ],
        ["not found: value foo"],
        "compile",
        [("src/main/scala/app/Main.scala", 10)],
    ),
    (
        "dotnet build",
        [
            "  Determining projects to restore...",
            "/home/runner/work/a/a/src/Api/Program.cs(12,13): error CS0246: The type or namespace name 'Foo' could not be found [/home/runner/work/a/a/src/Api/Api.csproj]",
            "Build FAILED.",
            "    0 Warning(s)",
            "    1 Error(s)",
        ],
        ["error CS0246"],
        "compile",
        [("src/Api/Program.cs", 12)],
    ),
    (
        "./gradlew build",
        [
            "> Task :app:compileKotlin FAILED",
            "e: file:///home/runner/work/a/a/app/src/main/kotlin/App.kt:10:5 Unresolved reference: foo",
            "",
            "FAILURE: Build failed with an exception.",
            "",
            "* What went wrong:",
            "Execution failed for task ':app:compileKotlin'.",
            "> Compilation error. See log for more details",
        ],
        ["Unresolved reference"],
        "compile",
        [("app/src/main/kotlin/App.kt", 10)],
    ),
    (
        "flutter test",
        [
            "00:02 +3 -1: /home/runner/work/a/a/test/widget_test.dart: Counter increments [E]",
            "  Expected: <1>",
            "    Actual: <0>",
            "",
            "  package:matcher                 expect",
            "  test/widget_test.dart 20:5       main.<fn>",
            "",
            "00:03 +3 -1: Some tests failed.",
        ],
        ["Expected: <1>", "Some tests failed"],
        "test",
        [("test/widget_test.dart", 20)],
    ),
    (
        "mix compile",
        [
            "Compiling 3 files (.ex)",
            "",
            "== Compilation error in file lib/app/parser.ex ==",
            "** (CompileError) lib/app/parser.ex:12: undefined function foo/1 (expected App.Parser to define such a function or for it to be imported, but none are available)",
            "    (elixir 1.15.7) lib/kernel/parallel_compiler.ex:428: Kernel.ParallelCompiler.require_file/2",
        ],
        ["CompileError"],
        "compile",
        [("lib/app/parser.ex", 12)],
    ),
    (
        "bazel test //...",
        [
            "ERROR: /home/runner/work/a/a/src/BUILD:10:8: Compiling src/main.cc failed: (Exit 1): gcc failed: error executing command",
            "src/main.cc:5:3: error: 'foo' was not declared in this scope",
            "Target //src:main failed to build",
            "INFO: Elapsed time: 3.2s",
            "FAILED: Build did NOT complete successfully",
        ],
        ["'foo' was not declared"],
        "compile",
        [("src/main.cc", 5)],
    ),
    (
        "julia --project -e 'using Pkg; Pkg.test()'",
        [
            "Test Failed at /home/runner/work/a/a/test/runtests.jl:5",
            "  Expression: add(1, 2) == 4",
            "   Evaluated: 3 == 4",
            "Test Summary: | Pass  Fail  Total",
            "App           |    2     1      3",
            "ERROR: LoadError: Some tests did not pass: 2 passed, 1 failed, 0 errored, 0 broken.",
        ],
        ["Test Failed at", "Evaluated: 3 == 4"],
        "test",
        [("test/runtests.jl", 5)],
    ),
    (
        "ansible-playbook site.yml",
        [
            "TASK [web : install nginx] *****************************************************",
            'fatal: [web1]: FAILED! => {"changed": false, "msg": "No package matching \'nginxx\' is available"}',
            "",
            "PLAY RECAP *********************************************************************",
            "web1                       : ok=3    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0",
        ],
        ["fatal: [web1]: FAILED!"],
        None,
        [],
    ),
    (
        "pre-commit run --all-files",
        [
            "black....................................................................Failed",
            "- hook id: black",
            "- files were modified by this hook",
            "",
            "reformatted src/app.py",
            "",
            "All done! \u2728 \U0001f370 \u2728",
            "1 file reformatted, 3 files left unchanged.",
            "flake8...................................................................Passed",
        ],
        ["black....", "reformatted src/app.py"],
        "lint",
        [("src/app.py", None)],
    ),
    (
        "golangci-lint run",
        [
            'level=info msg="[runner] linters took 1.2s"',
            "internal/store/db.go:42:12: Error return value of `rows.Close` is not checked (errcheck)",
            "\tdefer rows.Close()",
            "\t           ^",
            "internal/api/h.go:10:2: ineffectual assignment to err (ineffassign)",
            "2 issues:",
            "* errcheck: 1",
            "* ineffassign: 1",
        ],
        ["rows.Close", "ineffectual"],
        "lint",
        [("internal/store/db.go", 42)],
    ),
    (
        "hadolint Dockerfile",
        [
            "Dockerfile:3 DL3008 warning: Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`",
            "Dockerfile:7 DL3025 warning: Use arguments JSON notation for CMD and ENTRYPOINT arguments",
        ],
        ["DL3008"],
        "lint",
        [("Dockerfile", 3)],
    ),
    (
        "actionlint",
        [
            '.github/workflows/ci.yml:12:9: property "node" is not defined in object type {} [expression]',
            "   |",
            "12 |         run: echo ${{ matrix.node }}",
            "   |         ^~~~",
        ],
        ['property "node"'],
        "lint",
        [(".github/workflows/ci.yml", 12)],
    ),
    (
        "swift test",
        [
            "Test Suite 'All tests' started at 2026-12-01 10:00:00.000",
            '/home/runner/work/a/a/Tests/AppTests/AppTests.swift:12: error: -[AppTests.AppTests testAdd] : XCTAssertEqual failed: ("3") is not equal to ("4")',
            "Test Case '-[AppTests.AppTests testAdd]' failed (0.001 seconds).",
            "Executed 3 tests, with 1 failure (0 unexpected) in 0.003 (0.004) seconds",
        ],
        ["XCTAssertEqual failed"],
        "test",
        [("Tests/AppTests/AppTests.swift", 12)],
    ),
    (
        "npx playwright test",
        [
            "  1) [chromium] \u203a tests/login.spec.ts:12:5 \u203a login \u203a shows an error ─────────────",
            "",
            "    Error: Timed out 5000ms waiting for expect(locator).toBeVisible()",
            "",
            "    Locator: getByText('Invalid password')",
            "",
            "      14 |   await page.click('button');",
            "    > 15 |   await expect(page.getByText('Invalid password')).toBeVisible();",
            "         |                                                    ^",
            "",
            "        at /home/runner/work/a/a/tests/login.spec.ts:15:52",
            "",
            "  1 failed",
            "    [chromium] \u203a tests/login.spec.ts:12:5 \u203a login \u203a shows an error ──────────────",
            "  4 passed (12.3s)",
        ],
        ["toBeVisible()", "1 failed"],
        "test",
        [("tests/login.spec.ts", 15)],
    ),
    (
        "cypress run",
        [
            "  1) Login",
            "       shows an error:",
            "     AssertionError: Timed out retrying after 4000ms: Expected to find content: 'Invalid' but never did.",
            "      at Context.eval (webpack:///./cypress/e2e/login.cy.js:9:8)",
            "",
            "  (Run Finished)",
            "       Spec                                              Tests  Passing  Failing",
            "  \u2716  login.cy.js                              00:05        1        -        1",
            "  \u2716  1 of 1 failed (100%)                     00:05        1        -        1",
        ],
        ["Expected to find content"],
        "test",
        [("cypress/e2e/login.cy.js", 9)],
    ),
]
TREE = [
    "Dockerfile",
    "package.json",
    "src/main/scala/app/Main.scala",
    "src/Api/Program.cs",
    "app/src/main/kotlin/App.kt",
    "test/widget_test.dart",
    "lib/app/parser.ex",
    "src/main.cc",
    "src/BUILD",
    "test/runtests.jl",
    "src/app.py",
    "internal/store/db.go",
    "internal/api/h.go",
    ".github/workflows/ci.yml",
    "Tests/AppTests/AppTests.swift",
    "tests/login.spec.ts",
    "cypress/e2e/login.cy.js",
    "src/Cart.php",
]


MORE = [
    (
        "npm run build",
        [
            "> vite build",
            "vite v5.2.0 building for production...",
            "\u2713 12 modules transformed.",
            '\u2718 [ERROR] Could not resolve "./utils/format"',
            "",
            "    src/main.ts:3:19:",
            '      3 \u2502 import { fmt } from "./utils/format";',
            "        \u2575                    ~~~~~~~~~~~~~~~~",
            "",
            "error during build:",
            "Error: Build failed with 1 error:",
        ],
        ["Could not resolve"],
        "compile",
        [("src/main.ts", 3)],
    ),
    (
        "npx next build",
        [
            "   Linting and checking validity of types  ...",
            "Failed to compile.",
            "",
            "./app/page.tsx:12:7",
            "Type error: Type 'string' is not assignable to type 'number'.",
            "",
            "  10 |   const x: number = 1;",
            '> 12 |   const y: number = "a";',
            "     |       ^",
            "Next.js build worker exited with code: 1 and signal: null",
        ],
        ["Type error: Type 'string'"],
        None,
        [("app/page.tsx", 12)],
    ),
    (
        "ng build",
        [
            "Error: src/app/app.component.ts:10:5 - error TS2322: Type 'string' is not assignable to type 'number'.",
            "",
            "10     this.count = 'a';",
            "       ~~~~~~~~~~",
        ],
        ["error TS2322"],
        "typecheck",
        [("src/app/app.component.ts", 10)],
    ),
    (
        "aws s3 sync dist s3://bucket",
        [
            "upload failed: dist/index.html to s3://bucket/index.html An error occurred (AccessDenied) when calling the PutObject operation: Access Denied"
        ],
        ["AccessDenied"],
        "configuration",
        [],
    ),
    (
        "docker push ghcr.io/acme/app:1.0",
        [
            "The push refers to repository [ghcr.io/acme/app]",
            "5f70bf18a086: Preparing",
            "denied: permission_denied: write_package",
        ],
        ["denied"],
        "configuration",
        [],
    ),
    (
        "git push origin HEAD:main",
        [
            "To https://github.com/acme/app",
            " ! [rejected]        HEAD -> main (fetch first)",
            "error: failed to push some refs to 'https://github.com/acme/app'",
            "hint: Updates were rejected because the remote contains work that you do not",
        ],
        ["[rejected]", "failed to push"],
        None,
        [],
    ),
    (
        "sudo apt-get install -y libfoo-dev",
        ["Reading package lists...", "Building dependency tree...", "E: Unable to locate package libfoo-dev"],
        ["Unable to locate package"],
        "dependency",
        [],
    ),
    (
        "pip install .",
        [
            "  Building wheel for cryptic (pyproject.toml): started",
            "  error: subprocess-exited-with-error",
            "  ",
            "  \u00d7 Building wheel for cryptic (pyproject.toml) did not run successfully.",
            "  \u2502 exit code: 1",
            "  \u2570\u2500> [6 lines of output]",
            "      src/cryptic.c:1:10: fatal error: openssl/ssl.h: No such file or directory",
            "          1 | #include <openssl/ssl.h>",
            "      compilation terminated.",
            "      error: command '/usr/bin/gcc' failed with exit code 1",
            "      [end of output]",
            "  ERROR: Failed building wheel for cryptic",
            "ERROR: Could not build wheels for cryptic, which is required to install pyproject.toml-based projects",
        ],
        ["openssl/ssl.h: No such file", "Failed building wheel"],
        None,
        [("src/cryptic.c", 1)],
    ),
    (
        "cmake -S . -B build",
        [
            "-- The C compiler identification is GNU 12.2.0",
            "CMake Error at CMakeLists.txt:10 (find_package):",
            '  By not providing "FindFoo.cmake" in CMAKE_MODULE_PATH this project has',
            '  asked CMake to find a package configuration file provided by "Foo", but',
            "  CMake did not find one.",
            "",
            "-- Configuring incomplete, errors occurred!",
        ],
        ["CMake Error at CMakeLists.txt:10"],
        None,
        [("CMakeLists.txt", 10)],
    ),
    (
        "./configure",
        ["checking for gcc... gcc", "checking for zlib.h... no", "configure: error: zlib header not found"],
        ["configure: error: zlib header not found"],
        None,
        [],
    ),
    (
        "go test -race ./...",
        [
            "==================",
            "WARNING: DATA RACE",
            "Write at 0x00c000014088 by goroutine 8:",
            "  example.com/app/counter.(*C).Inc()",
            "      /home/runner/work/a/a/counter/counter.go:12 +0x44",
            "",
            "Previous read at 0x00c000014088 by goroutine 7:",
            "  example.com/app/counter.(*C).Get()",
            "      /home/runner/work/a/a/counter/counter.go:16 +0x3a",
            "==================",
            "--- FAIL: TestInc (0.00s)",
            "    testing.go:1465: race detected during execution of test",
            "FAIL",
            "FAIL\texample.com/app/counter\t0.02s",
        ],
        ["WARNING: DATA RACE", "--- FAIL: TestInc"],
        "test",
        [("counter/counter.go", 12)],
    ),
    (
        "sphinx-build -W docs docs/_build",
        [
            "Running Sphinx v7.2.6",
            "/home/runner/work/a/a/docs/index.rst:12: WARNING: undefined label: 'install'",
            "",
            "Warning, treated as error:",
            "/home/runner/work/a/a/docs/index.rst:12:undefined label: 'install'",
        ],
        ["undefined label"],
        None,
        [("docs/index.rst", 12)],
    ),
    (
        "stack build",
        [
            "app/Main.hs:5:8: error:",
            "    \u2022 Couldn't match expected type \u2018Int\u2019 with actual type \u2018[Char]\u2019",
            '    \u2022 In the expression: "a"',
            "  |",
            '5 | x = "a"',
            "  |     ^^^",
        ],
        ["Couldn't match expected type"],
        "compile",
        [("app/Main.hs", 5)],
    ),
    (
        "zig build test",
        [
            "src/main.zig:10:5: error: use of undeclared identifier 'foo'",
            "    foo();",
            "    ^~~",
            "error: the following command failed with 1 compilation errors:",
        ],
        ["undeclared identifier"],
        "compile",
        [("src/main.zig", 10)],
    ),
    (
        "java -jar app.jar",
        [
            'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
            "\tat com.acme.App.load(App.java:42)",
            "\tat com.acme.App.main(App.java:10)",
        ],
        ["OutOfMemoryError"],
        "infrastructure",
        [("src/main/java/com/acme/App.java", 42)],
    ),
    (
        "node scripts/migrate.js",
        [
            "node:internal/process/promises:289",
            "            triggerUncaughtException(err, true /* fromPromise */);",
            "            ^",
            "",
            "Error: connect ECONNREFUSED 127.0.0.1:5432",
            "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16) {",
            "  errno: -111,",
            "  code: 'ECONNREFUSED',",
        ],
        ["ECONNREFUSED 127.0.0.1:5432"],
        "infrastructure",
        [],
    ),
    (
        "python -m app",
        [
            "Traceback (most recent call last):",
            '  File "/home/runner/work/a/a/app/__main__.py", line 1, in <module>',
            "    import requests",
            "ModuleNotFoundError: No module named 'requests'",
        ],
        ["ModuleNotFoundError"],
        "dependency",
        [("app/__main__.py", 1)],
    ),
    (
        "helm lint charts/app",
        [
            "==> Linting charts/app",
            "[ERROR] templates/deployment.yaml: unable to parse YAML: error converting YAML to JSON: yaml: line 12: did not find expected key",
            "",
            "Error: 1 chart(s) linted, 1 chart(s) failed",
        ],
        ["unable to parse YAML"],
        "lint",
        [],
    ),
    (
        "kubectl apply -f k8s/",
        [
            "deployment.apps/web configured",
            "Error from server (Invalid): error when applying patch:",
            'The Deployment "web" is invalid: spec.template.spec.containers[0].image: Required value',
        ],
        ["is invalid"],
        None,
        [],
    ),
    (
        "codecov",
        [
            "[2026-12-01T10:00:00.000Z] ['error'] There was an error running the uploader: Error uploading to https://codecov.io: Error: There was an error fetching the storage URL during POST: 429 - {'detail': ErrorDetail(string='Rate limit reached.', code='throttled')}"
        ],
        ["Rate limit reached"],
        "infrastructure",
        [],
    ),
]
MORE_TREE = [
    "src/main.ts",
    "app/page.tsx",
    "src/app/app.component.ts",
    "src/cryptic.c",
    "CMakeLists.txt",
    "counter/counter.go",
    "docs/index.rst",
    "tests/testthat/test-add.R",
    "app/Main.hs",
    "src/main.zig",
    "src/main/java/com/acme/App.java",
    "app/__main__.py",
    "charts/app/templates/deployment.yaml",
    "k8s/web.yaml",
    "pyproject.toml",
    "package.json",
]


def assert_found(result: Any, keys: list[str], category: str | None, files: list[tuple], tests: list[str] = ()) -> None:
    """The error spans hold every key line; the category, the files (a file without a line: its path) and the test
    ids are the ones given."""
    text = "\n".join(s.text for s in result.spans if s.kind == "error")
    assert [k for k in keys if k not in text] == []
    if category is not None:
        assert result.category == category
    got = [(f.path, f.line) for f in result.files]
    assert [f for f in files if f not in got and not (f[1] is None and any(g[0] == f[0] for g in got))] == []
    assert [t for t in tests if t not in result.tests] == []


@pytest.mark.parametrize("case", MORE, ids=[c[0].split()[0] + "-" + c[0].split()[-1][:12] for c in MORE])
def test_more_tool_failures(case: tuple) -> None:
    test_tool_failure(case, MORE_TREE)


@pytest.mark.parametrize("case", CASES, ids=[c[0].split()[0] for c in CASES])
def test_tool_failure(case: tuple, tree: list[str] | None = None) -> None:
    step, output, keys, category, files = case
    assert_found(analyze(gh_step(step, output).encode(), tree=tree or TREE), keys, category, files)


def test_test_ids_of_dart_and_xctest() -> None:
    by_step = {c[0]: c for c in CASES}
    dart = analyze(gh_step("flutter test", by_step["flutter test"][1]).encode(), tree=TREE)
    assert dart.tests == ["Counter increments"]
    swift = analyze(gh_step("swift test", by_step["swift test"][1]).encode(), tree=TREE)
    assert swift.tests == ["AppTests.AppTests/testAdd"]
    cypress = analyze(gh_step("cypress run", by_step["cypress run"][1]).encode(), tree=TREE)
    assert cypress.tests == ["Login shows an error"]  # its mocha-style title; the run table's rows are not tests
    by_step = {c[0]: c for c in MORE}
    for step in ("npm run build", "pip install ."):  # esbuild's and pip's crosses are not tests
        assert analyze(gh_step(step, by_step[step][1]).encode(), tree=MORE_TREE).tests == []


def travis(cmd: str, out: list[str], code: int = 1) -> bytes:
    """A Travis CI job log: folds, timers, the command's verdict and the build's."""
    lines = [
        "travis_fold:start:install",
        "$ bundle install",
        "Using rake 12.0",
        "travis_fold:end:install",
        "travis_time:start:0a1b",
        f"$ {cmd}",
        *out,
        "travis_time:end:0a1b:start=1,finish=2,duration=1",
        f'The command "{cmd}" exited with {code}.',
        "",
        "Done. Your build exited with 1.",
    ]
    return "\n".join(lines).encode()


# (command, output, substrings the error spans must hold, category or None, files, test ids among the tests)
TRAVIS = [
    (
        "nosetests",
        [
            "..F.",
            "======================================================================",
            "FAIL: test_add (tests.test_calc.CalcTest)",
            "----------------------------------------------------------------------",
            "Traceback (most recent call last):",
            '  File "/home/travis/build/a/b/tests/test_calc.py", line 9, in test_add',
            "    self.assertEqual(add(1, 2), 4)",
            "AssertionError: 3 != 4",
            "",
            "----------------------------------------------------------------------",
            "Ran 4 tests in 0.002s",
            "",
            "FAILED (failures=1)",
        ],
        ["AssertionError: 3 != 4"],
        "test",
        [("tests/test_calc.py", 9)],
        ["tests.test_calc.CalcTest.test_add"],
    ),
    (
        "lein test",
        [
            "lein test app.core-test",
            "",
            "FAIL in (test-parse) (core_test.clj:7)",
            "parses numbers",
            'expected: (= 3 (parse "2"))',
            "  actual: (not (= 3 2))",
            "",
            "Ran 3 tests containing 5 assertions.",
            "1 failures, 0 errors.",
            "Tests failed.",
        ],
        ["FAIL in (test-parse)", "actual: (not (= 3 2))"],
        "test",
        [("test/app/core_test.clj", 7)],
        ["test-parse"],
    ),
    (
        "rebar3 eunit",
        [
            "===> Performing EUnit tests...",
            "F..",
            "Failures:",
            "",
            "  1) calc_tests:add_test/0",
            "     Failure/Error: ?assertEqual(4, calc:add(1, 2))",
            "       expected: 4",
            "            got: 3",
            "     %% /home/travis/build/a/b/test/calc_tests.erl:5:in `calc_tests:-add_test/0-fun-0-/0`",
            "",
            "Finished in 0.050 seconds",
            "3 tests, 1 failures",
        ],
        ["expected: 4", "got: 3"],
        "test",
        [("test/calc_tests.erl", 5)],
        ["calc_tests:add_test/0"],
    ),
    (
        "sbt test",
        [
            "[info] CalcSpec:",
            "[info] - should add *** FAILED ***",
            "[info]   3 did not equal 4 (CalcSpec.scala:10)",
            "[info] Run completed in 312 milliseconds.",
            "[info] Tests: succeeded 2, failed 1, canceled 0, ignored 0, pending 0",
            "[info] *** 1 TEST FAILED ***",
            "[error] Failed tests:",
            "[error] \tapp.CalcSpec",
            "[error] (Test / test) sbt.TestsFailedException: Tests unsuccessful",
        ],
        ["should add *** FAILED ***", "3 did not equal 4"],
        "test",
        [("src/test/scala/app/CalcSpec.scala", 10)],
        [],
    ),
    (
        "cabal test",
        [
            "Running 1 test suites...",
            "Test suite spec: RUNNING...",
            "",
            "Calc",
            "  add FAILED [1]",
            "",
            "Failures:",
            "",
            "  test/CalcSpec.hs:9:5: ",
            "  1) Calc add",
            "       expected: 4",
            "        but got: 3",
            "",
            "2 examples, 1 failure",
            "Test suite spec: FAIL",
        ],
        ["expected: 4", "but got: 3"],
        "test",
        [("test/CalcSpec.hs", 9)],
        [],
    ),
    (
        "dune runtest",
        [
            'File "test/test_calc.ml", line 5, characters 2-30:',
            "Error: This expression has type string but an expression was expected of type",
            "         int",
        ],
        ["Error: This expression has type string"],
        "compile",
        [("test/test_calc.ml", 5)],
        [],
    ),
    (
        "xcodebuild test -scheme App",
        [
            "Test Suite 'AppTests' started at 2020-01-01 10:00:00.000",
            '/Users/travis/build/a/b/AppTests/AppTests.m:20: error: -[AppTests testAdd] : ((3) equal to (4)) failed: ("3") is not equal to ("4")',
            "Test Case '-[AppTests testAdd]' failed (0.001 seconds).",
            "** TEST FAILED **",
        ],
        ["((3) equal to (4)) failed"],
        "test",
        [("AppTests/AppTests.m", 20)],
        [],
    ),
    (
        "npm test",
        [
            "> app@1.0.0 test /home/travis/build/a/b",
            "> mocha",
            "",
            "  1 passing (8ms)",
            "  1 failing",
            "",
            "  1) add",
            "       adds numbers:",
            "     AssertionError: expected 3 to equal 4",
            "      at Context.<anonymous> (test/add.js:5:22)",
            "",
            "npm ERR! Test failed.  See above for more details.",
        ],
        ["AssertionError: expected 3 to equal 4"],
        "test",
        [("test/add.js", 5)],
        ["add adds numbers"],
    ),
    (
        "jshint .",
        ["src/app.js: line 10, col 5, Missing semicolon.", "", "1 error"],
        ["Missing semicolon"],
        "lint",
        [("src/app.js", 10)],
        [],
    ),
    (
        "ant checkstyle",
        [
            "[checkstyle] Running Checkstyle 8.0 on 12 files",
            "[checkstyle] [ERROR] /home/travis/build/a/b/src/App.java:10:5: '{' at column 5 should be on the previous line. [LeftCurly]",
            "BUILD FAILED",
            "/home/travis/build/a/b/build.xml:40: Got 1 errors and 0 warnings.",
        ],
        ["LeftCurly"],
        "lint",
        [("src/App.java", 10)],
        [],
    ),
    (
        "go test ./...",
        [
            "--- FAIL: TestAdd (0.00s)",
            "    calc_test.go:9: expected 4, got 3",
            "FAIL",
            "FAIL\tgithub.com/a/b/calc\t0.002s",
        ],
        ["calc_test.go:9: expected 4"],
        "test",
        [("calc/calc_test.go", 9)],
        ["TestAdd"],
    ),
    (
        "mvn test",
        [
            "Running com.acme.CalcTest",
            "Tests run: 3, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.01 sec <<< FAILURE!",
            "testAdd(com.acme.CalcTest)  Time elapsed: 0.003 sec  <<< FAILURE!",
            "java.lang.AssertionError: expected:<4> but was:<3>",
            "\tat org.junit.Assert.fail(Assert.java:88)",
            "\tat com.acme.CalcTest.testAdd(CalcTest.java:12)",
            "",
            "Results :",
            "",
            "Failed tests:   testAdd(com.acme.CalcTest): expected:<4> but was:<3>",
            "",
            "Tests run: 3, Failures: 1, Errors: 0, Skipped: 0",
            "",
            "[INFO] BUILD FAILURE",
            "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:2.12.4:test (default-test) on project calc: There are test failures.",
        ],
        ["expected:<4> but was:<3>"],
        "test",
        [("src/test/java/com/acme/CalcTest.java", 12)],
        ["com.acme.CalcTest.testAdd"],
    ),
    (
        "bundle exec rake",
        [
            "rake aborted!",
            "NameError: uninitialized constant Foo",
            "/home/travis/build/a/b/lib/app.rb:3:in `<top (required)>'",
            "/home/travis/build/a/b/Rakefile:1:in `require'",
            "Tasks: TOP => default",
            "(See full trace by running task with --trace)",
        ],
        ["NameError: uninitialized constant Foo"],
        None,
        [("lib/app.rb", 3)],
        [],
    ),
    (
        "composer install",
        [
            "Loading composer repositories with package information",
            "Your requirements could not be resolved to an installable set of packages.",
            "",
            "  Problem 1",
            "    - The requested package acme/lib ^9.0 exists as acme/lib[1.0.0] but these are rejected by your constraint.",
        ],
        ["could not be resolved", "Problem 1", "acme/lib ^9.0"],
        "dependency",
        [],
        [],
    ),
    (
        "python setup.py test",
        [
            '  File "/home/travis/build/a/b/app/core.py", line 12',
            '    print "hello"',
            "                ^",
            "SyntaxError: invalid syntax",
        ],
        ["SyntaxError: invalid syntax"],
        "compile",
        [("app/core.py", 12)],
        [],
    ),
    (
        "make",
        [
            "gcc -c -o obj/main.o src/main.c",
            "src/main.c: In function 'main':",
            "src/main.c:5:3: error: 'x' undeclared (first use in this function)",
            "make: *** [obj/main.o] Error 1",
        ],
        ["'x' undeclared"],
        "compile",
        [("src/main.c", 5)],
        [],
    ),
    (
        "crystal spec",
        [
            "F..",
            "",
            "Failures:",
            "",
            "  1) Calc adds",
            "     Failure/Error: Calc.add(1, 2).should eq(4)",
            "",
            "       Expected: 4",
            "            got: 3",
            "",
            "     # spec/calc_spec.cr:5",
            "",
            "Finished in 1.2 milliseconds",
            "3 examples, 1 failures, 0 errors, 0 pending",
        ],
        ["Expected: 4"],
        "test",
        [("spec/calc_spec.cr", 5)],
        ["Calc adds"],
    ),
    (
        "perl Makefile.PL && make test",
        [
            "t/calc.t .. 1/3 ",
            "#   Failed test 'adds'",
            "#   at t/calc.t line 7.",
            "#          got: '3'",
            "#     expected: '4'",
            "# Looks like you failed 1 test of 3.",
            "t/calc.t .. Dubious, test returned 1 (wstat 256, 0x100)",
            "Failed 1/3 subtests",
            "Result: FAIL",
            "Failed 1/1 test programs. 1/3 subtests failed.",
            "make: *** [test_dynamic] Error 255",
        ],
        ["Failed test 'adds'", "got: '3'"],
        "test",
        [("t/calc.t", 7)],
        ["adds"],
    ),
]
TRAVIS_TREE = [
    "tests/test_calc.py",
    "test/app/core_test.clj",
    "test/calc_tests.erl",
    "src/test/scala/app/CalcSpec.scala",
    "test/CalcSpec.hs",
    "test/test_calc.ml",
    "AppTests/AppTests.m",
    "test/add.js",
    "src/app.js",
    "src/App.java",
    "calc/calc_test.go",
    "src/test/java/com/acme/CalcTest.java",
    "lib/app.rb",
    "Rakefile",
    "composer.json",
    "app/core.py",
    "src/main.c",
    "spec/calc_spec.cr",
    "t/calc.t",
]


@pytest.mark.parametrize("case", TRAVIS, ids=[c[0].split()[0] for c in TRAVIS])
def test_travis_era_tool_failures(case: tuple) -> None:
    step, output, keys, category, files, tests = case
    assert_found(analyze(travis(step, output), tree=TRAVIS_TREE), keys, category, files, tests)


# GitHub Actions' own failures and the platform around a job: ("raw", log, keys, category) or ("step", (step,
# output, exit code), keys, category)
PLATFORM = [
    (
        "raw",
        gh(
            [
                "##[group]Run ./long.sh",
                "##[endgroup]",
                "step 1",
                "##[error]The job running on runner GitHub Actions 3 has exceeded the maximum execution time of 360 minutes.",
            ]
        ),
        ["exceeded the maximum execution time"],
        "timeout",
    ),
    (
        "raw",
        gh(
            [
                "##[group]Run ./build.sh",
                "##[endgroup]",
                "compiling",
                "##[error]The runner has received a shutdown signal. This can happen when the runner service is stopped, or a manually started runner is canceled.",
            ]
        ),
        ["shutdown signal"],
        "infrastructure",
    ),
    (
        "raw",
        gh(
            [
                "##[group]Run actions/checkout@v9",
                "##[endgroup]",
                "##[error]Unable to resolve action `actions/checkout@v9`, unable to find version `v9`",
            ]
        ),
        ["Unable to resolve action"],
        "configuration",
    ),
    (
        "raw",
        gh(
            [
                "##[group]Run actions/setup-python@v5",
                "with:",
                "  python-version: 3.14",
                "##[endgroup]",
                "Version 3.14 was not found in the local cache",
                "##[error]The version '3.14' with architecture 'x64' was not found for Ubuntu 22.04.",
                "The list of all available versions can be found here: https://raw.githubusercontent.com/actions/python-versions/main/versions-manifest.json",
            ]
        ),
        ["was not found for Ubuntu"],
        "configuration",
    ),
    (
        "raw",
        gh(
            [
                "##[group]Run actions/setup-node@v4",
                "##[endgroup]",
                "##[error]Dependencies lock file is not found in /home/runner/work/a/a. Supported file patterns: package-lock.json,npm-shrinkwrap.json,yarn.lock",
            ]
        ),
        ["lock file is not found"],
        "configuration",
    ),
    (
        "step",
        (
            "git submodule update --init",
            [
                "Cloning into '/home/runner/work/a/a/vendor/lib'...",
                "fatal: could not read Username for 'https://github.com': terminal prompts disabled",
                "fatal: clone of 'https://github.com/acme/private-lib.git' into submodule path '/home/runner/work/a/a/vendor/lib' failed",
            ],
            128,
        ),
        ["could not read Username"],
        "configuration",
    ),
    (
        "step",
        (
            "npm ci",
            [
                "npm error code E401",
                "npm error Unable to authenticate, your authentication token seems to be invalid.",
                "npm error To correct this please try logging in again with:",
                "npm error     npm login",
            ],
            1,
        ),
        ["Unable to authenticate"],
        "configuration",
    ),
    (
        "step",
        (
            "npm ci",
            [
                "npm error code EAI_AGAIN",
                "npm error syscall getaddrinfo",
                "npm error errno EAI_AGAIN",
                "npm error request to https://registry.npmjs.org/left-pad failed, reason: getaddrinfo EAI_AGAIN registry.npmjs.org",
            ],
            1,
        ),
        ["EAI_AGAIN registry.npmjs.org"],
        "infrastructure",
    ),
    (
        "step",
        (
            "docker pull acme/private:1.0",
            [
                "Error response from daemon: pull access denied for acme/private, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"
            ],
            1,
        ),
        ["pull access denied"],
        "configuration",
    ),
    (
        "step",
        (
            "git fetch origin",
            [
                "error: RPC failed; curl 92 HTTP/2 stream 0 was not closed cleanly: CANCEL (err 8)",
                "fatal: early EOF",
                "fatal: fetch-pack: invalid index-pack output",
            ],
            128,
        ),
        ["RPC failed"],
        "infrastructure",
    ),
    (
        "step",
        (
            "./gradlew test",
            [
                "> Task :app:test",
                "",
                'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
                "",
                "FAILURE: Build failed with an exception.",
                "* What went wrong:",
                "Execution failed for task ':app:test'.",
                "> Process 'Gradle Test Executor 1' finished with non-zero exit value 137",
            ],
            1,
        ),
        ["OutOfMemoryError"],
        "infrastructure",
    ),
    (
        "step",
        (
            "pytest",
            [
                "tests/test_big.py::test_load ",
                "/home/runner/work/_temp/x.sh: line 1:  2211 Killed                  pytest",
            ],
            137,
        ),
        ["Killed"],
        "infrastructure",
    ),
    (
        "step",
        (
            "python manage.py test",
            [
                'django.db.utils.OperationalError: connection to server at "localhost" (127.0.0.1), port 5432 failed: Connection refused',
                "\tIs the server running on that host and accepting TCP/IP connections?",
            ],
            1,
        ),
        ["Connection refused"],
        "infrastructure",
    ),
    (
        "step",
        (
            "terraform plan",
            [
                "\u2577",
                "\u2502 Error: No valid credential sources found",
                "\u2502 ",
                '\u2502   with provider["registry.terraform.io/hashicorp/aws"],',
                '\u2502   on main.tf line 10, in provider "aws":',
                "\u2575",
            ],
            1,
        ),
        ["No valid credential sources"],
        "configuration",
    ),
    (
        "step",
        (
            "bundle install",
            [
                "Fetching gem metadata from https://rubygems.org/",
                "Could not find gem 'rails (~> 9.0)' in rubygems repository https://rubygems.org/ or installed locally.",
                "",
                "The source contains the following gems matching 'rails':",
                "  * rails-7.1.3",
            ],
            7,
        ),
        ["Could not find gem"],
        "dependency",
    ),
    (
        "step",
        (
            "go build ./...",
            [
                "go: github.com/acme/lib@v1.9.0: reading github.com/acme/lib/go.mod at revision v1.9.0: unknown revision v1.9.0"
            ],
            1,
        ),
        ["unknown revision"],
        "dependency",
    ),
    (
        "step",
        (
            "cargo build",
            [
                "    Updating crates.io index",
                "error: no matching package named `serdee` found",
                "location searched: registry `crates-io`",
                "required by package `app v0.1.0 (/home/runner/work/a/a)`",
            ],
            101,
        ),
        ["no matching package named"],
        "dependency",
    ),
    (
        "step",
        (
            "mvn -B package",
            [
                "[ERROR] Failed to execute goal on project app: Could not resolve dependencies for project com.acme:app:jar:1.0: Could not find artifact com.acme:lib:jar:9.9 in central (https://repo.maven.apache.org/maven2) -> [Help 1]"
            ],
            1,
        ),
        ["Could not resolve dependencies"],
        "dependency",
    ),
]


@pytest.mark.parametrize("case", PLATFORM, ids=[str(i) for i in range(len(PLATFORM))])
def test_platform_failures(case: tuple) -> None:
    kind, log, keys, category = case
    data = log if kind == "raw" else gh_step(*log)
    tree = ["package.json", "main.tf", "Gemfile", "go.mod", "Cargo.toml", "pom.xml"]
    assert_found(analyze(data.encode(), tree=tree), keys, category, [])


# Newer versions of common runners (cargo's two-line panic, xUnit through dotnet test, Python's exception groups, Jest
# 29, Gradle 8, RSpec, go subtests, Surefire 3's "-- Time elapsed"): (step, output, keys, category, files, test ids)
CURRENT = [
    (
        "cargo test",
        [
            "running 2 tests",
            "test tests::adds ... FAILED",
            "test tests::subs ... ok",
            "",
            "failures:",
            "",
            "---- tests::adds stdout ----",
            "",
            "thread 'tests::adds' panicked at src/lib.rs:12:9:",
            "assertion `left == right` failed",
            "  left: 3",
            " right: 4",
            "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
            "",
            "",
            "failures:",
            "    tests::adds",
            "",
            "test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
            "",
            "error: test failed, to rerun pass `--lib`",
        ],
        ["panicked at src/lib.rs:12:9:", "assertion `left == right` failed", "left: 3", "right: 4"],
        "test",
        [("src/lib.rs", 12)],
        ["tests::adds"],
    ),
    (
        "dotnet test",
        [
            "  Determining projects to restore...",
            "[xUnit.net 00:00:00.51]     App.Tests.CalcTests.Add [FAIL]",
            "  Failed App.Tests.CalcTests.Add [4 ms]",
            "  Error Message:",
            "   Assert.Equal() Failure: Values differ",
            "Expected: 4",
            "Actual:   3",
            "  Stack Trace:",
            "     at App.Tests.CalcTests.Add() in /home/runner/work/a/a/tests/App.Tests/CalcTests.cs:line 12",
            "",
            "Failed!  - Failed:     1, Passed:     3, Skipped:     0, Total:     4, Duration: 12 ms - App.Tests.dll (net8.0)",
        ],
        ["Assert.Equal() Failure", "Expected: 4", "Actual:   3"],
        "test",
        [("tests/App.Tests/CalcTests.cs", 12)],
        ["App.Tests.CalcTests.Add"],
    ),
    (
        "python -m pytest",
        [
            "  + Exception Group Traceback (most recent call last):",
            '  |   File "/home/runner/work/a/a/src/app/jobs.py", line 20, in run_all',
            '  |     raise ExceptionGroup("jobs failed", errors)',
            "  | ExceptionGroup: jobs failed (2 sub-exceptions)",
            "  +-+---------------- 1 ----------------",
            "    | Traceback (most recent call last):",
            '    |   File "/home/runner/work/a/a/src/app/jobs.py", line 14, in run_one',
            '    |     raise ValueError(f"bad job {name}")',
            "    | ValueError: bad job a",
            "    +------------------------------------",
        ],
        ["ExceptionGroup: jobs failed", "ValueError: bad job a"],
        None,
        [("src/app/jobs.py", 20)],
        [],
    ),
    (
        "npx jest",
        [
            "FAIL src/sum.test.ts",
            "  sum",
            "    \u2715 adds (3 ms)",
            "",
            "  \u25cf sum \u203a adds",
            "",
            "    expect(received).toBe(expected) // Object.is equality",
            "",
            "    Expected: 4",
            "    Received: 3",
            "",
            "      3 | test('adds', () => {",
            "    > 4 |   expect(sum(1, 2)).toBe(4);",
            "        |                     ^",
            "",
            "      at Object.<anonymous> (src/sum.test.ts:4:21)",
            "",
            "Test Suites: 1 failed, 1 total",
            "Tests:       1 failed, 1 total",
        ],
        ["Expected: 4", "Received: 3", "src/sum.test.ts:4:21"],
        "test",
        [("src/sum.test.ts", 4)],
        ["sum > adds"],
    ),
    (
        "./gradlew test",
        [
            "> Task :app:test FAILED",
            "",
            "AppTest > adds() FAILED",
            "    org.opentest4j.AssertionFailedError: expected: <4> but was: <3>",
            "        at app//org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)",
            "        at app//com.acme.AppTest.adds(AppTest.java:12)",
            "",
            "1 test completed, 1 failed",
            "",
            "FAILURE: Build failed with an exception.",
            "",
            "* What went wrong:",
            "Execution failed for task ':app:test'.",
            "> There were failing tests. See the report at: file:///home/runner/work/a/a/app/build/reports/tests/test/index.html",
        ],
        ["AppTest > adds() FAILED", "expected: <4> but was: <3>"],
        "test",
        [("app/src/test/java/com/acme/AppTest.java", 12)],
        [],
    ),
    (
        "bundle exec rspec",
        [
            "F",
            "",
            "Failures:",
            "",
            "  1) Calc adds",
            "     Failure/Error: expect(Calc.add(1, 2)).to eq(4)",
            "",
            "       expected: 4",
            "            got: 3",
            "",
            "       (compared using ==)",
            "     # ./spec/calc_spec.rb:5:in `block (2 levels) in <top (required)>'",
            "",
            "Finished in 0.01 seconds",
            "1 example, 1 failure",
            "",
            "Failed examples:",
            "",
            "rspec ./spec/calc_spec.rb:4 # Calc adds",
        ],
        ["expected: 4", "got: 3"],
        "test",
        [("spec/calc_spec.rb", 5)],
        ["Calc adds"],
    ),
    (
        "go test ./...",
        [
            "--- FAIL: TestParse (0.00s)",
            "    --- FAIL: TestParse/empty (0.00s)",
            '        parse_test.go:21: Parse("") = 1, want 0',
            "FAIL",
            "FAIL\texample.com/app/parse\t0.003s",
            "FAIL",
        ],
        ["parse_test.go:21"],
        "test",
        [("parse/parse_test.go", 21)],
        ["TestParse", "TestParse/empty"],
    ),
    (
        "mvn -B verify",
        [
            "[ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! -- in com.acme.CalcTest",
            "[ERROR] com.acme.CalcTest.adds -- Time elapsed: 0.01 s <<< FAILURE!",
            "org.opentest4j.AssertionFailedError: expected: <4> but was: <3>",
            "\tat com.acme.CalcTest.adds(CalcTest.java:12)",
            "[ERROR] Failures: ",
            "[ERROR]   CalcTest.adds:12 expected: <4> but was: <3>",
            "[ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0",
            "[INFO] BUILD FAILURE",
        ],
        ["expected: <4> but was: <3>"],
        "test",
        [("src/test/java/com/acme/CalcTest.java", 12)],
        ["com.acme.CalcTest.adds"],
    ),
]
CURRENT_TREE = [
    "src/lib.rs",
    "tests/App.Tests/CalcTests.cs",
    "src/app/jobs.py",
    "src/sum.test.ts",
    "app/src/test/java/com/acme/AppTest.java",
    "spec/calc_spec.rb",
    "parse/parse_test.go",
    "src/test/java/com/acme/CalcTest.java",
]


# GoogleTest, Catch2, tox, nox, Karma, Deno, ktlint, SwiftLint, Credo: (step, output, keys, category, files, test ids)
RUNNERS = [
    (
        "ctest --output-on-failure",
        [
            "[==========] Running 2 tests from 1 test suite.",
            "[ RUN      ] CalcTest.Add",
            "/home/runner/work/a/a/test/calc_test.cc:12: Failure",
            "Expected equality of these values:",
            "  add(1, 2)",
            "    Which is: 3",
            "  4",
            "[  FAILED  ] CalcTest.Add (0 ms)",
            "[ RUN      ] CalcTest.Sub",
            "[       OK ] CalcTest.Sub (0 ms)",
            "[==========] 2 tests from 1 test suite ran. (0 ms total)",
            "[  PASSED  ] 1 test.",
            "[  FAILED  ] 1 test, listed below:",
            "[  FAILED  ] CalcTest.Add",
            "",
            " 1 FAILED TEST",
        ],
        ["calc_test.cc:12: Failure", "Which is: 3"],
        "test",
        [("test/calc_test.cc", 12)],
        ["CalcTest.Add"],
    ),
    (
        "./build/tests",
        [
            "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
            "tests is a Catch2 v3.4.0 host application.",
            "-------------------------------------------------------------------------------",
            "add works",
            "-------------------------------------------------------------------------------",
            "/home/runner/work/a/a/tests/test_calc.cpp:5",
            "...............................................................................",
            "",
            "/home/runner/work/a/a/tests/test_calc.cpp:7: FAILED:",
            "  REQUIRE( add(1, 2) == 4 )",
            "with expansion:",
            "  3 == 4",
            "",
            "===============================================================================",
            "test cases: 2 | 1 passed | 1 failed",
            "assertions: 2 | 1 passed | 1 failed",
        ],
        ["test_calc.cpp:7: FAILED:", "3 == 4"],
        "test",
        [("tests/test_calc.cpp", 7)],
        [],
    ),
    (
        "tox -e py311",
        [
            "py311: commands[0]> pytest",
            "FAILED tests/test_a.py::test_x - assert 1 == 2",
            "========================= 1 failed, 3 passed in 0.12s =========================",
            "py311: exit 1 (0.50 seconds) /home/runner/work/a/a> pytest pid=1234",
            "  py311: FAIL code 1 (2.10=setup[1.60]+cmd[0.50] seconds)",
            "  evaluation failed :( (2.20 seconds)",
        ],
        ["FAILED tests/test_a.py::test_x"],
        "test",
        [],
        ["tests/test_a.py::test_x"],
    ),
    (
        "nox -s tests",
        [
            "nox > Running session tests",
            "nox > pytest",
            "FAILED tests/test_a.py::test_x - assert 1 == 2",
            "nox > Command pytest failed with exit code 1",
            "nox > Session tests failed.",
        ],
        ["FAILED tests/test_a.py::test_x"],
        "test",
        [],
        ["tests/test_a.py::test_x"],
    ),
    (
        "npx karma start --single-run",
        [
            "Chrome Headless 120.0.0.0 (Linux x86_64) Calc adds FAILED",
            "\tExpected 3 to equal 4.",
            "\t    at <Jasmine>",
            "\t    at UserContext.<anonymous> (src/app/calc.spec.ts:5:24)",
            "Chrome Headless 120.0.0.0 (Linux x86_64): Executed 2 of 2 (1 FAILED) (0.01 secs / 0.005 secs)",
            "TOTAL: 1 FAILED, 1 SUCCESS",
        ],
        ["Expected 3 to equal 4."],
        "test",
        [("src/app/calc.spec.ts", 5)],
        [],
    ),
    (
        "deno test",
        [
            "running 2 tests from ./calc_test.ts",
            "adds ... FAILED (2ms)",
            "subs ... ok (0ms)",
            "",
            " ERRORS ",
            "",
            "adds => ./calc_test.ts:3:6",
            "error: AssertionError: Values are not equal.",
            "",
            "    [Diff] Actual / Expected",
            "",
            "-   3",
            "+   4",
            "",
            "  throw new AssertionError(message);",
            "        ^",
            "    at assertEquals (https://deno.land/std@0.200.0/assert/assert_equals.ts:55:9)",
            "    at file:///home/runner/work/a/a/calc_test.ts:4:3",
            "",
            " FAILURES ",
            "",
            "adds => ./calc_test.ts:3:6",
            "",
            "FAILED | 1 passed | 1 failed (5ms)",
            "",
            "error: Test failed",
        ],
        ["AssertionError: Values are not equal."],
        "test",
        [("calc_test.ts", 3)],
        ["adds"],
    ),
    (
        "./gradlew ktlintCheck",
        [
            "> Task :app:ktlintMainSourceSetCheck FAILED",
            '/home/runner/work/a/a/app/src/main/kotlin/App.kt:10:1 Unexpected blank line(s) before "}" (standard:no-blank-line-before-rbrace)',
            "",
            "FAILURE: Build failed with an exception.",
        ],
        ["Unexpected blank line"],
        "lint",
        [("app/src/main/kotlin/App.kt", 10)],
        [],
    ),
    (
        "swiftlint --strict",
        [
            "Linting Swift files in current working directory",
            "/Users/runner/work/a/a/Sources/App/App.swift:12:1: error: Line Length Violation: Line should be 120 characters or less; currently it has 130 characters (line_length)",
            "Done linting! Found 1 violation, 1 serious in 3 files.",
        ],
        ["Line Length Violation"],
        "lint",
        [("Sources/App/App.swift", 12)],
        [],
    ),
    (
        "mix credo --strict",
        [
            "Checking 12 source files ...",
            "",
            "  Code Readability",
            "\u2503",
            "\u2503 [R] \u2192 Modules should have a @moduledoc tag.",
            "\u2503       lib/app/calc.ex:1:11 #(App.Calc)",
            "",
            "Please report incorrect results: https://github.com/rrrene/credo/issues",
            "",
            "Analysis took 0.1 seconds",
            "12 mods/funs, found 1 code readability issue.",
        ],
        ["Modules should have a @moduledoc tag."],
        "lint",
        [("lib/app/calc.ex", 1)],
        [],
    ),
]
RUNNERS_TREE = [
    "test/calc_test.cc",
    "tests/test_calc.cpp",
    "tests/test_a.py",
    "src/app/calc.spec.ts",
    "calc_test.ts",
    "app/src/main/kotlin/App.kt",
    "Sources/App/App.swift",
    "lib/app/calc.ex",
]


# More linters and the dependency audits: PHP_CodeSniffer, HLint, clj-kondo, luacheck, TFLint, dotnet format,
# clang-tidy, cargo audit, npm audit, Trivy: (step, output, keys, category, files, test ids)
LINTERS = [
    (
        "vendor/bin/phpcs",
        [
            "",
            "FILE: /home/runner/work/a/a/src/Cart.php",
            "----------------------------------------------------------------------",
            "FOUND 1 ERROR AFFECTING 1 LINE",
            "----------------------------------------------------------------------",
            " 12 | ERROR | [x] Expected 1 space after IF keyword; 0 found",
            "----------------------------------------------------------------------",
            "PHPCBF CAN FIX THE 1 MARKED SNIFF VIOLATIONS AUTOMATICALLY",
            "----------------------------------------------------------------------",
        ],
        ["Expected 1 space after IF keyword"],
        "lint",
        [("src/Cart.php", 12)],
        [],
    ),
    (
        "hlint .",
        [
            "src/Calc.hs:5:8-20: Warning: Redundant bracket",
            "Found:",
            "  (add 1 2)",
            "Perhaps:",
            "  add 1 2",
            "",
            "1 hint",
        ],
        ["Redundant bracket"],
        "lint",
        [("src/Calc.hs", 5)],
        [],
    ),
    (
        "clj-kondo --lint src",
        [
            "src/app/core.clj:5:3: error: Unresolved symbol: foo",
            "src/app/core.clj:9:1: warning: unused binding x",
            "linting took 120ms, errors: 1, warnings: 1",
        ],
        ["Unresolved symbol: foo"],
        "lint",
        [("src/app/core.clj", 5)],
        [],
    ),
    (
        "luacheck src",
        [
            "Checking src/queue.lua                            1 warning",
            "",
            "    src/queue.lua:3:7: unused variable 'x'",
            "",
            "Total: 1 warning / 0 errors in 1 file",
        ],
        ["unused variable 'x'"],
        "lint",
        [("src/queue.lua", 3)],
        [],
    ),
    (
        "tflint",
        [
            "1 issue(s) found:",
            "",
            'Warning: Missing version constraint for provider "aws" in "required_providers" (terraform_required_providers)',
            "",
            "  on main.tf line 10:",
            '  10: provider "aws" {',
            "",
            "Reference: https://github.com/terraform-linters/tflint-ruleset-terraform/blob/v0.5.0/docs/rules/terraform_required_providers.md",
        ],
        ["Missing version constraint"],
        "lint",
        [("main.tf", 10)],
        [],
    ),
    (
        "dotnet format --verify-no-changes",
        [
            "/home/runner/work/a/a/src/Api/Program.cs(12,5): error WHITESPACE: Fix whitespace formatting. Replace 4 characters with '\\n\\s\\s\\s\\s'. [/home/runner/work/a/a/src/Api/Api.csproj]"
        ],
        ["Fix whitespace formatting"],
        "lint",
        [("src/Api/Program.cs", 12)],
        [],
    ),
    (
        "clang-tidy -p build src/main.cpp",
        [
            "/home/runner/work/a/a/src/main.cpp:10:5: error: use nullptr [modernize-use-nullptr,-warnings-as-errors]",
            "    int* p = NULL;",
            "             ^~~~",
            "             nullptr",
            "1 warning treated as error",
        ],
        ["use nullptr"],
        "lint",
        [("src/main.cpp", 10)],
        [],
    ),
    (
        "cargo audit",
        [
            "    Fetching advisory database from `https://github.com/RustSec/advisory-db.git`",
            "Crate:     time",
            "Version:   0.1.45",
            "Title:     Potential segfault in the time crate",
            "Date:      2020-11-18",
            "ID:        RUSTSEC-2020-0071",
            "URL:       https://rustsec.org/advisories/RUSTSEC-2020-0071",
            "Solution:  Upgrade to >=0.2.23",
            "error: 1 vulnerability found!",
        ],
        ["RUSTSEC-2020-0071", "1 vulnerability found"],
        None,
        [],
        [],
    ),
    (
        "npm audit --audit-level=high",
        [
            "# npm audit report",
            "",
            "lodash  <4.17.21",
            "Severity: high",
            "Command Injection in lodash - https://github.com/advisories/GHSA-35jh-r3h4-6jhm",
            "fix available via `npm audit fix`",
            "node_modules/lodash",
            "",
            "1 high severity vulnerability",
        ],
        ["Command Injection in lodash", "1 high severity vulnerability"],
        None,
        [],
        [],
    ),
    (
        "trivy image acme/app:1.0",
        [
            "acme/app:1.0 (debian 12.4)",
            "Total: 1 (UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 0, CRITICAL: 1)",
            "",
            "\u250c\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u252c",
            "\u2502 Library \u2502 Vulnerability  \u2502 Severity \u2502",
            "\u251c\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u253c",
            "\u2502 openssl \u2502 CVE-2024-0001  \u2502 CRITICAL \u2502",
            "\u2514\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2534",
        ],
        ["CVE-2024-0001"],
        None,
        [],
        [],
    ),
]
LINTERS_TREE = [
    "src/Cart.php",
    "src/Calc.hs",
    "src/app/core.clj",
    "src/queue.lua",
    "main.tf",
    "src/Api/Program.cs",
    "src/main.cpp",
    "Cargo.toml",
    "package.json",
    "Dockerfile",
]


# Bundlers and Python's runners: webpack, rollup, Django's test runner, pytest-xdist, vue-tsc
BUILDS = [
    (
        "npx webpack --mode production",
        [
            "asset main.js 1.2 KiB [emitted] [minimized] (name: main)",
            "",
            "ERROR in ./src/index.js 3:0-27",
            "Module not found: Error: Can't resolve './utils' in '/home/runner/work/a/a/src'",
            "resolve './utils' in '/home/runner/work/a/a/src'",
            "",
            "webpack 5.89.0 compiled with 1 error in 312 ms",
        ],
        ["Module not found: Error: Can't resolve './utils'"],
        "compile",
        [("src/index.js", 3)],
        [],
    ),
    (
        "npx rollup -c",
        [
            "src/main.js \u2192 dist/bundle.js...",
            '[!] RollupError: src/main.js (3:9): "fmt" is not exported by "src/utils.js", imported by "src/main.js".',
            "https://rollupjs.org/troubleshooting/#error-name-is-not-exported-by-module",
            "src/main.js (3:9)",
            "1: import { fmt } from './utils.js';",
        ],
        ["is not exported by"],
        "compile",
        [("src/main.js", 3)],
        [],
    ),
    (
        "python manage.py test",
        [
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            ".F.",
            "======================================================================",
            "FAIL: test_total (shop.tests.CartTest.test_total)",
            "----------------------------------------------------------------------",
            "Traceback (most recent call last):",
            '  File "/home/runner/work/a/a/shop/tests.py", line 10, in test_total',
            "    self.assertEqual(cart.total(), 30)",
            "AssertionError: 20 != 30",
            "",
            "----------------------------------------------------------------------",
            "Ran 3 tests in 0.010s",
            "",
            "FAILED (failures=1)",
            "Destroying test database for alias 'default'...",
        ],
        ["AssertionError: 20 != 30"],
        "test",
        [("shop/tests.py", 10)],
        ["shop.tests.CartTest.test_total"],
    ),
    (
        "pytest -n auto",
        [
            "[gw0] [ 50%] PASSED tests/test_a.py::test_ok",
            "[gw1] [100%] FAILED tests/test_a.py::test_bad",
            "",
            "=================================== FAILURES ===================================",
            "___________________________________ test_bad ___________________________________",
            "[gw1] linux -- Python 3.12.1 /opt/hostedtoolcache/Python/3.12.1/x64/bin/python",
            "",
            "    def test_bad():",
            ">       assert 1 == 2",
            "E       assert 1 == 2",
            "",
            "tests/test_a.py:5: AssertionError",
            "=========================== short test summary info ============================",
            "FAILED tests/test_a.py::test_bad - assert 1 == 2",
            "========================= 1 failed, 1 passed in 0.52s ==========================",
        ],
        ["E       assert 1 == 2", "tests/test_a.py:5: AssertionError"],
        "test",
        [("tests/test_a.py", 5)],
        ["tests/test_a.py::test_bad"],
    ),
    (
        "npm run typecheck",
        [
            "> app@1.0.0 typecheck",
            "> vue-tsc --noEmit",
            "",
            "src/components/Hello.vue:12:7 - error TS2322: Type 'string' is not assignable to type 'number'.",
            "",
            "12       count: 'a',",
            "         ~~~~~",
            "",
            "Found 1 error in src/components/Hello.vue:12",
        ],
        ["error TS2322"],
        "typecheck",
        [("src/components/Hello.vue", 12)],
        [],
    ),
]
BUILDS_TREE = [
    "src/index.js",
    "src/utils.js",
    "src/main.js",
    "shop/tests.py",
    "tests/test_a.py",
    "src/components/Hello.vue",
]

# Formatters and style checkers: Spotless, Checkstyle, detekt, standardrb, stylelint, markdownlint, cargo fmt, gofmt
STYLE = [
    (
        "mvn -B spotless:check",
        [
            "[ERROR] Failed to execute goal com.diffplug.spotless:spotless-maven-plugin:2.43.0:check (default-cli) on project app: The following files had format violations:",
            "[ERROR]     src/main/java/com/acme/App.java",
            "[ERROR]         @@ -10,7 +10,7 @@",
            "[ERROR]         -\tint x=1;",
            "[ERROR]         +\tint x = 1;",
            "[ERROR] Run 'mvn spotless:apply' to fix these violations.",
        ],
        ["format violations", "src/main/java/com/acme/App.java"],
        "lint",
        [("src/main/java/com/acme/App.java", None)],
        [],
    ),
    (
        "mvn -B checkstyle:check",
        [
            "[INFO] There is 1 error reported by Checkstyle 10.12.5 with sun_checks.xml ruleset.",
            "[ERROR] src/main/java/com/acme/App.java:[10,5] (whitespace) WhitespaceAround: '=' is not preceded with whitespace.",
            "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-checkstyle-plugin:3.3.1:check (default-cli) on project app: You have 1 Checkstyle violation. -> [Help 1]",
        ],
        ["WhitespaceAround"],
        "lint",
        [("src/main/java/com/acme/App.java", 10)],
        [],
    ),
    (
        "./gradlew detekt",
        [
            "> Task :app:detekt FAILED",
            "/home/runner/work/a/a/app/src/main/kotlin/App.kt:12:5: The function foo is too long (65). The maximum length is 60. [LongMethod]",
            "",
            "FAILURE: Build failed with an exception.",
            "* What went wrong:",
            "Execution failed for task ':app:detekt'.",
            "> Analysis failed with 1 weighted issues.",
        ],
        ["is too long", "LongMethod"],
        "lint",
        [("app/src/main/kotlin/App.kt", 12)],
        [],
    ),
    (
        "bundle exec standardrb",
        [
            "standard: Use Ruby Standard Style (https://github.com/standardrb/standard)",
            "  lib/calc.rb:3:5: Layout/IndentationWidth: Use 2 (not 4) spaces for indentation.",
        ],
        ["Layout/IndentationWidth"],
        "lint",
        [("lib/calc.rb", 3)],
        [],
    ),
    (
        'npx stylelint "**/*.css"',
        [
            "",
            "src/app.css",
            '  3:5  \u2716  Unexpected unknown property "colr"  property-no-unknown',
            "",
            "1 problem (1 error, 0 warnings)",
        ],
        ["Unexpected unknown property"],
        "lint",
        [("src/app.css", 3)],
        [],
    ),
    (
        'npx markdownlint-cli2 "**/*.md"',
        [
            "markdownlint-cli2 v0.12.1 (markdownlint v0.33.0)",
            "Finding: **/*.md",
            "Linting: 3 file(s)",
            "Summary: 1 error(s)",
            "README.md:3 MD013/line-length Line length [Expected: 80; Actual: 95]",
        ],
        ["MD013/line-length"],
        "lint",
        [("README.md", 3)],
        [],
    ),
    (
        "cargo fmt --check",
        [
            "Diff in /home/runner/work/a/a/src/main.rs at line 3:",
            " fn main() {",
            "-    let x=1;",
            "+    let x = 1;",
            " }",
        ],
        ["Diff in"],
        "lint",
        [("src/main.rs", 3)],
        [],
    ),
    ("gofmt -l .", ["internal/app/app.go"], ["internal/app/app.go"], None, [("internal/app/app.go", None)], []),
]
STYLE_TREE = [
    "src/main/java/com/acme/App.java",
    "app/src/main/kotlin/App.kt",
    "lib/calc.rb",
    "src/app.css",
    "README.md",
    "src/main.rs",
    "internal/app/app.go",
    "pom.xml",
]

# Scala 3 through sbt, Spock, Pest, behave, Robot Framework
JVM_AND_BDD = [
    (
        "sbt compile",
        [
            "[info] compiling 2 Scala sources to /home/runner/work/a/a/target/scala-3.3.1/classes ...",
            "[error] -- [E007] Type Mismatch Error: /home/runner/work/a/a/src/main/scala/app/Main.scala:5:10 ",
            '[error] 5 |  val x: Int = "a"',
            "[error]   |               ^^^",
            '[error]   |               Found:    ("a" : String)',
            "[error]   |               Required: Int",
            "[error] one error found",
            "[error] (Compile / compileIncremental) Compilation failed",
        ],
        ["Type Mismatch Error", "Required: Int"],
        "compile",
        [("src/main/scala/app/Main.scala", 5)],
        [],
    ),
    (
        "./gradlew test",
        [
            "CalcSpec > adds FAILED",
            "    org.spockframework.runtime.SpockComparisonFailure at CalcSpec.groovy:10",
            "",
            "Condition not satisfied:",
            "",
            "calc.add(1, 2) == 4",
            "|    |         |",
            "|    3         false",
            "Calc@1a2b3c",
        ],
        ["CalcSpec > adds FAILED", "Condition not satisfied:"],
        "test",
        [("src/test/groovy/CalcSpec.groovy", 10)],
        [],
    ),
    (
        "vendor/bin/pest",
        [
            "  FAILED  Tests\\Unit\\CalcTest > it adds                                 ",
            "  Failed asserting that 3 is identical to 4.",
            "",
            "  at tests/Unit/CalcTest.php:5",
            "      1\u2595 <?php",
            "  \u279c   5\u2595 expect(add(1, 2))->toBe(4);",
            "",
            "  Tests:    1 failed, 2 passed (3 assertions)",
        ],
        ["Failed asserting that 3 is identical to 4."],
        "test",
        [("tests/Unit/CalcTest.php", 5)],
        [],
    ),
    (
        "behave",
        [
            "Feature: Cart",
            "  Scenario: add an item",
            "    Given an empty cart ... passed",
            "    Then the total is 10 ... failed",
            "Assertion Failed: expected 10, got 0",
            "",
            "Failing scenarios:",
            "  features/cart.feature:3  add an item",
            "",
            "0 features passed, 1 failed, 0 skipped",
        ],
        ["Assertion Failed: expected 10, got 0", "features/cart.feature:3"],
        "test",
        [("features/cart.feature", 3)],
        [],
    ),
    (
        "robot tests/",
        [
            "==============================================================================",
            "Login :: Login tests",
            "==============================================================================",
            "Valid Login                                                           | FAIL |",
            "Page should have contained text 'Welcome' but did not.",
            "------------------------------------------------------------------------------",
            "Login :: Login tests                                                  | FAIL |",
            "1 test, 0 passed, 1 failed",
        ],
        ["Valid Login", "Page should have contained text 'Welcome'"],
        "test",
        [],
        [],
    ),
]
JVM_AND_BDD_TREE = [
    "src/main/scala/app/Main.scala",
    "src/test/groovy/CalcSpec.groovy",
    "tests/Unit/CalcTest.php",
    "features/cart.feature",
    "tests/login.robot",
]

SETS = [(case, CURRENT_TREE) for case in CURRENT] + [(case, RUNNERS_TREE) for case in RUNNERS]
SETS += [(case, JVM_AND_BDD_TREE) for case in JVM_AND_BDD]
SETS += [(case, STYLE_TREE) for case in STYLE]
SETS += [(case, LINTERS_TREE) for case in LINTERS] + [(case, BUILDS_TREE) for case in BUILDS]


@pytest.mark.parametrize(("case", "tree"), SETS, ids=[c[0].split()[0] for c, _ in SETS])
def test_runners_linters_and_audits(case: tuple, tree: list[str]) -> None:
    step, output, keys, category, files, tests = case
    assert_found(analyze(gh_step(step, output).encode(), tree=tree), keys, category, files, tests)


def gitlab_trace(script: str, out: list[str], verdict: str) -> bytes:
    """A GitLab job trace: the runner's sections, the script's echo, its output and the job's verdict."""
    t = (
        b"\x1b[0KRunning with gitlab-runner 16.11.0 (91a27b2a)\n"
        b'section_start:1714550000:prepare_executor\r\x1b[0K\x1b[0K\x1b[36;1mPreparing the "docker" executor\x1b[0;m\n'
        b"section_end:1714550003:prepare_executor\r\x1b[0K\n"
        b'section_start:1714550004:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "step_script" stage\x1b[0;m\n'
        b"\x1b[32;1m$ " + script.encode() + b"\x1b[0;m\n" + "\n".join(out).encode() + b"\n"
        b"section_end:1714550010:step_script\r\x1b[0K\n" + verdict.encode() + b"\n"
    )
    return t


# GitLab's runner saying why a job ended (its time limit, a system failure) and failures inside GitLab jobs:
# (script, output, the runner's verdict, substrings the spans must hold, category)
GITLAB = [
    (
        "sleep 7200",
        ["still waiting..."],
        "\x1b[31;1mERROR: Job failed: execution took longer than 1h0m0s seconds\x1b[0;m",
        ["execution took longer"],
        "timeout",
    ),
    (
        "make test",
        ["compiling..."],
        "\x1b[31;1mERROR: Job failed (system failure): Error response from daemon: no space left on device\x1b[0;m",
        ["no space left on device"],
        "infrastructure",
    ),
    (
        "npm ci",
        [
            "npm error code ERESOLVE",
            "npm error ERESOLVE unable to resolve dependency tree",
            "npm error Could not resolve dependency:",
            'npm error peer react@"^17.0.0" from react-dom@17.0.2',
        ],
        "\x1b[31;1mERROR: Job failed: exit code 1\x1b[0;m",
        ["ERESOLVE unable to resolve dependency tree"],
        "dependency",
    ),
    (
        "pytest",
        ["FAILED tests/test_a.py::test_x - assert 1 == 2", "==== 1 failed in 0.1s ===="],
        "\x1b[31;1mERROR: Job failed: exit code 1\x1b[0;m",
        ["FAILED tests/test_a.py::test_x"],
        "test",
    ),
    (
        "docker build -t app .",
        [
            "#5 ERROR: failed to solve: failed to fetch oauth token: unexpected status from GET request to https://auth.docker.io/token: 429 Too Many Requests"
        ],
        "\x1b[31;1mERROR: Job failed: exit code 1\x1b[0;m",
        ["429 Too Many Requests"],
        "infrastructure",
    ),
]


@pytest.mark.parametrize("case", GITLAB, ids=[c[0].split()[0] for c in GITLAB])
def test_gitlab_jobs(case: tuple) -> None:
    script, output, verdict, keys, category = case
    result = analyze(gitlab_trace(script, output, verdict))
    text = "\n".join(s.text for s in result.spans)
    assert [k for k in keys if k not in text] == []
    assert result.category == category


def action_step(name: str, out: list[str]) -> str:
    """A GitHub Actions job log of one failing `uses:` step: its group (with its inputs) and its output."""
    return gh([f"##[group]Run {name}", "with:", "  token: ***", "##[endgroup]", *out])


# GitHub Actions' own actions failing (checkout, upload-artifact, build-push, codecov, setup-node): (log, keys,
# category)
ACTIONS = [
    (
        action_step(
            "actions/checkout@v4",
            [
                "Syncing repository: acme/private",
                "[command]/usr/bin/git -c protocol.version=2 fetch --no-tags --prune --no-recurse-submodules --depth=1 origin +refs/heads/main:refs/remotes/origin/main",
                "remote: Repository not found.",
                "##[error]fatal: repository 'https://github.com/acme/private/' not found",
                "The process '/usr/bin/git' failed with exit code 128",
                "Waiting 14 seconds before trying again",
            ],
        ),
        ["repository 'https://github.com/acme/private/' not found"],
        "configuration",
    ),
    (
        action_step(
            "actions/upload-artifact@v4",
            [
                "With the provided path, there will be 0 files uploaded",
                "##[error]No files were found with the provided path: dist/. No artifacts will be uploaded.",
            ],
        ),
        ["No files were found with the provided path"],
        "configuration",
    ),
    (
        action_step(
            "docker/build-push-action@v5",
            [
                "#7 [3/4] COPY missing.txt /app/",
                '#7 ERROR: failed to calculate checksum of ref 1234::abcd: "/missing.txt": not found',
                "------",
                " > [3/4] COPY missing.txt /app/:",
                "------",
                "Dockerfile:3",
                "--------------------",
                "   1 |     FROM alpine",
                "   3 | >>> COPY missing.txt /app/",
                "--------------------",
                'ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref 1234::abcd: "/missing.txt": not found',
                '##[error]buildx failed with: ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref 1234::abcd: "/missing.txt": not found',
            ],
        ),
        ['"/missing.txt": not found'],
        "compile",
    ),
    (
        action_step(
            "codecov/codecov-action@v4",
            [
                "[2026-12-01T10:00:00.000Z] ['error'] There was an error running the uploader: Token required - not valid tokenless upload",
                "##[error]Codecov: Failed to properly upload: The process '/home/runner/work/_actions/codecov/codecov-action/v4/dist/codecov' failed with exit code 1",
            ],
        ),
        ["Token required"],
        "configuration",
    ),
    (
        action_step(
            "actions/setup-node@v4",
            [
                "Found in cache @ /opt/hostedtoolcache/node/20.10.0/x64",
                "##[error]Some specified paths were not resolved, unable to cache dependencies.",
            ],
        ),
        ["unable to cache dependencies"],
        "configuration",
    ),
]


@pytest.mark.parametrize("case", ACTIONS, ids=[str(i) for i in range(len(ACTIONS))])
def test_actions_failing(case: tuple) -> None:
    log, keys, category = case
    assert_found(analyze(log.encode(), tree=["Dockerfile", "package.json"]), [], category, [])
    text = "\n".join(s.text for s in analyze(log.encode()).spans)
    assert [k for k in keys if k not in text] == []
