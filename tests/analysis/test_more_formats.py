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
    assert result.category == "compile"
