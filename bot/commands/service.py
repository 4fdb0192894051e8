"""Slash commands, the same on both forges (`/devflowfix explain|analyze|fix|retry|status|config|ignore|resume|
skip|unskip|help` in a pull request comment or a merge request note): who may command, the acknowledgement, the
work, one reply per commanding comment (note), and exactly-once handling of it whatever the deliveries. The
repository's (project's) configuration is read once per comment, and only when a command or a short form needs it.

`CommandService` holds the rules; a `CommandForge` (bot/commands/github_commands.py, gitlab_commands.py) is one
comment or note on its forge: its words, the permission check, reactions, labels, the reply, and the verbs that
act on a run or pipeline (found on the forge, worked through the incident pipeline as a delivery would).

Only command names and their checked arguments reach the work: the rest of a comment is never read, stored or sent
to the LLM; `fix <instructions>` is a person's request, cleaned and capped, sent to the LLM as data only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from bot.commands.parser import Command, help_text, parse_commands
from bot.commands.status import StatusNouns, status_text
from bot.config.effective import EffectiveConfig
from bot.incidents.outcome import Outcome
from bot.settings import Settings
from storage.database import Database

log = logging.getLogger(__name__)

REPLY_MARKER = "<!-- devflowfix:command-reply -->"
RUN_COMMANDS = ("explain", "analyze", "fix", "retry")  # the ones that act on a run (gated by ignore and config)
ACK = "eyes"


@dataclass(frozen=True)
class Ran:
    """A run command worked through the incident pipeline: what it said, and the run (pipeline) it was about."""

    outcome: Outcome
    repo: str
    run_id: int
    link: str


@dataclass
class Comment:
    """A commanding comment (note), forge-neutral: where it is, who wrote it, what it says."""

    repo: str  # the repository (project) path the commands are keyed by (GitLab: the verified path, once checked)
    number: int  # the pull (merge) request
    comment_id: int
    author: str
    body: str
    commandable: bool  # a new one by a person on a pull (merge) request: the only ones that may command


class ForgeCommands:
    """What both forges' command adapters hold: the comment, and the forge's refusals (a 4xx is a reply too)."""

    refusal: ClassVar[type[Exception]]  # gidgethub's or gidgetlab's BadRequest (with `status_code`)

    def __init__(self, db: Database, settings: Settings, owner: str, comment: Comment) -> None:
        self.db = db
        self.settings = settings
        self.owner = owner
        self.comment = comment

    def http_status(self, exc: BaseException) -> int | None:
        """The HTTP status of the forge's refusal `exc`, None for anything else."""
        if not isinstance(exc, self.refusal):
            return None
        return int(getattr(exc, "status_code", 0)) or None


class CommandForge(Protocol):
    """One commanding comment (note) on its forge."""

    provider: str
    nouns: StatusNouns
    comment: Comment

    def http_status(self, exc: BaseException) -> int | None: ...

    async def verified(self) -> bool:
        """Whether the comment's repository (project) is the one the delivery was verified for."""
        ...

    async def may_command(self) -> bool:
        """Whether the author may command here (write access on GitHub, Developer or above on GitLab)."""
        ...

    async def react(self, name: str) -> None: ...

    async def refuse(self) -> None:
        """The sign that the author may not command (a 👎), and nothing else."""
        ...

    async def reply(self, body: str) -> int: ...

    async def load_config(self) -> EffectiveConfig: ...

    async def add_label(self, label: str) -> None: ...

    async def remove_label(self, label: str) -> bool:
        """False when the label was not there."""
        ...

    async def run_command(self, name: str, command: Command, config: EffectiveConfig | None) -> str | Ran:
        """`explain`, `analyze`, `fix` or `retry` on the latest failed run (pipeline), or the one named: the
        answer when nothing (or only a re-run) is done, else what the incident pipeline did."""
        ...


