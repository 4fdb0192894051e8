"""Where errors point, without the repository's tree: the CI services' workspaces, paths in parentheses (node's
stack frames, R's testthat), file URLs, the compilers that put the line in parentheses, a build's verdict that names
the file its compiler's error located."""

from __future__ import annotations

import pytest

from bot.analysis import analyze
from bot.analysis.facts import extract_files
from bot.analysis.model import FileRef
from bot.analysis.patterns import classify

from .helpers import errors, line_no

_E = "\x1b"


def _travis(command: str, output: list[str]) -> str:
    """A Travis CI raw log: a fold, the script's command, its output and Travis's verdicts."""
    lines = [
        f"travis_fold:start:install\r{_E}[0Ktravis_time:start:0b\r{_E}[0K$ ./install-deps.sh",
        "ok: 12 packages installed, 0 errors, 0 warnings",
        f"travis_time:end:0b:start=1,finish=2,duration=1\r{_E}[0Ktravis_fold:end:install\r{_E}[0K",
        f"travis_time:start:0c\r{_E}[0K$ {command}",
        *output,
        f"travis_time:end:0c:start=1,finish=2,duration=1\r{_E}[0K"
        f'{_E}[31;1mThe command "{command}" exited with 1.{_E}[0m',
        "",
        "Done. Your build exited with 1.",
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("printed", "path"),
    [
        ("/home/runner/work/w/w/src/a.py", "src/a.py"),
        ("D:\\a\\w\\w\\src\\A.cs", "src/A.cs"),
        ("/home/travis/build/acme/w/src/a.py", "src/a.py"),
        ("/Users/travis/build/acme/w/W/Parser.m", "W/Parser.m"),
        ("/var/lib/jenkins/workspace/job/src/a.c", "src/a.c"),
        ("/home/circleci/project/src/a.py", "src/a.py"),
        ("/opt/atlassian/pipelines/agent/build/src/a.py", "src/a.py"),
        ("/home/vsts/work/1/s/src/a.py", "src/a.py"),
        ("/builds/group/project/src/a.py", "src/a.py"),
        ("C:\\projects\\w\\src\\a.cs", "src/a.cs"),
    ],
)
def test_a_ci_services_workspace_is_not_part_of_the_path(printed: str, path: str) -> None:
    assert extract_files([[f"{printed}:12: error: boom"]]) == [FileRef(path, 12)]


@pytest.mark.parametrize(
    "printed",
    [
        "/home/travis/build/acme/w/node_modules/left-pad/index.js",
        "/home/runner/work/w/w/.venv/lib/python3.12/site-packages/x/y.py",
        "/usr/lib/python3/dist-packages/x/y.py",
    ],
)
def test_dependencies_in_the_workspace_are_not_the_repositorys(printed: str) -> None:
    assert extract_files([[f"{printed}:12: error: boom"]]) == []


def test_a_path_in_parentheses_is_read_whole() -> None:
    frames = [
        "    at Object.<anonymous> (/home/runner/work/w/w/src/cart.js:3:5)",
        "    at parse (lib/rows.js:14:9)",
        "    TestContext.<anonymous> (file:///builds/team/w/test/bucket.test.js:16:12)",
        "  \u2500\u2500 Failure (test-parse.R:5:3): parse_row splits on commas \u2500\u2500",
    ]
    assert extract_files([[frame] for frame in frames]) == [
        FileRef("src/cart.js", 3),
        FileRef("lib/rows.js", 14),
        FileRef("test/bucket.test.js", 16),
        FileRef("test-parse.R", 5),
    ]
    assert extract_files([["see https://example.com/docs/a.js:3 for more"]]) == []


def test_a_dockerfile_by_its_variants_names() -> None:
    assert extract_files([["Dockerfile.dev:7", "build.Dockerfile:32"]]) == [
        FileRef("Dockerfile.dev", 7),
        FileRef("build.Dockerfile", 32),
    ]


