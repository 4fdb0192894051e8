"""Typed GitHub repository calls: contents, trees, compare, Git Data (tree, commit, ref), pulls, issue comments,
labels and check runs. Thin functions over `GitHubClient`; every one is one API call (a lookup, one per page).

The lookups `find_check_run` and `find_marked_comment` find what a worker killed between creating a thing and
recording its id left behind, so the retry adopts it instead of creating a second one.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import gidgethub

from bot.forges.github_actions import repo_path
from bot.forges.github_client import GitHubClient

MAX_ANNOTATIONS = 50  # GitHub's limit per check-run request


@dataclass(frozen=True)
class TreeEntry:
    path: str
    mode: str
    sha: str
    size: int | None


@dataclass(frozen=True)
class Tree:
    sha: str
    entries: dict[str, TreeEntry]  # the blobs: files (100644, 100755) and symbolic links (120000)
    truncated: bool
    submodules: frozenset[str] = frozenset()  # the `commit` entries (mode 160000): other repositories


@dataclass(frozen=True)
class ChangedFile:
    filename: str
    status: str
    patch: str | None


def _is_status(exc: gidgethub.BadRequest, *codes: int) -> bool:
    return int(exc.status_code) in codes


async def get_tree(client: GitHubClient, repo: str, commit_sha: str) -> Tree | None:
    """The whole tree at a commit (its blobs only), in one call."""
    try:
        data = await client.getitem(f"{repo_path(repo)}/git/trees/{quote(commit_sha, safe='')}?recursive=1")
    except gidgethub.BadRequest as exc:
        if _is_status(exc, 404, 409, 422):
            return None
        raise
    entries = {
        e["path"]: TreeEntry(e["path"], str(e.get("mode") or "100644"), e["sha"], e.get("size"))
        for e in data.get("tree") or [] if e.get("type") == "blob"
    }
    submodules = frozenset(str(e["path"]) for e in data.get("tree") or [] if e.get("type") == "commit")
    return Tree(str(data["sha"]), entries, bool(data.get("truncated")), submodules)


async def get_file(client: GitHubClient, repo: str, path: str, ref: str, *, max_bytes: int) -> str | None:
    """A text file's content at `ref`; None when missing, too large or not text."""
    url = f"{repo_path(repo)}/contents/{quote(path)}?ref={quote(ref, safe='')}"
    try:
        data = await client.getitem(url)
    except gidgethub.BadRequest as exc:
        if _is_status(exc, 404, 403):
            return None
        raise
    if not isinstance(data, dict) or data.get("type") != "file" or int(data.get("size") or 0) > max_bytes:
        return None
    try:
        raw = base64.b64decode(data.get("content") or "")
        return raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None


@dataclass(frozen=True)
class FileBlob:
    """A file read through the contents API: its blob sha, size and text (None when not UTF-8)."""

    path: str
    sha: str
    size: int
    text: str | None


def _ref_query(ref: str | None) -> str:
    return f"?ref={quote(ref, safe='')}" if ref else ""  # no ref: the repository's default branch


async def _contents(client: GitHubClient, repo: str, path: str, ref: str | None) -> Any:
    """`GET …/contents/{path}?ref=` as GitHub answers it (a list for a directory, an object for a file); None when
    the repository, the ref or the path does not exist (404) or is not ours to read (403)."""
    try:
        return await client.getitem(f"{repo_path(repo)}/contents/{quote(path)}{_ref_query(ref)}")
    except gidgethub.BadRequest as exc:
        if _is_status(exc, 404, 403):
            return None
        raise


async def list_directory(client: GitHubClient, repo: str, path: str, ref: str | None = None
                         ) -> dict[str, TreeEntry] | None:
    """The entries of a directory at `ref` ({name: entry}, no content: one call however large the files);
    None when the repository, the ref or the directory does not exist (or is not a directory)."""
    data = await _contents(client, repo, path, ref)
    if not isinstance(data, list):
        return None
    return {
        str(e.get("name")): TreeEntry(str(e.get("path")), str(e.get("type")), str(e.get("sha")), e.get("size"))
        for e in data if isinstance(e, dict) and e.get("name")
    }


async def get_file_blob(client: GitHubClient, repo: str, path: str, ref: str | None = None, *, max_bytes: int
                        ) -> FileBlob | None:
    """A file with its blob sha (`GET …/contents/{path}?ref=`, base64 content); None when missing or not a file;
    text None when larger than `max_bytes` or not UTF-8."""
    data = await _contents(client, repo, path, ref)
    if not isinstance(data, dict) or data.get("type") != "file":
        return None
    size = int(data.get("size") or 0)
    text: str | None = None
    if size <= max_bytes:
        try:
            text = base64.b64decode(data.get("content") or "").decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            text = None
    return FileBlob(path, str(data.get("sha") or ""), size, text)


