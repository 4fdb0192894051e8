"""General rules about how tools end, head and frame their failure output, on small realistic excerpts."""

from __future__ import annotations

from bot.analysis import analyze

from .helpers import chosen, chosen_text, errors, gh, gh_step, line_no


def plain(lines: list[str]) -> str:
    """A step-less log (Jenkins, Travis): plain lines."""
    return "".join(f"{line}\n" for line in lines)


def test_surefire_output_of_a_passing_class_is_not_the_failure() -> None:
    log = plain(
        [
            "Started by an SCM change",
            "[Widgets] $ /bin/sh -xe /tmp/jenkins4312.sh",
            "+ mvn -B test",
            "[INFO] -------------------------------------------------------",
            "[INFO]  T E S T S",
            "[INFO] -------------------------------------------------------",
            "[INFO] Running com.acme.ParserTest",
            "com.fasterxml.jackson.core.JsonParseException: Unexpected character ('H' (code 72))",
            "\tat com.fasterxml.jackson.core.JsonParser._constructError(JsonParser.java:1851)",
            "\tat com.acme.Parser.parse(Parser.java:40)",
            "[INFO] Tests run: 4, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.904 s - in "
            "com.acme.ParserTest",
            "[INFO] Running com.acme.WidgetTest",
            "[ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! "
            "- in com.acme.WidgetTest",
            "[ERROR] sizeIsPositive(com.acme.WidgetTest)  Time elapsed: 0.01 s  <<< FAILURE!",
            "java.lang.AssertionError: expected:<1> but was:<0>",
            "\tat com.acme.WidgetTest.sizeIsPositive(WidgetTest.java:21)",
            "",
            "[INFO] Results:",
            "[INFO]",
            "[ERROR] Failures:",
            "[ERROR]   WidgetTest.sizeIsPositive:21 expected:<1> but was:<0>",
            "[INFO]",
            "[ERROR] Tests run: 7, Failures: 1, Errors: 0, Skipped: 0",
            "[INFO] BUILD FAILURE",
            "Build step 'Invoke top-level Maven targets' marked build as failure",
            "Finished: FAILURE",
        ]
    )
    result = analyze(log)
    lines = errors(result)  # the context around them may hold anything
    assert line_no(log, "JsonParseException") not in lines
    assert line_no(log, "[ERROR] Failures:") in lines
    assert line_no(log, "WidgetTest.sizeIsPositive:21") in lines
    assert line_no(log, "<<< FAILURE! - in") in lines
    assert line_no(log, "java.lang.AssertionError") in lines


def test_no_space_left_outranks_exceptions_of_earlier_tests() -> None:
    exceptions = []
    for i in range(6):
        exceptions += [
            f"java.lang.IllegalStateException: crash number {i}",
            *[f"\tat com.acme.Worker.step{k}(Worker.java:{k})" for k in range(60)],
        ]
    log = plain(
        [
            "[INFO] Running com.acme.WorkerTest",
            *exceptions,
            "[INFO] BUILD SUCCESS",
            "-------------------------------------------------------",
            "Instrumenting the project",
            "-------------------------------------------------------",
            "",
            "bash: line 169: pom.bak9.xml: No space left on device",
            "bash: line 170: pom.bak10.xml: No space left on device",
            "ERROR: instrumentation failed",
            "Build step 'Execute shell' marked build as failure",
            "Finished: FAILURE",
        ]
    )
    result = analyze(log)
    lines = chosen(result)
    assert line_no(log, "pom.bak9.xml: No space left") in lines
    assert line_no(log, "pom.bak10.xml: No space left") in lines
    # the banner that names the stage, and the job's end marker
    assert line_no(log, "Instrumenting the project") in lines
    assert line_no(log, "Finished: FAILURE") in lines
    assert result.category == "infrastructure"


def test_jenkins_step_output_before_a_traceback_is_kept() -> None:
    log = plain(
        [
            "Successfully installed pygithub-1.44.1",
            "[notify] $ python /tmp/jenkins6935586436688970599.py",
            "API changes: 1",
            "| Old | none |",
            "| New | method Widget#resize(int) |",
            "Traceback (most recent call last):",
            '  File "/tmp/jenkins6935586436688970599.py", line 23, in <module>',
            "    gh = Github(login, token)",
            "NameError: name 'Github' is not defined",
            "Build step 'Execute Python script' marked build as failure",
            "Finished: FAILURE",
        ]
    )
    result = analyze(log)
    lines = errors(result)  # the context around them may hold anything
    assert line_no(log, "API changes: 1") in lines
    assert line_no(log, "NameError") in lines
    assert line_no(log, "[notify] $ python") not in lines
    assert line_no(log, "Successfully installed") not in lines


