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
