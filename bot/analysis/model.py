"""The analyzer's result types: spans, file references and the Analysis itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CATEGORIES: tuple[str, ...] = (
    "test",
    "lint",
    "typecheck",
    "compile",
    "dependency",
    "infrastructure",
    "timeout",
    "configuration",
    "unknown",
)


@dataclass(frozen=True)
class Span:
    """Lines ``start``..``end`` (1-based, inclusive) of the log, inside step ``step`` when known.

    A line the analyzer did not keep (one cut out of a very long log) reads as empty in ``text``."""

    start: int
    end: int
    step: str | None = None
    text: str = ""
    """The span's lines, cleaned (no timestamps, no colour codes) and redacted, joined by newlines."""
    kind: str = "error"
    """``error``: lines that explain the failure; ``context``: lines around them the budget adds (what the
    failing step printed last, the surroundings of its other error lines)."""

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "step": self.step, "text": self.text, "kind": self.kind}


@dataclass(frozen=True)
class FileRef:
    """A repository path an error points at, with its line when known."""

    path: str
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line}


@dataclass(frozen=True)
class Analysis:
    """What the analyzer found in one failed job's log.

    ``to_dict()`` gives exactly the stable JSON schema; ``excerpt`` (the span lines, cleaned and
    redacted) and ``failed_step`` are extras for the bot and the text format.
    """

    spans: list[Span]
    category: str
    signature: str
    summary: str
    files: list[FileRef]
    tests: list[str]
    lines_total: int
    excerpt: list[tuple[int, str]] = field(default_factory=list)
    failed_step: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "spans": [s.to_dict() for s in self.spans],
            "category": self.category,
            "signature": self.signature,
            "summary": self.summary,
            "files": [f.to_dict() for f in self.files],
            "tests": list(self.tests),
            "lines_total": self.lines_total,
        }
