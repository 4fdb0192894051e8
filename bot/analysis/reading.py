"""Reading a raw log line: cleaned and classified once per distinct line, however often the log repeats it.

A CI log repeats its lines (a retried call's traceback, the same warning in every module, progress
lines): the scanner reads its candidate lines and the analysis then every line kept around them, so a
line is read at most once per distinct text. GitHub Actions' and GitLab's timestamp prefixes differ on
every line and say nothing about it: the memo's key is the line without its timestamp. The memo holds a
bounded number of short lines (it is emptied when full), so its memory stays bounded.
"""

from __future__ import annotations

import re

from .patterns import LineInfo, classify
from .text import CleanLine, clean

MEMO_LINES = 16_384
"""At most this many distinct lines are remembered (then the memo starts afresh)."""
MEMO_LINE_BYTES = 512
"""Longer lines are read every time (they are rare, and a key that long costs memory)."""

# The timestamp prefix text.clean strips first (ASCII, bounded: a fixed-shape prefix of at most ~40 bytes).
_TIMESTAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,12})?Z(?: [0-9a-f]{2}[OE]\+?)? ?")


class LineReader:
    """Cleans and classifies raw lines, remembering the answers for lines it has seen."""

    __slots__ = ("_memo",)

    def __init__(self) -> None:
        self._memo: dict[bytes, tuple[CleanLine, LineInfo]] = {}

    def read(self, raw: bytes) -> tuple[CleanLine, LineInfo]:
        """The cleaned line and what it is (``classify`` of its text)."""
        if len(raw) > MEMO_LINE_BYTES:
            return _read(raw)
        key = _without_timestamp(raw) if raw[:1].isdigit() else raw
        if key is None:
            return _read(raw)
        got = self._memo.get(key)
        if got is None:
            got = _read(raw)
            if len(self._memo) >= MEMO_LINES:
                self._memo.clear()
            self._memo[key] = got
        return got


def _read(raw: bytes) -> tuple[CleanLine, LineInfo]:
    cl = clean(raw)
    return cl, classify(cl.text, script_echo=cl.script_echo)


def _without_timestamp(raw: bytes) -> bytes | None:
    """What the cleaned line depends on: the raw line without its timestamp prefix (None: not memoised).

    A line with a tab (``gh run view --log``'s "<job>\t<step>\t<timestamp>" prefix is read before the
    timestamp), and one that would start with another timestamp once the first is cut, are read as they
    are, so that a memoised answer is always the one :func:`text.clean` gives for the line itself. (Any
    other line is its own key.)
    """
    if b"\t" in raw:
        return None
    m = _TIMESTAMP.match(raw, 0, 64)
    if m is None:
        return raw
    rest = raw[m.end() :]
    return None if rest[:1].isdigit() or rest.startswith(b"\xef\xbb\xbf") else rest
