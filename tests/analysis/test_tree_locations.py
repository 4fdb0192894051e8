"""Where errors point, with the repository's tree: a path of an extension no rule knows is a file when the tree
holds it, in the shapes the known ones are read in (after a colon, "<path>, line N", "line N of <path>")."""

from __future__ import annotations

from bot.analysis import analyze
from bot.analysis.facts import RepoTree, extract_files
from bot.analysis.model import FileRef

TREE = ["package.json", "src/discount.coffee", "bin/slugify", "test/slugify.bats", "rtl/alu.vhd"]


def _gh(output: list[str]) -> bytes:
    lines = [
        "##[group]Run bats --print-output-on-failure test",
        "bats --print-output-on-failure test",
        "shell: /usr/bin/bash -e {0}",
        "##[endgroup]",
        *output,
        "##[error]Process completed with exit code 1.",
    ]
    return ("\n".join(f"2026-11-30T16:31:39.{i:07d}Z {t}" for i, t in enumerate(lines)) + "\n").encode()


def test_bats_failure_names_its_test_file_and_line_only_with_the_tree() -> None:
    # bats 1.8's own report (captured), the test file named in words
    log = _gh(
        [
            "1..2",
            "ok 1 lower-cases and dashes a title",
            "not ok 2 squeezes repeated spaces",
            "# (in test file test/slugify.bats, line 16)",
            "#   `[ \"$output\" = \"release-notes\" ]' failed",
            "# Last output:",
            "# release---notes",
        ]
    )
    with_tree = analyze(log, tree=TREE)
    assert with_tree.files[0] == FileRef("test/slugify.bats", 16)
    assert not any(f.path.endswith(".bats") for f in analyze(log).files)  # no tree: no unknown extension


def test_unknown_extensions_in_each_shape_and_paths_outside_the_tree() -> None:
    tree = RepoTree(TREE)
    groups = [
        [
            "/home/runner/work/shop/shop/src/discount.coffee:7:22: error: unmatched OUTDENT",  # coffee -c
            "rtl/alu.vhd(42): (vcom-1136) Unknown identifier \"carry\".",  # a simulator's compiler
            "Error at line 9 of test/slugify.bats",
            "lib/vendored.coffee:3:1: error: not in the repository",
            "wrote report to out/summary.html",
        ]
    ]
    assert extract_files(groups, tree) == [  # (a test's file second, after where the error is: as for any path)
        FileRef("src/discount.coffee", 7),
        FileRef("test/slugify.bats", 9),
        FileRef("rtl/alu.vhd", 42),
    ]
    assert extract_files([["the fixture bin/slugify.bats: not found", "see test/slugify.bats: 2 failures"]], tree) == [
        FileRef("test/slugify.bats", None)
    ]
