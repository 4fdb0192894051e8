"""Cleaning one raw log line for reading: decoding, CI prefixes (timestamps), ANSI codes, progress bars."""

from __future__ import annotations

import re
from dataclasses import dataclass

# GitHub: "<ts> "; GitLab (16.5+ with timestamps): "<ts> 00O " (stream O/E, "+" when the line goes on)
_GH_TIMESTAMP = re.compile(r"^\ufeff?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z(?: [0-9a-f]{2}[OE]\+?)? ?")
# `gh run view --log` output: "<job>\t<step>\t<timestamp> <message>"
_GH_CLI_PREFIX = re.compile(r"^([^\t\n]{1,200})\t([^\t\n]{1,200})\t(?=\ufeff?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b[=>]")
# GitHub's web log sometimes loses the ESC byte and leaves "[36;1m" behind.
_BARE_SGR = re.compile(r"\[(?:\d{1,3};)*\d{1,3}m|\[m")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_GITLAB_SECTION = re.compile(r"section_(start|end):(\d+):([\w.\-]+)(?:\[[^\]]*\])?")
_SCRIPT_ECHO = "\x1b[36;1m"


@dataclass(frozen=True)
class CleanLine:
    """A log line made readable, with the CI facts its prefix carried."""

    text: str
    step: str | None = None
    """The step named in the line itself (``gh run view --log`` format)."""
    script_echo: bool = False
    """GitHub Actions' echo of a ``run:`` script (cyan): the command, not its output."""
    gitlab_section: tuple[str, str] | None = None
    """(start|end, name) of a GitLab section marker on this line."""


def decode(raw: bytes) -> str:
    """Decode a line that may not be UTF-8 (invalid bytes become U+FFFD)."""
    return raw.decode("utf-8", "replace")


def clean(raw: bytes | str) -> CleanLine:
    """Strip the line's CI prefix, ANSI codes, carriage-return overdraws and control characters."""
    line = decode(raw) if isinstance(raw, bytes) else raw
    if line.endswith("\n"):
        line = line[:-1]
    step = None
    m = _GH_CLI_PREFIX.match(line)
    if m:
        step = m.group(2)
        line = line[m.end() :]
    line = _GH_TIMESTAMP.sub("", line, count=1)
    script_echo = line.startswith(_SCRIPT_ECHO)
    section = None
    if "section_" in line:
        sm = _GITLAB_SECTION.search(line)
        if sm:
            section = (sm.group(1), sm.group(3))
            line = line[: sm.start()] + line[sm.end() :]
    if "\r" in line:
        line = _last_visible(line)
    if "\x1b" in line:
        line = _ANSI.sub("", line)
    if "[" in line and "m" in line:
        line = _BARE_SGR.sub("", line)
    line = _CONTROL.sub("", line)
    return CleanLine(line.rstrip(), step, script_echo, section)


def _last_visible(line: str) -> str:
    """What a terminal shows for a line redrawn with carriage returns: the last non-blank part."""
    parts = line.split("\r")
    for part in reversed(parts):
        if _ANSI.sub("", part).strip():
            return part
    return ""


def strip_prefix_only(raw: bytes) -> str:
    """The line with only its timestamp prefix and ANSI codes removed (cheap; for baselines)."""
    return clean(raw).text
