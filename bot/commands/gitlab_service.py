"""Slash commands in GitLab merge request notes (`Note Hook`): the same verbs as on GitHub, from people with
Developer access (30) or above, as GitLab's members API says (`GET /projects/:id/members/all/:user_id`, inherited
memberships included); anyone else gets a 👎 award and no reply. Each commanding note is handled once (claimed in
the database), its commands run through the incident pipeline as a `Pipeline Hook` would, and one reply note says
what was done. The verbs and the parser are GitHub's (bot/commands/parser.py): `analyze [PIPELINE_ID]`, `status`,
`config`, `ignore`/`resume` (per merge request), `fix <instructions>` (the person's words go to the LLM as data,
every guard in force), short forms when the project's `.gitlab/devflowfix.yml` allows them. Nothing else of a note
is read, stored or sent to the LLM.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gidgetlab

from bot.commands.parser import Command, help_text, parse_commands
from bot.commands.service import RUN_COMMANDS, reply_body
from bot.commands.status import GITLAB, status_text
from bot.config.effective import EffectiveConfig
from bot.config.loader import load_gitlab_config
from bot.forges import gitlab_ci as ci
from bot.forges import gitlab_notes as notes
from bot.forges import gitlab_repos as glrepos
from bot.forges.gitlab_client import GitLabClient
from bot.incidents.gitlab_context import PipelineInfo
from bot.incidents.gitlab_forge import PROVIDER, GitLabForge, verified_project
from bot.incidents.outcome import Outcome
from bot.incidents.pipeline import IncidentPipeline
from bot.incidents.run import BOT_BRANCH_PREFIX
from bot.settings import Settings
from storage.database import Database
from storage.models import RepositoryConnection

log = logging.getLogger(__name__)

DEVELOPER = 30  # GitLab's access levels: Guest 10, Reporter 20, Developer 30, Maintainer 40, Owner 50
REFUSED_AWARD = "thumbsdown"
OWN_NOTE = "<!-- devflowfix"


@dataclass(frozen=True)
class NoteEvent:
    """The facts of a `Note Hook` on a merge request the commands use."""

    project_id: int
    project: str
    project_url: str | None
    default_branch: str | None
    note_id: int
    body: str
    author_id: int
    author: str
    action: str
    system: bool
    on_merge_request: bool
    mr_iid: int
    source_branch: str | None
    target_branch: str | None
    head_sha: str | None
    from_fork: bool
    foreign: bool  # the MR belongs to another project than the one the delivery was verified for

    @classmethod
    def from_event(cls, data: dict[str, Any]) -> NoteEvent:
        attributes = data.get("object_attributes") or {}
        project = data.get("project") or {}
        mr = data.get("merge_request") or {}
        user = data.get("user") or {}
        project_id = _int(project.get("id") or data.get("project_id"))
        target = _int(mr.get("target_project_id") or project_id)
        source = _int(mr.get("source_project_id") or target)
        return cls(
            project_id=project_id, project=str(project.get("path_with_namespace") or ""),
            project_url=project.get("web_url"), default_branch=project.get("default_branch"),
            note_id=_int(attributes.get("id")), body=str(attributes.get("note") or ""),
            author_id=_int(attributes.get("author_id") or user.get("id")), author=str(user.get("username") or ""),
            action=str(attributes.get("action") or "create"), system=bool(attributes.get("system")),
            on_merge_request=attributes.get("noteable_type") == "MergeRequest" and bool(mr),
            mr_iid=_int(mr.get("iid")), source_branch=mr.get("source_branch"), target_branch=mr.get("target_branch"),
            head_sha=str((mr.get("last_commit") or {}).get("id") or "") or None,
            from_fork=source != target, foreign=target != project_id,
        )

    @property
    def commandable(self) -> bool:
        """A new note by a person on a merge request of the delivery's own project."""
        return (self.action == "create" and self.on_merge_request and not self.system and not self.foreign
                and self.project_id > 0 and self.mr_iid > 0 and self.note_id > 0 and self.author_id > 0
                and not self.body.lstrip().startswith(OWN_NOTE))


def _int(value: object) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value if 0 < value < 2**63 else 0
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        return int(value)
    return 0


