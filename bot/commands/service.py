"""Slash commands in pull request comments (`/devflowfix explain|analyze|fix|retry|status|config|ignore|resume|
skip|unskip|help`): who may command, the acknowledgement (a reaction), the work (through the incident service, as
a `workflow_run` delivery would), one reply per commanding comment, and exactly-once handling of a comment
whatever the deliveries. The repository's configuration is read once per comment (short forms, `config`).

Only command names and their checked arguments reach the work: the rest of a comment is never read, stored or sent
to the LLM; `fix <instructions>` is a person's request, cleaned and capped, sent to the LLM as data only.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gidgethub

from bot.commands.parser import Command, help_text, parse_commands
from bot.commands.status import GITHUB, status_text
from bot.config.effective import EffectiveConfig
from bot.config.loader import load_github_config
from bot.fixes.render import clean
from bot.forges import github_actions as actions
from bot.forges import github_repos as repos
from bot.forges.github_client import GitHubClient
from bot.incidents.github_context import BOT_BRANCH_PREFIX, PullRef, RunInfo
from bot.incidents.github_forge import FAILING, GitHubForge
from bot.incidents.outcome import Outcome
from bot.incidents.pipeline import IncidentPipeline
from bot.settings import Settings
from storage.database import Database

log = logging.getLogger(__name__)

WRITE_ASSOCIATIONS = ("OWNER", "MEMBER", "COLLABORATOR")  # may be able to write; GitHub's permission decides
WRITE_PERMISSIONS = ("admin", "maintain", "write")  # `GET …/collaborators/{login}/permission` role names
REFUSED_REACTION = "-1"  # anyone else gets this reaction, no reply (the bot never amplifies strangers' comments)
REPLY_MARKER = "<!-- devflowfix:command-reply -->"
RUN_COMMANDS = ("explain", "analyze", "fix", "retry")  # the ones that act on a run (gated by ignore and config)


@dataclass(frozen=True)
class CommentEvent:
    """The facts of an `issue_comment` event the commands use."""

    action: str
    repo: str
    repository: dict[str, Any]
    installation: dict[str, Any] | None
    pr_number: int
    on_pull_request: bool
    comment_id: int
    body: str
    author: str
    association: str
    from_bot: bool

    @classmethod
    def from_event(cls, data: dict[str, Any]) -> CommentEvent:
        issue = data.get("issue") or {}
        comment = data.get("comment") or {}
        sender = data.get("sender") or {}
        user = comment.get("user") or {}
        logins = [str(sender.get("login") or ""), str(user.get("login") or "")]
        return cls(
            action=str(data.get("action") or ""), repo=str((data.get("repository") or {}).get("full_name") or ""),
            repository=dict(data.get("repository") or {}), installation=data.get("installation"),
            pr_number=int(issue.get("number") or 0), on_pull_request="pull_request" in issue,
            comment_id=int(comment.get("id") or 0), body=str(comment.get("body") or ""),
            author=str(user.get("login") or sender.get("login") or ""),
            association=str(comment.get("author_association") or "NONE").upper(),
            from_bot="Bot" in (sender.get("type"), user.get("type")) or any(x.endswith("[bot]") for x in logins),
        )

    @property
    def commandable(self) -> bool:
        """A new comment by a person on a pull request: the only comments that may command."""
        return (self.action == "created" and self.on_pull_request and not self.from_bot
                and bool(self.repo) and self.pr_number > 0 and self.comment_id > 0)


@dataclass
class CommandService:
    """One delivery's handling of a commanding comment; `owner` (the delivery id) names its claims."""

    db: Database
    settings: Settings
    github: Callable[[], GitHubClient]
    owner: str
    config: EffectiveConfig | None = None  # read once per comment, when a command (or a short form) needs it
    _commands: dict[str, Command] = field(default_factory=dict, init=False, repr=False)

    async def load_config(self, event: CommentEvent) -> EffectiveConfig:
        if self.config is None:
            conn = await self.db.installations.repository(event.repo)
            branch = event.repository.get("default_branch")
            self.config = await load_github_config(self.github(), self.settings, conn, event.repo,
                                                   str(branch) if branch else None)
        return self.config

    async def commands_of(self, event: CommentEvent) -> list[Command]:
        """The comment's commands; short forms only if the repository's `short_commands` allows them (the
        configuration is read only when the comment has a line that could be one)."""
        strict = parse_commands(event.body)
        if event.association not in WRITE_ASSOCIATIONS:  # a stranger's `/fix` is not worth a call to find out
            return strict
        loose = parse_commands(event.body, short=True)
        if loose != strict and (await self.load_config(event)).short_commands:
            return loose
        return strict

    async def handle(self, event: CommentEvent) -> str:
        """Run the comment's commands once; returns what happened (for logs and tests)."""
        if not event.commandable:
            return "ignored"
        commands = {c.name: c for c in await self.commands_of(event)}
        if "fix" in commands and "explain" in commands:  # fix explains too: one analysis, not two
            del commands["explain"]
        names = list(commands)
        self._commands = commands
        if not names:
            return "no command"
        gh = self.github()
        # An association is only a hint (an org MEMBER may have read access only): anyone but the owner is checked
        # against the repository permission GitHub reports, one call per commanding comment.
        if event.association not in WRITE_ASSOCIATIONS or (
            event.association != "OWNER" and not await can_write(gh, event.repo, event.author)
        ):
            await repos.add_reaction(gh, event.repo, event.comment_id, REFUSED_REACTION)  # 200 if already there
            return "refused"
        row = await self.db.commands.claim(
            event.repo, event.comment_id, self.owner, pr_number=event.pr_number, author=event.author,
            commands=names,
        )
        if row is None:
            return "already handled"
        await repos.add_reaction(gh, event.repo, event.comment_id, "eyes")
        results = dict(row.results or {})
        for name in names:
            if name in results:  # done by an earlier run of this delivery
                continue
            try:
                results[name] = await self._run(name, event, self._commands[name])
            except gidgethub.BadRequest as exc:  # a refusal is an answer too (RetryLater still retries)
                log.error("command %s on %s#%s failed", name, event.repo, event.pr_number, exc_info=True)
                results[name] = f"That did not work: GitHub answered HTTP {int(exc.status_code)}."
            await self.db.commands.record(row.id, self.owner, name, results[name])
        reply_id = row.reply_comment_id
        if reply_id is None:
            reply_id = await repos.create_comment(gh, event.repo, event.pr_number, reply_body(names, results))
            await self.db.commands.set_reply(row.id, reply_id)
        await self.db.commands.finish(row.id, self.owner)
        return "done: " + ", ".join(names)

    # ---- the commands
    async def _run(self, name: str, event: CommentEvent, command: Command | None = None) -> str:
        command = command or Command(name, 0)
        if name == "help":
            return help_text(short=(await self.load_config(event)).short_commands)
        if name == "config":
            return "The effective configuration of this repository:\n\n" + (await self.load_config(event)).render()
        if name == "status":
            return await self._status(event)
        if name in ("ignore", "resume"):
            await self.db.pull_requests.set_ignored(event.repo, event.pr_number, name == "ignore", by=event.author)
            if name == "ignore":
                return ("I will leave this pull request's failures alone (no analysis, comment or fix) until "
                        "`/devflowfix resume`.")
            return "I will act on this pull request's failures again."
        if name in RUN_COMMANDS:
            refusal = await self._gate(event)
            if refusal:
                return refusal
        if name == "skip":
            await repos.add_labels(self.github(), event.repo, event.pr_number, [self.settings.skip_label])
            return (f"Added the `{self.settings.skip_label}` label: I will leave this pull request alone "
                    "until `/devflowfix unskip`.")
        if name == "unskip":
            removed = await repos.remove_label(self.github(), event.repo, event.pr_number, self.settings.skip_label)
            if removed:
                return f"Removed the `{self.settings.skip_label}` label: I will look at this pull request's failures."
            return f"The `{self.settings.skip_label}` label was not on this pull request."
        if name in RUN_COMMANDS:
            return await self._on_latest_failed_run(name, event, command)
        raise ValueError(f"unknown command {name!r}")  # parse_commands yields known names only

    async def _gate(self, event: CommentEvent) -> str | None:
        """Why a run command is not done here (None: it is)."""
        state = await self.db.pull_requests.get(event.repo, event.pr_number)
        if state is not None and state.ignored:
            return "I am ignoring this pull request (`/devflowfix ignore`): `/devflowfix resume` first."
        config = await self.load_config(event)
        if not config.enabled:
            return f"DevFlowFix is turned off for this repository ({config.sources.get('enabled', 'server')})."
        return None

    async def _status(self, event: CommentEvent) -> str:
        """What the bot knows and did on this pull request."""
        config = await self.load_config(event)
        state = await self.db.pull_requests.get(event.repo, event.pr_number)
        incidents = await self.db.incidents.for_pull_request(event.repo, event.pr_number)
        return status_text(config, state, incidents, GITHUB)

    async def _on_latest_failed_run(self, name: str, event: CommentEvent, command: Command | None = None) -> str:
        gh = self.github()
        pr = await repos.get_pull(gh, event.repo, event.pr_number)
        if pr is None:
            return "I could not read this pull request."
        head, base = pr.get("head") or {}, pr.get("base") or {}
        head_sha = str(head.get("sha") or "")
        head_repo = (head.get("repo") or {}).get("full_name") or event.repo
        if name != "retry" and head_repo == event.repo and str(head.get("ref") or "").startswith(BOT_BRANCH_PREFIX):
            return "This is a DevFlowFix fix pull request: its runs are only verified, never explained or fixed."
        if command is not None and command.run_id is not None:
            if command.run_repo is not None and command.run_repo.lower() != event.repo.lower():
                return "That run belongs to another repository: I only analyze this repository's runs here."
            run = await actions.get_run(gh, event.repo, command.run_id)
            if run is None:
                return f"There is no run {command.run_id} in this repository."
            if run.get("conclusion") not in FAILING:
                return f"{run_link(run)} did not fail (`{clean(str(run.get('conclusion') or run.get('status')), 30)}`)."
            if str(run.get("head_branch") or "").startswith(BOT_BRANCH_PREFIX):
                return "That run is of a DevFlowFix fix branch: its runs are only verified, never explained or fixed."
        else:
            run = await latest_failed_run(gh, event.repo, head_sha)
        if run is None:
            return f"No failed workflow run of the head commit `{head_sha[:7]}` to {name}."
        link = run_link(run)
        if name == "retry":
            try:
                await actions.rerun_failed_jobs(gh, event.repo, int(run["id"]))
            except gidgethub.BadRequest as exc:
                return (f"GitHub refused to re-run the failed jobs of {link} (HTTP {int(exc.status_code)}): it may "
                        "be running already, or be too old to re-run.")
            return f"Re-running the failed jobs of {link}."
        info = RunInfo.from_event(
            {"workflow_run": run, "repository": event.repository, "installation": event.installation}
        )
        if all(p.number != event.pr_number for p in info.pull_requests):
            pull = PullRef(event.pr_number, head.get("ref"), head_sha, base.get("ref"), base.get("sha"))
            info = dataclasses.replace(info, pull_requests=(pull, *info.pull_requests))
        forge = GitHubForge(self.db, self.settings, self.github, self.owner, info)
        service = IncidentPipeline(self.db, self.settings, forge, self.owner, config=self.config)
        outcome = await service.handle_failure(
            again=True, fix_requested=name == "fix",
            instructions=command.instructions if command is not None and name == "fix" else None,
        )
        return await self._say(outcome, info, link)

    async def _say(self, outcome: Outcome, run: RunInfo, link: str) -> str:
        if outcome is Outcome.MONITORING_DISABLED:
            return "DevFlowFix is turned off for this repository."
        if outcome is Outcome.ALREADY_HANDLED:
            return f"{link} is being analyzed right now; the comment above will show what was found."
        if outcome is Outcome.SKIPPED_LABEL:
            return (f"This pull request has the `{self.settings.skip_label}` label, so I left {link} alone: "
                    "`/devflowfix unskip` first.")
        if outcome is Outcome.MERGED:
            return (f"{link} failed the same way as an earlier failure on this branch: I counted it there and "
                    "updated the comment above.")
        incident = await self.db.incidents.for_run(run.repo, run.run_id)
        did = str((incident.analysis or {}).get("outcome") or "") if incident else ""
        return f"Explained {link} in the comment above." + (f" {did}" if did else "")


