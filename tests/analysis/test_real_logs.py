"""The analyzer on excerpts of real CI logs (CiDiff data set, see data/README.md)."""

from __future__ import annotations

from bot.analysis import analyze

from .helpers import DATA, chosen, chosen_text, errors, line_no


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8", errors="replace")


def test_github_go_mod_tidy_is_a_one_line_explanation() -> None:
    log = read("gh_go_mod_tidy.log")
    result = analyze(DATA / "gh_go_mod_tidy.log")
    assert line_no(log, "ERROR: go.mod/go.sum are not up-to-date") in chosen(result)
    assert len(errors(result)) <= 3
    assert result.category == "dependency"
    assert not any("go: downloading" in t for _, t in result.excerpt)


def test_github_staticcheck_annotations_step_and_files() -> None:
    log = read("gh_staticcheck.log")
    result = analyze(DATA / "gh_staticcheck.log")
    lines = chosen(result)
    assert line_no(log, "credentials_test.go:89:4") in lines
    assert line_no(log, "make: *** [Makefile:24: staticcheck]") in lines
    assert result.failed_step == "Run make fmtcheck generate staticcheck exhaustive protobuf"
    assert all(s.step == result.failed_step for s in result.spans)
    assert result.files[0].path == "internal/command/cliconfig/credentials_test.go"
    assert result.files[0].line == 89
    # the timestamp prefix is gone from the excerpt, the script echo is not chosen
    assert all(not t.startswith("2022-") for _, t in result.excerpt)
    assert "echo >&2" not in chosen_text(result)


def test_maven_compilation_failure() -> None:
    log = read("jenkins_maven_compile.log")
    result = analyze(DATA / "jenkins_maven_compile.log")
    lines = errors(result)
    assert line_no(log, "FlacocoFaultLocalization.java:[71,65] cannot find symbol") in lines
    assert line_no(log, "symbol:   method getExecutedTests()") in lines
    assert line_no(log, "[ERROR] Failed to execute goal") in lines
    assert line_no(log, "[INFO] BUILD FAILURE") not in lines
    assert result.category == "compile"
    assert any(f.path.endswith("FlacocoFaultLocalization.java") and f.line == 71 for f in result.files)


def test_gradle_junit_failure_with_stack_trace() -> None:
    log = read("gh_gradle_junit.log")
    result = analyze(DATA / "gh_gradle_junit.log")
    lines = chosen(result)
    assert line_no(log, "java.lang.IllegalArgumentException") in lines
    assert line_no(log, "... 4 more") in lines
    assert line_no(log, "testOutput() PASSED") not in lines
    assert result.category == "test"
    assert "ConsoleClientTest.testClassicParsing" in result.tests


def test_go_test_failures() -> None:
    log = read("gh_go_test.log")
    result = analyze(DATA / "gh_go_test.log")
    lines = chosen(result)
    assert line_no(log, "--- FAIL: TestCloud_configWithEnvVars (0.00s)") in lines
    assert line_no(log, "testing.go:192: missing API token") in lines
    assert line_no(log, "ok  \tgithub.com/hashicorp/terraform/internal/builtin/provisioners/") not in lines
    assert result.category == "test"
    assert result.tests[0] == "TestCloud_configWithEnvVars"


def test_docker_build_failure_box() -> None:
    log = read("gh_docker_build.log")
    result = analyze(DATA / "gh_docker_build.log")
    lines = chosen(result)
    assert line_no(log, "#6 ERROR: failed to copy") in lines
    assert line_no(log, ">>> RUN apk add --no-cache git openssh") in lines
    assert line_no(log, "error: failed to solve") in lines


def test_jenkins_git_clone_is_infrastructure() -> None:
    log = read("jenkins_git_clone.log")
    result = analyze(DATA / "jenkins_git_clone.log")
    lines = chosen(result)
    assert line_no(log, "ERROR: Error cloning remote repo 'origin'") in lines
    assert line_no(log, "The requested URL returned error: 503") in lines
    assert result.category == "infrastructure"
