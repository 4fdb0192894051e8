"""The GitHub side of the slash commands: an `issue_comment` on a pull request (`CommentEvent`), who may command
(the author association is a hint, the repository permission GitHub reports decides), reactions, labels, the one
reply comment, and the run commands on the pull request's latest failed workflow run (or the one named). Also the
"Ask for a fix" button of DevFlowFix's check run: as `/devflowfix fix` on its pull request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gidgethub

from bot.commands.parser import Command
from bot.commands.service import REPLY_MARKER, CommandService, Comment, ForgeCommands, Ran
from bot.commands.status import GITHUB
from bot.config.effective import EffectiveConfig
from bot.config.loader import load_github_config
from bot.fixes.render import clean
from bot.forges import github_actions as actions
from bot.forges import github_repos as repos
from bot.forges.github_client import GitHubClient
from bot.incidents.github_context import BOT_BRANCH_PREFIX, PullRef, RunInfo
from bot.incidents.github_forge import FAILING, GitHubForge
from bot.incidents.pipeline import IncidentPipeline
from bot.settings import Settings
from storage.database import Database

WRITE_ASSOCIATIONS = ("OWNER", "MEMBER", "COLLABORATOR")  # may be able to write; GitHub's permission decides
WRITE_PERMISSIONS = ("admin", "maintain", "write")  # `GET …/collaborators/{login}/permission` role names
REFUSED_REACTION = "-1"  # anyone else gets this reaction, no reply (the bot never amplifies strangers' comments)


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

    def comment(self) -> Comment:
        return Comment(self.repo, self.pr_number, self.comment_id, self.author, self.body, self.commandable)


class GitHubCommands(ForgeCommands):
    """One commanding comment on a GitHub pull request."""

    provider = "github"
    nouns = GITHUB
    refusal = gidgethub.BadRequest

    def __init__(self, db: Database, settings: Settings, github: Callable[[], GitHubClient], owner: str,
                 event: CommentEvent) -> None:
        super().__init__(db, settings, owner, event.comment())
        self.github = github
        self.event = event

    async def verified(self) -> bool:
        return True  # a GitHub delivery's repository is the one its installation (or hook) secret verified

    async def may_command(self) -> bool:
        # An association is only a hint (an org MEMBER may have read access only): anyone but the owner is checked
        # against the repository permission GitHub reports, one call per commanding comment.
        event = self.event
        if event.association not in WRITE_ASSOCIATIONS:  # a stranger's `/fix` is not worth a call to find out
            return False
        return event.association == "OWNER" or await can_write(self.github(), event.repo, event.author)

    async def react(self, name: str) -> None:
        await repos.add_reaction(self.github(), self.event.repo, self.event.comment_id, name)  # 200 if there

    async def refuse(self) -> None:
        await self.react(REFUSED_REACTION)

    async def reply(self, body: str) -> int:
        return await repos.create_comment(self.github(), self.event.repo, self.event.pr_number, body)

    async def load_config(self) -> EffectiveConfig:
        repo = self.event.repo
        conn = await self.db.installations.repository(repo)
        branch = self.event.repository.get("default_branch")
        return await load_github_config(self.github(), self.settings, conn, repo, str(branch) if branch else None)

    async def add_label(self, label: str) -> None:
        await repos.add_labels(self.github(), self.event.repo, self.event.pr_number, [label])

    async def remove_label(self, label: str) -> bool:
        return await repos.remove_label(self.github(), self.event.repo, self.event.pr_number, label)

    async def run_command(self, name: str, command: Command, config: EffectiveConfig | None) -> str | Ran:
        gh, event = self.github(), self.event
        pr = await repos.get_pull(gh, event.repo, event.pr_number)
        if pr is None:
            return "I could not read this pull request."
        head, base = pr.get("head") or {}, pr.get("base") or {}
        head_sha = str(head.get("sha") or "")
        head_repo = (head.get("repo") or {}).get("full_name") or event.repo
        if name != "retry" and head_repo == event.repo and str(head.get("ref") or "").startswith(BOT_BRANCH_PREFIX):
            return "This is a DevFlowFix fix pull request: its runs are only verified, never explained or fixed."
        if command.run_id is not None:
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
        service = IncidentPipeline(self.db, self.settings, forge, self.owner, config=config)
        outcome = await service.handle_failure(
            again=True, fix_requested=name == "fix", instructions=command.instructions if name == "fix" else None,
        )
        return Ran(outcome, info.repo, info.run_id, link)


def comment_service(
    db: Database, settings: Settings, github: Callable[[], GitHubClient], owner: str, event: CommentEvent
) -> CommandService:
    """The command service for one pull request comment."""
    return CommandService(db, settings, GitHubCommands(db, settings, github, owner, event), owner)


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


async def fix_from_check_run(
    db: Database, settings: Settings, github: Callable[[], GitHubClient], owner: str, event: CheckActionEvent
) -> str:
    """"Ask for a fix" on our check run: as `/devflowfix fix` on its pull request, for people who may write; the
    answer is a comment on that pull request."""
    if event.sender_is_bot or not event.repo or not event.sender:
        return "ignored"
    if event.pr_number is None:
        return "no pull request"  # a push's check run: nowhere to answer, and no PR to fix into
    gh = github()
    if not await can_write(gh, event.repo, event.sender):
        return "refused"
    comment = CommentEvent(
        action="created", repo=event.repo, repository=event.repository, installation=event.installation,
        pr_number=event.pr_number, on_pull_request=True, comment_id=0, body="", author=event.sender,
        association="COLLABORATOR", from_bot=False,
    )
    result = await comment_service(db, settings, github, owner, comment).run("fix", Command("fix", 0))
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
