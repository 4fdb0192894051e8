"""The port the incident pipeline talks to a forge through. Each forge's adapter (GitHub: `bot/fixes/incidents.py`'s
`GitHubForge`; GitLab: `bot/fixes/gitlab_incidents.py`'s `GitLabForge`) says what it is and publishes an incident
where people look; the shared steps (`bot/incidents/steps.py`) take the rest."""

from __future__ import annotations

from typing import Protocol

from storage.models import Incident


class Forge(Protocol):
    provider: str
    removed_is_watched: bool  # a connection removed at the forge: still watched (GitLab) or not ours (GitHub)

    @property
    def calls(self) -> int:
        """API calls this delivery made (kept with the incident)."""
        ...

    async def publish(self, incident: Incident) -> None:
        """Write the incident where people look (the one comment or note, the check run or commit comment)."""
        ...
