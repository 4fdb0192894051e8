"""Typed GitLab repository calls: the tree at a commit, one directory's blobs, a file at a ref (with its
`blob_id`), a merge request's changes, labels and a compare, a branch, one commit of `actions`, a merge request,
a job's retry, and a member's access level.

GitLab's answers are read defensively (a missing field is a default, never a crash); a 404 is "absent" (None or
False), other 4xx are raised as `gidgetlab.BadRequest` for the caller to explain.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import gidgetlab

from bot.forges.gitlab_client import GitLabClient, project_path

log = logging.getLogger(__name__)

TREE_PAGES = 50  # 5,000 entries at most (100 a page)
MAX_CHANGES = 300


@dataclass(frozen=True)
class TreeEntry:
    path: str
    mode: str
    type: str  # blob | tree | commit (a submodule)


@dataclass(frozen=True)
class Tree:
    sha: str
    entries: dict[str, TreeEntry]  # the blobs: files (100644, 100755) and symbolic links (120000)
    truncated: bool
    submodules: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Change:
    """One file a merge request or a compare changes (the GitHub shape: `filename`, `status`, `patch`)."""

    filename: str
    status: str
    patch: str | None


@dataclass(frozen=True)
class RepoFile:
    path: str
    blob_id: str
    size: int
    text: str | None  # None when larger than asked or not UTF-8


def _status(exc: gidgetlab.BadRequest) -> int:
    return int(exc.status_code)


def _ref(ref: str | None) -> str:
    return ref or "HEAD"  # GitLab: HEAD is the project's default branch


async def _get(client: GitLabClient, url: str, params: dict[str, Any] | None = None, *,
               absent: tuple[int, ...] = (404,)) -> Any:
    """One GET; None when GitLab answers one of the `absent` statuses (others are raised)."""
    try:
        return await client.getitem(url, params)
    except gidgetlab.BadRequest as exc:
        if _status(exc) in absent:
            return None
        raise


def file_path(path: str) -> str:
    return quote(path, safe="")


async def get_tree(client: GitLabClient, project: int | str, sha: str) -> Tree | None:
    """The whole tree at `sha` (`recursive=true`, paged); None when GitLab does not know the commit."""
    entries: dict[str, TreeEntry] = {}
    submodules: set[str] = set()
    url = f"{project_path(project)}/repository/tree"
    count = 0
    try:
        async for item in client.getiter(url, {"ref": sha, "recursive": "true", "per_page": "100"},
                                         max_pages=TREE_PAGES):
            count += 1
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                continue
            kind = str(item.get("type") or "")
            entry = TreeEntry(item["path"], str(item.get("mode") or ""), kind)
            if kind == "commit" or entry.mode == "160000":
                submodules.add(entry.path)
            elif kind == "blob":
                entries[entry.path] = entry
    except gidgetlab.BadRequest as exc:
        if _status(exc) == 404:
            return None
        raise
    return Tree(sha, entries, count >= TREE_PAGES * 100, frozenset(submodules))


async def tree_blobs(client: GitLabClient, project: int | str, path: str, ref: str | None = None
                     ) -> dict[str, str] | None:
    """{file name: blob id} of the directory `path` at `ref` (the first 100 entries); None when the project,
    the ref or the directory does not exist (or may not be read)."""
    data = await _get(client, f"{project_path(project)}/repository/tree",
                      {"path": path, "ref": _ref(ref), "per_page": 100}, absent=(403, 404))
    if not isinstance(data, list):
        return None
    return {str(e["name"]): str(e.get("id") or "") for e in data
            if isinstance(e, dict) and e.get("type") == "blob" and e.get("name")}


async def read_file(client: GitLabClient, project: int | str, path: str, ref: str | None = None, *,
                    max_bytes: int) -> RepoFile | None:
    """`GET .../repository/files/:path?ref=` (base64 content, `blob_id`); None when missing (or unreadable)."""
    data = await _get(client, f"{project_path(project)}/repository/files/{file_path(path)}", {"ref": _ref(ref)},
                      absent=(400, 403, 404))
    if not isinstance(data, dict):
        return None
    size = int(data.get("size") or 0)
    text: str | None = None
    if size <= max_bytes:
        try:
            text = base64.b64decode(str(data.get("content") or "")).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            text = None
    return RepoFile(path, str(data.get("blob_id") or ""), size, text)


async def get_file(client: GitLabClient, project: int | str, path: str, ref: str, *, max_bytes: int) -> str | None:
    """A text file at `ref` (None when absent, larger than `max_bytes`, or not UTF-8)."""
    found = await read_file(client, project, path, ref, max_bytes=max_bytes)
    return found.text if found is not None else None


def _changes(items: list[Any]) -> list[Change]:
    out = []
    for item in items[:MAX_CHANGES]:
        if not isinstance(item, dict):
            continue
        status = ("added" if item.get("new_file") else "removed" if item.get("deleted_file")
                  else "renamed" if item.get("renamed_file") else "modified")
        out.append(Change(str(item.get("new_path") or item.get("old_path") or ""), status,
                          item.get("diff") if isinstance(item.get("diff"), str) else None))
    return out


async def merge_request_changes(client: GitLabClient, project: int | str, iid: int) -> list[Change] | None:
    """The merge request's diffs (`GET .../merge_requests/:iid/diffs`, paged); None when it is gone."""
    url = f"{project_path(project)}/merge_requests/{int(iid)}/diffs"
    try:
        return _changes([d async for d in client.getiter(url, {"per_page": "100"}, max_pages=3)])
    except gidgetlab.BadRequest as exc:
        if _status(exc) == 404:
            return None
        raise


