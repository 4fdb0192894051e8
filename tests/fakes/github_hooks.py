"""The fake GitHub's repository endpoints for people and repository webhooks: `GET /repos/{o}/{r}`,
`GET /repositories/{id}`, `GET /user/repos`, and `/repos/{o}/{r}/hooks` (list, create, get, update, delete, ping).

As GitHub: a person's repository answer carries their `permissions`; hooks need admin on the repository and,
for a classic OAuth token or PAT, the `admin:repo_hook` (or `write:repo_hook`) scope, else 404; an App's tokens
(user-to-server or installation) without the `repository_hooks` permission get 403 "Resource not accessible by
integration"; creating answers 201, a second hook with the same URL 422 "Hook already exists on this
repository"; a hook's secret is never shown back ("********"). A ping is really delivered: the fake POSTs a
signed `ping` to the hook's URL (with `X-GitHub-Hook-ID`) and keeps the answer as the hook's `last_response`;
`deliver(repo, event, payload)` sends any event to a repository's hooks the same way. Every attempt is kept as
the hook's delivery (`GET …/hooks/{id}/deliveries`, newest first, paged by cursor); `hook_delivery(...)` records
one that was never sent (lost on the way); `POST …/deliveries/{id}/attempts` redelivers it (202) and sends it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from tests.fakes.github_app import cursor_page, fake_now
from tests.fakes.github_oauth import permissions_of

if TYPE_CHECKING:
    from tests.fakes.github import FakeGitHub
    from tests.fakes.github_repos import FakeRepo

HookHandler = Callable[[web.Request, Any, "FakeRepo", dict[str, Any]], Awaitable[web.Response]]
HOOK_SCOPES = ("admin:repo_hook", "write:repo_hook")
HOOK_LIMIT = 20
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

    def managed(request: web.Request) -> tuple[Any, FakeRepo] | web.Response:
        """The token and the repository, if the token may manage the repository's hooks (else GitHub's refusal)."""
        found = looked_up(request)
        if isinstance(found, web.Response):
            return found
        return may_manage_hooks(*found) or found

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
        found = managed(request)
        if isinstance(found, web.Response):
            return found
        _, repo = found
        from tests.fakes.github import paginate

        chunk, headers = paginate(request, [shown(repo, h) for _, h in sorted(repo.hooks.items())])
        return web.json_response(chunk, headers=headers)

    async def create_hook(request: web.Request) -> web.Response:
        found = managed(request)
        if isinstance(found, web.Response):
            return found
        token, repo = found
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
        if len(repo.hooks) >= HOOK_LIMIT:  # GitHub's limit of webhooks per event on a repository
            return web.json_response({"message": "Validation Failed", "errors": [
                {"resource": "Hook", "code": "custom", "message": "The \"push\" event cannot have more than 20 hooks"}],
                "documentation_url": "https://docs.github.com/rest"}, status=422)
        hook_id = next(fake.ids) + 400_000_000
        repo.hooks[hook_id] = {
            "id": hook_id, "active": bool(body.get("active", True)), "events": list(body.get("events") or ["push"]),
            "config": dict(config), "last_response": {"code": None, "status": "unused", "message": None},
            "created_by": token.token,
        }
        return web.json_response(shown(repo, repo.hooks[hook_id]), status=201)

    def on_hook(handle: HookHandler) -> Callable[[web.Request], Awaitable[web.Response]]:
        """A handler of `/hooks/{hook_id}`: called with the token, the repository and the hook, once the token may
        manage the repository's hooks and the hook exists (else GitHub's 404 or 403)."""

        async def handler(request: web.Request) -> web.Response:
            found = managed(request)
            if isinstance(found, web.Response):
                return found
            token, repo = found
            hook_id = request.match_info["hook_id"]
            hook = repo.hooks.get(int(hook_id)) if hook_id.isdigit() else None
            if hook is None:
                return fake.error(404, "Not Found")
            return await handle(request, token, repo, hook)

        return handler

    @on_hook
    async def get_hook(request: web.Request, token: Any, repo: FakeRepo, hook: dict[str, Any]) -> web.Response:
        return web.json_response(shown(repo, hook))

    @on_hook
    async def update_hook(request: web.Request, token: Any, repo: FakeRepo, hook: dict[str, Any]) -> web.Response:
        body = await request.json()
        if isinstance(body.get("config"), dict):
            hook["config"].update(body["config"])
        if "events" in body:
            hook["events"] = list(body["events"])
        if "active" in body:
            hook["active"] = bool(body["active"])
        return web.json_response(shown(repo, hook))

    @on_hook
    async def delete_hook(request: web.Request, token: Any, repo: FakeRepo, hook: dict[str, Any]) -> web.Response:
        del repo.hooks[hook["id"]]
        return web.Response(status=204)

    @on_hook
    async def ping_hook(request: web.Request, token: Any, repo: FakeRepo, hook: dict[str, Any]) -> web.Response:
        payload = {"zen": "Design for failure.", "hook_id": hook["id"], "hook": shown(repo, hook),
                   "repository": describe(repo, token), "sender": {"login": "octocat", "id": 1}}
        await send(repo, hook, "ping", payload)
        return web.Response(status=204)

    def hook_delivery(hook: dict[str, Any], status_code: int, event: str, *, guid: str, payload: dict[str, Any],
                      redelivery: bool = False, delivered_at: str | None = None) -> dict[str, Any]:
        """Record one attempt at delivering `payload` to the hook (its answer `status_code`, 0: none)."""
        kept = hook.setdefault("deliveries", [])
        item = {"id": max([0, *(d["id"] for d in kept)]) + 1, "guid": guid, "redelivery": redelivery,
                "delivered_at": delivered_at or fake_now(), "duration": 0.2, "status_code": status_code,
                "status": "OK" if 200 <= status_code < 300 else f"Invalid HTTP Response: {status_code}",
                "event": event, "action": payload.get("action"), "installation_id": None, "repository_id": None,
                "payload": payload}
        kept.insert(0, item)
        return item

    async def send(repo: FakeRepo, hook: dict[str, Any], event: str, payload: dict[str, Any], *,
                   guid: str | None = None, redelivery: bool = False) -> int | None:
        body = json.dumps(payload).encode()
        guid = guid or str(uuid.uuid4())
        headers = {
            "Content-Type": "application/json", "User-Agent": "GitHub-Hookshot/fake", "X-GitHub-Event": event,
            "X-GitHub-Delivery": guid, "X-GitHub-Hook-ID": str(hook["id"]),
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
                hook_delivery(hook, resp.status, event, guid=guid, payload=payload, redelivery=redelivery)
                return resp.status
        except aiohttp.ClientError as exc:
            hook["last_response"] = {"code": 502, "status": "failed", "message": f"failed to connect ({exc})"}
            hook_delivery(hook, 0, event, guid=guid, payload=payload, redelivery=redelivery)
            return None

    @on_hook
    async def list_deliveries(request: web.Request, token: Any, repo: FakeRepo, hook: dict[str, Any]) -> web.Response:
        shown_items = [{k: v for k, v in d.items() if k != "payload"} for d in hook.get("deliveries", [])]
        return cursor_page(request, shown_items)

    @on_hook
    async def redeliver(request: web.Request, token: Any, repo: FakeRepo, hook: dict[str, Any]) -> web.Response:
        wanted = request.match_info["delivery_id"]
        original = next((d for d in hook.get("deliveries", []) if str(d["id"]) == wanted), None)
        if original is None:
            return fake.error(404, "Not Found")
        fake.hook_redelivered.append(original["guid"])  # type: ignore[attr-defined]
        await send(repo, hook, original["event"], original["payload"], guid=original["guid"], redelivery=True)
        return web.json_response({}, status=202)

    async def deliver(repo: FakeRepo, event: str, payload: dict[str, Any]) -> list[int | None]:
        """Send `event` to every active hook of the repository that subscribes to it; their answers' statuses."""
        return [await send(repo, hook, event, payload) for hook in list(repo.hooks.values())
                if hook["active"] and (event in hook["events"] or "*" in hook["events"] or event == "ping")]

    fake.deliver = deliver  # type: ignore[attr-defined]
    fake.hook_delivery = hook_delivery  # type: ignore[attr-defined]
    fake.hook_redelivered = []  # type: ignore[attr-defined]  # the guids redelivered, in order
    r.add_get("/repos/{owner}/{repo}/hooks/{hook_id}/deliveries", list_deliveries)
    r.add_post("/repos/{owner}/{repo}/hooks/{hook_id}/deliveries/{delivery_id}/attempts", redeliver)
    r.add_get("/repos/{owner}/{repo}", get_repo)
    r.add_get("/user/repos", user_repos)
    r.add_get("/repositories/{id}", get_repo_by_id)
    r.add_get("/repos/{owner}/{repo}/hooks", list_hooks)
    r.add_post("/repos/{owner}/{repo}/hooks", create_hook)
    r.add_get("/repos/{owner}/{repo}/hooks/{hook_id}", get_hook)
    r.add_patch("/repos/{owner}/{repo}/hooks/{hook_id}", update_hook)
    r.add_delete("/repos/{owner}/{repo}/hooks/{hook_id}", delete_hook)
    r.add_post("/repos/{owner}/{repo}/hooks/{hook_id}/pings", ping_hook)
