"""Typed GitHub issue calls for the default-branch issues: create (201), comment (201), close (PATCH state), and
find an open one by the hidden marker in its body (a worker killed between creating it and recording its number
left it behind). Pull requests, which the issues list also returns, are never taken."""

from __future__ import annotations

from typing import Any

from bot.forges.github_actions import repo_path
from bot.forges.github_client import GitHubClient


async def create_issue(client: GitHubClient, repo: str, title: str, body: str, labels: list[str]
                       ) -> tuple[int, str | None]:
    """A new issue; (its number, its page)."""
    data: dict[str, Any] = {"title": title, "body": body}
    if labels:
        data["labels"] = labels
    created = await client.post(f"{repo_path(repo)}/issues", data=data)
    return int(created["number"]), created.get("html_url")


async def comment_on_issue(client: GitHubClient, repo: str, number: int, body: str) -> None:
    await client.post(f"{repo_path(repo)}/issues/{int(number)}/comments", data={"body": body})


async def close_issue(client: GitHubClient, repo: str, number: int) -> None:
    await client.patch(f"{repo_path(repo)}/issues/{int(number)}",
                       data={"state": "closed", "state_reason": "completed"})


async def find_marked_issue(client: GitHubClient, repo: str, marker: str, *, max_pages: int = 3
                            ) -> tuple[int, str | None] | None:
    """The newest open issue whose body holds `marker` (None: there is none)."""
    for page in range(1, max_pages + 1):
        items = await client.getitem(f"{repo_path(repo)}/issues?state=open&per_page=100&page={page}")
        for item in items or []:
            if isinstance(item, dict) and "pull_request" not in item and marker in str(item.get("body") or ""):
                return int(item["number"]), item.get("html_url")
        if len(items or []) < 100:
            return None
    return None
