"""What a handler gets besides the event: the delivery, a logger, storage, and clients bound to identities."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

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
        if self._github is None:
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
