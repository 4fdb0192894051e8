"""Typed GitHub calls for reading a repository as a person: a directory's entries, one file, the workflows, a
run's logs (GitHub answers a 302 to a short-lived zip) and a commit's changed files.

Each function is one API call (the run logs: the call and the zip download). GitHub's refusals come out as
`gidgethub.BadRequest` (404, 403, 422 ...) for the caller to pass on; nothing here decides who may read.
"""

from __future__ import annotations

import base64
import binascii
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

from bot.forges.errors import RetryLater
from bot.forges.github_actions import log_location, repo_path
from bot.forges.github_client import USER_AGENT, GitHubClient

CHUNK = 64 * 1024
MAX_ZIP_ENTRIES = 1000


class TooLarge(Exception):
    """What GitHub sent is larger than we serve (`limit` bytes)."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"{what} is larger than {limit} bytes")
        self.limit = limit


class NotAFile(Exception):
    """The path is a directory, a submodule or a symbolic link that leaves the repository."""


class NotADirectory(Exception):
    """The path names a file, not a directory."""


@dataclass(frozen=True)
class Entry:
    name: str
    path: str
    type: str  # file, dir, symlink, submodule
    size: int
    sha: str


@dataclass(frozen=True)
class FileContent:
    path: str
    sha: str
    size: int
    data: bytes


@dataclass(frozen=True)
class LogFile:
    name: str
    size: int
    data: bytes
    truncated: bool


@dataclass(frozen=True)
class ChangedFile:
    filename: str
    status: str
    additions: int
    deletions: int
    patch: str | None
    previous_filename: str | None


@dataclass(frozen=True)
class Commit:
    sha: str
    message: str
    parents: list[str]
    files: list[ChangedFile]


def contents_url(repo: str, path: str, ref: str | None) -> str:
    url = f"{repo_path(repo)}/contents/{quote(path)}" if path else f"{repo_path(repo)}/contents/"
    return f"{url}?ref={quote(ref, safe='')}" if ref else url


async def list_directory(client: GitHubClient, repo: str, path: str, ref: str | None) -> list[Entry]:
    """The entries of a directory at `ref` (the default branch without one); NotADirectory for a file."""
    data = await client.getitem(contents_url(repo, path, ref))
    if isinstance(data, dict):
        raise NotADirectory(path)
    if not isinstance(data, list):
        raise ValueError("GitHub's directory listing is not a list")
    return [
        Entry(str(e.get("name") or ""), str(e.get("path") or ""), str(e.get("type") or ""), int(e.get("size") or 0),
              str(e.get("sha") or ""))
        for e in data if isinstance(e, dict)
    ]


async def read_file(client: GitHubClient, repo: str, path: str, ref: str | None, *, max_bytes: int) -> FileContent:
    """One file's bytes at `ref`; NotAFile for anything else, TooLarge past `max_bytes`."""
    data = await client.getitem(contents_url(repo, path, ref))
    if not isinstance(data, dict) or data.get("type") != "file":
        raise NotAFile(path)
    size = int(data.get("size") or 0)
    if size > max_bytes:
        raise TooLarge("the file", max_bytes)
    if data.get("encoding") not in (None, "base64") or (size and not data.get("content")):
        raise TooLarge("the file", max_bytes)  # GitHub sends no content past 1 MB ("encoding": "none")
    try:
        raw = base64.b64decode(str(data.get("content") or ""))
    except (binascii.Error, ValueError):
        raise ValueError("GitHub's file content is not base64") from None
    return FileContent(str(data.get("path") or path), str(data.get("sha") or ""), len(raw), raw)


async def list_workflows(client: GitHubClient, repo: str, *, max_pages: int = 5) -> list[dict[str, Any]]:
    """The repository's workflows (id, name, path, state, html_url)."""
    found: list[dict[str, Any]] = []
    url = f"{repo_path(repo)}/actions/workflows?per_page=100"
    async for item in client.getiter(url, iterable_key="workflows", max_pages=max_pages):
        if isinstance(item, dict):
            found.append({k: item.get(k) for k in ("id", "name", "path", "state", "html_url", "badge_url")})
    return found


async def _download(client: GitHubClient, location: str, max_bytes: int) -> IO[bytes]:
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    try:
        async with client.session.get(location, allow_redirects=True, headers={"User-Agent": USER_AGENT}) as resp:
            if resp.status in (401, 403, 404, 410):
                raise RetryLater(f"the log archive's URL answered HTTP {resp.status}")
            if resp.status >= 300:
                raise RetryLater(f"the log archive answered HTTP {resp.status}")
            size = 0
            async for chunk in resp.content.iter_chunked(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge("the run's log archive", max_bytes)
                out.write(chunk)
        out.seek(0)
        return out
    except BaseException:
        out.close()
        raise


async def run_logs(
    client: GitHubClient, repo: str, run_id: int, *, max_zip_bytes: int, max_text_bytes: int
) -> list[LogFile] | None:
    """The run's logs, one entry per file of GitHub's zip (jobs and their steps), each cut to what is left of
    `max_text_bytes` in all (read incrementally, so a zip bomb costs no more than that). None: no logs (404/410)."""
    api_url = f"{client.api_base}{repo_path(repo)}/actions/runs/{int(run_id)}/logs"
    location = await log_location(client, api_url)
    if location is None:
        return None
    archive = await _download(client, location, max_zip_bytes)
    try:
        return _unzip(archive, max_text_bytes)
    finally:
        archive.close()


def _unzip(archive: IO[bytes], max_text_bytes: int) -> list[LogFile]:
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValueError("GitHub's log archive is not a zip file") from None
    files: list[LogFile] = []
    left = max_text_bytes
    with zf:
        for info in zf.infolist()[:MAX_ZIP_ENTRIES]:
            if info.is_dir():
                continue
            try:
                with zf.open(info) as member:
                    data = member.read(max(left, 0) + 1)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
                raise ValueError("GitHub's log archive could not be read") from None
            truncated = len(data) > left
            data = data[: max(left, 0)]
            left -= len(data)
            files.append(LogFile(info.filename[:255], info.file_size, data, truncated))
    return files


async def commit(client: GitHubClient, repo: str, sha: str, *, max_pages: int = 3) -> Commit:
    """A commit and the files it changed, with their patches (GitHub leaves out a patch too large to show)."""
    data = await client.getitem(f"{repo_path(repo)}/commits/{quote(sha, safe='')}")
    if not isinstance(data, dict) or "sha" not in data:
        raise ValueError("GitHub's commit answer was not understood")
    files = [
        ChangedFile(
            str(f.get("filename") or ""), str(f.get("status") or ""), int(f.get("additions") or 0),
            int(f.get("deletions") or 0), f.get("patch") if isinstance(f.get("patch"), str) else None,
            f.get("previous_filename") if isinstance(f.get("previous_filename"), str) else None,
        )
        for f in data.get("files") or [] if isinstance(f, dict)
    ]
    message = (data.get("commit") or {}).get("message") if isinstance(data.get("commit"), dict) else None
    parents = [str(p.get("sha")) for p in data.get("parents") or [] if isinstance(p, dict) and p.get("sha")]
    return Commit(str(data["sha"]), str(message or ""), parents, files)
