"""Tool formats of the wider ecosystem, in the shapes the tools print them: ExUnit (Elixir), sbt and ScalaTest
(Scala), clojure.test, CMake's configure errors."""

from __future__ import annotations

from bot.analysis import analyze
from bot.analysis.patterns import classify

from .helpers import errors, gh_step, line_no


def test_exunit_failure() -> None:
    log = gh_step(
        "mix test",
        [
            "Compiling 3 files (.ex)",
            "..",
            "",
            "  1) test parses empty input (ParserTest)",
            "     test/parser_test.exs:12",
            "     Assertion with == failed",
            "     code:  assert Parser.parse(\"\") == {:ok, []}",
            "     left:  {:error, :empty}",
            "     right: {:ok, []}",
            "     stacktrace:",
            "       test/parser_test.exs:13: (test)",
            "",
            ".",
            "Finished in 0.04 seconds (0.00s async, 0.04s sync)",
            "4 tests, 1 failure",
        ],
    )
    result = analyze(log)
    lines = errors(result)
    assert line_no(log, "1) test parses empty input (ParserTest)") in lines
    assert line_no(log, "left:  {:error, :empty}") in lines
    assert line_no(log, "test/parser_test.exs:13: (test)") in lines
    assert result.category == "test"


def test_sbt_compile_error() -> None:
    log = gh_step(
        "sbt test",
        [
            "[info] welcome to sbt 1.9.7 (Eclipse Adoptium Java 17.0.9)",
            "[info] compiling 4 Scala sources to /home/runner/work/app/app/target/scala-3.3.1/classes ...",
            "[error] -- [E007] Type Mismatch Error: /home/runner/work/app/app/src/main/scala/app/Parser.scala:12:24 ",
            "[error] 12 |    val n: Int = tokens.headOption",
            "[error]    |                 ^^^^^^^^^^^^^^^^^",
            "[error]    |                 Found:    Option[String]",
            "[error]    |                 Required: Int",
            "[error] one error found",
            "[error] (Compile / compileIncremental) Compilation failed",
            "[error] Total time: 7 s, completed Dec 2, 2026, 5:01:12 AM",
        ],
    )
    lines = errors(analyze(log))
    assert line_no(log, "Type Mismatch Error") in lines
    assert line_no(log, "Required: Int") in lines
    assert line_no(log, "Compilation failed") in lines
    assert line_no(log, "welcome to sbt") not in lines
    # Scala 2's shape: "[error] path:line:col: message" and its found/required lines
    log = gh_step(
        "sbt compile",
        [
            "[info] compiling 2 Scala sources to /home/runner/work/app/app/target/scala-2.13/classes ...",
            "[error] /home/runner/work/app/app/src/main/scala/app/Foo.scala:12:18: type mismatch;",
            "[error]  found   : String(\"x\")",
            "[error]  required: Int",
            '[error]     val n: Int = "x"',
            "[error]                  ^",
            "[error] one error found",
        ],
    )
    lines = errors(analyze(log))
    assert line_no(log, "Foo.scala:12:18: type mismatch;") in lines
    assert line_no(log, "required: Int") in lines


def test_scalatest_and_clojure_failures() -> None:
    log = gh_step(
        "sbt test",
        [
            "[info] ParserSpec:",
            "[info] - should parse an empty list",
            "[info] - should reject trailing commas *** FAILED ***",
            "[info]   List(1, 2) did not equal List(1, 2, 3) (ParserSpec.scala:21)",
            "[info] Run completed in 312 milliseconds.",
            "[info] Tests: succeeded 1, failed 1, canceled 0, ignored 0, pending 0",
            "[info] *** 1 TEST FAILED ***",
        ],
    )
    assert line_no(log, "should reject trailing commas *** FAILED ***") in errors(analyze(log))
    info = classify("FAIL in (test-parse) (core_test.clj:7)")
    assert (info.rule, info.test, info.category) == ("clojure_fail", "test-parse", "test")
    log = gh_step(
        "lein test",
        [
            "lein test app.core-test",
            "",
            "FAIL in (test-parse) (core_test.clj:7)",
            "parses an empty string",
            "expected: (= [] (parse \"\"))",
            "  actual: (not (= [] nil))",
            "",
            "Ran 3 tests containing 5 assertions.",
            "1 failures, 0 errors.",
            "Tests failed.",
        ],
    )
    lines = errors(analyze(log))
    assert line_no(log, "FAIL in (test-parse)") in lines
    assert line_no(log, "actual: (not (= [] nil))") in lines


def test_cmake_configure_error() -> None:
    log = gh_step(
        "cmake -S . -B build",
        [
            "-- The CXX compiler identification is GNU 12.3.0",
            "-- Detecting CXX compiler ABI info - done",
            "CMake Error at /usr/share/cmake-3.28/Modules/FindPackageHandleStandardArgs.cmake:230 (message):",
            "  Could NOT find Boost (missing: Boost_INCLUDE_DIR system) (Required is at",
            "  least version \"1.80\")",
            "Call Stack (most recent call first):",
            "  CMakeLists.txt:12 (find_package)",
            "",
            "",
            "-- Configuring incomplete, errors occurred!",
        ],
    )
    result = analyze(log)
    lines = errors(result)
    assert line_no(log, "CMake Error at") in lines
    assert line_no(log, "Could NOT find Boost") in lines
    assert result.category == "dependency"  # a package it did not find (any other CMake error: configuration)


