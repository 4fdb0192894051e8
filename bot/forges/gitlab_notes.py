"""Typed GitLab merge request note calls: find the bot's own note by its hidden marker (what a worker killed
between creating a note and recording its id left behind, adopted by the retry instead of a second note)."""

from __future__ import annotations

import gidgetlab

from bot.forges.gitlab_client import GitLabClient, project_path


async def find_marked_note(client: GitLabClient, project: int | str, iid: int, marker: str, *,
                           max_pages: int = 5) -> int | None:
    """The id of the newest note on the merge request whose body starts with `marker` (system notes and
    anything else never taken); None when there is none or the merge request is gone."""
    url = f"{project_path(project)}/merge_requests/{int(iid)}/notes"
    try:
        async for note in client.getiter(url, {"sort": "desc", "order_by": "created_at", "per_page": "100"},
                                         max_pages=max_pages):
            if not note.get("system") and str(note.get("body") or "").startswith(marker):
                return int(note["id"])
    except gidgetlab.BadRequest as exc:
        if exc.status_code in (403, 404):
            return None
        raise
    return None
