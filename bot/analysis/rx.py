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
    return cast(Pattern, _Compiled(translate(pattern)))


_UNANCHORED = re2._Anchor.UNANCHORED
_ANCHOR_START = re2._Anchor.ANCHOR_START


class _Compiled:
    """An RE2 pattern whose search and match on ASCII text drive the binding's matcher directly.

    The binding's own ``search`` re-maps byte offsets to characters through a Python generator on every
    call (several microseconds, most of a short line's cost); on ASCII text bytes and characters are the
    same, so only the spans are read. Other text, and everything else, goes through the binding.
    """

    __slots__ = ("_match", "_names", "_slow", "groups", "pattern")

    def __init__(self, source: str) -> None:
        self._slow = re2.compile(source)
        self._match = self._slow._regexp.Match
        self._names: dict[str, int] = dict(self._slow.groupindex)
        self.pattern = source
        self.groups: int = self._slow.groups

    def __repr__(self) -> str:
        return f"rx.compile({self.pattern!r})"

    def _run(self, anchor: Any, text: str) -> Any:
        data = text.encode("utf-8")
        spans = self._match(anchor, data, 0, len(data))
        if spans[0][0] < 0:
            return None
        if len(data) != len(text):  # not ASCII: the binding maps the byte offsets to characters
            return self._slow.search(text) if anchor is _UNANCHORED else self._slow.match(text)
        return _AsciiMatch(text, spans, self._names)

    def search(self, text: str) -> Any:
        return self._run(_UNANCHORED, text)

    def match(self, text: str) -> Any:
        return self._run(_ANCHOR_START, text)

    def fullmatch(self, text: str) -> Any:
        return self._slow.fullmatch(text)

    def finditer(self, text: str) -> Iterator[Any]:
        data = text.encode("utf-8")
        if len(data) != len(text):
            yield from self._slow.finditer(text)
            return
        match, names, end, pos = self._match, self._names, len(data), 0
        while True:
            spans = match(_UNANCHORED, data, pos, end)
            start, stop = spans[0]
            if start < 0:
                return
            yield _AsciiMatch(text, spans, names)
            if pos == end:
                return
            pos = stop + 1 if stop == pos else stop  # an empty match: step over one character

    def sub(self, repl: Any, text: str, count: int = 0) -> str:
        data = text.encode("utf-8")
        if self._match(_UNANCHORED, data, 0, len(data))[0][0] < 0:
            return text  # nothing to replace (the common case): no copy, no generator
        return str(self._slow.sub(repl, text, count))

    def split(self, text: str, maxsplit: int = 0) -> list[str]:
        return list(self._slow.split(text, maxsplit))

    def findall(self, text: str) -> list[Any]:
        return list(self._slow.findall(text))


class _AsciiMatch:
    """A match in ASCII text: its spans are character offsets."""

    __slots__ = ("_names", "_spans", "_text")

    def __init__(self, text: str, spans: list[tuple[int, int]], names: dict[str, int]) -> None:
        self._text = text
        self._spans = spans
        self._names = names

    def _index(self, group: int | str) -> int:
        return group if isinstance(group, int) else self._names[group]

    def group(self, *groups: int | str) -> Any:
        if len(groups) > 1:
            return tuple(self.group(g) for g in groups)
        start, end = self._spans[self._index(groups[0]) if groups else 0]
        return None if start < 0 else self._text[start:end]

    def __getitem__(self, group: int | str) -> Any:
        return self.group(group)

    def groups(self, default: Any = None) -> tuple[Any, ...]:
        found = (self.group(i) for i in range(1, len(self._spans)))
        return tuple(default if g is None else g for g in found)

    def groupdict(self, default: Any = None) -> dict[str, Any]:
        return {name: (default if (g := self.group(i)) is None else g) for name, i in self._names.items()}

    def start(self, group: int | str = 0) -> int:
        return self._spans[self._index(group)][0]

    def end(self, group: int | str = 0) -> int:
        return self._spans[self._index(group)][1]

    def span(self, group: int | str = 0) -> tuple[int, int]:
        start, end = self._spans[self._index(group)]
        return start, end


def pattern_set(patterns: list[str]) -> re2.Set:
    """One RE2 set that says, in one pass over a line, which of ``patterns`` match it."""
    found = re2.Set.SearchSet()
    for pattern in patterns:
        found.Add(translate(pattern))
    found.Compile()
    return found
