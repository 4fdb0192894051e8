"""Shared by the analyzer benches: calling ``analyze()`` across its API versions, the grep/tail baselines, scoring.

Line numbering is the contract's: the log split on ``"\\n"`` only, 1-based (a final newline ends the last
line, it does not start an empty one). The baselines are what a person would do without the analyzer:
``grep -iE KEYWORDS``, the same with ``-B3 -A8``, ``tail -n 50`` and ``tail -n 200``, computed in Python
over the same lines.
"""

from __future__ import annotations

import inspect
import statistics
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import re2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.analysis import analyze

KEYWORDS = r"error|fail|fatal|exception|panic|traceback|denied|not found|cannot|killed|timed? ?out"
"""The baseline's words, valid both as a grep ERE (with ``-i``) and as an RE2 pattern."""

_KEYWORDS = re2.compile(("(?i)" + KEYWORDS).encode())

_PARAMS = inspect.signature(analyze).parameters
SUPPORTS_MAX_LINES = "max_lines" in _PARAMS
SUPPORTS_TREE = "tree" in _PARAMS


def call_analyze(source: Any, *, baseline: Any = None, max_lines: int = 200, tree: Iterable[str] | None = None) -> Any:
    """``analyze()`` with the line budget and tree passed the way the installed analyzer accepts them.

    The contract's analyzer takes ``max_lines=`` and ``tree=``; the older one only ``max_span_lines=``
    (a per-span cap, not a total budget) and no tree, which is then left out.
    """
    kwargs: dict[str, Any] = {}
    if baseline is not None:
        kwargs["baseline"] = baseline
    if SUPPORTS_MAX_LINES:
        kwargs["max_lines"] = max_lines
    elif "max_span_lines" in _PARAMS:
        kwargs["max_span_lines"] = max_lines
    if tree is not None and SUPPORTS_TREE:
        kwargs["tree"] = list(tree)
    return analyze(source, **kwargs)


def api_note() -> str:
    """One line saying how the benches call the installed analyzer."""
    budget = "max_lines (total budget)" if SUPPORTS_MAX_LINES else "max_span_lines (old API: per span)"
    tree = "tree passed" if SUPPORTS_TREE else "no tree parameter (old API)"
    return f"analyze() called with {budget}; {tree}"


def split_lines(data: bytes) -> list[bytes]:
    """The log's lines, split on ``\\n`` only; index ``i`` is line ``i + 1``."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def span_lines(analysis: Any) -> set[int]:
    """Every line number inside the analysis's spans."""
    got: set[int] = set()
    for s in analysis.spans:
        got.update(range(s.start, s.end + 1))
    return got


def grep_lines(lines: Sequence[bytes]) -> set[int]:
    """``grep -iE KEYWORDS``: the numbers of the lines holding one of the words."""
    search = _KEYWORDS.search
    return {i for i, line in enumerate(lines, 1) if search(line)}


def grep_context_lines(lines: Sequence[bytes], before: int = 3, after: int = 8) -> set[int]:
    """``grep -iE KEYWORDS -B3 -A8``: the matching lines with their context, clipped to the log."""
    n = len(lines)
    got: set[int] = set()
    for hit in grep_lines(lines):
        got.update(range(max(1, hit - before), min(n, hit + after) + 1))
    return got


def tail_lines(lines: Sequence[bytes], count: int) -> set[int]:
    """``tail -n count``."""
    n = len(lines)
    return set(range(max(1, n - count + 1), n + 1))


BASELINES: dict[str, Callable[[Sequence[bytes]], set[int]]] = {
    "grep": grep_lines,
    "grep-B3A8": grep_context_lines,
    "tail-50": lambda lines: tail_lines(lines, 50),
    "tail-200": lambda lines: tail_lines(lines, 200),
}
"""The baselines, by the name the tables show."""


@dataclass(frozen=True)
class Score:
    """One method's lines on one log against the labelled lines."""

    truth: int
    got: int
    tp: int
    total: int

    @classmethod
    def of(cls, got: set[int], truth: set[int], total: int) -> Score:
        return cls(len(truth), len(got), len(got & truth), total)

    @property
    def precision(self) -> float:
        return self.tp / self.got if self.got else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.truth if self.truth else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def all_found(self) -> bool:
        return self.tp == self.truth


def aggregate(scores: Sequence[Score]) -> dict[str, float]:
    """Macro (mean per log) and micro (pooled lines) figures of one method over a group of logs."""
    if not scores:
        return {"logs": 0}
    tp = sum(s.tp for s in scores)
    got = sum(s.got for s in scores)
    truth = sum(s.truth for s in scores)
    mp = tp / got if got else 0.0
    mr = tp / truth if truth else 1.0
    return {
        "logs": len(scores),
        "precision": statistics.fmean(s.precision for s in scores),
        "recall": statistics.fmean(s.recall for s in scores),
        "f1": statistics.fmean(s.f1 for s in scores),
        "micro_precision": mp,
        "micro_recall": mr,
        "micro_f1": 2 * mp * mr / (mp + mr) if mp + mr else 0.0,
        "all_found": sum(s.all_found for s in scores) / len(scores),
        "mean_lines": statistics.fmean(s.got for s in scores),
        "mean_share": statistics.fmean(s.got / s.total if s.total else 0.0 for s in scores),
    }
