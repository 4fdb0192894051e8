"""Typed GitLab repository calls: a directory's tree (blob ids, no content), a file with its `blob_id`, and the
notes a bot writes once (a merge request note, a commit comment). Every one is one API call (the tree: a page).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import quote

import gidgetlab

from bot.forges.gitlab_client import GitLabClient, project_path


@dataclass(frozen=True)
class RepoFile:
    path: str
    blob_id: str
    size: int
    text: str | None  # None when larger than asked or not UTF-8


def _ref(ref: str | None) -> str:
    return ref or "HEAD"  # GitLab: HEAD is the project's default branch


async def tree_blobs(client: GitLabClient, project: int | str, path: str, ref: str | None = None
                     ) -> dict[str, str] | None:
    """{file name: blob id} of the directory `path` at `ref` (the first 100 entries); None when the project,
    the ref or the directory does not exist."""
    try:
        data = await client.getitem(f"{project_path(project)}/repository/tree",
                                    {"path": path, "ref": _ref(ref), "per_page": 100})
    except gidgetlab.BadRequest as exc:
        if int(exc.status_code) in (404, 403):
            return None
        raise
    if not isinstance(data, list):
        return None
    return {str(e["name"]): str(e.get("id") or "") for e in data
            if isinstance(e, dict) and e.get("type") == "blob" and e.get("name")}


async def get_file(client: GitLabClient, project: int | str, path: str, ref: str | None = None, *,
                   max_bytes: int) -> RepoFile | None:
    """`GET /projects/:id/repository/files/:path?ref=` (base64 content, `blob_id`); None when missing."""
    try:
        data = await client.getitem(f"{project_path(project)}/repository/files/{quote(path, safe='')}",
                                    {"ref": _ref(ref)})
    except gidgetlab.BadRequest as exc:
        if int(exc.status_code) in (404, 403):
            return None
        raise
    if not isinstance(data, dict):
        return None
    size = int(data.get("size") or 0)
    text: str | None = None
    if size <= max_bytes:
        try:
            text = base64.b64decode(data.get("content") or "").decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            text = None
    return RepoFile(path, str(data.get("blob_id") or ""), size, text)


async def create_mr_note(client: GitLabClient, project: int | str, iid: int, body: str) -> int:
    data = await client.post(f"{project_path(project)}/merge_requests/{int(iid)}/notes", data={"body": body})
    return int(data["id"])


async def create_commit_comment(client: GitLabClient, project: int | str, sha: str, body: str) -> None:
    await client.post(f"{project_path(project)}/repository/commits/{quote(sha, safe='')}/comments",
                      data={"note": body})
