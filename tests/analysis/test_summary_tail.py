"""A summary line at the end of a failing step, from a tool the analyzer has no rule for: the report it closes,
printed above it, is still offered (the step's long tail), not only the summary and the few lines before it."""

from __future__ import annotations

from bot.analysis import analyze
from tests.analysis.helpers import chosen, gh_step, line_no


def test_a_summary_line_ending_the_step_keeps_the_report_above_it() -> None:
    report = [
        "==4711== Checking ./ledger against its journal",
        "==4711== Unbalanced entry in posting 7",
        "==4711==    at entry 0x1f: settle (ledger.c:42)",
        "==4711==    by entry 0x2a: main (ledger.c:88)",
        "==4711== ",
        *[f"==4711==    posting {i}: balanced" for i in range(12)],
        "==4711== ",
    ]
    log = gh_step("./audit ./ledger", [*[f"building part {i}" for i in range(40)], *report,
                                       "==4711== ERROR SUMMARY: 1 errors from 1 contexts (suppressed: 0 from 0)"])
    lines = chosen(analyze(log))
    assert line_no(log, "ERROR SUMMARY: 1 errors") in lines
    for needle in ("Unbalanced entry in posting 7", "settle (ledger.c:42)", "main (ledger.c:88)"):
        assert line_no(log, needle) in lines, needle


def test_a_plain_error_line_ending_the_step_is_not_taken_for_a_tools_own_report() -> None:
    # 'Error: <message>' at the start of a line is what many runtimes print on the way out (R, Node, Go's cobra);
    # only Terraform's boxed form ('│ Error: ...') is a tool's own report that explains the step by itself
    log = gh_step("Rscript -e 'checks::run()'", [
        *[f"loading fixture {i}" for i in range(30)],
        "── Mismatch ('checks/totals.R:12'): totals add up ──────────────",
        "sum(x) not equal to 5.",
        "1/1 mismatches",
        "[1] 4 - 5 == -1",
        "",
        "[ FAIL 1 | WARN 0 | SKIP 0 | PASS 9 ]",
        "Error: Checks failed",
        "Execution halted",
    ])
    lines = chosen(analyze(log))
    for needle in ("Error: Checks failed", "Mismatch ('checks/totals.R:12')", "sum(x) not equal to 5."):
        assert line_no(log, needle) in lines, needle


def test_terraforms_boxed_error_is_still_its_own_report() -> None:
    log = gh_step("terraform validate", [
        *[f"Initializing module {i}..." for i in range(30)],
        "╷",
        "│ Error: Reference to undeclared input variable",
        "│ ",
        '│   on main.tf line 19, in output "bucket_name":',
        '│   19:   value = "${var.region}"',
        "│ ",
        '│ An input variable with the name "region" has not been declared.',
        "╵",
    ])
    result = analyze(log)
    lines = chosen(result)
    assert line_no(log, "Error: Reference to undeclared input variable") in lines
    assert line_no(log, "on main.tf line 19") in lines
    assert line_no(log, "Initializing module 10...") not in lines


def test_a_summary_of_lines_no_rule_knew_quotes_the_one_that_says_what_went_wrong() -> None:
    log = gh_step(
        "./check-style.sh",
        [
            "Checking style of 14 modules",
            "  widgets/parse ....... ok",
            "  widgets/rows ........ mismatch",
            "    expected 4 spaces at rows.src line 7, found 2",
            "  widgets/util ........ ok",
            "1 module with a mismatch",
        ],
    )
    assert analyze(log).summary.endswith(": widgets/rows ........ mismatch")
