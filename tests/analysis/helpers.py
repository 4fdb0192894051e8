"""Helpers shared by the analyzer tests."""

from __future__ import annotations

from pathlib import Path

from bot.analysis import Analysis

DATA = Path(__file__).parent / "data"


def gh(lines: list[str], start: str = "2024-05-01T10:00:00") -> str:
    """A GitHub Actions job log: every line gets a timestamp prefix."""
    return "".join(f"{start}.{i:07d}Z {line}\n" for i, line in enumerate(lines))


def gh_step(step: str, output: list[str], code: int = 1) -> str:
    """A GitHub Actions job log of one failing ``run:`` step: its group, ``output`` and its exit code line."""
    return gh([f"##[group]Run {step}", "##[endgroup]", *output, f"##[error]Process completed with exit code {code}."])


def chosen(analysis: Analysis) -> set[int]:
    return {n for s in analysis.spans for n in range(s.start, s.end + 1)}


def errors(analysis: Analysis) -> set[int]:
    """The lines of the spans that explain the failure, without the context the budget adds around them."""
    return {n for s in analysis.spans if s.kind == "error" for n in range(s.start, s.end + 1)}


def line_no(text: str, needle: str) -> int:
    """1-based number of the first line containing ``needle``."""
    for i, line in enumerate(text.split("\n"), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in log")


def chosen_text(analysis: Analysis) -> str:
    return "\n".join(t for _, t in analysis.excerpt)
