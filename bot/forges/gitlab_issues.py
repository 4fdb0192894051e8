"""Typed GitLab issue calls for the default-branch issues: create (201), a note (201), close (`state_event`), and
find an open one by the hidden marker in its description (`search` in the description)."""

from __future__ import annotations

from typing import Any

from bot.forges.gitlab_client import GitLabClient, project_path


async def create_issue(client: GitLabClient, project: int | str, title: str, body: str, labels: list[str]
                       ) -> tuple[int, str | None]:
    """A new issue; (its iid, its page)."""
    data: dict[str, Any] = {"title": title, "description": body}
    if labels:
        data["labels"] = ",".join(labels)
    created = await client.post(f"{project_path(project)}/issues", data=data)
    return int(created["iid"]), created.get("web_url")


async def comment_on_issue(client: GitLabClient, project: int | str, iid: int, body: str) -> None:
    await client.post(f"{project_path(project)}/issues/{int(iid)}/notes", data={"body": body})


async def close_issue(client: GitLabClient, project: int | str, iid: int) -> None:
    await client.put(f"{project_path(project)}/issues/{int(iid)}", data={"state_event": "close"})


async def find_marked_issue(client: GitLabClient, project: int | str, marker: str) -> tuple[int, str | None] | None:
    """The newest open issue whose description holds `marker` (None: there is none)."""
    params = {"state": "opened", "search": marker, "in": "description", "order_by": "created_at", "per_page": "20"}
    for item in await client.getitem(f"{project_path(project)}/issues", params) or []:
        if isinstance(item, dict) and marker in str(item.get("description") or ""):
            return int(item["iid"]), item.get("web_url")
    return None
