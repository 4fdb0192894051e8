"""A fake GitLab (OAuth 2 provider, `GET /api/v4/user`, and the CI and notes API of its projects) served by aiohttp
on loopback, with GitLab's shapes:

`POST /oauth/token` (grant_type authorization_code / refresh_token) answers 200 with `access_token`,
`token_type` "Bearer", `expires_in` 7200, `refresh_token`, `scope`, `created_at`; errors are 400
`{"error": "invalid_grant", ...}` and 401 `{"error": "invalid_client", ...}`. Refresh tokens rotate, codes are
single-use, the redirect_uri must be the authorization's, PKCE S256 is checked.

Projects (`add_project`) answer with `API_TOKEN` as a bearer token (else 401): a pipeline's jobs
(`scope[]`, paged with `Link` and `X-Next-Page`), a project's pipelines (`ref`, `status`, newest first; one by
id), a job's trace (a 302 to `/_objects/...` first, as object storage does, then text/plain), merge request
notes (POST 201, PUT 200) and commit comments (POST 201, no id, as GitLab). Unknown projects and jobs are 404
`{"message": "404 Project Not Found"}`; `fail_next` answers the next matching call with an error (a 429 carries
`RateLimit-*` and `Retry-After`).

People's OAuth access tokens work too (401 when unknown or expired): such a caller sees only the projects they are a
member of (`add_project(..., members={user_id: access_level})`; anything else is 404 as on GitLab), lists them
(`GET /projects?min_access_level=&simple=`, paged), reads one with `permissions`
(`{"project_access": {"access_level": 40, ...}, "group_access": null}`), and, as Maintainer (40) or Owner (50),
manages its hooks: list, create (201 with the id; the token is kept but never shown), edit (200), delete (204, 404 if
absent) and test (`POST .../hooks/:id/test/pipeline_events`: 201 `{"message": "201 Created"}`, 422 if the project
has no pipelines). Each recorded call says who made it (`as_user`: the user id, None for `API_TOKEN`).

A project's repository (`add_commit`: a snapshot of files with their git modes, a submodule is mode 160000) answers
`GET .../repository/tree` (`recursive`, paged; `blob`/`tree`/`commit` entries with their `mode`),
`GET .../repository/files/:path?ref=` (base64 `content`, `size`; 404 `{"message": "404 File Not Found"}`),
`GET .../repository/compare`, `GET .../repository/branches/:name` (`protected`), and
`POST .../repository/commits` with `actions` (201 with the commit; 400 for an `update` of a file that does not
exist, a branch that exists without `force`, an unknown `start_sha`; 403 onto a protected branch). Merge requests:
`POST .../merge_requests` (201 with `iid`, `web_url`, `labels`; 409 when one is open for the source branch, 400
for a missing branch), `GET .../merge_requests/:iid` (its `labels`, names), `GET .../merge_requests/:iid/diffs`
(paged). `POST .../jobs/:id/retry` (201 with the new
job; the old one is `retried` and leaves the pipeline's list; 403 when the job is not retryable).
`GET .../members/all/:user_id` (200 with `access_level`, 404 for a non-member).
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


def _sha1(data: bytes) -> Any:
    """Git's object ids (not a security use)."""
    return hashlib.sha1(data, usedforsecurity=False)


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
    commits: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)  # sha -> path -> (mode, text)
    commit_info: dict[str, dict[str, Any]] = field(default_factory=dict)  # sha -> the commit's API shape
    branches: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {"commit": sha, "protected"}
    merge_requests: dict[int, dict[str, Any]] = field(default_factory=dict)
    mr_diffs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    member_info: dict[int, dict[str, Any]] = field(default_factory=dict)  # user id -> username, state
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)  # iid -> issue (with its `notes`)

    def add_commit(self, files: dict[str, str], *, modes: dict[str, str] | None = None, sha: str | None = None,
                   parent: str | None = None, branch: str | None = None, protected: bool = False) -> str:
        """A commit whose tree is `parent`'s with `files` (path -> text) on top; moves `branch` to it."""
        tree = dict(self.commits.get(parent, {})) if parent else {}
        for path, text in files.items():
            tree[path] = ((modes or {}).get(path, "100644"), text)
        sha = sha or _sha1(repr(sorted(tree.items())).encode() + secrets.token_bytes(4)).hexdigest()
        self.commits[sha] = tree
        self.commit_info[sha] = {"id": sha, "short_id": sha[:8], "parent_ids": [parent] if parent else [],
                                 "title": "commit", "message": "commit"}
        if branch:
            self.branches[branch] = {"commit": sha, "protected": protected}
        return sha

    def put_file(self, path: str, content: str | bytes, *, ref: str | None = None) -> str:
        """Write a file on branch `ref` (the default branch) as a new commit; returns its blob id (git's)."""
        text = content.decode("utf-8", "surrogateescape") if isinstance(content, bytes) else content
        branch = ref or self.default_branch
        head = self.branches.get(branch, {}).get("commit")
        self.add_commit({path: text}, parent=head, branch=branch,
                        protected=bool(self.branches.get(branch, {}).get("protected")))
        return _blob_id(text.encode("utf-8", "surrogateescape"))

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
    drop_after: list[tuple[str, str]] = field(default_factory=list)  # (method, path prefix): do it, drop the answer
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
        self.app.router.add_get(p + "/pipelines/{pipeline}", self.get_pipeline)
        self.app.router.add_get(p + "/jobs/{job}/trace", self.trace)
        self.app.router.add_get("/_objects/traces/{job}", self.object_trace)
        self.app.router.add_post(p + "/merge_requests/{iid}/notes", self.create_note)
        self.app.router.add_get(p + "/merge_requests/{iid}/notes", self.list_notes)
        self.app.router.add_put(p + "/merge_requests/{iid}/notes/{note}", self.update_note)
        self.app.router.add_post(p + "/repository/commits/{sha}/comments", self.commit_comment)
        self.app.router.add_get("/api/v4/projects", self.list_projects)
        self.app.router.add_get(p, self.get_project)
        self.app.router.add_get(p + "/hooks", self.list_hooks)
        self.app.router.add_post(p + "/hooks", self.create_hook)
        self.app.router.add_get(p + "/hooks/{hook}", self.get_hook)
        self.app.router.add_put(p + "/hooks/{hook}", self.update_hook)
        self.app.router.add_delete(p + "/hooks/{hook}", self.delete_hook)
        self.app.router.add_post(p + "/hooks/{hook}/test/{trigger}", self.test_hook)
        self.app.router.add_get(p + "/repository/tree", self.repository_tree)
        self.app.router.add_get(p + "/repository/files/{path:.+}", self.repository_file)
        self.app.router.add_get(p + "/repository/compare", self.compare)
        self.app.router.add_get(p + "/repository/branches/{branch:.+}", self.get_branch)
        self.app.router.add_post(p + "/repository/commits", self.create_commit)
        self.app.router.add_post(p + "/merge_requests", self.create_merge_request)
        self.app.router.add_get(p + "/merge_requests/{iid}/diffs", self.merge_request_diffs)
        self.app.router.add_post(p + "/jobs/{job}/retry", self.retry_job)
        self.app.router.add_get(p + "/members/all/{user}", self.member)
        self.app.router.add_get(p + "/merge_requests/{iid}", self.get_merge_request)
        self.app.router.add_put(p + "/merge_requests/{iid}", self.update_merge_request)
        self.app.router.add_get(p + "/issues", self.list_issues)
        self.app.router.add_post(p + "/issues", self.create_issue)
        self.app.router.add_put(p + "/issues/{iid}", self.update_issue)
        self.app.router.add_post(p + "/issues/{iid}/notes", self.create_issue_note)
        self.app.router.add_post(p + "/merge_requests/{iid}/notes/{note}/award_emoji", self.award_emoji)

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

    def fail_next(self, method: str, path: str, *statuses: int) -> None:
        """The next `method` calls whose path starts with `path` answer these statuses, one each."""
        self.failures.extend((method, path, status) for status in statuses)

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
        response = await handler(request)
        for drop in self.drop_after:
            if drop[0] == request.method and path.startswith(drop[1]):
                self.drop_after.remove(drop)  # done, and the answer never arrives (a worker killed before recording)
                assert request.transport is not None
                request.transport.close()
                raise ConnectionResetError("the fake dropped the connection after doing the work")
        return response

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
            group = project.path.rsplit("/", 1)[0]
            data.update(
                namespace={"id": 9000 + project.id, "name": group.rsplit("/", 1)[-1], "path": group.rsplit("/", 1)[-1],
                           "kind": "group", "full_path": group, "web_url": f"https://gitlab.example/groups/{group}"},
                http_url_to_repo=f"{web_url}.git", ssh_url_to_repo=f"git@gitlab.example:{project.path}.git",
                archived=False, empty_repo=False,
            )
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
                 if (not q.get("ref") or p["ref"] == q["ref"]) and (not q.get("status") or p["status"] == q["status"])
                 and (not q.get("sha") or p["sha"] == q["sha"])]
        found.sort(key=lambda p: p["id"], reverse=q.get("sort", "desc") == "desc")
        return self._page(request, found)

    async def get_pipeline(self, request: web.Request) -> web.Response:
        """`GET …/pipelines/:id` (404 `{"message": "404 Not found"}` for another project's or an unknown id)."""
        project = self._project(request)
        raw = request.match_info["pipeline"]
        pipeline = project.pipelines.get(int(raw)) if raw.isdigit() else None
        if pipeline is None:
            return web.json_response({"message": "404 Not found"}, status=404)
        return web.json_response(pipeline)

    async def pipeline_jobs(self, request: web.Request) -> web.Response:
        project = self._project(request)
        pid = int(request.match_info["pipeline"])
        if pid not in project.pipelines:
            return web.json_response({"message": "404 Not found"}, status=404)
        scopes = request.query.getall("scope[]", [])
        jobs = [j for j in project.jobs.values()
                if j["pipeline"]["id"] == pid and (not scopes or j["status"] in scopes) and not j.get("retried")]
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

    async def list_notes(self, request: web.Request) -> web.Response:
        project = self._project(request)
        notes = sorted(project.notes.get(int(request.match_info["iid"]), {}).values(), key=lambda n: n["id"])
        if request.query.get("sort", "desc") == "desc":
            notes.reverse()
        return self._page(request, notes)

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

    # ---- the repository, merge requests, retries and members
    @staticmethod
    def _missing(what: str) -> web.Response:
        return web.json_response({"message": f"404 {what} Not Found"}, status=404)

    def _resolve(self, project: FakeProject, ref: str) -> str | None:
        if ref in project.commits:
            return ref
        branch = project.branches.get(ref)
        return str(branch["commit"]) if branch else None

    def _ref_sha(self, project: FakeProject, request: web.Request) -> str | None:
        ref = request.query.get("ref") or ""
        if not ref:
            raise web.HTTPBadRequest(text='{"error": "ref is missing"}', content_type="application/json")
        return self._resolve(project, project.default_branch if ref == "HEAD" else ref)

    async def repository_tree(self, request: web.Request) -> web.Response:
        """`GET …/repository/tree?path=&ref=&recursive=`: the entries (blobs, trees, submodules) with git's ids,
        paged; 404 for an unknown ref or a directory that does not exist."""
        project = self._project(request)
        sha = self._resolve(project, request.query.get("ref") or project.default_branch)
        if request.query.get("ref") == "HEAD":
            sha = self._resolve(project, project.default_branch)
        if sha is None:
            return self._missing("Tree")
        prefix = request.query.get("path", "").strip("/")
        files = project.commits[sha]
        entries: dict[str, dict[str, Any]] = {}
        for path, (mode, text) in sorted(files.items()):
            parts = path.split("/")
            for i in range(1, len(parts)):
                folder = "/".join(parts[:i])
                entries.setdefault(folder, {"id": _sha1(folder.encode()).hexdigest(), "name": parts[i - 1],
                                            "type": "tree", "path": folder, "mode": "040000"})
            kind = "commit" if mode == "160000" else "blob"
            entries[path] = {"id": _blob_id(text.encode("utf-8", "surrogateescape")), "name": parts[-1],
                             "type": kind, "path": path, "mode": mode}
        items = list(entries.values())
        if prefix:
            items = [e for e in items if e["path"].startswith(prefix + "/")]
            if not items:
                return self._missing("Tree")
        depth = prefix.count("/") + 1 if prefix else 0
        if request.query.get("recursive") != "true":
            items = [e for e in items if e["path"].count("/") == depth]
        return self._page(request, items)

    async def repository_file(self, request: web.Request) -> web.Response:
        """`GET …/repository/files/:path?ref=`: base64 content, git's `blob_id`, `size` (404 when missing)."""
        project = self._project(request)
        path = unquote(request.match_info["path"])
        sha = self._ref_sha(project, request)
        if sha is None or path not in project.commits[sha] or project.commits[sha][path][0] == "160000":
            return self._missing("File")
        raw = project.commits[sha][path][1].encode("utf-8", "surrogateescape")
        return web.json_response({
            "file_name": path.rsplit("/", 1)[-1], "file_path": path, "size": len(raw), "encoding": "base64",
            "content_sha256": hashlib.sha256(raw).hexdigest(), "ref": request.query["ref"],
            "blob_id": _blob_id(raw), "commit_id": sha, "last_commit_id": sha,
            "content": base64.b64encode(raw).decode(),
        })

    @staticmethod
    def _diff(old: dict[str, tuple[str, str]], new: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
        out = []
        for path in sorted(set(old) | set(new)):
            if old.get(path) == new.get(path):
                continue
            a, b = old.get(path), new.get(path)
            out.append({"old_path": path, "new_path": path, "a_mode": a[0] if a else "0", "b_mode": b[0] if b else "0",
                        "new_file": a is None, "renamed_file": False, "deleted_file": b is None,
                        "diff": f"@@ -1 +1 @@\n-{(a or ('', ''))[1][:200]}\n+{(b or ('', ''))[1][:200]}\n"})
        return out

    async def compare(self, request: web.Request) -> web.Response:
        project = self._project(request)
        base = self._resolve(project, request.query.get("from", ""))
        head = self._resolve(project, request.query.get("to", ""))
        if base is None or head is None:
            return self._missing("Commit")
        return web.json_response({"commit": project.commit_info[head], "commits": [project.commit_info[head]],
                                  "diffs": self._diff(project.commits[base], project.commits[head]),
                                  "compare_timeout": False, "compare_same_ref": base == head})

    async def get_branch(self, request: web.Request) -> web.Response:
        project = self._project(request)
        name = unquote(request.match_info["branch"])
        branch = project.branches.get(name)
        if branch is None:
            return self._missing("Branch")
        return web.json_response({"name": name, "commit": project.commit_info[branch["commit"]], "merged": False,
                                  "protected": branch["protected"], "developers_can_push": False,
                                  "developers_can_merge": False, "can_push": True,
                                  "default": name == "main", "web_url": f"https://gitlab.example/-/tree/{name}"})

    async def create_commit(self, request: web.Request) -> web.Response:
        project = self._project(request, 30)
        data = await request.json()
        branch, actions = data.get("branch"), data.get("actions")
        if not branch or not data.get("commit_message") or not isinstance(actions, list) or not actions:
            return web.json_response({"error": "branch, commit_message, actions are missing"}, status=400)
        existing = project.branches.get(branch)
        if existing is not None and existing["protected"]:
            return web.json_response({"message": "403 Forbidden - You are not allowed to push into this branch"},
                                     status=403)
        start = data.get("start_sha") or (existing["commit"] if existing else None)
        if data.get("start_sha") and data["start_sha"] not in project.commits:
            return web.json_response({"message": "Invalid start sha"}, status=400)
        if existing is not None and data.get("start_sha") and not data.get("force"):
            return web.json_response({"message": f"A branch called '{branch}' already exists. Switch to that branch "
                                                 "in order to make changes"}, status=400)
        if start is None:
            return web.json_response({"message": "You can only create or edit files when you are on a branch"},
                                     status=400)
        tree = dict(project.commits[start])
        for action in actions:
            path, kind = action.get("file_path"), action.get("action")
            if kind == "update":
                if path not in tree:
                    return web.json_response({"message": "A file with this name doesn't exist"}, status=400)
                tree[path] = (tree[path][0], action.get("content") or "")
            elif kind == "create":
                if path in tree:
                    return web.json_response({"message": "A file with this name already exists"}, status=400)
                tree[path] = ("100644", action.get("content") or "")
            else:
                return web.json_response({"error": "actions[0][action] does not have a valid value"}, status=400)
        sha = _sha1(repr(sorted(tree.items())).encode() + secrets.token_bytes(4)).hexdigest()
        project.commits[sha] = tree
        info = {"id": sha, "short_id": sha[:8], "title": data["commit_message"].splitlines()[0],
                "message": data["commit_message"], "parent_ids": [start], "author_name": "DevFlowFix",
                "created_at": "2026-11-21T18:00:00.000Z", "web_url": f"https://gitlab.example/{project.path}"
                f"/-/commit/{sha}"}
        project.commit_info[sha] = info
        project.branches[branch] = {"commit": sha, "protected": False}
        return web.json_response(info, status=201)

    async def create_merge_request(self, request: web.Request) -> web.Response:
        project = self._project(request, 30)
        data = await request.json()
        source, target = data.get("source_branch"), data.get("target_branch")
        if not source or not target or not data.get("title"):
            return web.json_response({"error": "source_branch, target_branch, title are missing"}, status=400)
        if source not in project.branches or target not in project.branches:
            return web.json_response({"message": ["Source branch or target branch does not exist"]}, status=400)
        for mr in project.merge_requests.values():
            if mr["source_branch"] == source and mr["target_branch"] == target and mr["state"] == "opened":
                return web.json_response({"message": [
                    f"Another open merge request already exists for this source branch: !{mr['iid']}"]}, status=409)
        iid = max(project.merge_requests, default=0) + 1
        labels = [lb for lb in str(data.get("labels") or "").split(",") if lb]
        mr = {"id": next(self._ids), "iid": iid, "project_id": project.id, "title": data["title"],
              "description": data.get("description"), "state": "opened", "source_branch": source,
              "target_branch": target, "source_project_id": project.id, "target_project_id": project.id,
              "labels": labels, "sha": project.branches[source]["commit"],
              "web_url": f"https://gitlab.example/{project.path}/-/merge_requests/{iid}"}
        project.merge_requests[iid] = mr
        return web.json_response(mr, status=201)

    async def merge_request_diffs(self, request: web.Request) -> web.Response:
        project = self._project(request)
        iid = int(request.match_info["iid"])
        if iid not in project.mr_diffs and iid not in project.merge_requests:
            return self._missing("Merge Request")
        return self._page(request, project.mr_diffs.get(iid, []))

    async def retry_job(self, request: web.Request) -> web.Response:
        project = self._project(request, 30)
        job = project.jobs.get(int(request.match_info["job"]))
        if job is None:
            return self._missing("Job")
        if job["status"] not in ("failed", "canceled") or job.get("retried"):
            return web.json_response({"message": "403 Forbidden - Job is not retryable"}, status=403)
        job["retried"] = True
        new_id = next(self._ids)
        project.jobs[new_id] = {**job, "id": new_id, "status": "pending", "retried": False, "failure_reason": None,
                                "web_url": job["web_url"].rsplit("/", 1)[0] + f"/{new_id}"}
        return web.json_response(project.jobs[new_id], status=201)

    async def update_merge_request(self, request: web.Request) -> web.Response:
        project = self._project(request, 20)
        mr = project.merge_requests.get(int(request.match_info["iid"]))
        if mr is None:
            return self._missing("Merge Request")
        data = await request.json()
        labels = [lb for lb in mr["labels"] if lb not in str(data.get("remove_labels") or "").split(",")]
        labels += [lb for lb in str(data.get("add_labels") or "").split(",") if lb and lb not in labels]
        mr["labels"] = labels
        return web.json_response(mr)

    async def get_merge_request(self, request: web.Request) -> web.Response:
        """`GET …/merge_requests/:iid` (its `sha` is the source branch's head now); 404 for an unknown iid."""
        project = self._project(request)
        raw = request.match_info["iid"]
        mr = project.merge_requests.get(int(raw)) if raw.isdigit() else None
        if mr is None:
            return self._missing("Merge Request")
        return web.json_response(mr)

    # ---- issues (`POST` 201, `PUT state_event`, notes 201; `search` in the title and description)
    def _issue(self, request: web.Request, min_level: int = 0) -> tuple[FakeProject, dict[str, Any]]:
        project = self._project(request, min_level)
        raw = request.match_info["iid"]
        issue = project.issues.get(int(raw)) if raw.isdigit() else None
        if issue is None:
            raise web.HTTPNotFound(text='{"message": "404 Issue Not Found"}', content_type="application/json")
        return project, issue

    async def list_issues(self, request: web.Request) -> web.Response:
        project = self._project(request)
        q = request.query
        found = [i for i in project.issues.values()
                 if q.get("state", "all") in ("all", i["state"])
                 and (not q.get("search") or q["search"] in (i["description"] or "") + i["title"])]
        return self._page(request, sorted(found, key=lambda i: i["iid"], reverse=True))

    async def create_issue(self, request: web.Request) -> web.Response:
        project = self._project(request, 15)
        data = await request.json()
        if not data.get("title"):
            return web.json_response({"error": "title is missing"}, status=400)
        iid = max(project.issues, default=0) + 1
        issue = {"id": next(self._ids), "iid": iid, "project_id": project.id, "title": data["title"],
                 "description": data.get("description"), "state": "opened",
                 "labels": [lb for lb in str(data.get("labels") or "").split(",") if lb], "notes": [],
                 "web_url": f"https://gitlab.example/{project.path}/-/issues/{iid}"}
        project.issues[iid] = issue
        return web.json_response(issue, status=201)

    async def update_issue(self, request: web.Request) -> web.Response:
        _, issue = self._issue(request, 15)
        event = (await request.json()).get("state_event")
        if event in ("close", "reopen"):
            issue["state"] = "closed" if event == "close" else "opened"
        return web.json_response(issue)

    async def create_issue_note(self, request: web.Request) -> web.Response:
        _, issue = self._issue(request, 10)
        body = (await request.json()).get("body")
        if not body:
            return web.json_response({"message": {"note": ["can't be blank"]}}, status=400)
        note = {**self._note(body), "noteable_type": "Issue"}
        issue["notes"].append(note)
        return web.json_response(note, status=201)

    async def award_emoji(self, request: web.Request) -> web.Response:
        project = self._project(request)
        iid, note_id = int(request.match_info["iid"]), int(request.match_info["note"])
        note = project.notes.get(iid, {}).get(note_id)
        if note is None:
            return web.json_response({"message": "404 Not found"}, status=404)
        name = (await request.json()).get("name")
        awards = note.setdefault("awards", [])
        if name in awards:
            return web.json_response({"message": "400 Bad request - Award Emoji has already been taken"}, status=400)
        awards.append(name)
        return web.json_response({"id": next(self._ids), "name": name, "awardable_id": note_id,
                                  "awardable_type": "Note"}, status=201)

    async def member(self, request: web.Request) -> web.Response:
        project = self._project(request)
        user = int(request.match_info["user"]) if request.match_info["user"].isdigit() else -1
        if user not in project.members:
            return web.json_response({"message": "404 Not found"}, status=404)
        info = project.member_info.get(user, {})
        return web.json_response({"id": user, "username": info.get("username", f"user{user}"),
                                  "name": info.get("username", f"user{user}").title(),
                                  "state": info.get("state", "active"), "access_level": project.members[user],
                                  "web_url": f"https://gitlab.example/{info.get('username', user)}"})

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
