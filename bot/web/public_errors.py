"""A delivery's error as people see it: one line, no server paths (the full text stays in the logs and the row).

From a traceback the last line (the exception) is kept; from any text its first non-empty line. Words that are
file system paths (`/srv/app/bot/x.py`, `"/usr/lib/python3.12/…"`, `C:\\…`, `~/…`) become `<path>`. No regular
expression: words are split on whitespace, so the work is linear in the text.
"""

from __future__ import annotations

MAX_CHARS = 300
QUOTES = "\"'`()[]<>,;:"


def _is_path(word: str) -> bool:
    core = word.strip(QUOTES)
    if core.startswith(("/", "~/", "./", "../", "\\\\")):
        return "/" in core[1:] or "\\" in core[1:] or len(core) > 1
    return len(core) > 2 and core[0].isalpha() and core[1] == ":" and core[2] in "\\/"


def one_line(text: str | None) -> str | None:
    """The error cut to one line of at most MAX_CHARS characters, its paths hidden; None stays None."""
    if text is None:
        return None
    lines = [line.strip() for line in text[:100_000].splitlines() if line.strip()]
    if not lines:
        return ""
    traceback = any(line.startswith("Traceback (most recent call last)") for line in lines)
    line = lines[-1] if traceback else lines[0]
    words = ["<path>" if _is_path(word) else word for word in line.split()]
    shown = " ".join(words)
    return shown if len(shown) <= MAX_CHARS else shown[: MAX_CHARS - 1] + "…"