async def compare(client: GitHubClient, repo: str, base: str, head: str) -> list[ChangedFile] | None:
    """The files changed between two commits (three-dot compare); None if GitHub cannot tell."""
    url = f"{repo_path(repo)}/compare/{quote(base, safe='')}...{quote(head, safe='')}?per_page=100"
    try:
        data = await client.getitem(url)
    except gidgethub.BadRequest as exc:
        if _is_status(exc, 404, 422):
            return None
        raise
    return [ChangedFile(f["filename"], str(f.get("status") or ""), f.get("patch")) for f in data.get("files") or []]


async def commit_files(client: GitHubClient, repo: str, sha: str) -> list[ChangedFile] | None:
    """The files one commit changed (for a push whose before is unknown)."""
    try:
        data = await client.getitem(f"{repo_path(repo)}/commits/{quote(sha, safe='')}")
    except gidgethub.BadRequest as exc:
        if _is_status(exc, 404, 422):
            return None
        raise
    return [ChangedFile(f["filename"], str(f.get("status") or ""), f.get("patch")) for f in data.get("files") or []]


# ---- Git Data
async def create_tree(client: GitHubClient, repo: str, base_tree: str, files: dict[str, tuple[str, str]]) -> str:
    """A tree on top of `base_tree` with `files` ({path: (mode, text)}) written inline."""
    entries = [{"path": p, "mode": mode, "type": "blob", "content": text} for p, (mode, text) in sorted(files.items())]
    data = await client.post(f"{repo_path(repo)}/git/trees", data={"base_tree": base_tree, "tree": entries})
    return str(data["sha"])


async def create_commit(client: GitHubClient, repo: str, message: str, tree: str, parent: str) -> str:
    data = await client.post(
        f"{repo_path(repo)}/git/commits", data={"message": message, "tree": tree, "parents": [parent]}
    )
    return str(data["sha"])


async def create_branch(client: GitHubClient, repo: str, branch: str, sha: str) -> bool:
    """Create `refs/heads/{branch}` at `sha`; False if it exists already (GitHub answers 422)."""
    try:
        await client.post(f"{repo_path(repo)}/git/refs", data={"ref": f"refs/heads/{branch}", "sha": sha})
        return True
    except gidgethub.BadRequest as exc:
        if not _is_status(exc, 422):
            raise
    return False


async def move_branch(client: GitHubClient, repo: str, branch: str, sha: str) -> None:
    """Point `refs/heads/{branch}` at `sha` (forced: the bot's own branch from an earlier try)."""
    await client.patch(f"{repo_path(repo)}/git/refs/heads/{quote(branch)}", data={"sha": sha, "force": True})


async def branch_protected(client: GitHubClient, repo: str, branch: str) -> bool | None:
    """Is the branch protected (None: it does not exist)."""
    try:
        data = await client.getitem(f"{repo_path(repo)}/branches/{quote(branch, safe='')}")
    except gidgethub.BadRequest as exc:
        if _is_status(exc, 404):
            return None
        raise
    return bool(data.get("protected"))


# ---- pulls, comments, labels
async def get_pull(client: GitHubClient, repo: str, number: int) -> dict[str, Any] | None:
    try:
        data = await client.getitem(f"{repo_path(repo)}/pulls/{int(number)}")
    except gidgethub.BadRequest as exc:
        if _is_status(exc, 404):
            return None
        raise
    return dict(data)


async def find_pull(client: GitHubClient, repo: str, head: str, *, state: str = "open") -> dict[str, Any] | None:
    """The PR whose head is `owner:branch` (how a fork's PR is found: the run event does not name it)."""
    data = await client.getitem(f"{repo_path(repo)}/pulls?head={quote(head, safe='')}&state={state}&per_page=5")
    return dict(data[0]) if data else None


async def create_pull(
    client: GitHubClient, repo: str, *, title: str, head: str, base: str, body: str
) -> dict[str, Any]:
    """Open a PR; if one already exists from `head` (an earlier try), return that one."""
    try:
        data = await client.post(
            f"{repo_path(repo)}/pulls",
            data={"title": title, "head": head, "base": base, "body": body, "maintainer_can_modify": True},
        )
        return dict(data)
    except gidgethub.BadRequest as exc:
        if not _is_status(exc, 422):
            raise
        owner = repo.split("/", 1)[0]
        found = await find_pull(client, repo, f"{owner}:{head}")
        if found is None:
            raise
        return found


async def add_labels(client: GitHubClient, repo: str, number: int, labels: list[str]) -> None:
    await client.post(f"{repo_path(repo)}/issues/{int(number)}/labels", data={"labels": labels})


