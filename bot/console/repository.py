"""One repository's page (`/repositories/{id}`): its status and settings, statistics (incidents by category, time
to fix, fix PRs merged vs closed), incidents, workflow runs, fix PRs and their fate, the webhook event history
with redeliver, and who changed what; for a GitLab project the same in GitLab's words (pipelines, merge requests),
with links to the GitLab instance configured, and in place of GitHub's redeliver a note that GitLab cannot be asked
to resend a project hook's event (a failed one runs again from what DevFlowFix stored). Access is the repositories
API's (404 for a repository the person cannot reach); redelivering calls the history API's own handler."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.console.render import form_of, json_of, page_user, render
from bot.services import Services
from bot.web import history
from bot.web.forge_links import repository_url, run_url
from bot.web.history import describe_delivery, describe_incident
from bot.web.repositories import ID_PATTERN, describe_many, repository_in_path, repository_status, time
from bot.web.repository_list import statistics_of
from bot.web.sessions import fail, services_of
from storage.deliveries import FAILED
from storage.models import WorkflowRun

PER_SECTION = 20
WORDS = {  # what each provider calls things
    "github": {"runs": "Workflow runs", "run": "run", "change": "pull request", "changes": "Fix pull requests",
               "provider": "GitHub"},
    "gitlab": {"runs": "Pipelines", "run": "pipeline", "change": "merge request", "changes": "Fix merge requests",
               "provider": "GitLab"},
}
SETTING_LABELS = {"is_enabled": "Monitoring", "auto_pr_enabled": "Auto-PR (open fix pull requests)",
                  "allow_workflow_edits": "Allow fixes to edit .github/workflows/"}


def _section_page(request: web.Request, name: str) -> int:
    raw = request.query.get(name, "1")
    if not raw.isdigit() or len(raw) > 6 or int(raw) < 1:
        fail(400, f"{name} must be a whole number from 1")
    return int(raw)


def describe_run(run: WorkflowRun, services: Services) -> dict[str, Any]:
    url = run.html_url or run_url(services.settings, run.provider, run.repository_full_name, run.run_id)
    return {"run_id": run.run_id, "attempt": run.run_attempt, "number": run.run_number,
            "workflow": run.workflow_name, "branch": run.head_branch, "sha": (run.head_sha or "")[:7],
            "status": run.status, "conclusion": run.conclusion, "url": url, "incident_id": run.incident_id,
            "created_at": time(run.created_at)}


async def repository_page(request: web.Request) -> web.StreamResponse:
    """GET /repositories/{id}?incidents=&runs=&events="""
    who = await page_user(request)
    row, access = await repository_in_path(request, who)
    services = services_of(request)
    db = services.db
    [summary] = await describe_many(services, [(row, access)])
    status = json_of(await repository_status(request))
    stats = await statistics_of(request, row)
    pages = {name: _section_page(request, name) for name in ("incidents", "runs", "events")}
    provider = row.provider
    incident_total, incidents = await db.incidents.for_repository(
        row.full_name, offset=(pages["incidents"] - 1) * PER_SECTION, limit=PER_SECTION, provider=provider)
    run_total, runs = await db.statistics.workflow_runs(
        row.full_name, offset=(pages["runs"] - 1) * PER_SECTION, limit=PER_SECTION, provider=provider)
    event_total, events = await db.deliveries.for_repository(
        row.full_name, offset=(pages["events"] - 1) * PER_SECTION, limit=PER_SECTION, provider=provider)
    _, recent = await db.incidents.for_repository(row.full_name, limit=100, provider=provider)
    described = [describe_incident(i, services) for i in incidents]
    fix_prs = [describe_incident(i, services) for i in recent if i.fix_pr_number]
    context = {
        "repo": summary, "status": status, "stats": stats, "incidents": described, "incident_total": incident_total,
        "runs": [describe_run(r, services) for r in runs], "run_total": run_total,
        "events": [describe_delivery(d) for d in events], "event_total": event_total, "failed": FAILED,
        "fix_prs": fix_prs, "pages": pages, "per_section": PER_SECTION, "labels": SETTING_LABELS,
        "changes": await db.audit.for_target("repository", row.id, limit=20),
        "words": WORDS[provider], "web_url": repository_url(services.settings, provider, row.full_name),
    }
    return render(request, "repository.html", context, who)


async def redeliver(request: web.Request) -> web.StreamResponse:
    """POST /deliveries/{id}/redeliver (CSRF): a failed delivery runs again (the history API's handler)."""
    who = await page_user(request)
    form = await form_of(request, who)
    await history.redeliver(request)
    back = form.get("repository_id")
    if isinstance(back, str) and ID_PATTERN.match(back):
        raise web.HTTPSeeOther(location=f"/repositories/{back}?done=redelivered#events")
    raise web.HTTPSeeOther(location="/repositories?done=redelivered")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/repositories/{id}", repository_page)
    app.router.add_post("/deliveries/{id}/redeliver", redeliver)
