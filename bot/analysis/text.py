"""Cleaning one raw log line for reading: decoding, CI prefixes (timestamps), ANSI codes, progress bars.

Linear in the line's length whatever it holds: the prefix patterns look only at the line's first few
hundred characters, the others are :class:`~bot.analysis.regex.Pattern` (RE2 on long lines), and
carriage-return redraws and control characters are handled with string methods.
"""

from __future__ import annotations

from typing import NamedTuple

from .regex import SHORT, Pattern

_TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"
# GitHub: "<ts> "; GitLab (16.5+, timestamps on): "<ts> 00O " (stream O/E; "+" when the line goes on)
_GH_TIMESTAMP = Pattern("\ufeff?" + _TIMESTAMP + r"(?:\.\d+)?Z(?: [0-9a-f]{2}[OE]\+?)? ?")
_GH_TIMESTAMP_REACH = 64
"""The timestamp prefix is looked for in this many leading characters."""
# `gh run view --log` output: "<job>\t<step>\t<timestamp> <message>"
_GH_CLI_PREFIX = Pattern(r"([^\t\n]{1,200})\t([^\t\n]{1,200})\t(" + "\ufeff?" + _TIMESTAMP + ")")
_GH_CLI_REACH = 2 * 200 + 2 + 1 + 19
_ANSI = Pattern(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b[=>]")
# A log that lost its ESC bytes (GitHub's web log, logs kept as text) leaves "[36;1m" behind, and Travis's
# "[0K" (erase to the end of the line, after every fold and timer marker).
_BARE_SGR = Pattern(r"\[(?:\d{1,3};)*\d{1,3}m|\[[0-2]K")
"""(With its number: a bare "[m" is as likely code's, "UNITS[match[2]]".)"""
_CURSOR_HOME = Pattern(r"\x1b\[[01]?G")
"""The cursor sent to the line's first column (a test runner redrawing its line, bats' "pretty" formatter): read as
a carriage return, the line's last drawing is what the terminal shows."""
_CONTROL = Pattern(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters dropped from a line (tab, newline and carriage return are not among them)."""
_CONTROL_TABLE = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
"""The same, for ``str.translate`` (C speed per character; a long line may hold a million of them)."""
_GITLAB_SECTION = Pattern(r"section_(start|end):(\d+):([\w.\-]+)(?:\[[^\]]*\])?")
_SCRIPT_ECHO = "\x1b[36;1m"


class CleanLine(NamedTuple):
    """A log line made readable, with the CI facts its prefix carried (a tuple: cheap to make per line)."""

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
    if "\t" in line and _gh_cli_shape(line):
        m = _GH_CLI_PREFIX.match(line[:_GH_CLI_REACH])
        if m:
            step = m.group(2)
            line = line[m.start(3) :]
    if line[:1].isdigit() or line.startswith("\ufeff"):
        m = _GH_TIMESTAMP.match(line[:_GH_TIMESTAMP_REACH])
        if m:
            line = line[m.end() :]
    if line.startswith("#") and line[1:2].isdigit():
        line = _without_buildkit_prefix(line)
    script_echo = line.startswith(_SCRIPT_ECHO)
    section = None
    if "section_" in line:
        sm = _GITLAB_SECTION.search(line)
        if sm:
            section = (sm.group(1), sm.group(3))
            line = line[: sm.start()] + line[sm.end() :]
    if "\x1b" in line:
        if "G" in line:
            line = _CURSOR_HOME.sub("\r", line)
        line = _ANSI.sub("", line)
    if "\r" in line:
        line = _last_visible(line)
    if "[" in line and ("m" in line or "K" in line):
        line = _BARE_SGR.sub("", line)
    if not line.isprintable() and _CONTROL.search(line):  # tabs and non-ASCII spaces are not printable either
        line = _CONTROL.sub("", line) if len(line) <= SHORT else line.translate(_CONTROL_TABLE)
    return CleanLine(line.rstrip(), step, script_echo, section)


_BUILDKIT = Pattern(r"#\d{1,5} \d+\.\d{3} ")
"""BuildKit's plain progress before what a build step printed: "#6 1.204 ERROR: Could not find a version ..." (the
step's number, the seconds since it started). Its own lines ("#6 ERROR: process ... did not complete", "#6 DONE
0.1s") keep their prefix: the rules read them as BuildKit's."""


def _without_buildkit_prefix(line: str) -> str:
    """The line a build step printed, without BuildKit's "#<step> <seconds> " before it."""
    m = _BUILDKIT.match(line[:32])
    return line if m is None else line[m.end() :]


def _gh_cli_shape(line: str) -> bool:
    """Cheaply: could the line start with ``gh run view --log``'s "<job>\t<step>\t<timestamp>"?"""
    first = line.find("\t", 0, 201)
    second = line.find("\t", first + 2, first + 202) if first > 0 else -1
    return second > 0 and (line[second + 1 : second + 2].isdigit() or line.startswith("\ufeff", second + 1))


def _last_visible(line: str) -> str:
    """What a terminal shows for a line redrawn with carriage returns: the last non-blank part."""
    last = len(line.rstrip()) - 1  # the last visible character
    if last < 0:
        return ""
    end = line.find("\r", last)
    return line[line.rfind("\r", 0, last) + 1 : end if end >= 0 else len(line)]