@dataclass
class CommandService:
    """One delivery's handling of a commanding comment (note); `owner` (the delivery id) names its claims."""

    db: Database
    settings: Settings
    forge: CommandForge
    owner: str
    config: EffectiveConfig | None = None  # read once per comment, when a command (or a short form) needs it
    _commands: dict[str, Command] = field(default_factory=dict, init=False, repr=False)

    async def load_config(self) -> EffectiveConfig:
        if self.config is None:
            self.config = await self.forge.load_config()
        return self.config

    async def handle(self) -> str:
        """Run the comment's commands once; returns what happened (for logs and tests)."""
        forge, comment = self.forge, self.forge.comment
        if not comment.commandable:
            return "ignored"
        strict = parse_commands(comment.body)
        loose = parse_commands(comment.body, short=True)
        if not loose:
            return "no command"
        if not await forge.verified():
            return "project mismatch"
        if not await forge.may_command():
            if not strict:  # a `/fix` line of someone who may not command: maybe not a command at all
                return "no command"
            await forge.refuse()
            return "refused"
        found = strict
        if loose != strict and (await self.load_config()).short_commands:
            found = loose
        commands = {c.name: c for c in found}
        if "fix" in commands and "explain" in commands:  # fix explains too: one analysis, not two
            del commands["explain"]
        self._commands = commands
        names = list(commands)
        if not names:
            return "no command"
        row = await self.db.commands.claim(
            comment.repo, comment.comment_id, self.owner, pr_number=comment.number, author=comment.author,
            commands=names, provider=forge.provider,
        )
        if row is None:
            return "already handled"
        await forge.react(ACK)
        results = dict(row.results or {})
        for name in names:
            if name in results:  # done by an earlier run of this delivery
                continue
            try:
                results[name] = await self.run(name, self._commands[name])
            except Exception as exc:  # a refusal is an answer too (RetryLater still retries)
                status = forge.http_status(exc)
                if status is None:
                    raise
                log.warning("command %s on %s%s%s failed: HTTP %s", name, comment.repo, forge.nouns.ref,
                            comment.number, status)
                results[name] = f"That did not work: {forge.nouns.forge} answered HTTP {status}."
            await self.db.commands.record(row.id, self.owner, name, results[name])
        if row.reply_comment_id is None:
            reply_id = await forge.reply(reply_body(names, results))
            await self.db.commands.set_reply(row.id, reply_id)
        await self.db.commands.finish(row.id, self.owner)
        return "done: " + ", ".join(names)

    # ---- the commands
    async def run(self, name: str, command: Command | None = None) -> str:
        """One command's answer."""
        forge, nouns, comment = self.forge, self.forge.nouns, self.forge.comment
        command = command or Command(name, 0)
        if name == "help":
            return help_text(short=(await self.load_config()).short_commands)
        if name == "config":
            return f"The effective configuration of this {nouns.repository}:\n\n" + (await self.load_config()).render()
        if name == "status":
            config = await self.load_config()
            state = await self.db.pull_requests.get(comment.repo, comment.number, provider=forge.provider)
            incidents = await self.db.incidents.for_pull_request(comment.repo, comment.number,
                                                                 provider=forge.provider)
            return status_text(config, state, incidents, nouns)
        if name in ("ignore", "resume"):
            await self.db.pull_requests.set_ignored(comment.repo, comment.number, name == "ignore",
                                                    by=comment.author, provider=forge.provider)
            if name == "ignore":
                return (f"I will leave this {nouns.change}'s failures alone (no analysis, {nouns.thread} or fix) "
                        "until `/devflowfix resume`.")
            return f"I will act on this {nouns.change}'s failures again."
        if name in RUN_COMMANDS:
            refusal = await self._gate()
            if refusal:
                return refusal
        label = self.settings.skip_label
        if name == "skip":
            await forge.add_label(label)
            return f"Added the `{label}` label: I will leave this {nouns.change} alone until `/devflowfix unskip`."
        if name == "unskip":
            if await forge.remove_label(label):
                return f"Removed the `{label}` label: I will look at this {nouns.change}'s failures."
            return f"The `{label}` label was not on this {nouns.change}."
        if name not in RUN_COMMANDS:
            raise ValueError(f"unknown command {name!r}")  # parse_commands yields known names only
        ran = await forge.run_command(name, command, self.config)
        return ran if isinstance(ran, str) else await self._say(ran)

    async def _gate(self) -> str | None:
        """Why a run command is not done here (None: it is)."""
        forge, nouns, comment = self.forge, self.forge.nouns, self.forge.comment
        state = await self.db.pull_requests.get(comment.repo, comment.number, provider=forge.provider)
        if state is not None and state.ignored:
            return f"I am ignoring this {nouns.change} (`/devflowfix ignore`): `/devflowfix resume` first."
        config = await self.load_config()
        if not config.enabled:
            return (f"DevFlowFix is turned off for this {nouns.repository} "
                    f"({config.sources.get('enabled', 'server')}).")
        return None

    async def _say(self, ran: Ran) -> str:
        nouns, link = self.forge.nouns, ran.link
        if ran.outcome is Outcome.MONITORING_DISABLED:
            return f"DevFlowFix is turned off for this {nouns.repository}."
        if ran.outcome is Outcome.ALREADY_HANDLED:
            return f"{link} is being analyzed right now; the {nouns.thread} above will show what was found."
        if ran.outcome is Outcome.SKIPPED_LABEL:
            return (f"This {nouns.change} has the `{self.settings.skip_label}` label, so I left {link} alone: "
                    "`/devflowfix unskip` first.")
        if ran.outcome is Outcome.MERGED:
            return (f"{link} failed the same way as an earlier failure on this branch: I counted it there and "
                    f"updated the {nouns.thread} above.")
        incident = await self.db.incidents.for_run(ran.repo, ran.run_id, provider=self.forge.provider)
        did = str((incident.analysis or {}).get("outcome") or "") if incident else ""
        return f"Explained {link} in the {nouns.thread} above." + (f" {did}" if did else "")


def reply_body(names: list[str], results: dict[str, str]) -> str:
    parts = [REPLY_MARKER]
    for name in names:
        parts += [f"> /devflowfix {name}", "", results.get(name, "Not done."), ""]
    return "\n".join(parts).rstrip() + "\n"
