"""A GitHub repository webhook's recent deliveries and their redelivery, as the person who connected the
repository (OAuth mode: their legacy OAuth token or PAT with `admin:repo_hook`): `GET /repos/{o}/{r}/hooks/{id}/
deliveries` (paged by GitHub's opaque cursor through the Link header) and `POST …/deliveries/{id}/attempts` (202).

GitLab has no such API: a project hook's failed deliveries are retried by GitLab itself (and a hook that keeps
failing is disabled for a while, which the health check reports); the webhook answers 2xx only once a delivery is
recorded, so GitLab's own retries are what recovers a GitLab delivery.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from bot.forges.app_hooks import HookDelivery
from bot.forges.github_actions import repo_path
from bot.forges.github_client import GitHubClient

PER_PAGE = 100


def _deliveries(full_name: str, hook_id: int) -> str:
    return f"{repo_path(full_name)}/hooks/{int(hook_id)}/deliveries"


async def hook_deliveries(client: GitHubClient, full_name: str, hook_id: int, *, max_pages: int = 10
                          ) -> AsyncIterator[HookDelivery]:
    """The hook's delivery attempts, newest first (a broken item is skipped)."""
    url = f"{_deliveries(full_name, hook_id)}?per_page={PER_PAGE}"
    async for item in client.getiter(url, iterable_key=None, max_pages=max_pages):
        if isinstance(item, dict) and (delivery := HookDelivery.of(item)) is not None:
            yield delivery


async def redeliver(client: GitHubClient, full_name: str, hook_id: int, delivery_id: int) -> None:
    """Ask GitHub to send that delivery to the hook again (202; it becomes a new attempt under the same guid)."""
    await client.post(f"{_deliveries(full_name, hook_id)}/{int(delivery_id)}/attempts", data={})