@pytest.mark.parametrize(
    ("line", "path", "no"),
    [
        ("source/w/parser.d(12,5): Error: undefined identifier `splitRow`", "source/w/parser.d", 12),
        (
            "/home/travis/build/acme/w/src/w/parser.nim(12, 5) Error: undeclared identifier: 'splitRow'",
            "src/w/parser.nim",
            12,
        ),
        (
            "/home/travis/build/acme/w/src/W/Parser.cs(12,13): error CS0103: The name 'SplitRow' does not exist in the "
            "current context [/home/travis/build/acme/w/src/W/W.csproj]",
            "src/W/Parser.cs",
            12,
        ),
        ('parser.pas(12,5) Error: Identifier not found "splitrow"', "parser.pas", 12),
        ("src\\main.cpp(40): error C2065: 'x': undeclared identifier", "src/main.cpp", 40),
    ],
)
def test_compilers_that_put_the_line_in_parentheses(line: str, path: str, no: int) -> None:
    assert classify(line).rule in ("paren_diagnostic", "compiler")  # (the C family's own rule names C# and C++)
    assert classify(line).category == "compile"
    log = _travis("make test", ["building...", line, "1 error"])
    result = analyze(log)
    assert line_no(log, line) in errors(result)
    assert result.category == "compile"
    assert result.files[0] == FileRef(path, no)
    assert classify("src/a.ts(3,5): error TS2322: Type 'string' is not assignable").rule == "tsc"


def test_xcodebuilds_verdict_and_xcprettys_cross() -> None:
    error = "\u274c  /Users/travis/build/acme/w/W/Parser.m:12:5: use of undeclared identifier 'splitRow'"
    log = _travis(
        "xcodebuild -scheme W test | xcpretty",
        [
            "\u25b8 Compiling Parser.m",
            error,
            "    splitRow(line);",
            "    ^",
            "\u25b8 Compiling View.m",
            "",
            "** BUILD FAILED **",
            "",
            "The following build commands failed:",
            "\tCompileC /Users/travis/Library/Developer/Xcode/DerivedData/W/Build/Intermediates.noindex/W.build/"
            "Debug/W.build/Objects-normal/x86_64/Parser.o W/Parser.m normal x86_64 objective-c",
            "(1 failure)",
        ],
    )
    result = analyze(log)
    assert line_no(log, error) in errors(result)
    assert result.category == "compile"  # the step says "test", the lines say the build failed
    assert result.files == [FileRef("W/Parser.m", 12)]  # the verdict's file, with the line its error gave


def test_r_cmd_checks_failed_tests_are_a_test_failure() -> None:
    log = _travis(
        "R CMD check w_0.1.0.tar.gz --as-cran",
        [
            "* checking tests ...",
            "  Running \u2018testthat.R\u2019",
            " ERROR",
            "Running the tests in \u2018tests/testthat.R\u2019 failed.",
            "Last 13 lines of output:",
            "  [ FAIL 1 | WARN 0 | SKIP 0 | PASS 7 ]",
            "  \u2550\u2550 Failed tests \u2550\u2550\u2550\u2550\u2550\u2550\u2550\u2550",
            "  \u2500\u2500 Failure (test-parse.R:5:3): parse_row splits on commas \u2500\u2500",
            '  parse_row("a,b,") not equal to c("a", "b", "").',
            "  Lengths differ: 2 is not 3",
            "  Error: Test failures",
            "  Execution halted",
            "* DONE",
            "Status: 1 ERROR",
        ],
    )
    result = analyze(log)
    assert result.category == "test"
    assert FileRef("test-parse.R", 5) in result.files


def test_jvm_frames_behind_a_class_loader_and_the_librarys_frames() -> None:
    frames = [
        "org.opentest4j.AssertionFailedError: expected: <3> but was: <2>",
        "    at app//org.junit.jupiter.api.AssertionFailureBuilder.build(AssertionFailureBuilder.java:151)",
        "    at java.base/java.lang.reflect.Method.invoke(Method.java:580)",
        "    at app//com.acme.ParserTest.splitsTrailingComma(ParserTest.java:14)",
    ]
    assert extract_files([frames]) == [FileRef("com/acme/ParserTest.java", 14)]
    tree = ["src/test/java/com/acme/ParserTest.java", "build.gradle"]
    assert [f.path for f in analyze("\n".join(frames) + "\n", tree=tree).files] == [tree[0]]


def test_a_projects_own_app_folder_is_not_a_containers_workspace() -> None:
    assert extract_files([["Error: src/app/app.component.ts:12:7 - error TS2322: Type 'number'"]]) == [
        FileRef("src/app/app.component.ts", 12)
    ]
    assert extract_files([["/app/src/main.py:3: error: boom"]]) == [FileRef("src/main.py", 3)]