def test_go_test_failure_keeps_its_announcing_line_and_package_verdict() -> None:
    log = gh(
        [
            "##[group]Run go test ./...",
            "\x1b[36;1mgo test ./...\x1b[0m",
            "##[endgroup]",
            "=== RUN   TestPlan",
            "--- PASS: TestPlan (0.10s)",
            "=== CONT  TestTampering/cache_dir_gone",
            "    tamper_test.go:76: unexpected init error: exit status 1",
            "        stderr:",
            "        Error: Failed to install provider",
            "--- FAIL: TestTampering (14.05s)",
            "    --- FAIL: TestTampering/cache_dir_gone (10.32s)",
            "FAIL",
            "FAIL\tgithub.com/acme/tool/internal/e2e\t56.435s",
            "ok  \tgithub.com/acme/tool/internal/states\t0.078s",
            "FAIL",
            "##[error]Process completed with exit code 1.",
            "Post job cleanup.",
        ]
    )
    result = analyze(log)
    lines = errors(result)  # the context around them may hold anything
    assert line_no(log, "=== CONT  TestTampering/cache_dir_gone") in lines
    assert line_no(log, "=== RUN   TestPlan") not in lines
    assert line_no(log, "FAIL\tgithub.com/acme/tool/internal/e2e") in lines
    assert line_no(log, "Process completed with exit code 1") in lines


def test_go_package_verdict_closes_a_block() -> None:
    log = gh(
        [
            "##[group]Run go test ./...",
            "##[endgroup]",
            "--- FAIL: TestClient (0.00s)",
            "    client_test.go:12: want 2, got 3",
            "FAIL\tgithub.com/acme/tool/internal/cloud\t0.029s",
            *[f"ok  \tgithub.com/acme/tool/internal/pkg{i}\t0.01s" for i in range(30)],
            "FAIL",
            "##[error]Process completed with exit code 1.",
        ]
    )
    result = analyze(log)
    lines = errors(result)  # the context around them may hold anything
    assert line_no(log, "FAIL\tgithub.com/acme/tool/internal/cloud") in lines
    assert line_no(log, "internal/pkg0\t") not in lines
    assert line_no(log, "internal/pkg29\t") not in lines


def test_make_banner_heads_the_annotations() -> None:
    log = gh(
        [
            "##[group]Run make fmtcheck staticcheck",
            "##[endgroup]",
            "==> Checking that code complies with static analysis requirements...",
            "##[error]internal/states/object_test.go:63:3: the goroutine calls T.Fatalf (SA2002)",
            "make: *** [Makefile:24: staticcheck] Error 1",
            "##[error]Process completed with exit code 2.",
        ]
    )
    result = analyze(log)
    assert line_no(log, "==> Checking that code complies") in chosen(result)


def test_maven_compiler_error_count_closes_the_list() -> None:
    log = plain(
        [
            "[INFO] -------------------------------------------------------------",
            "[ERROR] COMPILATION ERROR :",
            "[INFO] -------------------------------------------------------------",
            "[ERROR] /src/main/java/com/acme/Widget.java:[206,14] incompatible types: int to String",
            "[ERROR] /src/main/java/com/acme/Widget.java:[229,12] cannot find symbol",
            "[INFO] 2 errors",
            "[INFO] -------------------------------------------------------------",
            "[INFO] BUILD FAILURE",
        ]
    )
    result = analyze(log)
    lines = errors(result)  # the context around them may hold anything
    assert line_no(log, "[INFO] 2 errors") in lines
    assert line_no(log, "[INFO] BUILD FAILURE") not in lines
    assert "Widget.java:[229,12]" in chosen_text(result)


def test_pytest_reports_one_after_another_each_keep_their_frames() -> None:
    # the second report's header follows the first report's last frame with no blank line between: each report is
    # read to its own end, so the second keeps its header, its "path:line: " frame and the code's ">" line
    output = [
        "=================================== FAILURES ===================================",
        "______________________________ test_metres_to_km _______________________________",
        "",
        "    def test_metres_to_km():",
        '>       assert between(1500, "m", "km") == 1.5',
        "E       AssertionError: assert 1500000.0 == 1.5",
        "",
        "tests/test_convert.py:9: AssertionError",
        "____________________________ test_inches_are_known _____________________________",
        "",
        "    def test_inches_are_known():",
        '>       assert to_metres(10, "in") == 0.254',
        "",
        "tests/test_convert.py:13: ",
        "_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _",
        "",
        "    def to_metres(value, unit):",
        ">       return value * FACTORS[unit]",
        "E       KeyError: 'in'",
        "",
        "src/units/convert.py:5: KeyError",
        "=========================== short test summary info ============================",
        "FAILED tests/test_convert.py::test_metres_to_km - AssertionError: assert 1500000.0 == 1.5",
        "FAILED tests/test_convert.py::test_inches_are_known - KeyError: 'in'",
        "2 failed, 1 passed in 0.22s",
    ]
    log = gh_step("python -m pytest -q tests", output)
    result = analyze(log)
    lines = errors(result)
    for key in (
        "____ test_inches_are_known ____",
        "tests/test_convert.py:13: ",
        ">       return value * FACTORS[unit]",
        "E       KeyError: 'in'",
        "src/units/convert.py:5: KeyError",
    ):
        assert line_no(log, key) in lines, key
    paths = [(f.path, f.line) for f in result.files]
    assert paths.index(("src/units/convert.py", 5)) < paths.index(("tests/test_convert.py", 13))
