"""A fake GitLab (OAuth 2 provider, `GET /api/v4/user`, and the CI and notes API of its projects) served by aiohttp
on loopback, with GitLab's shapes:

`POST /oauth/token` (grant_type authorization_code / refresh_token) answers 200 with `access_token`,
`token_type` "Bearer", `expires_in` 7200, `refresh_token`, `scope`, `created_at`; errors are 400
`{"error": "invalid_grant", ...}` and 401 `{"error": "invalid_client", ...}`. Refresh tokens rotate, codes are
single-use, the redirect_uri must be the authorization's, PKCE S256 is checked.

Projects (`add_project`) answer with `API_TOKEN` as a bearer token (else 401): a pipeline's jobs
(`scope[]`, paged with `Link` and `X-Next-Page`), a project's pipelines (`ref`, `status`, newest first), a job's
trace (a 302 to `/_objects/...` first, as object storage does, then text/plain), merge request notes (POST 201,
PUT 200) and commit comments (POST 201, no id, as GitLab). Unknown projects and jobs are 404
`{"message": "404 Project Not Found"}`; `fail_next` answers the next matching call with an error (a 429 carries
`RateLimit-*` and `Retry-After`).

People's OAuth access tokens work too (401 when unknown or expired): such a caller sees only the projects they are a
member of (`add_project(..., members={user_id: access_level})`; anything else is 404 as on GitLab), lists them
(`GET /projects?min_access_level=&simple=`, paged), reads one with `permissions`
(`{"project_access": {"access_level": 40, ...}, "group_access": null}`), and, as Maintainer (40) or Owner (50),
manages its hooks: list, create (201 with the id; the token is kept but never shown), edit (200), delete (204, 404 if
absent) and test (`POST .../hooks/:id/test/pipeline_events`: 201 `{"message": "201 Created"}`, 422 if the project
has no pipelines). Each recorded call says who made it (`as_user`: the user id, None for `API_TOKEN`).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.fakes.github_oauth import s256

GITLAB_CLIENT_ID = "gitlab-app-id-0000"
GITLAB_CLIENT_SECRET = "gitlab-app-secret-0000"
API_TOKEN = "glpat-bot-token-00000000"
ACCESS_LIFETIME = 7200
AS_USER = web.RequestKey("as_user", object)  # the person a user token belongs to; None for API_TOKEN
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in "
    "the authorization request, or was issued to another client."
)


@dataclass
class GLGrant:
    user_id: int
    expires_at: float
    redirect_uri: str = ""
    challenge: str | None = None
    used: bool = False


@dataclass
class FakeProject:
    id: int
    path: str
    pipelines: dict[int, dict[str, Any]] = field(default_factory=dict)
    jobs: dict[int, dict[str, Any]] = field(default_factory=dict)  # job id -> job (with its pipeline id)
    traces: dict[int, bytes] = field(default_factory=dict)
    notes: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)  # MR iid -> note id -> note
    commit_comments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    members: dict[int, int] = field(default_factory=dict)  # user id -> access level (10..50)
    hooks: dict[int, dict[str, Any]] = field(default_factory=dict)  # hook id -> hook, with its `token`
    visibility: str = "private"
    default_branch: str = "main"
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)  # ref -> path -> content

    def put_file(self, path: str, content: str | bytes, *, ref: str | None = None) -> str:
        """Write a file on `ref` (the default branch); returns its blob id (git's sha1 of the blob)."""
        data = content.encode() if isinstance(content, str) else content
        self.files.setdefault(ref or self.default_branch, {})[path] = data
        return _blob_id(data)

    def mr_notes(self, iid: int) -> list[dict[str, Any]]:
        return list(self.notes.get(iid, {}).values())


def _blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324 - git's object id


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    as_user: int | None = None  # who called: a person's user id, None for the bot's API_TOKEN


@dataclass
class FakeGitLab:
    now: Any = time.time
    client_id: str = GITLAB_CLIENT_ID
    client_secret: str = GITLAB_CLIENT_SECRET
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    approve_as: int | None = None
    codes: dict[str, GLGrant] = field(default_factory=dict)
    refresh_tokens: dict[str, GLGrant] = field(default_factory=dict)
    access_tokens: dict[str, GLGrant] = field(default_factory=dict)
    token_calls: list[dict[str, str]] = field(default_factory=list)
    server: TestServer | None = None
    projects: dict[int, FakeProject] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    failures: list[tuple[str, str, int]] = field(default_factory=list)
    trace_redirect: bool = True

    def __post_init__(self) -> None:
        self._ids = itertools.count(1000)
        self.app = web.Application(middlewares=[self._api_middleware])
        self.app.router.add_get("/oauth/authorize", self.authorize)
        self.app.router.add_post("/oauth/token", self.token)
        self.app.router.add_post("/oauth/revoke", self.revoke)
        self.app.router.add_get("/api/v4/user", self.user)
        p = "/api/v4/projects/{project}"
        self.app.router.add_get(p + "/pipelines", self.list_pipelines)
        self.app.router.add_get(p + "/pipelines/{pipeline}/jobs", self.pipeline_jobs)
        self.app.router.add_get(p + "/jobs/{job}/trace", self.trace)
        self.app.router.add_get("/_objects/traces/{job}", self.object_trace)
        self.app.router.add_post(p + "/merge_requests/{iid}/notes", self.create_note)
        self.app.router.add_put(p + "/merge_requests/{iid}/notes/{note}", self.update_note)
        self.app.router.add_post(p + "/repository/commits/{sha}/comments", self.commit_comment)
        self.app.router.add_get(p + "/repository/tree", self.repository_tree)
        self.app.router.add_get(p + "/repository/files/{file_path:.+}", self.repository_file)
        self.app.router.add_get("/api/v4/projects", self.list_projects)
        self.app.router.add_get(p, self.get_project)
        self.app.router.add_get(p + "/hooks", self.list_hooks)
        self.app.router.add_post(p + "/hooks", self.create_hook)
        self.app.router.add_get(p + "/hooks/{hook}", self.get_hook)
        self.app.router.add_put(p + "/hooks/{hook}", self.update_hook)
        self.app.router.add_delete(p + "/hooks/{hook}", self.delete_hook)
        self.app.router.add_post(p + "/hooks/{hook}/test/{trigger}", self.test_hook)

    # ---- projects, pipelines and jobs the tests set up
    def add_project(self, project_id: int, path: str, *, members: dict[int, int] | None = None) -> FakeProject:
        self.projects[project_id] = FakeProject(project_id, path, members=dict(members or {}))
        return self.projects[project_id]

    def add_pipeline(self, project: FakeProject, *, status: str, ref: str, sha: str, pipeline_id: int | None = None,
                     jobs: list[dict[str, Any]] = ()) -> dict[str, Any]:
        """A pipeline and its jobs: each `{"name", "status", "stage"?, "trace"?: bytes, "allow_failure"?}`."""
        pid = pipeline_id or next(self._ids)
        web = f"https://gitlab.example/{project.path}"
        pipeline = {"id": pid, "iid": pid % 1000, "project_id": project.id, "sha": sha, "ref": ref,
                    "status": status, "source": "push", "web_url": f"{web}/-/pipelines/{pid}"}
        project.pipelines[pid] = pipeline
        for job in jobs:
            job_id = next(self._ids)
            project.jobs[job_id] = {
                "id": job_id, "name": job["name"], "stage": job.get("stage", "test"), "status": job["status"],
                "allow_failure": job.get("allow_failure", False), "web_url": f"{web}/-/jobs/{job_id}",
                "failure_reason": "script_failure" if job["status"] == "failed" else None,
                "pipeline": {"id": pid, "ref": ref, "sha": sha, "status": status}, "ref": ref,
            }
            if "trace" in job:
                project.traces[job_id] = job["trace"]
        return pipeline

    def fail_next(self, method: str, path: str, status: int) -> None:
        """The next `method` call whose path starts with `path` answers `status`."""
        self.failures.append((method, path, status))

    def api_calls(self) -> list[str]:
        return [f"{c.method} {c.path}" for c in self.calls if c.path.startswith("/api/v4/projects")]

    @web.middleware
    async def _api_middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        path = request.path
        if not path.startswith(("/api/v4/projects", "/_objects")):
            return await handler(request)
        body: Any = None
        if request.can_read_body:
            body = await request.json()
        auth = request.headers.get("Authorization", "")
        grant = self.access_tokens.get(auth[7:]) if auth.startswith("Bearer ") else None
        as_user = grant.user_id if grant is not None else None
        self.calls.append(Call(request.method, path, dict(request.query), body, as_user))
        for failure in self.failures:
            method, prefix, status = failure
            if method == request.method and path.startswith(prefix):
                self.failures.remove(failure)
                return self._error(status)
        request[AS_USER] = as_user
        if path.startswith("/api/v4/") and auth != f"Bearer {API_TOKEN}":
            if grant is None or grant.expires_at <= self.now():
                return web.json_response({"message": "401 Unauthorized"}, status=401)
        return await handler(request)

    def _error(self, status: int) -> web.Response:
        if status == 429:
            reset = int(self.now()) + 30
            headers = {"RateLimit-Limit": "600", "RateLimit-Observed": "601", "RateLimit-Remaining": "0",
                       "RateLimit-Reset": str(reset), "Retry-After": "30"}
            return web.Response(status=429, text="Retry later", headers=headers, content_type="text/plain")
        return web.json_response({"message": f"{status} Error"}, status=status)

    def _project(self, request: web.Request, min_level: int = 0) -> FakeProject:
        key = unquote(request.match_info["project"])
        project = self.projects.get(int(key)) if key.isdigit() else next(
            (p for p in self.projects.values() if p.path == key), None)
        as_user = request.get(AS_USER)
        if project is None or (as_user is not None and as_user not in project.members):
            raise web.HTTPNotFound(text='{"message": "404 Project Not Found"}', content_type="application/json")
        if as_user is not None and project.members[as_user] < min_level:
            raise web.HTTPForbidden(text='{"message": "403 Forbidden"}', content_type="application/json")
        return project

    def _project_json(self, project: FakeProject, as_user: int | None, *, simple: bool) -> dict[str, Any]:
        web_url = f"https://gitlab.example/{project.path}"
        data: dict[str, Any] = {
            "id": project.id, "name": project.path.rsplit("/", 1)[-1], "path": project.path.rsplit("/", 1)[-1],
            "path_with_namespace": project.path, "name_with_namespace": project.path.replace("/", " / "),
            "default_branch": "main", "web_url": web_url, "created_at": "2026-01-01T00:00:00.000Z",
        }
        if not simple:
            level = project.members.get(as_user) if as_user is not None else 50
            data.update(visibility=project.visibility, permissions={
                "project_access": {"access_level": level, "notification_level": 3} if level else None,
                "group_access": None,
            })
        return data

    async def list_projects(self, request: web.Request) -> web.Response:
        as_user = request.get(AS_USER)
        least = int(request.query.get("min_access_level", "0") or 0)
        found = [p for p in sorted(self.projects.values(), key=lambda p: p.id)
                 if as_user is None or p.members.get(as_user, 0) >= max(least, 1)]
        simple = request.query.get("simple") == "true"
        return self._page(request, [self._project_json(p, as_user, simple=simple) for p in found])

    def _files_at(self, project: FakeProject, request: web.Request) -> dict[str, bytes] | None:
        ref = request.query.get("ref") or ""
        if not ref:
            raise web.HTTPBadRequest(text='{"error": "ref is missing"}', content_type="application/json")
        return project.files.get(project.default_branch if ref == "HEAD" else ref)

    async def repository_tree(self, request: web.Request) -> web.Response:
        """`GET …/repository/tree?path=&ref=`: the directory's entries (blobs and trees) with their ids, paged."""
        project = self._project(request)
        files = self._files_at(project, request)
        prefix = request.query.get("path", "").strip("/")
        entries: dict[str, dict[str, Any]] = {}
        for full, data in sorted((files or {}).items()):
            if prefix and not full.startswith(prefix + "/"):
                continue
            rest = full[len(prefix) + 1:] if prefix else full
            name, _, deeper = rest.partition("/")
            path = f"{prefix}/{name}" if prefix else name
            if deeper:
                entries.setdefault(name, {"id": _blob_id(path.encode()), "name": name, "type": "tree", "path": path,
                                          "mode": "040000"})
            else:
                entries[name] = {"id": _blob_id(data), "name": name, "type": "blob", "path": path, "mode": "100644"}
        if not entries:
            return web.json_response({"message": "404 Tree Not Found"}, status=404)
        return self._page(request, list(entries.values()))

    async def repository_file(self, request: web.Request) -> web.Response:
        """`GET …/repository/files/:file_path?ref=`: base64 content, `blob_id`, `size` (404 when missing)."""
        project = self._project(request)
        files = self._files_at(project, request)
        path = unquote(request.match_info["file_path"])
        if files is None or path not in files:
            return web.json_response({"message": "404 File Not Found"}, status=404)
        data = files[path]
        return web.json_response({
            "file_name": path.rsplit("/", 1)[-1], "file_path": path, "size": len(data), "encoding": "base64",
            "content_sha256": hashlib.sha256(data).hexdigest(), "ref": request.query["ref"],
            "blob_id": _blob_id(data), "commit_id": "0" * 40, "last_commit_id": "0" * 40,
            "content": base64.b64encode(data).decode(),
        })

    async def get_project(self, request: web.Request) -> web.Response:
        project = self._project(request)
        return web.json_response(self._project_json(project, request.get(AS_USER), simple=False))

    @staticmethod
    def _hook_json(hook: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in hook.items() if k != "token"}  # GitLab never shows a hook's token

    def _hook(self, request: web.Request) -> tuple[FakeProject, dict[str, Any]]:
        project = self._project(request, 40)
        hook = project.hooks.get(int(request.match_info["hook"])) if request.match_info["hook"].isdigit() else None
        if hook is None:
            raise web.HTTPNotFound(text='{"message": "404 Not found"}', content_type="application/json")
        return project, hook

    async def list_hooks(self, request: web.Request) -> web.Response:
        project = self._project(request, 40)
        return self._page(request, [self._hook_json(h) for h in project.hooks.values()])

    async def create_hook(self, request: web.Request) -> web.Response:
        project = self._project(request, 40)
        data = await request.json()
        if not data.get("url"):
            return web.json_response({"error": "url is missing"}, status=400)
        hook = {"id": next(self._ids), "project_id": project.id, "created_at": "2026-11-21T18:00:00.000Z",
                "push_events": True, "merge_requests_events": False, "pipeline_events": False, "job_events": False,
                "enable_ssl_verification": True, "token": None, **data}
        project.hooks[hook["id"]] = hook
        return web.json_response(self._hook_json(hook), status=201)

    async def get_hook(self, request: web.Request) -> web.Response:
        return web.json_response(self._hook_json(self._hook(request)[1]))

    async def update_hook(self, request: web.Request) -> web.Response:
        _, hook = self._hook(request)
        hook.update(await request.json())
        return web.json_response(self._hook_json(hook))

    async def delete_hook(self, request: web.Request) -> web.Response:
        project, hook = self._hook(request)
        del project.hooks[hook["id"]]
        return web.Response(status=204)

    async def test_hook(self, request: web.Request) -> web.Response:
        project, _ = self._hook(request)
        if request.match_info["trigger"] != "pipeline_events":
            return web.json_response({"message": "400 Bad request"}, status=400)
        if not project.pipelines:
            return web.json_response({"message": "Ensure the project has CI pipelines."}, status=422)
        return web.json_response({"message": "201 Created"}, status=201)

    @staticmethod
    def _page(request: web.Request, items: list[dict[str, Any]]) -> web.Response:
        per_page = min(int(request.query.get("per_page", "20")), 100)
        page = int(request.query.get("page", "1"))
        chunk = items[(page - 1) * per_page: page * per_page]
        headers = {"X-Page": str(page), "X-Per-Page": str(per_page), "X-Total": str(len(items))}
        if page * per_page < len(items):
            query = [(k, v) for k, v in request.query.items() if k != "page"] + [("page", str(page + 1))]
            url = request.url.with_query(query)
            headers["X-Next-Page"] = str(page + 1)
            headers["Link"] = f'<{url}>; rel="next"'
        else:
            headers["X-Next-Page"] = ""
        return web.json_response(chunk, headers=headers)

    async def list_pipelines(self, request: web.Request) -> web.Response:
        project = self._project(request)
        q = request.query
        found = [p for p in project.pipelines.values()
                 if (not q.get("ref") or p["ref"] == q["ref"]) and (not q.get("status") or p["status"] == q["status"])]
        found.sort(key=lambda p: p["id"], reverse=q.get("sort", "desc") == "desc")
        return self._page(request, found)

    async def pipeline_jobs(self, request: web.Request) -> web.Response:
        project = self._project(request)
        pid = int(request.match_info["pipeline"])
        if pid not in project.pipelines:
            return web.json_response({"message": "404 Not found"}, status=404)
        scopes = request.query.getall("scope[]", [])
        jobs = [j for j in project.jobs.values()
                if j["pipeline"]["id"] == pid and (not scopes or j["status"] in scopes)]
        return self._page(request, sorted(jobs, key=lambda j: j["id"], reverse=True))

    async def trace(self, request: web.Request) -> web.StreamResponse:
        project = self._project(request)
        job_id = int(request.match_info["job"])
        if job_id not in project.jobs or job_id not in project.traces:
            return web.json_response({"message": "404 Not found"}, status=404)
        if self.trace_redirect:
            raise web.HTTPFound(f"/_objects/traces/{project.id}-{job_id}?X-Amz-Signature={secrets.token_hex(8)}")
        return web.Response(body=project.traces[job_id], content_type="text/plain", charset="utf-8")

    async def object_trace(self, request: web.Request) -> web.Response:
        project_id, _, job_id = request.match_info["job"].partition("-")
        project = self.projects.get(int(project_id))
        if project is None or int(job_id) not in project.traces:
            return web.Response(status=404, text="NoSuchKey")
        return web.Response(body=project.traces[int(job_id)], content_type="text/plain", charset="utf-8")

    def _note(self, body: str) -> dict[str, Any]:
        return {"id": next(self._ids), "type": None, "body": body, "author": {"id": 99, "username": "devflowfix"},
                "system": False, "noteable_type": "MergeRequest", "resolvable": False,
                "created_at": "2026-11-21T18:00:00.000Z", "updated_at": "2026-11-21T18:00:00.000Z"}

    async def create_note(self, request: web.Request) -> web.Response:
        project = self._project(request)
        body = (await request.json()).get("body")
        if not body:
            return web.json_response({"message": "400 Bad request - body is missing"}, status=400)
        note = self._note(body)
        who = request.get(AS_USER)
        if who is not None:
            note["author"] = {"id": who, "username": self.users[who]["username"]}
        note["noteable_iid"] = int(request.match_info["iid"])
        project.notes.setdefault(int(request.match_info["iid"]), {})[note["id"]] = note
        return web.json_response(note, status=201)

    async def update_note(self, request: web.Request) -> web.Response:
        project = self._project(request)
        notes = project.notes.get(int(request.match_info["iid"]), {})
        note = notes.get(int(request.match_info["note"]))
        if note is None:
            return web.json_response({"message": "404 Note Not Found"}, status=404)
        note["body"] = (await request.json())["body"]
        note["updated_at"] = "2026-11-21T18:05:00.000Z"
        return web.json_response(note)

    async def commit_comment(self, request: web.Request) -> web.Response:
        project = self._project(request)
        note = (await request.json()).get("note")
        if not note:
            return web.json_response({"message": "400 Bad request - note is missing"}, status=400)
        comment = {"note": note, "path": None, "line": None, "line_type": None,
                   "author": {"id": 99, "username": "devflowfix"}, "created_at": "2026-11-21T18:00:00.000Z"}
        project.commit_comments.setdefault(request.match_info["sha"], []).append(comment)
        return web.json_response(comment, status=201)

    async def start(self) -> str:
        self.server = TestServer(self.app, host="127.0.0.1")
        await self.server.start_server()
        return self.url

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    def add_user(self, username: str, user_id: int) -> None:
        self.users[user_id] = {"id": user_id, "username": username, "name": username.title(), "state": "active",
                               "web_url": f"https://gitlab.example/{username}"}

    def _grant(self, user_id: int, redirect_uri: str) -> dict[str, Any]:
        access = secrets.token_hex(32)
        refresh = secrets.token_hex(32)
        self.access_tokens[access] = GLGrant(user_id, self.now() + ACCESS_LIFETIME)
        self.refresh_tokens[refresh] = GLGrant(user_id, self.now() + 10 * 365 * 86400, redirect_uri=redirect_uri)
        return {"access_token": access, "token_type": "Bearer", "expires_in": ACCESS_LIFETIME,
                "refresh_token": refresh, "scope": "api read_user", "created_at": int(self.now())}

    async def authorize(self, request: web.Request) -> web.StreamResponse:
        q = request.query
        if q.get("client_id") != self.client_id or q.get("response_type") != "code":
            return web.json_response({"error": "invalid_request"}, status=400)
        if self.approve_as is None:
            return web.Response(text="<html>Sign in</html>", content_type="text/html")
        code = secrets.token_hex(32)
        self.codes[code] = GLGrant(self.approve_as, self.now() + 600, redirect_uri=q.get("redirect_uri", ""),
                                   challenge=q.get("code_challenge"))
        raise web.HTTPFound(f"{q.get('redirect_uri')}?{urlencode({'code': code, 'state': q.get('state', '')})}")

    async def revoke(self, request: web.Request) -> web.Response:
        """RFC 7009 as GitLab does it: 200 `{}` whether or not the token was known; 403 for a wrong client."""
        form = {k: str(v) for k, v in (await request.post()).items()}
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return web.json_response({"error": "unauthorized_client"}, status=403)
        self.access_tokens.pop(form.get("token", ""), None)
        return web.json_response({})

    async def token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.token_calls.append({k: v for k, v in form.items() if k in ("grant_type", "redirect_uri")})
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return web.json_response({
                "error": "invalid_client", "error_description": "Client authentication failed due to unknown "
                "client, no client authentication included, or unsupported authentication method."}, status=401)
        invalid = web.json_response({"error": "invalid_grant", "error_description": INVALID_GRANT}, status=400)
        if form.get("grant_type") == "refresh_token":
            grant = self.refresh_tokens.get(form.get("refresh_token", ""))
            if grant is None or grant.used:
                return invalid
            if form.get("redirect_uri") and form["redirect_uri"] != grant.redirect_uri:
                return invalid
            grant.used = True
            return web.json_response(self._grant(grant.user_id, grant.redirect_uri))
        if form.get("grant_type") != "authorization_code":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        grant = self.codes.get(form.get("code", ""))
        if grant is None or grant.used or grant.expires_at <= self.now():
            return invalid
        grant.used = True
        if form.get("redirect_uri") != grant.redirect_uri:
            return invalid
        if grant.challenge is not None and s256(form.get("code_verifier", "")) != grant.challenge:
            return invalid
        return web.json_response(self._grant(grant.user_id, grant.redirect_uri))

    async def user(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization", "")
        grant = self.access_tokens.get(auth[7:] if auth.startswith("Bearer ") else "")
        if grant is None or grant.expires_at <= self.now():
            return web.json_response({"message": "401 Unauthorized"}, status=401)
        return web.json_response(self.users[grant.user_id])
