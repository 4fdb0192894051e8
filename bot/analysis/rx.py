"""Linear-time patterns for the analyzer: google-re2 with Python's ``\\uXXXX`` escapes accepted.

Python's ``re`` backtracks; a pattern with nested repeats over a long line can run for minutes. Every
pattern the analyzer runs goes through :func:`compile`, which gives an RE2 (automaton) pattern: its
time is linear in the input whatever the input is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol, cast

import re2

_UNICODE_ESCAPE = re2.compile(r"\\u([0-9a-fA-F]{4})")


class Match(Protocol):
    """What a match offers the analyzer."""

    def group(self, *groups: int | str) -> Any: ...
    def groupdict(self) -> dict[str, Any]: ...
    def start(self, group: int = 0) -> int: ...
    def end(self, group: int = 0) -> int: ...


class Pattern(Protocol):
    """A compiled RE2 pattern, as the analyzer uses it."""

    @property
    def pattern(self) -> str: ...
    @property
    def groups(self) -> int: ...
    def search(self, text: str) -> Match | None: ...
    def match(self, text: str) -> Match | None: ...
    def finditer(self, text: str) -> Iterator[Match]: ...
    def sub(self, repl: str, text: str) -> str: ...


def translate(pattern: str) -> str:
    """The pattern in RE2's syntax: ``\\u25cf`` becomes ``\\x{25cf}``."""
    return str(_UNICODE_ESCAPE.sub(r"\\x{\1}", pattern)) if "\\u" in pattern else pattern


def compile(pattern: str) -> Pattern:
    """Compile ``pattern`` (Python syntax without lookaround or backreferences) with RE2."""
    return cast(Pattern, re2.compile(translate(pattern)))


def pattern_set(patterns: list[str]) -> re2.Set:
    """One RE2 set that says, in one pass over a line, which of ``patterns`` match it."""
    found = re2.Set.SearchSet()
    for pattern in patterns:
        found.Add(translate(pattern))
    found.Compile()
    return found
