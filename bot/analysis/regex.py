"""Regular expressions that stay linear-time on any input, at Python ``re`` speed on ordinary lines.

A :class:`Pattern` is compiled twice from one source: Python's ``re`` runs it on text of at most
:data:`SHORT` characters (bounded input: bounded work per call, and ``re``'s per-call cost is 3-10x
lower than RE2's Python binding on a 100-byte line), RE2 (google-re2) on anything longer (linear in
the input whatever the pattern). A pattern that could backtrack badly even on 4 KiB is made with
``linear_only=True``: RE2 runs it on text of every length (and it may use RE2-only syntax).

Any other source must be in the common subset of both syntaxes: no lookaround, no backreferences,
no possessive or atomic groups, no ``\\x{...}`` (write the character itself). ``re`` is given
``re.ASCII``, so that ``\\w``, ``\\d``, ``\\s`` and ``\\b`` mean what they mean to RE2, and a line
matches the same way whichever engine runs it.

On long text, :meth:`Pattern.sub` drives RE2's matcher itself (a few bytecodes per match) instead of
going through the binding's ``sub``, which builds a Python match object and re-decodes offsets for
every match: a 1 MB line with 200,000 ANSI codes is cleaned in a fraction of the time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Protocol, cast

import re2

try:  # the binding's matcher (what re2.compile(...).sub loops over in Python)
    from re2 import _re2 as _binding

    _UNANCHORED = _binding.RE2.Anchor.UNANCHORED
except (ImportError, AttributeError):  # pragma: no cover - another binding: its own sub is used
    _binding = None

SHORT = 4096
"""Text up to this many characters is matched by ``re``; longer text by RE2."""


class Match(Protocol):
    """What the match objects handed to a ``sub`` callable offer, whichever engine made them."""

    def group(self, *groups: int | str) -> Any: ...
    def groups(self, default: Any = None) -> tuple[Any, ...]: ...


Repl = str | Callable[[Any], str]


class Pattern:
    """One regular expression, run by ``re`` on short text and by RE2 on long text."""

    __slots__ = ("_limit", "_long", "_names", "_short", "groups", "pattern")

    def __init__(self, pattern: str, *, ignorecase: bool = False, linear_only: bool = False) -> None:
        source = f"(?i){pattern}" if ignorecase else pattern
        self.pattern = source
        self._long = re2.compile(source)
        self.groups: int = self._long.groups
        self._names: dict[str, int] = dict(self._long.groupindex)
        self._short: Any  # re's pattern, or None when RE2 runs every length
        if linear_only:  # RE2 only: the source may use RE2's own syntax (e.g. \pL)
            self._short = None
            self._limit = -1
        else:
            self._short = re.compile(source, re.ASCII)
            self._limit = SHORT
            if self._short.groups != self.groups:  # pragma: no cover - a pattern the engines read differently
                raise ValueError(f"re and RE2 disagree on the groups of {source!r}")

    def __repr__(self) -> str:
        return f"Pattern({self.pattern!r})"

    def search(self, text: str) -> Any:
        """The first match anywhere in ``text``, or None."""
        return (self._short if len(text) <= self._limit else self._long).search(text)

    def match(self, text: str) -> Any:
        """A match at the start of ``text``, or None."""
        return (self._short if len(text) <= self._limit else self._long).match(text)

    def fullmatch(self, text: str) -> Any:
        """A match of the whole of ``text``, or None."""
        return (self._short if len(text) <= self._limit else self._long).fullmatch(text)

    def finditer(self, text: str) -> Iterator[Any]:
        """The non-overlapping matches, left to right."""
        found: Iterator[Any] = (self._short if len(text) <= self._limit else self._long).finditer(text)
        return found

    def sub(self, repl: Repl, text: str, count: int = 0) -> str:
        """``text`` with the matches replaced by ``repl``: a literal string (no backslashes) or a callable
        given each match (``group()``, ``groups()``)."""
        if len(text) <= self._limit:
            return str(self._short.sub(repl, text, count))
        if _binding is None:  # pragma: no cover
            return str(self._long.sub((lambda _m: repl) if isinstance(repl, str) else repl, text, count))
        return _sub(self._long, self._names, repl, text, count)


class _Re2Match:
    """A match found by :func:`_sub`: its groups, decoded when asked for."""

    __slots__ = ("_data", "_names", "_spans")

    def __init__(self, names: dict[str, int], data: bytes, spans: list[tuple[int, int]]) -> None:
        self._names = names
        self._data = data
        self._spans = spans

    def group(self, *groups: int | str) -> Any:
        if len(groups) > 1:
            return tuple(self.group(g) for g in groups)
        group = groups[0] if groups else 0
        index = group if isinstance(group, int) else self._names[group]
        start, end = self._spans[index]
        return None if start < 0 else self._data[start:end].decode("utf-8")

    def groups(self, default: Any = None) -> tuple[Any, ...]:
        found = (self.group(i) for i in range(1, len(self._spans)))
        return tuple(default if g is None else g for g in found)


def _sub(regexp: Any, names: dict[str, int], repl: Repl, text: str, count: int) -> str:
    """``regexp.sub(repl, text, count)`` on RE2's matcher directly: the same matches, the same result."""
    data = text.encode("utf-8")
    end = len(data)
    match = regexp._regexp.Match
    literal = repl.encode("utf-8") if isinstance(repl, str) else None
    out: list[bytes] = []
    last = pos = done = 0
    while True:
        spans = match(_UNANCHORED, data, pos, end)
        start, stop = spans[0]
        if start < 0:
            break
        out.append(data[last:start])
        if literal is not None:
            out.append(literal)
        else:
            out.append(cast(Callable[[Any], str], repl)(_Re2Match(names, data, spans)).encode("utf-8"))
        last = stop
        done += 1
        if done == count or pos == end:
            break
        # an empty match where the search began: step over one character, as the binding's own loop does
        pos = stop if stop != pos else pos + _binding.CharLenToBytes(data, pos, 1)
    if not out:
        return text
    out.append(data[last:])
    return b"".join(out).decode("utf-8")
