"""The fake GitHub's repositories: Actions (runs, jobs, the 302 log redirect to a signed short-lived blob URL),
contents (a file, or a directory's entries), trees, compare, Git Data (blobs, trees, commits, refs), pulls, issue
comments, labels, check runs.

Real shapes and status codes: 201 on creation, 404 for unknown repositories and paths, 422 for a ref that
exists ("Reference already exists"), a PR that exists, or more than 50 annotations; Link paging on lists; an
expired log URL answers 403 with Azure's XML error body. `install(fake)` adds the routes before the server starts.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import hmac
import itertools
import json
import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aiohttp import web

if TYPE_CHECKING:
    from tests.fakes.github import FakeGitHub

LOG_URL_TTL = 60  # seconds a signed log URL lives (GitHub's are about a minute)
BLOB_KEY = b"fake-blob-signing-key"
EXPIRED_XML = (
    '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to '
    "authenticate the request. Make sure the value of Authorization header is formed correctly including the "
    "signature.\nSignedExpiry has expired</Message></Error>"
)


def blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # noqa: S324 - git's object id


def _obj_sha(kind: str, text: str) -> str:
    data = text.encode()
    return hashlib.sha1(f"{kind} {len(data)}\0".encode() + data).hexdigest()  # noqa: S324


@dataclass
class FakeRepo:
    full_name: str
    id: int
    default_branch: str = "main"
    blobs: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)  # sha -> {path: (mode, blob)}
    commits: dict[str, dict[str, Any]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # "heads/main" -> commit sha
    runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    jobs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # run id -> jobs (all attempts)
    logs: dict[int, bytes] = field(default_factory=dict)  # job id -> log text
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    check_runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    reruns: list[int] = field(default_factory=list)
    protected: set[str] = field(default_factory=set)  # protected branch names
    private: bool = False  # then a person's token sees it only with a role on it (else 404, as GitHub)
    workflows: dict[int, dict[str, Any]] = field(default_factory=dict)
    hooks: dict[int, dict[str, Any]] = field(default_factory=dict)  # repository webhooks (tests/fakes/github_hooks)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)  # number -> issue (numbers shared with pulls)
    issues_enabled: bool = True  # off: creating one answers 410 "Issues are disabled for this repo"

    # ---- building state
    def put_tree(self, files: dict[str, tuple[str, str]]) -> str:
        sha = _obj_sha("tree", repr(sorted(files.items())))
        self.trees[sha] = dict(files)
        return sha

    def commit(
        self, files: dict[str, str | bytes], *, parent: str | None = None, branch: str | None = None,
        message: str = "commit", replace: bool = False, modes: dict[str, str] | None = None,
    ) -> str:
        """A commit with `files` changed on top of `parent` (or only them, with replace=True); `modes` gives a
        file another git mode than 100644 (100755, 120000 a symbolic link whose content is its target, 160000 a
        submodule whose content is the commit it points at)."""
        base = {} if replace or parent is None else dict(self.trees[self.commits[parent]["tree"]])
        for path, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            sha = blob_sha(data)
            self.blobs[sha] = data
            base[path] = ((modes or {}).get(path, "100644"), sha)
        tree = self.put_tree(base)
        sha = _obj_sha("commit", f"{tree}{parent}{message}{len(self.commits)}")
        self.commits[sha] = {"tree": tree, "parents": [parent] if parent else [], "message": message}
        if branch:
            self.refs[f"heads/{branch}"] = sha
        return sha

    def files_at(self, commit_sha: str) -> dict[str, bytes]:
        tree = self.trees[self.commits[commit_sha]["tree"]]
        return {p: self.blobs[s] for p, (_, s) in tree.items()}

    def resolve(self, ref: str) -> str | None:
        """A commit sha from a sha, a branch name or heads/<branch>."""
        if ref in self.commits:
            return ref
        for key in (f"heads/{ref}", ref.removeprefix("refs/")):
            if key in self.refs:
                return self.refs[key]
        return None


@dataclass
class FakeRepos:
    """The repository part of the fake GitHub; reach it as `fake.repos`."""

    fake: FakeGitHub
    by_name: dict[str, FakeRepo] = field(default_factory=dict)
    ids: Any = field(default_factory=lambda: itertools.count(70_000))
    expire_next_log_urls: int = 0  # hand out this many log URLs already expired
    web: str = "https://github.com"

    def add(self, full_name: str, *, default_branch: str = "main", files: dict[str, str] | None = None) -> FakeRepo:
        repo = FakeRepo(full_name, next(self.ids), default_branch)
        self.by_name[full_name] = repo
        repo.commit(files or {"README.md": "hello\n"}, branch=default_branch, message="initial")
        return repo

    def add_run(
        self, repo: FakeRepo, *, head_sha: str, branch: str, conclusion: str, jobs: list[dict[str, Any]],
        workflow_id: int = 161335, name: str = "CI", path: str = ".github/workflows/ci.yml", event: str = "push",
        run_id: int | None = None, attempt: int = 1, head_repo: str | None = None,
    ) -> dict[str, Any]:
        """A workflow run with its jobs: each job dict has name, conclusion, steps [(name, conclusion)], log."""
        run_id = run_id or next(self.ids)
        run = {
            "id": run_id, "name": name, "head_branch": branch, "head_sha": head_sha, "path": path,
            "run_number": run_id % 1000, "event": event, "status": "completed", "conclusion": conclusion,
            "workflow_id": workflow_id, "run_attempt": attempt,
            "html_url": f"{self.web}/{repo.full_name}/actions/runs/{run_id}",
            "head_repository": {"full_name": head_repo or repo.full_name},
        }
        repo.runs[run_id] = run
        repo.workflows.setdefault(workflow_id, {
            "id": workflow_id, "node_id": f"W_{workflow_id}", "name": name, "path": path, "state": "active",
            "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
            "html_url": f"{self.web}/{repo.full_name}/blob/main/{path}",
            "badge_url": f"{self.web}/{repo.full_name}/workflows/{name}/badge.svg",
        })
        for spec in jobs:
            job_id = next(self.ids)
            steps = [
                {"name": s, "status": "completed", "conclusion": c, "number": i + 1,
                 "started_at": "2024-01-01T00:00:00Z", "completed_at": "2024-01-01T00:01:00Z"}
                for i, (s, c) in enumerate(spec.get("steps") or [("Run tests", spec["conclusion"])])
            ]
            repo.jobs.setdefault(run_id, []).append({
                "id": job_id, "run_id": run_id, "run_attempt": attempt, "name": spec["name"], "head_sha": head_sha,
                "status": "completed", "conclusion": spec["conclusion"], "steps": steps, "labels": ["ubuntu-latest"],
                "html_url": f"{self.web}/{repo.full_name}/actions/runs/{run_id}/job/{job_id}",
                "runner_name": "GitHub Actions 2", "workflow_name": name, "head_branch": branch,
            })
            repo.logs[job_id] = spec.get("log", b"")
        return run

    def add_pull(
        self, repo: FakeRepo, *, number: int, head_branch: str, head_sha: str, base_branch: str, base_sha: str,
        labels: list[str] = (), head_repo: str | None = None,
    ) -> dict[str, Any]:
        pr = {
            "number": number, "state": "open", "title": f"PR {number}",
            "html_url": f"{self.web}/{repo.full_name}/pull/{number}", "labels": [{"name": n} for n in labels],
            "head": {"ref": head_branch, "sha": head_sha,
                     "label": f"{(head_repo or repo.full_name).split('/')[0]}:{head_branch}",
                     "repo": {"full_name": head_repo or repo.full_name, "fork": head_repo is not None}},
            "base": {"ref": base_branch, "sha": base_sha, "repo": {"full_name": repo.full_name, "id": repo.id}},
            "user": {"login": "octocat"}, "body": "",
        }
        repo.pulls[number] = pr
        return pr

    def comments_on(self, repo: FakeRepo, number: int) -> list[dict[str, Any]]:
        return [c for c in repo.comments.values() if c["issue_number"] == number]

    # ---- plumbing
    def _repo(self, request: web.Request) -> FakeRepo | web.Response:
        token = self.fake.check_token(request)
        if isinstance(token, web.Response):
            return token
        name = f"{request.match_info['owner']}/{request.match_info['repo']}"
        repo = self.by_name.get(name)
        if repo is None or (repo.private and self.role(token, repo) is None):
            return self.fake.error(404, "Not Found")
        return repo

    def role(self, token: Any, repo: FakeRepo) -> str | None:
        """The token's role on the repository: a person's from `fake.oauth.repo_roles`; an installation token's
        "admin" (the App acts on what it is installed on); None: no access."""
        if token.kind == "installation":
            return "admin"
        roles = self.fake.oauth.repo_roles.get(int(token.subject), {})  # type: ignore[attr-defined]
        return roles.get(repo.full_name) or (None if repo.private else "pull")

    def _sig(self, job_id: int, expires: int) -> str:
        return hmac.new(BLOB_KEY, f"{job_id}:{expires}".encode(), hashlib.sha256).hexdigest()[:32]


def install(fake: FakeGitHub) -> None:
    """Register the repository routes on the fake (before it starts: aiohttp freezes its router)."""
    repos = FakeRepos(fake)
    fake.repos = repos  # type: ignore[attr-defined]
    r = fake.router
    base = "/repos/{owner}/{repo}"

    def route(method: str, path: str) -> Any:
        def register(handler: Any) -> Any:
            async def wrapped(request: web.Request) -> web.StreamResponse:
                repo = repos._repo(request)
                if isinstance(repo, web.Response):
                    return repo
                raw = await request.read()
                body = json.loads(raw) if raw else {}
                return await handler(request, repo, body)

            r.add_route(method, base + path, wrapped)
            return handler

        return register

    def error422(message: str, **extra: Any) -> web.Response:
        return web.json_response(
            {"message": message, "documentation_url": "https://docs.github.com/rest", **extra}, status=422
        )

    # ---- Actions
    @route("GET", "/actions/runs/{run_id}/jobs")
    async def list_jobs(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        run_id = int(request.match_info["run_id"])
        if run_id not in repo.runs:
            return fake.error(404, "Not Found")
        jobs = repo.jobs.get(run_id, [])
        if request.query.get("filter", "latest") == "latest" and jobs:
            latest = max(j["run_attempt"] for j in jobs)
            jobs = [j for j in jobs if j["run_attempt"] == latest]
        chunk, headers = paginate(request, jobs)
        return web.json_response({"total_count": len(jobs), "jobs": chunk}, headers=headers)

    @route("GET", "/actions/workflows/{workflow_id}/runs")
    async def list_workflow_runs(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        wid = request.match_info["workflow_id"]
        runs = [
            run for run in sorted(repo.runs.values(), key=lambda x: -x["id"])
            if str(run["workflow_id"]) == wid or run["path"].endswith("/" + wid)
        ]
        if "branch" in request.query:
            runs = [run for run in runs if run["head_branch"] == request.query["branch"]]
        status = request.query.get("status")
        if status:
            runs = [run for run in runs if run["conclusion"] == status or run["status"] == status]
        chunk, headers = paginate(request, runs)
        return web.json_response({"total_count": len(runs), "workflow_runs": chunk}, headers=headers)

    @route("GET", "/actions/jobs/{job_id}/logs")
    async def job_logs(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        job_id = int(request.match_info["job_id"])
        if job_id not in repo.logs:
            return fake.error(404, "Not Found")
        expires = int(fake.now()) + LOG_URL_TTL
        if repos.expire_next_log_urls > 0:
            repos.expire_next_log_urls -= 1
            expires = int(fake.now()) - 5
        location = f"{fake.url}/_blobs/job-logs/{job_id}?se={expires}&sig={repos._sig(job_id, expires)}"
        return web.Response(status=302, headers={"Location": location})

    @route("POST", "/actions/runs/{run_id}/rerun-failed-jobs")
    async def rerun(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        run_id = int(request.match_info["run_id"])
        if run_id not in repo.runs:
            return fake.error(404, "Not Found")
        repo.reruns.append(run_id)
        return web.json_response({}, status=201)

    async def log_blob(request: web.Request) -> web.StreamResponse:
        job_id = int(request.match_info["job_id"])
        try:
            expires = int(request.query.get("se", "0"))
        except ValueError:
            expires = 0
        if request.headers.get("Authorization"):
            return web.Response(status=400, text="<Error><Code>InvalidAuthenticationInfo</Code></Error>",
                                content_type="application/xml")
        if request.query.get("sig") != repos._sig(job_id, expires) or expires < fake.now():
            return web.Response(status=403, text=EXPIRED_XML, content_type="application/xml")
        data = next((rp.logs[job_id] for rp in repos.by_name.values() if job_id in rp.logs), None)
        if data is None:
            return web.Response(status=404, text="<Error><Code>BlobNotFound</Code></Error>",
                                content_type="application/xml")
        resp = web.StreamResponse(headers={"Content-Type": "text/plain; charset=utf-8"})
        resp.content_length = len(data)
        await resp.prepare(request)
        view = memoryview(data)
        for i in range(0, len(data), 256 * 1024):
            await resp.write(view[i : i + 256 * 1024])
        await resp.write_eof()
        return resp

    r.add_get("/_blobs/job-logs/{job_id}", log_blob)

    @route("GET", "/actions/workflows")
    async def list_workflows(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        items = [{**repo.workflows[k], "url": f"{fake.url}/repos/{repo.full_name}/actions/workflows/{k}"}
                 for k in sorted(repo.workflows)]
        chunk, headers = paginate(request, items)
        return web.json_response({"total_count": len(items), "workflows": chunk}, headers=headers)

    @route("GET", "/actions/runs/{run_id}/logs")
    async def run_logs(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        run_id = int(request.match_info["run_id"])
        if run_id not in repo.runs:
            return fake.error(404, "Not Found")
        expires = int(fake.now()) + LOG_URL_TTL
        location = f"{fake.url}/_blobs/run-logs/{run_id}?se={expires}&sig={repos._sig(-run_id, expires)}"
        return web.Response(status=302, headers={"Location": location})

    async def run_log_blob(request: web.Request) -> web.StreamResponse:
        run_id = int(request.match_info["run_id"])
        try:
            expires = int(request.query.get("se", "0"))
        except ValueError:
            expires = 0
        if request.query.get("sig") != repos._sig(-run_id, expires) or expires < fake.now():
            return web.Response(status=403, text=EXPIRED_XML, content_type="application/xml")
        repo = next((rp for rp in repos.by_name.values() if run_id in rp.runs), None)
        if repo is None:
            return web.Response(status=404, text="<Error><Code>BlobNotFound</Code></Error>",
                                content_type="application/xml")
        return web.Response(body=run_log_zip(repo, run_id), content_type="application/zip")

    r.add_get("/_blobs/run-logs/{run_id}", run_log_blob)

    # ---- contents, trees, compare, commits
    @route("GET", "/contents/{path:.+}")
    async def contents(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        sha = repo.resolve(request.query.get("ref", repo.default_branch))
        if sha is None:
            return fake.error(404, f"No commit found for the ref {request.query.get('ref')}")
        path = request.match_info.get("path", "").strip("/")
        tree = repo.trees[repo.commits[sha]["tree"]]
        if path not in tree:
            listing = directory(repo, tree, path)
            if listing is None:
                return fake.error(404, "Not Found")
            return web.json_response(listing)
        mode, blob = tree[path]
        if mode == "160000":
            return web.json_response({"type": "submodule", "size": 0, "path": path, "sha": repo.blobs[blob].decode()})
        if mode == "120000":  # as GitHub: a link to a file of the repository answers with that file's content
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), repo.blobs[blob].decode()))
            if target in tree and tree[target][0] != "120000":
                blob = tree[target][1]
            else:
                return web.json_response({"type": "symlink", "target": repo.blobs[blob].decode(), "path": path})
        data = repo.blobs[blob]
        encoded = base64.encodebytes(data).decode()  # GitHub wraps base64 at 60-76 columns
        return web.json_response({
            "type": "file", "encoding": "base64", "size": len(data), "name": path.rsplit("/", 1)[-1],
            "path": path, "content": encoded, "sha": blob,
        })

    route("GET", "/contents/")(contents)
    route("GET", "/contents")(contents)

    @route("GET", "/git/trees/{sha}")
    async def get_tree(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        ref = request.match_info["sha"]
        commit = repo.resolve(ref)
        tree_sha = repo.commits[commit]["tree"] if commit else (ref if ref in repo.trees else None)
        if tree_sha is None:
            return fake.error(404, "Not Found")
        entries: list[dict[str, Any]] = []
        dirs: set[str] = set()
        for path, (mode, sha) in sorted(repo.trees[tree_sha].items()):
            parts = path.split("/")
            for i in range(1, len(parts)):
                d = "/".join(parts[:i])
                if d not in dirs:
                    dirs.add(d)
                    entries.append({"path": d, "mode": "040000", "type": "tree", "sha": _obj_sha("tree", d)})
            if mode == "160000":
                entries.append({"path": path, "mode": mode, "type": "commit", "sha": repo.blobs[sha].decode()})
            else:
                entries.append({"path": path, "mode": mode, "type": "blob", "sha": sha, "size": len(repo.blobs[sha])})
        if not request.query.get("recursive"):
            entries = [e for e in entries if "/" not in e["path"]]
        return web.json_response({"sha": tree_sha, "tree": entries, "truncated": False})

    def file_changes(repo: FakeRepo, old: str, new: str) -> list[dict[str, Any]]:
        before, after = repo.files_at(old), repo.files_at(new)
        out = []
        for path in sorted(set(before) | set(after)):
            a, b = before.get(path), after.get(path)
            if a == b:
                continue
            status = "added" if a is None else "removed" if b is None else "modified"
            lines = list(difflib.unified_diff(
                (a or b"").decode(errors="replace").splitlines(), (b or b"").decode(errors="replace").splitlines(),
                lineterm="", n=3,
            ))[2:]
            adds = sum(1 for x in lines if x.startswith("+"))
            dels = sum(1 for x in lines if x.startswith("-"))
            out.append({"sha": blob_sha(b or b""), "filename": path, "status": status, "additions": adds,
                        "deletions": dels, "changes": adds + dels, "patch": "\n".join(lines)})
        return out

    @route("GET", "/compare/{basehead}")
    async def compare(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        base_ref, _, head_ref = request.match_info["basehead"].partition("...")
        base, head = repo.resolve(base_ref), repo.resolve(head_ref)
        if base is None or head is None:
            return fake.error(404, "Not Found")
        files = file_changes(repo, base, head)
        return web.json_response({
            "status": "ahead", "ahead_by": 1, "behind_by": 0, "total_commits": 1,
            "base_commit": {"sha": base}, "commits": [{"sha": head}], "files": files,
        })

    @route("GET", "/commits/{sha}")
    async def get_commit(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        sha = repo.resolve(request.match_info["sha"])
        if sha is None:
            return error422(f"No commit found for SHA: {request.match_info['sha']}")
        parents = repo.commits[sha]["parents"]
        files = file_changes(repo, parents[0], sha) if parents else []
        return web.json_response({"sha": sha, "commit": {"message": repo.commits[sha]["message"]},
                                  "parents": [{"sha": p} for p in parents], "files": files})

    # ---- Git Data
    @route("POST", "/git/blobs")
    async def create_blob(request: web.Request, repo: FakeRepo, body: Any) -> web.Response:
        content = body.get("content")
        if not isinstance(content, str):
            return error422("Invalid request.\n\n\"content\" wasn't supplied.")
        data = base64.b64decode(content) if body.get("encoding") == "base64" else content.encode()
        sha = blob_sha(data)
        repo.blobs[sha] = data
        return web.json_response({"sha": sha, "url": f"{fake.url}/repos/{repo.full_name}/git/blobs/{sha}"},
                                 status=201)

    @route("POST", "/git/trees")
    async def create_tree(request: web.Request, repo: FakeRepo, body: Any) -> web.Response:
        base_tree = body.get("base_tree")
        if base_tree is not None and base_tree not in repo.trees:
            return error422("Invalid tree info", errors=["base_tree is not a valid tree oid"])
        files = dict(repo.trees[base_tree]) if base_tree else {}
        for entry in body.get("tree") or []:
            path, mode = entry.get("path"), entry.get("mode")
            if not path or mode not in ("100644", "100755", "040000", "160000", "120000") or \
                    entry.get("type") not in ("blob", "tree", "commit"):
                return error422("Invalid tree info", errors=[f"tree.path/mode/type invalid for {path!r}"])
            if "content" in entry:
                data = str(entry["content"]).encode()
                sha = blob_sha(data)
                repo.blobs[sha] = data
            elif entry.get("sha") is None:
                files.pop(path, None)
                continue
            else:
                sha = entry["sha"]
                if sha not in repo.blobs:
                    return error422("Invalid tree info", errors=[f"tree.sha {sha} is not a valid blob"])
            files[path] = (mode, sha)
        sha = repo.put_tree(files)
        return web.json_response({"sha": sha, "url": f"{fake.url}/repos/{repo.full_name}/git/trees/{sha}",
                                  "tree": [{"path": p, "mode": m, "type": "blob", "sha": s}
                                           for p, (m, s) in sorted(files.items())], "truncated": False},
                                 status=201)

    @route("POST", "/git/commits")
    async def create_commit(request: web.Request, repo: FakeRepo, body: Any) -> web.Response:
        tree, parents = body.get("tree"), body.get("parents") or []
        if tree not in repo.trees:
            return error422("Tree SHA does not exist")
        if any(p not in repo.commits for p in parents):
            return error422("Parent SHA does not exist or is not a commit object")
        sha = _obj_sha("commit", f"{tree}{parents}{body.get('message')}{len(repo.commits)}")
        repo.commits[sha] = {"tree": tree, "parents": list(parents), "message": body.get("message", "")}
        return web.json_response({"sha": sha, "tree": {"sha": tree}, "parents": [{"sha": p} for p in parents],
                                  "message": body.get("message", "")}, status=201)

    @route("POST", "/git/refs")
    async def create_ref(request: web.Request, repo: FakeRepo, body: Any) -> web.Response:
        ref, sha = str(body.get("ref") or ""), body.get("sha")
        if not ref.startswith("refs/") or ref.count("/") < 2:
            return error422("Reference name must start with 'refs/' and have at least two slashes.")
        if sha not in repo.commits:
            return error422("Object does not exist")
        key = ref.removeprefix("refs/")
        if key in repo.refs:
            return error422("Reference already exists")
        repo.refs[key] = sha
        return web.json_response({"ref": ref, "object": {"sha": sha, "type": "commit"}}, status=201)

    @route("PATCH", "/git/refs/{ref:.+}")
    async def update_ref(request: web.Request, repo: FakeRepo, body: Any) -> web.Response:
        key = request.match_info["ref"]
        if key not in repo.refs:
            return error422("Reference does not exist")
        sha = body.get("sha")
        if sha not in repo.commits:
            return error422("Object does not exist")
        if not body.get("force") and repo.refs[key] not in _ancestors(repo, sha):
            return error422("Update is not a fast forward")
        repo.refs[key] = sha
        return web.json_response({"ref": f"refs/{key}", "object": {"sha": sha, "type": "commit"}})

    @route("GET", "/branches/{branch:.+}")
    async def get_branch(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        name = unquote(request.match_info["branch"])
        if f"heads/{name}" not in repo.refs:
            return fake.error(404, "Branch not found")
        return web.json_response({"name": name, "commit": {"sha": repo.refs[f"heads/{name}"]},
                                  "protected": name in repo.protected})

    # ---- pulls, comments, labels
    @route("GET", "/pulls/{number}")
    async def get_pull(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        pr = repo.pulls.get(int(request.match_info["number"]))
        return web.json_response(pr) if pr else fake.error(404, "Not Found")

    @route("GET", "/pulls")
    async def list_pulls(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        pulls = [p for p in repo.pulls.values() if p["state"] == request.query.get("state", "open")
                 or request.query.get("state") == "all"]
        if "head" in request.query:
            pulls = [p for p in pulls if p["head"]["label"] == request.query["head"]]
        chunk, headers = paginate(request, pulls)
        return web.json_response(chunk, headers=headers)

    @route("POST", "/pulls")
    async def create_pull(request: web.Request, repo: FakeRepo, body: Any) -> web.Response:
        head, base = str(body.get("head") or ""), str(body.get("base") or "")
        branch = head.split(":", 1)[-1]
        if f"heads/{branch}" not in repo.refs:
            return error422("Validation Failed", errors=[{"resource": "PullRequest", "field": "head",
                                                          "code": "invalid"}])
        if f"heads/{base}" not in repo.refs:
            return error422("Validation Failed", errors=[{"resource": "PullRequest", "field": "base",
                                                          "code": "invalid"}])
        owner = repo.full_name.split("/")[0]
        if any(p["head"]["label"] == f"{owner}:{branch}" and p["state"] == "open" for p in repo.pulls.values()):
            exists = f"A pull request already exists for {owner}:{branch}."
            return error422("Validation Failed", errors=[{"resource": "PullRequest", "code": "custom",
                                                          "message": exists}])
        number = max([0, *repo.pulls]) + 1
        pr = repos.add_pull(repo, number=number, head_branch=branch, head_sha=repo.refs[f"heads/{branch}"],
                            base_branch=base, base_sha=repo.refs[f"heads/{base}"])
        pr.update({"title": body.get("title"), "body": body.get("body")})
        return web.json_response(pr, status=201)

    @route("GET", "/issues")
    async def list_issues(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        state = request.query.get("state", "open")
        items = [i for i in sorted(repo.issues.values(), key=lambda i: -i["number"]) if state in ("all", i["state"])]
        chunk, headers = paginate(request, items)
        return web.json_response(chunk, headers=headers)

    @route("POST", "/issues")
    async def create_issue(request: web.Request, repo: FakeRepo, body: Any) -> web.Response:
        if not repo.issues_enabled:
            return fake.error(410, "Issues are disabled for this repo")
        if not body.get("title"):
            return error422("Validation Failed", errors=[{"resource": "Issue", "field": "title",
                                                          "code": "missing_field"}])
        number = max([0, *repo.pulls, *repo.issues]) + 1
        issue = {"id": next(repos.ids), "number": number, "state": "open", "state_reason": None,
                 "title": body["title"], "body": body.get("body"),
                 "labels": [{"name": n} for n in body.get("labels") or []], "user": {"login": "devflowfix[bot]"},
                 "html_url": f"{repos.web}/{repo.full_name}/issues/{number}"}
        repo.issues[number] = issue
        return web.json_response(issue, status=201)

    @route("PATCH", "/issues/{number}")
    async def update_issue(request: web.Request, repo: FakeRepo, body: Any) -> web.Response:
        issue = repo.issues.get(int(request.match_info["number"]))
        if issue is None:
            return fake.error(404, "Not Found")
        if body.get("state") not in (None, "open", "closed"):
            return error422("Validation Failed", errors=[{"resource": "Issue", "field": "state", "code": "invalid"}])
        issue["state"] = body.get("state", issue["state"])
        issue["state_reason"] = body.get("state_reason", issue["state_reason"])
        return web.json_response(issue)

    @route("POST", "/issues/{number}/comments")
    async def create_comment(request: web.Request, repo: FakeRepo, body: Any) -> web.Response:
        number = int(request.match_info["number"])
        if number not in repo.pulls and number not in repo.issues:
            return fake.error(404, "Not Found")
        if not body.get("body"):
            return error422("Validation Failed")
        cid = next(repos.ids)
        comment = {"id": cid, "issue_number": number, "body": body["body"],
                   "user": {"login": "devflowfix[bot]", "type": "Bot"},
                   "html_url": f"{repos.web}/{repo.full_name}/pull/{number}#issuecomment-{cid}"}
        repo.comments[cid] = comment
        return web.json_response(comment, status=201)

    @route("PATCH", "/issues/comments/{comment_id}")
    async def update_comment(request: web.Request, repo: FakeRepo, body: Any) -> web.Response:
        comment = repo.comments.get(int(request.match_info["comment_id"]))
        if comment is None:
            return fake.error(404, "Not Found")
        comment["body"] = body.get("body", comment["body"])
        return web.json_response(comment)

    @route("GET", "/issues/{number}/comments")
    async def list_comments(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        chunk, headers = paginate(request, repos.comments_on(repo, int(request.match_info["number"])))
        return web.json_response(chunk, headers=headers)

    @route("POST", "/issues/{number}/labels")
    async def add_labels(request: web.Request, repo: FakeRepo, body: Any) -> web.Response:
        pr = repo.pulls.get(int(request.match_info["number"]))
        if pr is None:
            return fake.error(404, "Not Found")
        names = [lb["name"] for lb in pr["labels"]]
        for name in body.get("labels") or []:
            if name not in names:
                pr["labels"].append({"name": name})
        return web.json_response(pr["labels"])

    # ---- check runs
    def check_output_ok(output: dict[str, Any] | None, actions: list[dict[str, Any]] | None = None) -> str | None:
        for action in actions or []:  # GitHub's limits on a check run's buttons
            if (len(actions or []) > 3 or not 0 < len(action.get("label") or "") <= 20
                    or not 0 < len(action.get("description") or "") <= 40
                    or not 0 < len(action.get("identifier") or "") <= 20):
                return "Invalid request.\n\nFor 'actions', the label, description or identifier is too long."
        if not output:
            return None
        if len(output.get("annotations") or []) > 50:
            return "Only 50 annotations may be sent per request"
        for a in output.get("annotations") or []:
            if not all(k in a for k in ("path", "start_line", "end_line", "annotation_level", "message")):
                return "Invalid annotation"
        return None

    @route("POST", "/check-runs")
    async def create_check_run(request: web.Request, repo: FakeRepo, body: Any) -> web.Response:
        if not body.get("name") or not body.get("head_sha"):
            return error422("Invalid request.\n\n\"name\", \"head_sha\" weren't supplied.")
        if body["head_sha"] not in repo.commits:
            return error422("No commit found for SHA: " + str(body["head_sha"]))
        problem = check_output_ok(body.get("output"), body.get("actions"))
        if problem:
            return error422(problem)
        cid = next(repos.ids)
        run = {"id": cid, "external_id": "", **body, "html_url": f"{repos.web}/{repo.full_name}/runs/{cid}"}
        repo.check_runs[cid] = run
        return web.json_response(run, status=201)

    @route("GET", "/commits/{ref}/check-runs")
    async def list_check_runs(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        sha = repo.resolve(request.match_info["ref"])
        if sha is None:
            return error422(f"No commit found for SHA: {request.match_info['ref']}")
        runs = [c for c in repo.check_runs.values() if c["head_sha"] == sha]
        if "check_name" in request.query:
            runs = [c for c in runs if c["name"] == request.query["check_name"]]
        chunk, headers = paginate(request, runs)
        return web.json_response({"total_count": len(runs), "check_runs": chunk}, headers=headers)

    @route("PATCH", "/check-runs/{check_run_id}")
    async def update_check_run(request: web.Request, repo: FakeRepo, body: Any) -> web.Response:
        run = repo.check_runs.get(int(request.match_info["check_run_id"]))
        if run is None:
            return fake.error(404, "Not Found")
        problem = check_output_ok(body.get("output"), body.get("actions"))
        if problem:
            return error422(problem)
        run.update(body)
        return web.json_response(run)


def directory(repo: FakeRepo, tree: dict[str, tuple[str, str]], path: str) -> list[dict[str, Any]] | None:
    """GitHub's listing of a directory (files and subdirectories, by name), None if there is no such directory."""
    prefix = f"{path}/" if path else ""
    entries: dict[str, dict[str, Any]] = {}
    for name, (mode, blob) in tree.items():
        if not name.startswith(prefix):
            continue
        rest = name[len(prefix):]
        head, sep, _ = rest.partition("/")
        full = prefix + head
        if sep:
            entries.setdefault(head, {"type": "dir", "name": head, "path": full, "size": 0,
                                      "sha": _obj_sha("tree", full)})
        else:
            kind = {"160000": "submodule", "120000": "symlink"}.get(mode, "file")
            entries[head] = {"type": kind, "name": head, "path": full, "size": len(repo.blobs[blob]), "sha": blob}
    if not entries:
        return None if path else []
    return [entries[k] for k in sorted(entries)]


def run_log_zip(repo: FakeRepo, run_id: int) -> bytes:
    """A run's logs as GitHub zips them: `{n}_{job}.txt` for each job, and `{job}/{n}_{step}.txt` for its steps."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for index, job in enumerate(repo.jobs.get(run_id, [])):
            text = repo.logs.get(job["id"], b"")
            zf.writestr(f"{index}_{job['name']}.txt", text)
            for step in job["steps"]:
                zf.writestr(f"{job['name']}/{step['number']}_{step['name']}.txt", text if step["number"] == 1 else b"")
    return out.getvalue()


def _ancestors(repo: FakeRepo, sha: str) -> set[str]:
    seen: set[str] = set()
    todo = [sha]
    while todo:
        cur = todo.pop()
        if cur in seen or cur not in repo.commits:
            continue
        seen.add(cur)
        todo.extend(repo.commits[cur]["parents"])
    return seen


def paginate(request: web.Request, items: list[Any]) -> tuple[list[Any], dict[str, str]]:
    from tests.fakes.github import paginate as _paginate

    return _paginate(request, items)