def test_build_configurators_missing_package_and_own_error() -> None:
    missing = gh_step(
        "meson setup build",
        [
            "The Meson build system",
            "Found pkg-config: /usr/bin/pkg-config (1.8.1)",
            "Run-time dependency gtk4 found: NO (tried pkgconfig and cmake)",
            "",
            'meson.build:3:0: ERROR: Dependency "gtk4" not found, tried pkgconfig and cmake',
            "",
            "A full log can be found at /home/runner/work/w/w/build/meson-logs/meson-log.txt",
        ],
    )
    result = analyze(missing)
    assert result.category == "dependency"
    assert line_no(missing, "Run-time dependency gtk4 found: NO") in errors(result)  # the check that failed
    assert (result.files[0].path, result.files[0].line) == ("meson.build", 3)
    typo = gh_step("meson setup build", ["Project name: w", "", 'meson.build:8:2: ERROR: Unknown function "exe".'])
    assert analyze(typo).category == "configuration"
    configure = gh_step(
        "./configure",
        [
            "checking for gcc... gcc",
            "checking for zlib.h... no",
            "configure: error: cannot find required header zlib.h",
        ],
    )
    result = analyze(configure)
    assert result.category == "dependency"
    assert line_no(configure, "checking for zlib.h... no") in errors(result)
    assert line_no(configure, "checking for gcc... gcc") not in errors(result)
    assert classify("configure: error: invalid value for --with-ssl").category == "configuration"
    assert classify("checking for libfoo... no").score == 0  # many optional checks fail in a passing run


def test_bdd_runners_failing_scenarios() -> None:
    log = gh_step(
        "behave",
        [
            "  Scenario: Quantities count in the total  # features/cart.feature:7",
            '    When I add 3 "apple"                   # features/steps/cart_steps.py:11',
            "    Then the total is 360                  # features/steps/cart_steps.py:21",
            "      ASSERT FAILED: total was 120, expected 360",
            "",
            "Failing scenarios:",
            "  features/cart.feature:7  Quantities count in the total",
            "",
            "0 features passed, 1 failed, 0 skipped",
            "0 scenarios passed, 1 failed, 0 skipped",
        ],
    )
    result = analyze(log)
    assert line_no(log, "ASSERT FAILED: total was 120") in errors(result)
    assert line_no(log, "Then the total is 360") in errors(result)
    assert result.tests == ["Quantities count in the total"]
    assert result.category == "test"
    cucumber = classify("cucumber features/cart.feature:7 # Scenario: Quantities count in the total")
    assert (cucumber.rule, cucumber.test) == ("cucumber_rerun", "Quantities count in the total")
    assert classify("3 scenarios (1 failed, 2 passed)").rule == "bdd_totals"
    assert classify("3 scenarios (3 passed)").rule != "bdd_totals"


def test_jasmine_numbered_failures() -> None:
    log = gh_step(
        "npx jasmine",
        [
            "Started",
            "F.F",
            "",
            "Failures:",
            "1) temperature converts freezing to 32 F",
            "  Message:",
            "    Expected 23 to be 32.",
            "  Stack:",
            "        at UserContext.<anonymous> (/home/runner/work/w/w/spec/temperature.spec.js:5:29)",
            "",
            "2) temperature parses a reading in Fahrenheit",
            "  Message:",
            "    TypeError: Cannot read properties of null (reading '1')",
            "  Stack:",
            "        at parseReading (/home/runner/work/w/w/src/temperature.js:7:31)",
            "        at UserContext.<anonymous> (/home/runner/work/w/w/spec/temperature.spec.js:13:12)",
            "",
            "3 specs, 2 failures",
        ],
    )
    result = analyze(log)
    for key in ("Expected 23 to be 32.", "2) temperature parses a reading", "TypeError: Cannot read", "3 specs, 2 f"):
        assert line_no(log, key) in errors(result), key
    assert result.category == "test"
    assert ("src/temperature.js", 7) in [(f.path, f.line) for f in result.files]


def test_cythons_framed_error() -> None:
    log = gh_step(
        "cython src/fastsum.pyx",
        [
            "Error compiling Cython file:",
            "-" * 60,
            "...",
            "    for i in range(values.shape[0] - width + 1):",
            "        out.append(kahan_sum(values[i:i + widht]))",
            "                                          ^",
            "-" * 60,
            "src/fastsum.pyx:21:42: undeclared name not builtin: widht",
        ],
    )
    result = analyze(log)
    for key in ("Error compiling Cython file:", "out.append(kahan_sum", "src/fastsum.pyx:21:42: undeclared name"):
        assert line_no(log, key) in errors(result), key
    assert result.category == "compile"
    assert (result.files[0].path, result.files[0].line) == ("src/fastsum.pyx", 21)


def test_jq_data_and_filter_errors_and_cucumber_js_scenarios() -> None:
    data = gh_step("bash scripts/check.sh", ['jq: error (at config/services.json:8): Cannot index string with "port"'])
    assert analyze(data).category == "configuration"
    assert classify("jq: error: syntax error, unexpected INVALID_CHARACTER (Unix shell quoting issues?)").category == (
        "compile"
    )
    log = gh_step(
        "npx cucumber-js",
        [
            "Failures:",
            "",
            "1) Scenario: Adding items sums their prices # features/cart.feature:4",
            "   \u2714 Given an empty cart # features/step_definitions/cart.steps.js:5",
            "   \u2716 Then the total is 3.25 # features/step_definitions/cart.steps.js:17",
            "       AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:",
            "",
            "       2.75 !== 3.25",
            "",
            "3 scenarios (1 failed, 2 passed)",
        ],
    )
    result = analyze(log)
    assert "Adding items sums their prices" in result.tests
    assert line_no(log, "1) Scenario: Adding items") in errors(result)
    diff = gh_step("autopep8 --diff --exit-code -r src", ["--- original/src/x.py", "+++ fixed/src/x.py", "-import os"])
    assert analyze(diff).category == "lint"
