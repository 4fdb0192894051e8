"""The Repositories page (`/repositories`): everything the person can reach on GitHub (watched or not) and the
GitLab projects they maintain; search, filters by provider, owner and monitoring, paging; monitoring and auto-PR
toggles, batch enable/disable, status, a "test webhook" button with its result, and a Connect button for a GitHub
repository the App is not installed on (a repository webhook installed with the person's legacy token).

Changes go through the API's own functions: `apply_settings`/`apply_batch` (bot/web/repositories.py,
bot/web/repository_list.py), `connect` (bot/web/repository_hooks.py) and the GitLab projects handlers
(bot/web/gitlab_projects.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aiohttp import web

from bot.console.render import error_text, form_of, json_of, page_user, render
from bot.web import gitlab_projects, repository_hooks
from bot.web.repositories import apply_settings, repository_in_path
from bot.web.repository_list import Filters, apply_batch, filters_of, find
from bot.web.sessions import SignedIn, fail, services_of
from storage.repositories import SETTINGS

LIST_KEYS = ("q", "provider", "owner", "monitoring", "page", "per_page")
PAGE_SIZE = "20"
TOGGLES = {"is_enabled": "monitoring", "auto_pr_enabled": "auto-PR"}
BATCH_ACTIONS = {
    "monitoring-on": ("is_enabled", True), "monitoring-off": ("is_enabled", False),
    "auto-pr-on": ("auto_pr_enabled", True), "auto-pr-off": ("auto_pr_enabled", False),
}


def list_query(values: Mapping[str, Any]) -> str:
    """The list's own query string (only its known keys), to come back to the same view after a change."""
    kept = {k: str(values[k])[:100] for k in LIST_KEYS if isinstance(values.get(k), str) and values.get(k)}
    return urlencode(kept)


def back_to_list(form: Mapping[str, Any], done: str | None = None) -> str:
    raw = form.get("back")
    values = dict(parse_qsl(raw if isinstance(raw, str) else "", keep_blank_values=False)[:20])
    query = list_query(values)
    if done:
        query = f"{query}&done={done}" if query else f"done={done}"
    return "/repositories" + (f"?{query}" if query else "")


async def _gitlab_projects(request: web.Request, who: SignedIn, filters: Filters) -> tuple[list[dict[str, Any]],
                                                                                         str | None]:
    """The GitLab projects the person maintains (GitLab's answer), filtered like the list; or why not."""
    if filters.provider not in (None, "gitlab"):
        return [], None
    rows = await services_of(request).db.connections.for_user(who.user.id, provider="gitlab", kinds=["gitlab_oauth"],
                                                              active_only=True)
    if not rows:
        return [], None
    try:
        listed = json_of(await gitlab_projects.list_projects(request))
    except web.HTTPException as exc:
        return [], error_text(exc)
    projects = [p for p in listed.get("projects", []) if isinstance(p, dict)]
    wanted = []
    for project in projects:
        name = str(project.get("full_name") or "")
        monitoring = bool(project.get("connected"))
        if filters.matches("gitlab", name, monitoring):
            wanted.append(project)
    return wanted, None


