"""Slash commands in pull request comments: `/devflowfix <command>` parsed strictly, nothing else obeyed.

A comment is hostile input: only a line that starts with the trigger and names a known command counts; the
rest of the comment is never read as an instruction (and never reaches the LLM as one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TRIGGERS = ("/devflowfix", "@devflowfix")
COMMANDS: dict[str, str] = {
    "help": "show this list",
    "explain": "analyze the latest failed run of this pull request again and update the explanation",
    "fix": "analyze it and open a fix pull request when a fix is found (even if automatic PRs are off)",
    "retry": "re-run the failed jobs of the latest failed run",
    "skip": "stop DevFlowFix on this pull request (adds the devflowfix-skip label)",
    "unskip": "let DevFlowFix work on this pull request again",
}
MAX_COMMANDS = 3  # per comment; more is noise or abuse
_LINE = re.compile(r"^\s*(?:/|@)devflowfix(?:\[bot\])?\s+([a-z-]{1,20})\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    line: int  # 1-based line of the comment it was read from


def parse_commands(body: str | None, *, max_length: int = 65_536) -> list[Command]:
    """The known commands in a comment, in order, without repeats; quoted lines and code blocks don't count."""
    if not body:
        return []
    found: list[Command] = []
    fenced = False
    for number, line in enumerate(body[:max_length].splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or stripped.startswith(">"):
            continue
        match = _LINE.match(line)
        if match is None:
            continue
        name = match.group(1).lower()
        if name in COMMANDS and all(c.name != name for c in found):
            found.append(Command(name, number))
        if len(found) >= MAX_COMMANDS:
            break
    return found


def help_text() -> str:
    rows = "\n".join(f"| `/devflowfix {name}` | {text} |" for name, text in COMMANDS.items())
    return f"DevFlowFix understands these commands, one per line:\n\n| command | what it does |\n|---|---|\n{rows}"