@dataclass
class GitLabCommandService:
    """One delivery's handling of a commanding MR note; `owner` (the delivery id) names its claims."""

    db: Database
    settings: Settings
    gitlab: Callable[[], GitLabClient | None]
    owner: str
    config: EffectiveConfig | None = None  # read once per note, when a command (or a short form) needs it
    _commands: dict[str, Command] = field(default_factory=dict)

    def _client(self) -> GitLabClient:
        client = self.gitlab()
        assert client is not None, "checked by the caller"
        return client

    async def handle(self, event: NoteEvent) -> str:
        """Run the note's commands once; returns what happened (for logs and tests)."""
        if not event.commandable:
            return "ignored"
        strict = parse_commands(event.body)
        loose = parse_commands(event.body, short=True)
        if not loose:
            return "no command"
        client = self._client()
        project, conn = await verified_project(self.db, client, event.project_id, event.project)
        if project is None:
            return "project mismatch"
        if await glrepos.access_level(client, event.project_id, event.author_id) < DEVELOPER:
            if not strict:  # a `/fix` line of someone who may not command: maybe not a command at all
                return "no command"
            await self._award(event, REFUSED_AWARD)
            return "refused"
        found = strict
        if loose != strict and (await self.load_config(event, conn)).short_commands:
            found = loose
        commands = {c.name: c for c in found}
        if "fix" in commands and "explain" in commands:  # fix explains too: one analysis, not two
            del commands["explain"]
        self._commands = commands
        names = list(commands)
        if not names:
            return "no command"
        row = await self.db.commands.claim(
            project, event.note_id, self.owner, pr_number=event.mr_iid, author=event.author, commands=names,
            provider=PROVIDER,
        )
        if row is None:
            return "already handled"
        await self._award(event, "eyes")
        results = dict(row.results or {})
        for name in names:
            if name in results:  # done by an earlier run of this delivery
                continue
            try:
                results[name] = await self._run(name, event, project, self._commands[name])
            except gidgetlab.BadRequest as exc:  # a refusal is an answer too (RetryLater still retries)
                log.warning("command %s on %s!%s failed: HTTP %s", name, project, event.mr_iid, exc.status_code)
                results[name] = f"That did not work: GitLab answered HTTP {int(exc.status_code)}."
            await self.db.commands.record(row.id, self.owner, name, results[name])
        if row.reply_comment_id is None:
            reply_id = await notes.create_mr_note(client, event.project_id, event.mr_iid, reply_body(names, results))
            await self.db.commands.set_reply(row.id, reply_id)
        await self.db.commands.finish(row.id, self.owner)
        return "done: " + ", ".join(names)

    async def _award(self, event: NoteEvent, name: str) -> None:
        try:
            await notes.award_on_note(self._client(), event.project_id, event.mr_iid, event.note_id, name)
        except gidgetlab.BadRequest as exc:  # already awarded (404/400): the reply still goes out
            log.info("award %s not given on note %s: HTTP %s", name, event.note_id, exc.status_code)

    async def load_config(self, event: NoteEvent, conn: RepositoryConnection | None = None) -> EffectiveConfig:
        """The project's effective configuration (`.gitlab/devflowfix.yml` on its default branch), read once."""
        if self.config is None:
            if conn is None:
                conn = await self.db.repositories.by_provider_id(PROVIDER, str(event.project_id))
            self.config = await load_gitlab_config(self._client(), self.settings, conn, event.project, None,
                                                   project_id=event.project_id)
        return self.config

    async def _gate(self, event: NoteEvent, project: str) -> str | None:
        """Why a command that acts on a pipeline is not done here (None: it is)."""
        state = await self.db.pull_requests.get(project, event.mr_iid, provider=PROVIDER)
        if state is not None and state.ignored:
            return "I am ignoring this merge request (`/devflowfix ignore`): `/devflowfix resume` first."
        config = await self.load_config(event)
        if not config.enabled:
            return f"DevFlowFix is turned off for this project ({config.sources.get('enabled', 'server')})."
        return None

    async def _run(self, name: str, event: NoteEvent, project: str, command: Command | None = None) -> str:
        command = command or Command(name, 0)
        if name == "help":
            return help_text(short=(await self.load_config(event)).short_commands)
        if name == "config":
            return "The effective configuration of this project:\n\n" + (await self.load_config(event)).render()
        if name == "status":
            state = await self.db.pull_requests.get(project, event.mr_iid, provider=PROVIDER)
            incidents = await self.db.incidents.for_merge_request(project, event.mr_iid, provider=PROVIDER)
            return status_text(await self.load_config(event), state, incidents, GITLAB)
        if name in ("ignore", "resume"):
            await self.db.pull_requests.set_ignored(project, event.mr_iid, name == "ignore", by=event.author,
                                                    provider=PROVIDER)
            if name == "ignore":
                return ("I will leave this merge request's failures alone (no analysis, note or fix) until "
                        "`/devflowfix resume`.")
            return "I will act on this merge request's failures again."
        if name in RUN_COMMANDS:
            refusal = await self._gate(event, project)
            if refusal:
                return refusal
        client = self._client()
        label = self.settings.skip_label
        if name == "skip":
            await glrepos.set_mr_labels(client, event.project_id, event.mr_iid, add=[label])
            return f"Added the `{label}` label: I will leave this merge request alone until `/devflowfix unskip`."
        if name == "unskip":
            await glrepos.set_mr_labels(client, event.project_id, event.mr_iid, remove=[label])
            return f"Removed the `{label}` label: I will look at this merge request's failures."
        if name in ("explain", "analyze", "fix") and (event.source_branch or "").startswith(BOT_BRANCH_PREFIX):
            return "This is a DevFlowFix fix merge request: its pipelines are only verified, never explained or fixed."
        if command.run_repo is not None:
            return "That is a GitHub run: here `analyze` takes a pipeline id of this project."
        if command.run_id is not None:
            pipeline = await ci.get_pipeline(client, event.project_id, command.run_id)
            if pipeline is None:
                return f"There is no pipeline {command.run_id} in this project."
            if pipeline.get("status") != "failed":
                return f"Pipeline {command.run_id} did not fail (`{str(pipeline.get('status') or '?')[:30]}`)."
            if str(pipeline.get("ref") or "").startswith(BOT_BRANCH_PREFIX):
                return "That pipeline is of a DevFlowFix fix branch: it is only verified, never explained or fixed."
        elif event.head_sha:
            pipeline = await ci.latest_failed_pipeline(client, event.project_id, event.head_sha)
        else:
            pipeline = None
        if pipeline is None:
            return f"No failed pipeline of the head commit `{(event.head_sha or '?')[:7]}` to {name}."
        link = f"pipeline [#{int(pipeline['id'])}]({pipeline['web_url']})" if pipeline.get("web_url") else "pipeline"
        if name == "retry":
            jobs = await ci.failed_jobs(client, event.project_id, int(pipeline["id"]))
            for job in jobs:
                await glrepos.retry_job(client, event.project_id, job.id)
            return f"Retrying the {len(jobs)} failed jobs of {link}."
        info = PipelineInfo(
            project_id=event.project_id, project=project, project_url=event.project_url,
            pipeline_id=int(pipeline["id"]), ref=pipeline.get("ref"), sha=str(pipeline.get("sha") or ""),
            status="failed", source=pipeline.get("source"), mr_iid=event.mr_iid, mr_project_id=event.project_id,
            default_branch=event.default_branch, mr_source_branch=event.source_branch,
            mr_target_branch=event.target_branch, mr_from_fork=event.from_fork,
        )
        forge = GitLabForge(self.db, self.settings, self.gitlab, self.owner, info)
        service = IncidentPipeline(self.db, self.settings, forge, self.owner, config=self.config)
        outcome = await service.handle_failure(
            again=True, fix_requested=name == "fix",
            instructions=command.instructions if name == "fix" else None,
        )
        return await self._say(outcome, forge, link)

    async def _say(self, outcome: Outcome, forge: GitLabForge, link: str) -> str:
        if outcome is Outcome.MONITORING_DISABLED:
            return "DevFlowFix is turned off for this project."
        if outcome is Outcome.ALREADY_HANDLED:
            return f"{link} is being analyzed right now; the note above will show what was found."
        if outcome is Outcome.MERGED:
            return (f"{link} failed the same way as an earlier failure on this branch: I counted it there and "
                    "updated the note above.")
        run = forge.run
        incident = await self.db.incidents.for_run(run.repo, run.run_id, provider=PROVIDER)
        did = str((incident.analysis or {}).get("outcome") or "") if incident else ""
        return f"Explained {link} in the note above." + (f" {did}" if did else "")
