"""Regular expressions that stay linear-time on any input, at Python ``re`` speed on ordinary lines.

A :class:`Pattern` is compiled twice from one source: Python's ``re`` runs it on text of at most
:data:`SHORT` characters (bounded input: bounded work per call, and ``re``'s per-call cost is 3–10x
lower than RE2's Python binding on a 100-byte line), RE2 (google-re2) on anything longer (linear in the
input whatever the pattern). The source must therefore be in the common subset of both syntaxes:
no lookaround, no backreferences, no possessive or atomic groups, ``\\x{...}`` never (write the
character itself). Both engines see ASCII ``\\w``, ``\\d``, ``\\s`` and ``\\b`` (``re`` is given
``re.ASCII``), so a line matches the same way whichever engine runs it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import re2

SHORT = 4096
"""Text up to this many characters is matched by ``re``; longer text by RE2."""


class Match(Protocol):
    """What both engines' match objects offer (``re.Match`` and RE2's)."""

    def group(self, *groups: int | str) -> Any: ...
    def groups(self, default: Any = None) -> tuple[Any, ...]: ...
    def groupdict(self, default: Any = None) -> dict[str, Any]: ...
    def start(self, group: int = 0) -> int: ...
    def end(self, group: int = 0) -> int: ...
    def span(self, group: int = 0) -> tuple[int, int]: ...


Repl = str | Callable[[Any], str]


class Pattern:
    """One regular expression, run by ``re`` on short text and by RE2 on long text."""

    __slots__ = ("_long", "_short", "groups", "pattern")

    def __init__(self, pattern: str, *, ignorecase: bool = False) -> None:
        source = f"(?i){pattern}" if ignorecase else pattern
        self.pattern = source
        self._short = re.compile(source, re.ASCII)
        self._long = re2.compile(source)
        self.groups: int = self._short.groups
        if self._long.groups != self.groups:  # pragma: no cover - a pattern the engines read differently
            raise ValueError(f"re and RE2 disagree on the groups of {source!r}")

    def __repr__(self) -> str:
        return f"Pattern({self.pattern!r})"

    def search(self, text: str) -> Match | None:
        """The first match anywhere in ``text``, or None."""
        return (self._short if len(text) <= SHORT else self._long).search(text)

    def match(self, text: str) -> Match | None:
        """A match at the start of ``text``, or None."""
        return (self._short if len(text) <= SHORT else self._long).match(text)

    def fullmatch(self, text: str) -> Match | None:
        """A match of the whole of ``text``, or None."""
        return (self._short if len(text) <= SHORT else self._long).fullmatch(text)

    def finditer(self, text: str) -> Iterator[Match]:
        """The non-overlapping matches, left to right."""
        return (self._short if len(text) <= SHORT else self._long).finditer(text)

    def sub(self, repl: Repl, text: str, count: int = 0) -> str:
        """``text`` with the matches replaced by ``repl`` (a literal string without backslashes, or a callable)."""
        if len(text) <= SHORT:
            return self._short.sub(repl, text, count)
        if isinstance(repl, str):  # RE2's binding expands string templates per match in Python: skip that
            literal = repl
            return self._long.sub(lambda _m: literal, text, count)
        return self._long.sub(repl, text, count)

