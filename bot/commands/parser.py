"""Slash commands in pull request comments: `/devflowfix <command>` parsed strictly, nothing else obeyed.

A comment is hostile input: only a line that starts with the trigger and names a known command counts, with
exactly the argument that command takes (`analyze` a run URL or id, `fix` free text), else the line does not
count at all. `fix`'s text is a person's request kept as data: cleaned, capped, never read for commands (it goes
to the LLM delimited as data). Short forms (`/fix`, …) count only when the repository's configuration allows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TRIGGERS = ("/devflowfix", "@devflowfix")
COMMANDS: dict[str, str] = {
    "help": "show this list",
    "explain": "analyze the latest failed run of this pull request again and update the explanation",
    "analyze": "analyze a run: `analyze` alone is `explain`; `analyze RUN_URL` or `analyze RUN_ID` names one",
    "fix": "analyze it and open a fix pull request when a fix is found (even if automatic PRs are off); "
           "`fix <instructions>` passes your instructions along (every rule still applies)",
    "retry": "re-run the failed jobs of the latest failed run",
    "status": "what DevFlowFix knows and did on this pull request",
    "config": "the effective configuration and where each value came from",
    "ignore": "stop acting on this pull request's failures (until `resume`)",
    "resume": "act on this pull request's failures again",
    "skip": "stop DevFlowFix on this pull request (adds the devflowfix-skip label)",
    "unskip": "let DevFlowFix work on this pull request again",
}
MAX_COMMANDS = 3  # per comment; more is noise or abuse
MAX_INSTRUCTIONS = 500  # characters of `fix <instructions>`
_LINE = re.compile(r"^\s*(?:/|@)devflowfix(?:\[bot\])?\s+([a-z-]{1,20})(?:\s+(.*))?$", re.IGNORECASE)
_SHORT = re.compile(r"^\s*/([a-z-]{1,20})(?:\s+(.*))?$", re.IGNORECASE)
_RUN_ID = re.compile(r"^\d{1,20}$")
# a run's page: https://host/owner/repo/actions/runs/123[/attempts/2|/job/4][?query][#fragment]
_RUN_URL = re.compile(
    r"^https?://[A-Za-z0-9.:-]{1,255}/([A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100})/actions/runs/(\d{1,20})"
    r"(?:/[A-Za-z0-9/_-]{0,100})?(?:[?#][^\s]{0,300})?$"
)


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    line: int  # 1-based line of the comment it was read from
    run_id: int | None = None  # `analyze RUN_ID|RUN_URL`
    run_repo: str | None = None  # the repository a RUN_URL names
    instructions: str | None = None  # `fix <instructions>`: data, never commands


def clean_instructions(text: str) -> str:
    """A person's request as plain data: control and invisible characters gone, spaces folded, capped."""
    kept = "".join(c if c.isprintable() else " " for c in text)
    kept = "".join(c for c in kept if c not in "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e")
    return " ".join(kept.split())[:MAX_INSTRUCTIONS]


def _command(name: str, argument: str, number: int) -> Command | None:
    """The command with its argument checked, or None when the line does not count."""
    argument = argument.strip()
    if name == "fix":
        return Command(name, number, instructions=clean_instructions(argument) or None)
    if name == "analyze":
        if not argument:
            return Command(name, number)
        if _RUN_ID.match(argument):
            return Command(name, number, run_id=int(argument))
        url = _RUN_URL.match(argument)
        if url:
            return Command(name, number, run_id=int(url.group(2)), run_repo=url.group(1))
        return None
    return None if argument else Command(name, number)


def parse_commands(body: str | None, *, max_length: int = 65_536, short: bool = False) -> list[Command]:
    """The known commands in a comment, in order, without repeats; quoted lines and code blocks don't count.
    `short`: `/fix` … count too (the repository's `short_commands`)."""
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
        if match is None and short:
            match = _SHORT.match(line)
            if match is not None and match.group(1).lower() == "devflowfix":
                match = None
        if match is None:
            continue
        name = match.group(1).lower()
        if name not in COMMANDS or any(c.name == name for c in found):
            continue
        command = _command(name, match.group(2) or "", number)
        if command is not None:
            found.append(command)
        if len(found) >= MAX_COMMANDS:
            break
    return found


def help_text(*, short: bool = False) -> str:
    rows = "\n".join(f"| `/devflowfix {name}` | {text} |" for name, text in COMMANDS.items())
    extra = "\n\nShort forms (`/fix`, `/status`, …) work in this repository too." if short else ""
    return (f"DevFlowFix understands these commands, one per line:\n\n| command | what it does |\n|---|---|\n{rows}"
            f"{extra}")