async def remove_label(client: GitHubClient, repo: str, number: int, label: str) -> bool:
    """Take the label off; False if it was not on (GitHub answers 404)."""
    try:
        await client.delete(f"{repo_path(repo)}/issues/{int(number)}/labels/{quote(label, safe='')}")
    except gidgethub.BadRequest as exc:
        if _is_status(exc, 404):
            return False
        raise
    return True


async def add_reaction(client: GitHubClient, repo: str, comment_id: int, content: str) -> None:
    """React to an issue (or PR) comment; an existing reaction of ours is fine (GitHub answers 200)."""
    await client.post(f"{repo_path(repo)}/issues/comments/{int(comment_id)}/reactions", data={"content": content})


async def create_comment(client: GitHubClient, repo: str, number: int, body: str) -> int:
    data = await client.post(f"{repo_path(repo)}/issues/{int(number)}/comments", data={"body": body})
    return int(data["id"])


async def find_marked_comment(client: GitHubClient, repo: str, number: int, marker: str, *,
                              max_pages: int = 10) -> int | None:
    """The id of a bot's comment on the issue or PR whose body starts with `marker` (the newest, if several);
    a person's comment quoting the marker is never taken."""
    found: int | None = None
    url = f"{repo_path(repo)}/issues/{int(number)}/comments?per_page=100"
    try:
        async for comment in client.getiter(url, iterable_key=None, max_pages=max_pages):
            user = comment.get("user") or {}
            if str(comment.get("body") or "").startswith(marker) and user.get("type") == "Bot":
                found = int(comment["id"])
    except gidgethub.BadRequest as exc:
        if _is_status(exc, 404, 410):
            return None
        raise
    return found


async def update_comment(client: GitHubClient, repo: str, comment_id: int, body: str) -> bool:
    """Edit the comment; False if it is gone (someone deleted it)."""
    try:
        await client.patch(f"{repo_path(repo)}/issues/comments/{int(comment_id)}", data={"body": body})
    except gidgethub.BadRequest as exc:
        if _is_status(exc, 404, 410):
            return False
        raise
    return True


# ---- check runs
async def create_check_run(
    client: GitHubClient, repo: str, *, name: str, head_sha: str, conclusion: str, title: str, summary: str,
    text: str, annotations: list[dict[str, Any]], details_url: str | None = None, external_id: str | None = None,
    actions: list[dict[str, str]] | None = None,
) -> int:
    """A completed check run; `actions` are its buttons ({label, description, identifier}; at most 3)."""
    output = {"title": title, "summary": summary, "text": text, "annotations": annotations[:MAX_ANNOTATIONS]}
    data: dict[str, Any] = {
        "name": name, "head_sha": head_sha, "status": "completed", "conclusion": conclusion, "output": output,
    }
    if details_url:
        data["details_url"] = details_url
    if external_id:
        data["external_id"] = external_id
    if actions:
        data["actions"] = actions[:3]
    result = await client.post(f"{repo_path(repo)}/check-runs", data=data)
    return int(result["id"])


async def find_check_run(client: GitHubClient, repo: str, head_sha: str, *, name: str, external_id: str) -> int | None:
    """The id of the check run named `name` with this `external_id` on the commit, if one exists (one call)."""
    url = (f"{repo_path(repo)}/commits/{quote(head_sha, safe='')}/check-runs?check_name={quote(name, safe='')}"
           "&filter=all&per_page=100")
    try:
        data = await client.getitem(url)
    except gidgethub.BadRequest as exc:
        if _is_status(exc, 404, 422):
            return None
        raise
    for run in data.get("check_runs") or [] if isinstance(data, dict) else []:
        if str(run.get("external_id") or "") == external_id:
            return int(run["id"])
    return None


async def update_check_run(
    client: GitHubClient, repo: str, check_run_id: int, *, conclusion: str, title: str, summary: str, text: str,
    annotations: list[dict[str, Any]], actions: list[dict[str, str]] | None = None,
) -> bool:
    """Update the check run; `actions` (when given, even empty) replace its buttons."""
    output = {"title": title, "summary": summary, "text": text, "annotations": annotations[:MAX_ANNOTATIONS]}
    data: dict[str, Any] = {"status": "completed", "conclusion": conclusion, "output": output}
    if actions is not None:
        data["actions"] = actions[:3]
    try:
        await client.patch(f"{repo_path(repo)}/check-runs/{int(check_run_id)}", data=data)
    except gidgethub.BadRequest as exc:
        if _is_status(exc, 404):
            return False
        raise
    return True


async def collaborator_role(client: GitHubClient, repo: str, login: str) -> str | None:
    """The person's role on the repository (admin, maintain, write, triage, read), None without access (404)."""
    try:
        answer = await client.getitem(f"{repo_path(repo)}/collaborators/{quote(login, safe='')}/permission")
    except gidgethub.BadRequest as exc:
        if exc.status_code == 404:
            return None
        raise
    return str(answer.get("role_name") or answer.get("permission") or "") or None
