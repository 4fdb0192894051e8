"""Normalising a line so that the same failure reads the same on every run.

Timestamps, durations, run ids, temporary paths, hex addresses, UUIDs, ports and line numbers are
replaced by placeholders; used for signatures and for comparing with a baseline (passing) log.
"""

from __future__ import annotations

import re

_SUBS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?"), "<ts>"),
    (re.compile(r"\b\d\d:\d\d:\d\d(?:[.,]\d+)?\b"), "<time>"),
    (re.compile(r"\b\d{4}-\d\d-\d\d\b"), "<date>"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I), "<uuid>"),
    (re.compile(r"\b0x[0-9a-f]+\b", re.I), "<hex>"),
    (re.compile(r"\b[0-9a-f]{7,64}\b"), "<hex>"),
    (
        re.compile(
            r"(?:/tmp|/var/folders|/private/var|/home/runner/work/_temp"
            r"|C:\\Users\\[^\\\s]+\\AppData\\Local\\Temp"
            r"|/dev/shm|\$TMPDIR)(?:[/\\][^\s:'\"),\]]*)?"
        ),
        "<tmp>",
    ),
    (
        re.compile(r"\b\d+(?:\.\d+)?\s?(?:ns|us|µs|ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)\b"),
        "<dur>",
    ),
    (re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b"), "<ip>"),
    (re.compile(r"(?<=[\w\])])(?::\d+){1,2}\b|(?<=\w)\(\d+(?:,\d+)?\)|:\[\d+,\d+\]"), ":<n>"),
    (re.compile(r"\bline \d+\b"), "line <n>"),
    (re.compile(r"#\d+\b"), "#<n>"),
    (re.compile(r"\b\d{3,}\b"), "<num>"),
    (re.compile(r"\s+"), " "),
]


def normalize(text: str) -> str:
    """The line with its volatile parts replaced by placeholders."""
    for pattern, repl in _SUBS:
        text = pattern.sub(repl, text)
    return text.strip()


_DIGITS = re.compile(r"\d+")


def baseline_key(text: str) -> str:
    """A coarser form used to match fail-log lines against the baseline log: all digits go."""
    return _DIGITS.sub("#", normalize(text))