def test_a_location_alone_over_its_error() -> None:
    log = _travis(
        "npm run build",
        [
            "Failed to compile.",
            "",
            "./src/app/page.tsx:12:7",
            "Type error: Type 'number' is not assignable to type 'string'.",
            "",
            "> 12 |   let title: string = 42;",
        ],
    )
    result = analyze(log)
    assert line_no(log, "./src/app/page.tsx:12:7") in errors(result)
    assert result.category == "typecheck"
    assert result.files[0] == FileRef("src/app/page.tsx", 12)


def test_buildkit_step_output_and_other_tools() -> None:
    log = _travis(
        "docker build -t w .",
        [
            "#6 [3/4] RUN pip install -r requirements.txt",
            "#6 0.812 Collecting flask==9.9.9",
            "#6 1.204 ERROR: Could not find a version that satisfies the requirement flask==9.9.9 (from versions: 3.0)",
            "#6 1.205 ERROR: No matching distribution found for flask==9.9.9",
            '#6 ERROR: process "/bin/sh -c pip install -r requirements.txt" did not complete successfully: exit code 1',
        ],
    )
    result = analyze(log)
    assert result.category == "dependency"  # pip's own words, under BuildKit's "#6 1.204 "
    assert line_no(log, "No matching distribution found") in errors(result)
    assert (
        classify('[vite]: Rollup failed to resolve import "lodash-es" from "/w/src/main.ts".').category == "dependency"
    )
    assert (
        classify('fatal: [web1]: FAILED! => {"changed": false, "msg": "No package matching"}').rule == "ansible_failed"
    )


def test_installed_gems_are_not_the_repositorys_and_rakes_heading_stays() -> None:
    log = _travis(
        "bundle exec rake db:migrate",
        [
            "rake aborted!",
            "ActiveRecord::ConnectionNotEstablished: connection to server at 127.0.0.1 failed: Connection refused",
            "/home/travis/build/acme/w/vendor/bundle/ruby/3.3.0/gems/activerecord-7.1.3/lib/x.rb:65:in `new'",
            "/home/travis/build/acme/w/config/initializers/db.rb:3:in `<main>'",
            "Tasks: TOP => db:migrate",
        ],
    )
    result = analyze(log)
    assert line_no(log, "rake aborted!") in errors(result)
    assert result.files == [FileRef("config/initializers/db.rb", 3)]
    assert result.category == "infrastructure"


def test_windows_paths_and_dotnet_manifests() -> None:
    log = _travis(
        "dotnet restore",
        [
            "  Determining projects to restore...",
            "D:\\a\\w\\w\\src\\W\\W.csproj : error NU1101: Unable to find package Acme.Missing. No packages exist",
            "  Failed to restore D:\\a\\w\\w\\src\\W\\W.csproj (in 1.2 sec).",
        ],
    )
    result = analyze(log)
    assert result.category == "dependency"
    assert result.files == [FileRef("src/W/W.csproj")]


def test_phpstans_table_names_the_file_once_and_each_row_its_line() -> None:
    rows = [
        " ------ -----------------------------------------------------",
        "  Line   src/Parser.php",
        " ------ -----------------------------------------------------",
        "  12     Call to an undefined method W\\Parser::splitRow().",
        "  20     Parameter #1 $x of function f expects int, string given.",
        " ------ -----------------------------------------------------",
    ]
    assert extract_files([rows]) == [FileRef("src/Parser.php", 12), FileRef("src/Parser.php", 20)]


def test_a_report_that_heads_each_files_rows_with_the_file_and_a_rule() -> None:
    log = _travis(
        "djlint templates --lint",
        [
            "Linting 2/2 files",
            "",
            "base.html",
            "\u2500" * 40,
            "H005 2:0 Html tag should have a non-empty lang attribute. <html>",
            "H013 7:28 Img tag should have an alt attribute. <img src=x>",
            "",
            "product.html",
            "\u2500" * 40,
            "H043 6:62 Button tag should have a type attribute. <button>",
            "",
            "Linted 2 files, found 3 errors.",
        ],
    )
    result = analyze(log, tree=["templates/base.html", "templates/product.html"])
    assert line_no(log, "base.html") in errors(result)
    assert line_no(log, "product.html") in errors(result)
    assert [(f.path, f.line) for f in result.files] == [
        ("templates/base.html", 2),
        ("templates/base.html", 7),
        ("templates/product.html", 6),
    ]
