"""What a handler gets besides the event: the delivery, a logger, storage, and clients bound to identities.

A delivery of a repository watched without the App (its own webhook, connected by a person) gets a client acting
as that person (`act_through_repository_hook`: called by the dispatcher for a repository whose hook-signed
delivery this process verified, and by the failure handler otherwise), whose comments say so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from bot.auth.fallback import NoIdentity
from bot.forges.github_acting import ActingAsClient, acting_note
from bot.forges.github_client import GitHubClient
from bot.forges.gitlab_client import GitLabClient
from bot.services import Services
from bot.settings import Settings
from storage.database import Database
from storage.deliveries import ClaimedDelivery


@dataclass
class HandlerContext:
    """Passed as `ctx` to every handler: `async def on_x(event, ctx)`."""

    services: Services
    delivery: ClaimedDelivery
    log: logging.LoggerAdapter[logging.Logger]
    data: dict[str, Any] = field(default_factory=dict)
    _github: GitHubClient | None = None
    _gitlab: GitLabClient | None = None
    acting_as: str | None = None  # the person's login, when the GitHub client acts for a person

    @property
    def can_act_on_github(self) -> bool:
        """Is there a GitHub identity to act as: the App's installation, or the person of a repository webhook?"""
        if isinstance(self._github, ActingAsClient):
            return True
        return self.settings.app_configured and self.installation_id is not None

    async def act_through_repository_hook(self) -> bool:
        """For a GitHub delivery without an installation, of a repository connected by its own webhook: bind the
        client to the person who connected it. False when that is not the case or their token is unusable."""
        delivery = self.delivery
        if isinstance(self._github, ActingAsClient):
            return True
        if delivery.provider != "github" or delivery.installation_id is not None or not delivery.repository:
            return False
        row = await self.db.repositories.hooked("github", delivery.repository)
        if row is None or row.oauth_connection_id is None or self.services.identities is None:
            return False
        try:
            resolved = await self.services.identities.for_connection(row.oauth_connection_id)
        except NoIdentity as exc:
            self.log.warning("repository %s: cannot act as the person who connected it: %s", row.full_name, exc)
            return False
        user = await self.db.users.get(row.user_id) if row.user_id else None
        login = user.github_login if user else None
        self._github = ActingAsClient(self.services.http, resolved.provider, self.settings.github_api_base,
                                      acting_note(login, resolved.kind, row.full_name),
                                      policy=self.services.policy)
        self.acting_as = login
        return True

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def installation_id(self) -> int | None:
        return self.delivery.installation_id

    @property
    def github_calls(self) -> int:
        """How many GitHub API calls this delivery's work has made so far."""
        return self._github.calls if self._github is not None else 0

    def github(self) -> GitHubClient:
        """A client acting as the installation that sent this event (one per delivery, so calls are counted)."""
        if self._github is None:  # (a person's client, when bound by act_through_repository_hook)
            if self.installation_id is None:
                raise LookupError("this event names no installation")
            self._github = self.services.installation_client(self.installation_id)
        return self._github

    def gitlab(self) -> GitLabClient | None:
        """A GitLab client acting as the bot account, or as whoever `gitlab_for` chose (one per delivery, so calls
        are counted); None without one."""
        if self._gitlab is None:
            self._gitlab = self.services.gitlab_client()
        return self._gitlab

    async def gitlab_for(self, project_id: int) -> GitLabClient | None:
        """The client acting on `project_id`: `GITLAB_TOKEN`, else the person who connected the project (raises
        ReconnectRequired if their connection is dead); None when nobody can act."""
        if self._gitlab is None:
            self._gitlab = await self.services.gitlab_project_client(project_id)
        return self._gitlab