async def compare(client: GitLabClient, project: int | str, base: str, head: str) -> list[Change] | None:
    """What changed from `base` to `head` (`GET .../repository/compare`)."""
    data = await _get(client, f"{project_path(project)}/repository/compare", {"from": base, "to": head},
                      absent=(400, 404))
    diffs = data.get("diffs") if isinstance(data, dict) else None
    return _changes(list(diffs)) if isinstance(diffs, list) else None


async def get_branch(client: GitLabClient, project: int | str, branch: str) -> dict[str, Any] | None:
    data = await _get(client, f"{project_path(project)}/repository/branches/{file_path(branch)}")
    return dict(data) if isinstance(data, dict) else None


async def commit_actions(
    client: GitLabClient, project: int | str, *, branch: str, start_sha: str, message: str,
    files: dict[str, str], force: bool = False,
) -> str:
    """One commit updating `files` on a new `branch` from `start_sha` (`POST .../repository/commits`); its sha.
    `force` overwrites a leftover branch of that name. GitLab answers 400 on an action it cannot apply."""
    actions = [{"action": "update", "file_path": path, "content": text} for path, text in files.items()]
    body: dict[str, Any] = {"branch": branch, "start_sha": start_sha, "commit_message": message,
                            "actions": actions}
    if force:
        body["force"] = True
    data = await client.post(f"{project_path(project)}/repository/commits", data=body)
    return str(data["id"])


async def create_merge_request(
    client: GitLabClient, project: int | str, *, source: str, target: str, title: str, description: str,
    labels: list[str],
) -> dict[str, Any]:
    """A merge request from `source` into `target` of the same project (201 with its `iid` and `web_url`)."""
    data = await client.post(f"{project_path(project)}/merge_requests", data={
        "source_branch": source, "target_branch": target, "title": title, "description": description,
        "labels": ",".join(labels), "remove_source_branch": True,
    })
    return dict(data)


async def retry_job(client: GitLabClient, project: int | str, job_id: int) -> int:
    """Run a failed job again (`POST .../jobs/:id/retry`, 201 with the new job); the new job's id."""
    data = await client.post(f"{project_path(project)}/jobs/{int(job_id)}/retry", data={})
    return int(data["id"])


async def access_level(client: GitLabClient, project: int | str, user_id: int) -> int:
    """A user's access level on the project, inherited ones included (`GET .../members/all/:user_id`); 0 if none."""
    data = await _get(client, f"{project_path(project)}/members/all/{int(user_id)}")
    if not isinstance(data, dict) or str(data.get("state") or "active") != "active":
        return 0
    level = data.get("access_level")
    return level if isinstance(level, int) and not isinstance(level, bool) else 0


async def set_mr_labels(
    client: GitLabClient, project: int | str, iid: int, *, add: Sequence[str] = (), remove: Sequence[str] = ()
) -> list[str]:
    """Add or remove labels of a merge request (`PUT .../merge_requests/:iid`); its labels after."""
    body: dict[str, Any] = {}
    if add:
        body["add_labels"] = ",".join(add)
    if remove:
        body["remove_labels"] = ",".join(remove)
    data = await client.put(f"{project_path(project)}/merge_requests/{int(iid)}", data=body)
    labels = data.get("labels") if isinstance(data, dict) else None
    return [str(x) for x in labels] if isinstance(labels, list) else []


async def get_merge_request(client: GitLabClient, project: int | str, iid: int) -> dict[str, Any] | None:
    """One merge request (its `sha` is its head now); None when it is gone (404)."""
    data = await _get(client, f"{project_path(project)}/merge_requests/{int(iid)}")
    return dict(data) if isinstance(data, dict) else None


def merge_request_labels_of(data: dict[str, Any]) -> frozenset[str]:
    """The label names of a merge request as `GET .../merge_requests/:iid` gives it."""
    labels = data.get("labels")
    return frozenset(str(x) for x in labels[:100] if isinstance(x, str)) if isinstance(labels, list) else frozenset()


async def merge_request_labels(client: GitLabClient, project: int | str, iid: int) -> frozenset[str] | None:
    """A merge request's labels now (`GET .../merge_requests/:iid`: a list of names); None if there is none."""
    data = await get_merge_request(client, project, iid)
    return None if data is None else merge_request_labels_of(data)
