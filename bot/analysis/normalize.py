"""Normalising a line so that the same failure reads the same on every run.

Timestamps, durations, run ids, temporary paths, hex addresses, UUIDs, ports and line numbers are
replaced by placeholders; used for signatures and for comparing with a baseline (passing) log.
Only a line's first :data:`MAX_CHARS` characters are normalised (bounded work per line); each pattern is
skipped when a substring it needs is absent, which keeps an ordinary line at a few microseconds.
"""

from __future__ import annotations

from .regex import SHORT, Match, Pattern

MAX_CHARS = SHORT
"""Longer text is cut to this many characters before it is normalised."""

_TS = Pattern(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?")
_TIME = Pattern(r"\b\d\d:\d\d:\d\d(?:[.,]\d+)?\b")
_DATE = Pattern(r"\b\d{4}-\d\d-\d\d\b")
_UUID = Pattern(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", ignorecase=True)
_HEX_0X = Pattern(r"\b0x[0-9a-f]+\b", ignorecase=True)
_HEX = Pattern(r"\b[0-9a-f]{7,64}\b")
_TMP_ROOTS = (  # what _TMP needs to find in a line
    "/tmp",  # noqa: S108 - a pattern to replace, not a place to write
    "/var/folders", "/private/var", "/home/runner/work/_temp", "\\AppData\\Local\\Temp",
    "/dev/shm",  # noqa: S108
    "$TMPDIR",
)
_TMP = Pattern(
    r"(?:/tmp|/var/folders|/private/var|/home/runner/work/_temp"
    r"|C:\\Users\\[^\\\s]+\\AppData\\Local\\Temp"
    r"|/dev/shm|\$TMPDIR)(?:[/\\][^\s:'\"),\]]*)?"
)
_DUR = Pattern(r"\b\d+(?:\.\d+)?\s?(?:ns|us|µs|ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)\b")
_IP = Pattern(r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b")
# Line and column numbers: "f.py:12:5", "x:1" after a word or a bracket; "Foo.cs(12,5)" after a word; ":[12,5]".
_PAREN_POS = Pattern(r"(\w)\(\d+(?:,\d+)?\)")
_COLON_POS = Pattern(r"([\w\])])((?::\d+)+)\b")
_BRACKET_POS = Pattern(r":\[\d+,\d+\]")
_LINE_NO = Pattern(r"\bline \d+\b")
_ISSUE_NO = Pattern(r"#\d+\b")
_NUM = Pattern(r"\b\d{3,}\b")
_DIGIT = Pattern(r"\d")
_DATE_OR_TIME = Pattern(r"\d\d[-:]\d\d")
_COLON_DIGIT = Pattern(r":\d")
_DIGITS = Pattern(r"\d+")


def _colon_pos(m: Match) -> str:
    # one ":<n>" per pair of ":N" groups, as "(?::\d+){1,2}" applied repeatedly would give
    pairs: int = (m.group(2).count(":") + 1) // 2
    return str(m.group(1)) + ":<n>" * pairs


def normalize(text: str) -> str:
    """The line with its volatile parts replaced by placeholders."""
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    if _DIGIT.search(text):
        if _DATE_OR_TIME.search(text):  # what _TS, _TIME and _DATE all need
            if "-" in text and ":" in text:
                text = _TS.sub("<ts>", text)
            if ":" in text:
                text = _TIME.sub("<time>", text)
            if "-" in text:
                text = _DATE.sub("<date>", text)
    if text.count("-") >= 4:
        text = _UUID.sub("<uuid>", text)
    if "0x" in text or "0X" in text:
        text = _HEX_0X.sub("<hex>", text)
    text = _HEX.sub("<hex>", text)
    if _has_tmp_root(text):
        text = _TMP.sub("<tmp>", text)
    if _DIGIT.search(text):
        text = _DUR.sub("<dur>", text)
        if "." in text:
            text = _IP.sub("<ip>", text)
        if "(" in text:
            text = _PAREN_POS.sub(lambda m: m.group(1) + ":<n>", text)
        if ":" in text:
            if _COLON_DIGIT.search(text):
                text = _COLON_POS.sub(_colon_pos, text)
            if ":[" in text:
                text = _BRACKET_POS.sub(":<n>", text)
        if "line " in text:
            text = _LINE_NO.sub("line <n>", text)
        if "#" in text:
            text = _ISSUE_NO.sub("#<n>", text)
        text = _NUM.sub("<num>", text)
    return " ".join(text.split())


def _has_tmp_root(text: str) -> bool:
    """Whether the text holds one of the temporary directories _TMP replaces (cheaply)."""
    if "/" not in text and "\\" not in text and "$" not in text:
        return False
    return any(root in text for root in _TMP_ROOTS)


def baseline_key(text: str) -> str:
    """A coarser form used to match fail-log lines against the baseline log: all digits go."""
    text = normalize(text)
    return _DIGITS.sub("#", text) if _DIGIT.search(text) else text
