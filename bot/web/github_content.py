"""Reading GitHub as the signed-in person: `/api/v1/github/...` — a directory's files, one file, the workflows,
a run's logs (redacted) and a commit's diff.

Every call acts as the person (their App user token, then a legacy OAuth token, then a PAT for its own
repository: bot/auth/fallback.py), so GitHub decides what they may read: its 404 and 403 are passed on as ours.
Inputs are checked before any call (names, paths without `.`/`..` segments, refs, ids); log text goes through
bot/analysis's redaction before it is answered.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Awaitable, Callable
from typing import Any, NoReturn, TypeVar

import aiohttp
import gidgethub
from aiohttp import web

from bot.analysis.redaction import redact
from bot.auth.crypto import DecryptError
from bot.auth.fallback import NoIdentity, Resolved
from bot.auth.oauth_common import OAuthUnavailable
from bot.auth.user_tokens import ReconnectRequired
from bot.forges import github_content as content
from bot.forges.errors import RetryLater
from bot.forges.github_client import GitHubClient
from bot.web.sessions import SignedIn, fail, require_user, services_of

OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
REF = re.compile(r"^[A-Za-z0-9._/@{}+-]{1,255}$")
SHA = re.compile(r"^[0-9a-fA-F]{4,40}$")
RUN_ID = re.compile(r"^[0-9]{1,18}$")
MAX_PATH = 1024
MAX_FILE_BYTES = 1024 * 1024  # what GitHub's contents API serves whole
MAX_ZIP_BYTES = 64 * 1024 * 1024
MAX_LOG_TEXT = 8 * 1024 * 1024
RECONNECT = "/api/v1/oauth/github/authorize"

T = TypeVar("T")


def _repo_name(owner: str, name: str) -> str:
    if not OWNER.match(owner) or not NAME.match(name) or name in (".", ".."):
        fail(400, "owner and repository must be GitHub names (letters, digits, '-', '_', '.')")
    return f"{owner}/{name}"


def repo_in_path(request: web.Request) -> str:
    return _repo_name(request.match_info["owner"], request.match_info["repo"])


def repo_in_query(request: web.Request) -> str:
    value = request.query.get("repo", "")
    owner, sep, name = value.partition("/")
    if not sep:
        fail(400, "give the repository as ?repo=owner/name")
    return _repo_name(owner, name)


def checked_path(value: str, *, allow_empty: bool) -> str:
    """A repository path: at most 1024 characters, `/`-separated, no empty, `.` or `..` segment, no control
    characters or backslashes."""
    value = value.strip("/") if allow_empty else value
    if not value:
        if allow_empty:
            return ""
        fail(400, "give a file path")
    if len(value) > MAX_PATH or any(ord(c) < 32 or c in "\\\x7f" for c in value):
        fail(400, f"a path is at most {MAX_PATH} characters, without control characters or backslashes")
    if any(part in ("", ".", "..") for part in value.split("/")):
        fail(400, "a path must not have empty, '.' or '..' segments")
    return value


def checked_ref(request: web.Request) -> str | None:
    ref = request.query.get("ref")
    if ref is None or ref == "":
        return None
    if not REF.match(ref) or ".." in ref or ref.startswith("/") or ref.endswith("/"):
        fail(400, "ref must be a branch, tag or commit name")
    return ref


def _refused(exc: BaseException, what: str) -> NoReturn:
    """What GitHub (or the person's token) said, as our answer."""
    if isinstance(exc, (ReconnectRequired, DecryptError)):
        fail(409, "your GitHub connection must be renewed; sign in again", reconnect_url=RECONNECT)
    if isinstance(exc, gidgethub.BadRequest):
        status = int(exc.status_code)
        if status == 401:
            fail(409, "GitHub refused your token; sign in again", reconnect_url=RECONNECT)
        if status in (404, 410, 422):
            fail(404, f"GitHub shows you no such {what}")
        if status == 403:
            fail(403, f"GitHub refused to let you read this {what} (HTTP 403)")
        if status == 409:
            fail(409, f"GitHub cannot show this {what} (HTTP 409: the repository is empty)")
        fail(502, f"GitHub answered HTTP {status} reading the {what}")
    if isinstance(exc, RetryLater):
        fail(503, f"GitHub asks to wait ({exc}); try again shortly")
    fail(502, f"GitHub is unavailable ({type(exc).__name__}); try again shortly")


ERRORS = (ReconnectRequired, DecryptError, gidgethub.GitHubException, RetryLater, OAuthUnavailable,
          aiohttp.ClientError, TimeoutError)


async def person(request: web.Request, repo: str) -> tuple[SignedIn, GitHubClient, Resolved]:
    """The signed-in person, and a client acting as them on `repo`; 409 when they have no usable token."""
    who = await require_user(request)
    services = services_of(request)
    try:
        resolved = await services.identity_for(who.user.id, repo)
    except NoIdentity as exc:
        fail(409, str(exc), reconnect_url=RECONNECT)
    return who, services.github_client(resolved), resolved


async def ask(call: Callable[[], Awaitable[T]], what: str) -> T:
    try:
        return await call()
    except content.TooLarge as exc:
        fail(413, f"the {what} is larger than this API serves ({exc.limit} bytes); open it on GitHub")
    except (KeyError, TypeError, ValueError):
        fail(502, f"GitHub's answer about the {what} was not understood")
    except ERRORS as exc:
        _refused(exc, what)


def acting(resolved: Resolved) -> dict[str, Any]:
    return {"kind": resolved.kind, "deprecation": resolved.deprecation}


async def list_files(request: web.Request) -> web.Response:
    """GET /api/v1/github/repos/{owner}/{repo}/files?path=&ref=: a directory's entries."""
    repo = repo_in_path(request)
    path = checked_path(request.query.get("path", ""), allow_empty=True)
    ref = checked_ref(request)
    _, client, resolved = await person(request, repo)
    try:
        entries = await ask(lambda: content.list_directory(client, repo, path, ref), "directory")
    except content.NotADirectory:
        fail(400, "that path is a file; read it with /file/{path}")
    return web.json_response({
        "repository": repo, "path": path, "ref": ref, "acting_as": acting(resolved),
        "entries": [{"name": e.name, "path": e.path, "type": e.type, "size": e.size, "sha": e.sha} for e in entries],
    })


async def get_file(request: web.Request) -> web.Response:
    """GET /api/v1/github/repos/{owner}/{repo}/file/{path}?ref=: one file (UTF-8 text, else base64)."""
    repo = repo_in_path(request)
    path = checked_path(request.match_info["path"], allow_empty=False)
    ref = checked_ref(request)
    _, client, resolved = await person(request, repo)
    try:
        found = await ask(lambda: content.read_file(client, repo, path, ref, max_bytes=MAX_FILE_BYTES), "file")
    except content.NotAFile:
        fail(400, "that path is not a file (a directory, submodule or link); list it with /files?path=")
    try:
        text, encoding = found.data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(found.data).decode(), "base64"
    return web.json_response({
        "repository": repo, "path": found.path, "ref": ref, "sha": found.sha, "size": found.size,
        "encoding": encoding, "content": text, "acting_as": acting(resolved),
    })


async def list_workflows(request: web.Request) -> web.Response:
    """GET /api/v1/github/repos/{owner}/{repo}/workflows."""
    repo = repo_in_path(request)
    _, client, resolved = await person(request, repo)
    workflows = await ask(lambda: content.list_workflows(client, repo), "repository's workflows")
    return web.json_response({"repository": repo, "workflows": workflows, "total": len(workflows),
                              "acting_as": acting(resolved)})


async def run_logs(request: web.Request) -> web.Response:
    """GET /api/v1/github/runs/{run_id}/logs?repo=owner/name: the run's log files, secrets redacted."""
    raw = request.match_info["run_id"]
    if not RUN_ID.match(raw) or int(raw) == 0:
        fail(400, "a run id is a positive whole number")
    repo = repo_in_query(request)
    _, client, resolved = await person(request, repo)
    files = await ask(lambda: content.run_logs(client, repo, int(raw), max_zip_bytes=MAX_ZIP_BYTES,
                                               max_text_bytes=MAX_LOG_TEXT), "run's logs")
    if files is None:
        fail(404, "GitHub has no logs for this run (expired, deleted, or the run has not finished)")
    return web.json_response({
        "repository": repo, "run_id": int(raw), "acting_as": acting(resolved),
        "truncated": any(f.truncated for f in files),
        "files": [{"name": f.name, "size": f.size, "truncated": f.truncated,
                   "text": redact(f.data.decode("utf-8", errors="replace"))} for f in files],
    })


async def commit_diff(request: web.Request) -> web.Response:
    """GET /api/v1/github/commits/{sha}/diff?repo=owner/name: the files a commit changed, with their patches."""
    sha = request.match_info["sha"]
    if not SHA.match(sha):
        fail(400, "a commit sha is 4 to 40 hexadecimal digits")
    repo = repo_in_query(request)
    _, client, resolved = await person(request, repo)
    found = await ask(lambda: content.commit(client, repo, sha), "commit")
    return web.json_response({
        "repository": repo, "sha": found.sha, "message": found.message, "parents": found.parents,
        "acting_as": acting(resolved),
        "files": [{"filename": f.filename, "status": f.status, "additions": f.additions, "deletions": f.deletions,
                   "previous_filename": f.previous_filename, "patch": f.patch} for f in found.files],
    })


def add_routes(app: web.Application) -> None:
    base = "/api/v1/github/repos/{owner}/{repo}"
    app.router.add_get(f"{base}/files", list_files)
    app.router.add_get(base + "/file/{path:.+}", get_file)
    app.router.add_get(f"{base}/workflows", list_workflows)
    app.router.add_get("/api/v1/github/runs/{run_id}/logs", run_logs)
    app.router.add_get("/api/v1/github/commits/{sha}/diff", commit_diff)