@dataclass(frozen=True)
class CheckActionEvent:
    """A click on a check run's button: `check_run` `requested_action`."""

    repo: str
    repository: dict[str, Any]
    installation: dict[str, Any] | None
    identifier: str
    app_id: int | None
    pr_number: int | None
    sender: str
    sender_is_bot: bool

    @classmethod
    def from_event(cls, data: dict[str, Any]) -> CheckActionEvent:
        check = data.get("check_run") or {}
        pulls = [p for p in check.get("pull_requests") or [] if isinstance(p, dict) and p.get("number")]
        sender = data.get("sender") or {}
        login = str(sender.get("login") or "")
        return cls(
            repo=str((data.get("repository") or {}).get("full_name") or ""),
            repository=dict(data.get("repository") or {}), installation=data.get("installation"),
            identifier=str((data.get("requested_action") or {}).get("identifier") or ""),
            app_id=int((check.get("app") or {}).get("id") or 0) or None,
            pr_number=int(pulls[0]["number"]) if pulls else None, sender=login,
            sender_is_bot=sender.get("type") == "Bot" or login.endswith("[bot]"),
        )


async def fix_from_check_run(service: CommandService, event: CheckActionEvent) -> str:
    """"Ask for a fix" on our check run: as `/devflowfix fix` on its pull request, for people who may write; the
    answer is a comment on that pull request."""
    if event.sender_is_bot or not event.repo or not event.sender:
        return "ignored"
    if event.pr_number is None:
        return "no pull request"  # a push's check run: nowhere to answer, and no PR to fix into
    gh = service.github()
    if not await can_write(gh, event.repo, event.sender):
        return "refused"
    comment = CommentEvent(
        action="created", repo=event.repo, repository=event.repository, installation=event.installation,
        pr_number=event.pr_number, on_pull_request=True, comment_id=0, body="", author=event.sender,
        association="COLLABORATOR", from_bot=False,
    )
    result = await service._run("fix", comment, Command("fix", 0))
    body = f"{REPLY_MARKER}\n@{clean(event.sender, 40)} asked for a fix from the check run.\n\n{result}\n"
    await repos.create_comment(gh, event.repo, event.pr_number, body)
    return "done: fix"