async def repositories_page(request: web.Request, *, test_result: dict[str, Any] | None = None,
                            status: int = 200) -> web.StreamResponse:
    """GET /repositories?q=&provider=&owner=&monitoring=&page=&per_page="""
    who = await page_user(request)
    query = dict(request.query)
    query.setdefault("per_page", PAGE_SIZE)
    request_query: dict[str, str] = dict(request.query)
    request_query.setdefault("per_page", PAGE_SIZE)
    page, per_page = _paging(request_query)
    filters = filters_of(request.query)
    filters = Filters(q=filters.q, provider=filters.provider, owner=filters.owner, monitoring=filters.monitoring,
                      include_unwatched=True)
    problem = None
    try:
        listed = await find(request, who, filters, page, per_page)
    except web.HTTPException as exc:
        if exc.status not in (409, 502):
            raise
        problem = error_text(exc)
        listed = await find(request, who, Filters(q=filters.q, provider="gitlab", owner=filters.owner,
                                                  monitoring=filters.monitoring), page, per_page)
    projects, gitlab_problem = await _gitlab_projects(request, who, filters)
    here = list_query(request_query)
    total = listed["total"]
    pages = max(1, -(-total // per_page))
    context = {
        "repositories": listed["repositories"], "total": total, "page": page, "per_page": per_page, "pages": pages,
        "next_page": listed["next_page"], "owners": listed.get("owners", []), "filters": filters,
        "problem": problem, "gitlab_projects": projects, "gitlab_problem": gitlab_problem, "back": here,
        "prev_url": _page_url(request_query, page - 1) if page > 1 else None,
        "next_url": _page_url(request_query, page + 1) if listed["next_page"] else None,
        "test_result": test_result, "query": query,
    }
    return render(request, "repositories.html", context, who, status=status)


def _paging(query: Mapping[str, str]) -> tuple[int, int]:
    values = []
    for name, default, top in (("page", 1, 1_000_000), ("per_page", 20, 100)):
        raw = query.get(name, str(default))
        if not raw.isdigit() or len(raw) > 7 or not 1 <= int(raw) <= top:
            fail(400, f"{name} must be a whole number from 1 to {top}")
        values.append(int(raw))
    return values[0], values[1]


def _page_url(query: Mapping[str, str], page: int) -> str:
    values = {k: v for k, v in query.items() if k in LIST_KEYS}
    values["page"] = str(page)
    return "/repositories?" + list_query(values)


async def change_setting(request: web.Request) -> web.StreamResponse:
    """POST /repositories/{id}/settings (CSRF): form fields `setting` (one of SETTINGS) and `value` (on/off)."""
    who = await page_user(request)
    form = await form_of(request, who)
    setting, value = form.get("setting"), form.get("value")
    if setting not in SETTINGS or value not in ("on", "off"):
        fail(422, "choose a setting and on or off")
    row, access = await repository_in_path(request, who, change=True)
    await apply_settings(request, who, row, access, {str(setting): value == "on"})
    target = form.get("return")
    if target == "repository":
        raise web.HTTPSeeOther(location=f"/repositories/{row.id}?done=saved")
    raise web.HTTPSeeOther(location=back_to_list(form, "saved"))


async def batch_change(request: web.Request) -> web.StreamResponse:
    """POST /repositories/batch (CSRF): the checked `ids` and an `action` (monitoring or auto-PR on or off)."""
    who = await page_user(request)
    form = await form_of(request, who)
    action = form.get("action")
    if not isinstance(action, str) or action not in BATCH_ACTIONS:
        fail(422, "choose what to do with the selected repositories")
    ids = [i for i in form.getall("ids", []) if isinstance(i, str)] if hasattr(form, "getall") else []
    if not ids:
        fail(422, "select at least one repository")
    if len(ids) > 100:
        fail(422, "select at most 100 repositories at a time")
    column, value = BATCH_ACTIONS[action]
    results = await apply_batch(request, who, list(dict.fromkeys(ids)), {column: value})
    names = {}
    for result in results:
        repo = result.get("repository") or {}
        names[result["id"]] = repo.get("full_name") or result["id"]
    context_result = {
        "kind": "batch", "action": action, "changed": sum(1 for r in results if r["ok"]),
        "failed": [{"id": r["id"], "error": r.get("error")} for r in results if not r["ok"]], "names": names,
    }
    if context_result["failed"]:
        return await repositories_page(request, test_result=context_result)
    raise web.HTTPSeeOther(location=back_to_list(form, "saved"))


def _github_test_handler(request: web.Request) -> Any:
    """The JSON API's GitHub webhook test (`POST /api/v1/repositories/{id}/test`), if this server has it."""
    for resource in request.app.router.resources():
        if resource.canonical == "/api/v1/repositories/{id}/test":
            for route in resource:
                if route.method == "POST":
                    return route.handler
    return None


async def test_webhook(request: web.Request) -> web.StreamResponse:
    """POST /repositories/{id}/test (CSRF): ask the provider to send a test delivery; show what it said."""
    who = await page_user(request)
    await form_of(request, who)
    row, _ = await repository_in_path(request, who, change=True)
    handler = _github_test_handler(request)
    result: dict[str, Any] = {"kind": "test", "full_name": row.full_name}
    if row.provider == "gitlab":
        try:
            answer = await gitlab_projects.hook_test(request, who, int(row.repository_id))
            result.update(ok=bool(answer.get("ok")),
                          message=answer.get("message") or f"GitLab answered HTTP {answer.get('gitlab_status')}")
        except web.HTTPException as exc:
            result.update(ok=False, message=error_text(exc))
    elif handler is None:
        result.update(ok=False, message="this server cannot test GitHub App webhooks yet; GitHub sends a ping "
                                        "when the App is installed (see the repository's event history)")
    else:
        try:
            answer = json_of(await handler(request))
            result.update(ok=bool(answer.get("ok", True)), message=str(answer.get("message") or "sent"))
        except web.HTTPException as exc:
            result.update(ok=False, message=error_text(exc))
    return await repositories_page(request, test_result=result)


async def gitlab_action(request: web.Request) -> web.StreamResponse:
    """POST /repositories/gitlab/{project_id}/{connect|disconnect|test} (CSRF): the GitLab projects API's own
    handler does it (as the person, with their GitLab token)."""
    who = await page_user(request)
    form = await form_of(request, who)
    action = request.match_info["action"]
    project_id = request.match_info["project_id"]
    if action == "connect":
        await gitlab_projects.connect_project(request)
        raise web.HTTPSeeOther(location=back_to_list(form, "gitlab-connected"))
    if action == "disconnect":
        await gitlab_projects.disconnect_project(request)
        raise web.HTTPSeeOther(location=back_to_list(form, "gitlab-disconnected"))
    if action == "test":
        answer = await gitlab_projects.hook_test(request, who, gitlab_projects.project_id_in_path(request))
        result = {"kind": "test", "full_name": f"GitLab project {project_id}", "ok": bool(answer.get("ok")),
                  "message": answer.get("message") or f"GitLab answered HTTP {answer.get('gitlab_status')}"}
        return await repositories_page(request, test_result=result)
    fail(404, "no such action")


async def connect_github(request: web.Request) -> web.StreamResponse:
    """POST /repositories/{id}/connect (CSRF): watch a GitHub repository the App is not installed on: the
    repositories API's `connect` installs a repository webhook with the person's legacy token (recorded). What
    GitHub refuses (403, 404, 422) or anything else that stops it is said on the page, with its status."""
    who = await page_user(request)
    form = await form_of(request, who)
    name = form.get("full_name")
    shown = name[:200] if isinstance(name, str) and name else f"repository {request.match_info['id'][:40]}"
    try:
        answer = json_of(await repository_hooks.connect(request))
    except web.HTTPException as exc:
        if exc.status < 400 or (exc.status >= 500 and exc.status not in (502, 503)):
            raise
        result = {"kind": "connect", "full_name": shown, "ok": False, "status": exc.status,
                  "message": connect_refusal(exc)}
        return await repositories_page(request, test_result=result, status=exc.status)
    if answer.get("id"):
        raise web.HTTPSeeOther(location=f"/repositories/{answer['id']}?done=github-connected")
    raise web.HTTPSeeOther(location=back_to_list(form, "github-connected"))


def connect_refusal(exc: web.HTTPException) -> str:
    """What a person reads when connecting by webhook did not work, and what to do about it."""
    said = error_text(exc)
    advice = {
        403: "You need admin on the repository, and your token the admin:repo_hook scope.",
        404: "GitHub shows you no such repository, or your token lacks the admin:repo_hook scope.",
        409: "Connect a legacy GitHub token on the Integrations page, or install the DevFlowFix GitHub App.",
        422: "GitHub would not create the webhook as asked; look at the repository's webhooks on GitHub.",
    }.get(exc.status, "")
    return f"{said} {advice}".strip()


def add_routes(app: web.Application) -> None:
    app.router.add_get("/repositories", repositories_page)
    app.router.add_post("/repositories/batch", batch_change)
    app.router.add_post("/repositories/{id}/settings", change_setting)
    app.router.add_post("/repositories/{id}/test", test_webhook)
    app.router.add_post("/repositories/{id}/connect", connect_github)
    app.router.add_post("/repositories/gitlab/{project_id}/{action:(connect|disconnect|test)}", gitlab_action)
