"""The fake GitHub's repository endpoints for people and repository webhooks: `GET /repos/{o}/{r}`,
`GET /repositories/{id}`, `GET /user/repos`, and `/repos/{o}/{r}/hooks` (list, create, get, update, delete, ping).

As GitHub: a person's repository answer carries their `permissions`; hooks need admin on the repository and,
for a classic OAuth token or PAT, the `admin:repo_hook` (or `write:repo_hook`) scope, else 404; an App's tokens
(user-to-server or installation) without the `repository_hooks` permission get 403 "Resource not accessible by
integration"; creating answers 201, a second hook with the same URL 422 "Hook already exists on this
repository"; a hook's secret is never shown back ("********"). A ping is really delivered: the fake POSTs a
signed `ping` to the hook's URL (with `X-GitHub-Hook-ID`) and keeps the answer as the hook's `last_response`;
`deliver(repo, event, payload)` sends any event to a repository's hooks the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from tests.fakes.github_oauth import permissions_of

if TYPE_CHECKING:
    from tests.fakes.github import FakeGitHub
    from tests.fakes.github_repos import FakeRepo

HOOK_SCOPES = ("admin:repo_hook", "write:repo_hook")
DEFAULT_SCOPES = "repo, read:user"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def install(fake: FakeGitHub) -> None:
    r = fake.router
    repos = fake.repos  # type: ignore[attr-defined]
    fake.token_scopes = {}  # type: ignore[attr-defined]  # token -> "repo, admin:repo_hook" (legacy kinds)

    def scopes_of(token: Any) -> list[str]:
        value = fake.token_scopes.get(token.token, DEFAULT_SCOPES)  # type: ignore[attr-defined]
        return [s.strip() for s in value.split(",") if s.strip()]

    def describe(repo: FakeRepo, token: Any) -> dict[str, Any]:
        owner, name = repo.full_name.split("/", 1)
        role = repos.role(token, repo)
        answer = {
            "id": repo.id, "node_id": f"R_{repo.id}", "name": name, "full_name": repo.full_name,
            "private": repo.private, "owner": {"login": owner, "id": 1, "type": "Organization"},
            "html_url": f"{repos.web}/{repo.full_name}", "default_branch": repo.default_branch,
            "visibility": "private" if repo.private else "public",
        }
        if token.kind != "installation" and role is not None:
            answer["permissions"] = permissions_of(role)
        return answer

    def looked_up(request: web.Request) -> tuple[Any, FakeRepo] | web.Response:
        token = fake.check_token(request)
        if isinstance(token, web.Response):
            return token
        repo = repos.by_name.get(f"{request.match_info['owner']}/{request.match_info['repo']}")
        if repo is None or (repo.private and repos.role(token, repo) is None):
            return fake.error(404, "Not Found")
        return token, repo

    def may_manage_hooks(token: Any, repo: FakeRepo) -> web.Response | None:
        if token.kind in ("user", "installation"):
            return fake.error(403, "Resource not accessible by integration")
        if repos.role(token, repo) != "admin" or not any(s in scopes_of(token) for s in HOOK_SCOPES):
            return fake.error(404, "Not Found")
        return None

    def shown(repo: FakeRepo, hook: dict[str, Any]) -> dict[str, Any]:
        config = {k: v for k, v in hook["config"].items() if k != "secret"}
        if hook["config"].get("secret"):
            config["secret"] = "********"
        base = f"{fake.url}/repos/{repo.full_name}/hooks/{hook['id']}"
        return {
            "type": "Repository", "id": hook["id"], "name": "web", "active": hook["active"], "events": hook["events"],
            "config": config, "updated_at": "2024-01-01T00:00:00Z", "created_at": "2024-01-01T00:00:00Z",
            "url": base, "test_url": f"{base}/test", "ping_url": f"{base}/pings",
            "deliveries_url": f"{base}/deliveries",
            "last_response": hook["last_response"],
        }

    async def get_repo(request: web.Request) -> web.Response:
        found = looked_up(request)
        if isinstance(found, web.Response):
            return found
        token, repo = found
        return web.json_response(describe(repo, token))

    async def get_repo_by_id(request: web.Request) -> web.Response:
        token = fake.check_token(request)
        if isinstance(token, web.Response):
            return token
        try:
            wanted = int(request.match_info["id"])
        except ValueError:
            return fake.error(404, "Not Found")
        repo = next((rp for rp in repos.by_name.values() if rp.id == wanted), None)
        if repo is None or (repo.private and repos.role(token, repo) is None):
            return fake.error(404, "Not Found")
        return web.json_response(describe(repo, token))

    async def user_repos(request: web.Request) -> web.Response:
        """`GET /user/repos`: the repositories the person is a collaborator on (as their legacy token shows
        them), with `permissions`, paged; an installation token is refused as GitHub does."""
        from tests.fakes.github_repos import paginate

        token = fake.check_token(request)
        if isinstance(token, web.Response):
            return token
        if token.kind == "installation":
            return fake.error(403, "Resource not accessible by integration")
        roles = fake.oauth.repo_roles.get(int(token.subject), {})  # type: ignore[attr-defined]
        mine = [describe(repos.by_name[name], token) for name in sorted(roles) if name in repos.by_name]
        page, headers = paginate(request, mine)
        return web.json_response(page, headers=headers)

    async def list_hooks(request: web.Request) -> web.Response:
        found = looked_up(request)
        if isinstance(found, web.Response):
            return found
        token, repo = found
        refused = may_manage_hooks(token, repo)
        if refused is not None:
            return refused
        from tests.fakes.github import paginate

        chunk, headers = paginate(request, [shown(repo, h) for _, h in sorted(repo.hooks.items())])
        return web.json_response(chunk, headers=headers)

    async def create_hook(request: web.Request) -> web.Response:
        found = looked_up(request)
        if isinstance(found, web.Response):
            return found
        token, repo = found
        refused = may_manage_hooks(token, repo)
        if refused is not None:
            return refused
        try:
            body = await request.json()
        except ValueError:
            return fake.error(400, "Problems parsing JSON")
        config = body.get("config") if isinstance(body, dict) else None
        if not isinstance(config, dict) or not isinstance(config.get("url"), str) or not config["url"]:
            return web.json_response({"message": "Validation Failed", "errors": [
                {"resource": "Hook", "code": "custom", "message": "Config must contain URL for webhooks"}],
                "documentation_url": "https://docs.github.com/rest"}, status=422)
        if any(h["config"].get("url") == config["url"] for h in repo.hooks.values()):
            return web.json_response({"message": "Validation Failed", "errors": [
                {"resource": "Hook", "code": "custom", "message": "Hook already exists on this repository"}],
                "documentation_url": "https://docs.github.com/rest"}, status=422)
        hook_id = next(fake.ids) + 400_000_000
        repo.hooks[hook_id] = {
            "id": hook_id, "active": bool(body.get("active", True)), "events": list(body.get("events") or ["push"]),
            "config": dict(config), "last_response": {"code": None, "status": "unused", "message": None},
            "created_by": token.token,
        }
        return web.json_response(shown(repo, repo.hooks[hook_id]), status=201)

    def hook_of(request: web.Request) -> tuple[Any, FakeRepo, dict[str, Any]] | web.Response:
        found = looked_up(request)
        if isinstance(found, web.Response):
            return found
        token, repo = found
        refused = may_manage_hooks(token, repo)
        if refused is not None:
            return refused
        try:
            hook = repo.hooks.get(int(request.match_info["hook_id"]))
        except ValueError:
            hook = None
        if hook is None:
            return fake.error(404, "Not Found")
        return token, repo, hook

    async def get_hook(request: web.Request) -> web.Response:
        found = hook_of(request)
        if isinstance(found, web.Response):
            return found
        _, repo, hook = found
        return web.json_response(shown(repo, hook))

    async def update_hook(request: web.Request) -> web.Response:
        found = hook_of(request)
        if isinstance(found, web.Response):
            return found
        _, repo, hook = found
        body = await request.json()
        if isinstance(body.get("config"), dict):
            hook["config"].update(body["config"])
        if "events" in body:
            hook["events"] = list(body["events"])
        if "active" in body:
            hook["active"] = bool(body["active"])
        return web.json_response(shown(repo, hook))

    async def delete_hook(request: web.Request) -> web.Response:
        found = hook_of(request)
        if isinstance(found, web.Response):
            return found
        _, repo, hook = found
        del repo.hooks[hook["id"]]
        return web.Response(status=204)

    async def ping_hook(request: web.Request) -> web.Response:
        found = hook_of(request)
        if isinstance(found, web.Response):
            return found
        token, repo, hook = found
        payload = {"zen": "Design for failure.", "hook_id": hook["id"], "hook": shown(repo, hook),
                   "repository": describe(repo, token), "sender": {"login": "octocat", "id": 1}}
        await send(repo, hook, "ping", payload)
        return web.Response(status=204)

    async def send(repo: FakeRepo, hook: dict[str, Any], event: str, payload: dict[str, Any]) -> int | None:
        body = json.dumps(payload).encode()
        headers = {
            "Content-Type": "application/json", "User-Agent": "GitHub-Hookshot/fake", "X-GitHub-Event": event,
            "X-GitHub-Delivery": str(uuid.uuid4()), "X-GitHub-Hook-ID": str(hook["id"]),
            "X-GitHub-Hook-Installation-Target-Type": "repository",
            "X-GitHub-Hook-Installation-Target-ID": str(repo.id),
        }
        secret = hook["config"].get("secret")
        if secret:
            headers["X-Hub-Signature-256"] = signature(str(secret), body)
        try:
            async with aiohttp.ClientSession() as http, http.post(hook["config"]["url"], data=body,
                                                                  headers=headers) as resp:
                await resp.read()
                ok = resp.status < 300
                hook["last_response"] = {"code": resp.status, "status": "active" if ok else "failed",
                                         "message": "OK" if ok else f"Invalid HTTP Response: {resp.status}"}
                return resp.status
        except aiohttp.ClientError as exc:
            hook["last_response"] = {"code": 502, "status": "failed", "message": f"failed to connect ({exc})"}
            return None

    async def deliver(repo: FakeRepo, event: str, payload: dict[str, Any]) -> list[int | None]:
        """Send `event` to every active hook of the repository that subscribes to it; their answers' statuses."""
        return [await send(repo, hook, event, payload) for hook in list(repo.hooks.values())
                if hook["active"] and (event in hook["events"] or "*" in hook["events"] or event == "ping")]

    fake.deliver = deliver  # type: ignore[attr-defined]
    r.add_get("/repos/{owner}/{repo}", get_repo)
    r.add_get("/user/repos", user_repos)
    r.add_get("/repositories/{id}", get_repo_by_id)
    r.add_get("/repos/{owner}/{repo}/hooks", list_hooks)
    r.add_post("/repos/{owner}/{repo}/hooks", create_hook)
    r.add_get("/repos/{owner}/{repo}/hooks/{hook_id}", get_hook)
    r.add_patch("/repos/{owner}/{repo}/hooks/{hook_id}", update_hook)
    r.add_delete("/repos/{owner}/{repo}/hooks/{hook_id}", delete_hook)
    r.add_post("/repos/{owner}/{repo}/hooks/{hook_id}/pings", ping_hook)
