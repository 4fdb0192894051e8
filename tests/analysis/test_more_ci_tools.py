# ruff: noqa: E501  (real tool output lines are long)
"""More CI tools' failure output, in the shapes the tools print it: the lines kept, the category, the files.

One case per tool: Docker (BuildKit), sbt, dotnet, Kotlin through Gradle, flutter test, mix, Bazel, Julia's Test,
Ansible, pre-commit, golangci-lint, hadolint, actionlint, swift test (XCTest), Playwright and Cypress; then
bundlers (esbuild, Next.js, Angular), cloud and registry refusals, git push, apt, pip wheel builds, CMake, configure,
the race detector, Sphinx, GHC, Zig, the JVM out of memory, Node, Helm, kubectl and Codecov.
"""

from __future__ import annotations

import pytest

from bot.analysis import analyze

from .helpers import gh_step

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


@pytest.mark.parametrize("case", MORE, ids=[c[0].split()[0] + "-" + c[0].split()[-1][:12] for c in MORE])
def test_more_tool_failures(case: tuple) -> None:
    test_tool_failure(case, MORE_TREE)


@pytest.mark.parametrize("case", CASES, ids=[c[0].split()[0] for c in CASES])
def test_tool_failure(case: tuple, tree: list[str] | None = None) -> None:
    step, output, keys, category, files = case
    result = analyze(gh_step(step, output).encode(), tree=tree or TREE)
    text = "\n".join(s.text for s in result.spans if s.kind == "error")
    assert [k for k in keys if k not in text] == []
    if category is not None:
        assert result.category == category
    got = [(f.path, f.line) for f in result.files]
    assert [f for f in files if f not in got and not (f[1] is None and any(g[0] == f[0] for g in got))] == []


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
