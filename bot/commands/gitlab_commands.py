"""The GitLab side of the slash commands: a `Note Hook` on a merge request (`NoteEvent`), the same verbs as on
GitHub, from people with Developer access (30) or above, as GitLab's members API says
(`GET /projects/:id/members/all/:user_id`, inherited memberships included); anyone else gets a 👎 award and no
reply. The note's project is the one its delivery was verified for (`verified_project`: a path that is not the
project id's is refused). Run commands work through the incident pipeline as a `Pipeline Hook` would; skip and
unskip edit the merge request's labels. Nothing else of a note is read, stored or sent to the LLM.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gidgetlab

from bot.commands.parser import Command
from bot.commands.service import CommandService, Comment, ForgeCommands, Ran
from bot.commands.status import GITLAB
from bot.config.effective import EffectiveConfig
from bot.config.loader import load_gitlab_config
from bot.forges import gitlab_ci as ci
from bot.forges import gitlab_notes as notes
from bot.forges import gitlab_repos as glrepos
from bot.forges.gitlab_client import GitLabClient
from bot.incidents.gitlab_context import PipelineInfo
from bot.incidents.gitlab_forge import PROVIDER, GitLabForge, verified_project
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

    def comment(self) -> Comment:
        return Comment(self.project, self.mr_iid, self.note_id, self.author, self.body, self.commandable)


def _int(value: object) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value if 0 < value < 2**63 else 0
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        return int(value)
    return 0


class GitLabCommands(ForgeCommands):
    """One commanding note on a GitLab merge request."""

    provider = PROVIDER
    nouns = GITLAB
    refusal = gidgetlab.BadRequest

    def __init__(self, db: Database, settings: Settings, gitlab: Callable[[], GitLabClient | None], owner: str,
                 event: NoteEvent) -> None:
        super().__init__(db, settings, owner, event.comment())  # its `repo`: the verified path, once checked
        self.gitlab = gitlab
        self.event = event
        self._conn: RepositoryConnection | None = None

    def _client(self) -> GitLabClient:
        client = self.gitlab()
        assert client is not None, "checked by the caller"
        return client

    async def verified(self) -> bool:
        path, self._conn = await verified_project(self.db, self._client(), self.event.project_id, self.event.project)
        if path is not None:
            self.comment.repo = path
        return path is not None

    async def may_command(self) -> bool:
        return await glrepos.access_level(self._client(), self.event.project_id, self.event.author_id) >= DEVELOPER

    async def react(self, name: str) -> None:
        event = self.event
        try:
            await notes.award_on_note(self._client(), event.project_id, event.mr_iid, event.note_id, name)
        except gidgetlab.BadRequest as exc:  # already awarded (404/400): the reply still goes out
            log.info("award %s not given on note %s: HTTP %s", name, event.note_id, exc.status_code)

    async def refuse(self) -> None:
        await self.react(REFUSED_AWARD)

    async def reply(self, body: str) -> int:
        return await notes.create_mr_note(self._client(), self.event.project_id, self.event.mr_iid, body)

    async def load_config(self) -> EffectiveConfig:
        """The project's effective configuration (`.gitlab/devflowfix.yml` on its default branch)."""
        event = self.event
        conn = self._conn or await self.db.repositories.by_provider_id(PROVIDER, str(event.project_id))
        return await load_gitlab_config(self._client(), self.settings, conn, self.comment.repo, None,
                                        project_id=event.project_id)

    async def add_label(self, label: str) -> None:
        await glrepos.set_mr_labels(self._client(), self.event.project_id, self.event.mr_iid, add=[label])

    async def remove_label(self, label: str) -> bool:
        await glrepos.set_mr_labels(self._client(), self.event.project_id, self.event.mr_iid, remove=[label])
        return True  # GitLab answers with the labels after: removed, or it was not there; either way it is gone

    async def run_command(self, name: str, command: Command, config: EffectiveConfig | None) -> str | Ran:
        event, client, project = self.event, self._client(), self.comment.repo
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
        service = IncidentPipeline(self.db, self.settings, forge, self.owner, config=config)
        outcome = await service.handle_failure(
            again=True, fix_requested=name == "fix", instructions=command.instructions if name == "fix" else None,
        )
        return Ran(outcome, forge.run.repo, forge.run.run_id, link)


def note_service(
    db: Database, settings: Settings, gitlab: Callable[[], GitLabClient | None], owner: str, event: NoteEvent
) -> CommandService:
    """The command service for one merge request note."""
    return CommandService(db, settings, GitLabCommands(db, settings, gitlab, owner, event), owner)