async def can_write(gh: GitHubClient, repo: str, login: str) -> bool:
    """Whether `login` may push to `repo` (admin, maintain or write), as GitHub says."""
    return await repos.collaborator_role(gh, repo, login) in WRITE_PERMISSIONS


async def latest_failed_run(gh: GitHubClient, repo: str, head_sha: str) -> dict[str, Any] | None:
    """The newest failed run of the commit, whatever its workflow (the bot's own branches excluded)."""
    if not head_sha:
        return None
    for run in await actions.runs_for_sha(gh, repo, head_sha):
        if (run.get("conclusion") in FAILING and run.get("head_sha") == head_sha
                and not str(run.get("head_branch") or "").startswith(BOT_BRANCH_PREFIX)):
            return run
    return None


def run_link(run: dict[str, Any]) -> str:
    name = clean(str(run.get("name") or "workflow"), 100)
    label = f"**{name}** run #{run['run_number']}" if run.get("run_number") else f"**{name}** run"
    return f"{label} ([logs]({run['html_url']}))" if run.get("html_url") else label


def reply_body(names: list[str], results: dict[str, str]) -> str:
    parts = [REPLY_MARKER]
    for name in names:
        parts += [f"> /devflowfix {name}", "", results.get(name, "Not done."), ""]
    return "\n".join(parts).rstrip() + "\n"
