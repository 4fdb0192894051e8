"""Typed GitLab note calls: a merge request's note (created, edited, found by its hidden marker when a worker
killed between creating it and recording its id left it behind; a deleted one is "gone") and a commit's comment
(GitLab's commit comments cannot be edited)."""

from __future__ import annotations

from urllib.parse import quote

import gidgetlab

from bot.forges.gitlab_client import GitLabClient, project_path


def _notes(project: int | str, iid: int) -> str:
    return f"{project_path(project)}/merge_requests/{int(iid)}/notes"


async def create_mr_note(client: GitLabClient, project: int | str, iid: int, body: str) -> int:
    """A new note on the merge request (201); its id."""
    created = await client.post(_notes(project, iid), data={"body": body})
    return int(created["id"])


async def update_mr_note(client: GitLabClient, project: int | str, iid: int, note_id: int, body: str) -> bool:
    """Edit the note; False when it was deleted (404)."""
    try:
        await client.put(f"{_notes(project, iid)}/{int(note_id)}", data={"body": body})
    except gidgetlab.BadRequest as exc:
        if int(exc.status_code) == 404:
            return False
        raise
    return True


async def comment_on_commit(client: GitLabClient, project: int | str, sha: str, note: str) -> None:
    """A comment on the commit (201; GitLab's commit comments cannot be edited)."""
    await client.post(f"{project_path(project)}/repository/commits/{quote(sha, safe='')}/comments",
                      data={"note": note})


async def award_on_note(client: GitLabClient, project: int | str, iid: int, note_id: int, name: str) -> None:
    """An award emoji on a merge request's note (201; 404 when the note is gone)."""
    await client.post(f"{_notes(project, iid)}/{int(note_id)}/award_emoji", data={"name": name})


async def find_marked_note(client: GitLabClient, project: int | str, iid: int, marker: str, *,
                           max_pages: int = 5) -> int | None:
    """The id of the newest note on the merge request whose body starts with `marker` (system notes and
    anything else never taken); None when there is none or the merge request is gone."""
    url = _notes(project, iid)
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
