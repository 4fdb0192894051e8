"""The fake GitHub's routes for slash commands: a commit's workflow runs (`GET /actions/runs?head_sha=`, Link
paging) and one run (`GET /actions/runs/{id}`, 404 when unknown), reactions on issue comments (201 on creation,
200 when the same person's reaction exists, 422 for an unknown content), people's comments, and taking a label
off (200 with the labels left, 404 if it was not on).

`install(fake)` adds them before the server starts (after `github_repos.install`, whose repositories it uses).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.fakes.github_repos import FakeRepo, paginate

if TYPE_CHECKING:
    from tests.fakes.github import FakeGitHub

REACTIONS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")
BOT_LOGIN = "devflowfix[bot]"


@dataclass
class FakeCommands:
    """Reach it as `fake.commands`: reactions per comment id, and helpers that add people's comments."""

    fake: FakeGitHub
    reactions: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # login -> role on every repository of the fake; anyone not listed has "write" (the usual commander)
    roles: dict[str, str] = field(default_factory=dict)

    def add_comment(self, repo: FakeRepo, number: int, body: str, *, login: str = "octocat",
                    association: str = "OWNER", user_type: str = "User") -> dict[str, Any]:
        """A comment by a person (or a bot) on issue/PR `number`, as the API stores it."""
        cid = next(self.fake.repos.ids)  # type: ignore[attr-defined]
        comment = {"id": cid, "issue_number": number, "body": body, "author_association": association,
                   "user": {"login": login, "type": user_type, "id": abs(hash(login)) % 10**7},
                   "html_url": f"https://github.com/{repo.full_name}/pull/{number}#issuecomment-{cid}"}
        repo.comments[cid] = comment
        return comment

    def reactions_on(self, comment_id: int) -> list[str]:
        return [r["content"] for r in self.reactions.get(comment_id, [])]


def _pulls_of(repo: FakeRepo, run: dict[str, Any]) -> list[dict[str, Any]]:
    """As GitHub: the open PRs of this repository whose head is the run's commit (never a fork's)."""
    return [
        {"number": p["number"], "url": f"/repos/{repo.full_name}/pulls/{p['number']}",
         "head": {"ref": p["head"]["ref"], "sha": p["head"]["sha"], "repo": {"id": repo.id, "name": "x"}},
         "base": {"ref": p["base"]["ref"], "sha": p["base"]["sha"], "repo": {"id": repo.id, "name": "x"}}}
        for p in repo.pulls.values()
        if p["state"] == "open" and p["head"]["sha"] == run["head_sha"] and not p["head"]["repo"].get("fork")
    ]


def install(fake: FakeGitHub) -> None:
    commands = FakeCommands(fake)
    fake.commands = commands  # type: ignore[attr-defined]
    repos = fake.repos  # type: ignore[attr-defined]
    base = "/repos/{owner}/{repo}"

    def route(method: str, path: str) -> Any:
        def register(handler: Any) -> Any:
            async def wrapped(request: web.Request) -> web.StreamResponse:
                repo = repos._repo(request)
                if isinstance(repo, web.Response):
                    return repo
                raw = await request.read()
                return await handler(request, repo, json.loads(raw) if raw else {})

            fake.router.add_route(method, base + path, wrapped)
            return handler

        return register

    @route("GET", "/collaborators/{login}/permission")
    async def collaborator_permission(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        login = request.match_info["login"]
        role = commands.roles.get(login, "write")
        if role == "none":
            return fake.error(404, "Not Found")
        legacy = {"maintain": "write", "triage": "read"}.get(role, role)
        return web.json_response({"permission": legacy, "role_name": role, "user": {"login": login}})

    @route("GET", "/actions/runs")
    async def list_runs(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        runs = sorted(repo.runs.values(), key=lambda r: -r["id"])
        for key in ("head_sha", "branch", "event"):
            if key in request.query:
                field_name = "head_branch" if key == "branch" else key
                runs = [r for r in runs if r[field_name] == request.query[key]]
        status = request.query.get("status")
        if status:
            runs = [r for r in runs if status in (r["conclusion"], r["status"])]
        chunk, headers = paginate(request, runs)
        items = [{**r, "pull_requests": _pulls_of(repo, r), "repository": {"id": repo.id,
                                                                              "full_name": repo.full_name}}
                 for r in chunk]
        return web.json_response({"total_count": len(runs), "workflow_runs": items}, headers=headers)

    @route("GET", "/actions/runs/{run_id}")
    async def get_run(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        run = repo.runs.get(int(request.match_info["run_id"])) if request.match_info["run_id"].isdigit() else None
        if run is None:
            return fake.error(404, "Not Found")
        return web.json_response({**run, "pull_requests": _pulls_of(repo, run),
                                  "repository": {"id": repo.id, "full_name": repo.full_name}})

    @route("POST", "/issues/comments/{comment_id}/reactions")
    async def add_reaction(request: web.Request, repo: FakeRepo, body: Any) -> web.Response:
        cid = int(request.match_info["comment_id"])
        if cid not in repo.comments:
            return fake.error(404, "Not Found")
        content = body.get("content")
        if content not in REACTIONS:
            return web.json_response({"message": "Validation Failed", "errors": [
                {"resource": "Reaction", "code": "custom", "field": "content",
                 "message": "content is not included in the list"}]}, status=422)
        existing = [r for r in commands.reactions.get(cid, []) if r["content"] == content
                    and r["user"]["login"] == BOT_LOGIN]
        if existing:
            return web.json_response(existing[0], status=200)
        reaction = {"id": next(repos.ids), "content": content, "user": {"login": BOT_LOGIN, "type": "Bot"}}
        commands.reactions.setdefault(cid, []).append(reaction)
        return web.json_response(reaction, status=201)

    @route("GET", "/issues/comments/{comment_id}")
    async def get_comment(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        comment = repo.comments.get(int(request.match_info["comment_id"]))
        return web.json_response(comment) if comment else fake.error(404, "Not Found")

    @route("DELETE", "/issues/{number}/labels/{name}")
    async def remove_label(request: web.Request, repo: FakeRepo, _: Any) -> web.Response:
        pr = repo.pulls.get(int(request.match_info["number"]))
        if pr is None:
            return fake.error(404, "Not Found")
        name = request.match_info["name"]
        if all(lb["name"] != name for lb in pr["labels"]):
            return fake.error(404, "Label does not exist")
        pr["labels"] = [lb for lb in pr["labels"] if lb["name"] != name]
        return web.json_response(pr["labels"], status=200)
