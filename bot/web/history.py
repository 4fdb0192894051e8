"""The history API: a repository's incidents and webhook deliveries, one incident, and redelivering a failure.

Access follows the repositories API (bot/web/repositories.py): what the person can reach on GitHub (or GitLab),
else 404; redelivering needs admin on the repository (Maintainer on a GitLab project) and the CSRF token. A
redelivery runs the stored event again here, for GitHub and GitLab alike (GitLab has no API to resend a project
hook's event). Links go to the provider's web pages (bot/web/forge_links.py). A delivery's body is never part of
an answer.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from bot.appkeys import QUEUE
from bot.services import Services
from bot.web import audit
from bot.web.forge_links import change_url, run_url
from bot.web.public_errors import one_line
from bot.web.repositories import (
    ID_PATTERN,
    paged,
    paging,
    repository_in_path,
    time,
    visible,
)
from bot.web.sessions import fail, require_user, services_of
from storage.deliveries import FAILED, DeliverySummary
from storage.models import FixAttempt, Incident

DELIVERY_PK = re.compile(r"^[0-9]{1,18}$")
SUMMARY_CHARS = 500
ANALYSIS_KEYS = ("summary", "category", "outcome", "llm", "llm_note", "excerpt", "failed_step", "job", "job_url",
                 "suggestion", "files", "tests", "refs")


def describe_incident(incident: Incident, services: Services) -> dict[str, Any]:
    links = incident.links or {}
    summary = incident.root_cause or (incident.analysis or {}).get("summary")
    settings, provider, repo = services.settings, incident.provider, incident.repository_full_name
    run = links.get("run") if isinstance(links.get("run"), str) else None
    fix = links.get("fix_pr") if isinstance(links.get("fix_pr"), str) else None
    return {
        "id": incident.id, "provider": provider, "repository": repo, "status": incident.status,
        "category": incident.category, "signature": incident.signature,
        "summary": str(summary)[:SUMMARY_CHARS] if summary else None,
        "run": {"id": incident.run_id, "attempt": incident.run_attempt,
                "url": run or run_url(settings, provider, repo, incident.run_id),
                "workflow": incident.workflow_name, "branch": incident.head_branch, "sha": incident.head_sha},
        "pull_request": incident.pr_number,
        "pull_request_url": change_url(settings, provider, repo, incident.pr_number),
        "fix_pr": {"number": incident.fix_pr_number, "url": fix or change_url(settings, provider, repo,
                                                                               incident.fix_pr_number),
                   "state": incident.fix_state, "branch": incident.fix_branch} if incident.fix_pr_number else None,
        "attempts": incident.attempts, "occurrences": incident.occurrences,
        "merged_into": incident.merged_into_id,
        "created_at": time(incident.created_at), "updated_at": time(incident.updated_at),
    }


def describe_attempt(attempt: FixAttempt) -> dict[str, Any]:
    return {
        "id": attempt.id, "pr_number": attempt.pr_number, "pr_url": attempt.pr_url, "status": attempt.status,
        "branch": attempt.branch, "target_branch": attempt.target_branch, "commit_sha": attempt.commit_sha,
        "verify_run_id": attempt.verify_run_id, "files": list(attempt.files or []),
        "created_at": time(attempt.created_at),
    }


def describe_delivery(delivery: DeliverySummary) -> dict[str, Any]:
    return {
        "id": delivery.id, "delivery_id": delivery.delivery_id, "event": delivery.event, "action": delivery.action,
        "repository": delivery.repository, "received_at": time(delivery.received_at), "status": delivery.status,
        "attempts": delivery.attempts, "last_error": one_line(delivery.last_error),
        "next_attempt_at": time(delivery.next_attempt_at), "finished_at": time(delivery.finished_at),
    }


async def repository_incidents(request: web.Request) -> web.Response:
    """GET /api/v1/repositories/{id}/incidents?page=&per_page=: newest first."""
    who = await require_user(request)
    page, per_page = paging(request)
    row, _ = await repository_in_path(request, who)
    services = services_of(request)
    total, rows = await services.db.incidents.for_repository(row.full_name, offset=(page - 1) * per_page,
                                                            limit=per_page, provider=row.provider)
    return web.json_response(paged("incidents", [describe_incident(i, services) for i in rows], total, page,
                                   per_page))


async def get_incident(request: web.Request) -> web.Response:
    """GET /api/v1/incidents/{id}: one incident with its explanation and fix attempts."""
    who = await require_user(request)
    incident_id = request.match_info["id"]
    if not ID_PATTERN.match(incident_id):
        fail(404, "no such incident")
    services = services_of(request)
    incident = await services.db.incidents.get(incident_id)
    if incident is None or incident.provider not in ("github", "gitlab"):
        fail(404, "no such incident")
    row = await services.db.repositories.get(incident.repository_connection_id) \
        if incident.repository_connection_id else None
    if row is None or row.full_name != incident.repository_full_name or row.provider != incident.provider:
        row = await services.db.installations.repository(incident.repository_full_name, incident.provider)
    try:
        await visible(request, who, row)
    except web.HTTPNotFound:
        fail(404, "no such incident")
    analysis = incident.analysis or {}
    answer = describe_incident(incident, services)
    answer["root_cause"] = incident.root_cause
    answer["analysis"] = {k: analysis[k] for k in ANALYSIS_KEYS if k in analysis}
    answer["fix_attempts"] = [describe_attempt(a) for a in await services.db.incidents.attempts_of(incident.id)]
    return web.json_response(answer)


async def repository_deliveries(request: web.Request) -> web.Response:
    """GET /api/v1/repositories/{id}/deliveries?page=&per_page=: the webhook event history, newest first."""
    who = await require_user(request)
    page, per_page = paging(request)
    row, _ = await repository_in_path(request, who)
    total, rows = await services_of(request).db.deliveries.for_repository(
        row.full_name, offset=(page - 1) * per_page, limit=per_page, provider=row.provider
    )
    return web.json_response(paged("deliveries", [describe_delivery(d) for d in rows], total, page, per_page))


async def redeliver(request: web.Request) -> web.Response:
    """POST /api/v1/deliveries/{id}/redeliver (CSRF; admin): a failed delivery runs again."""
    who = await require_user(request)
    pk = request.match_info["id"]
    if not DELIVERY_PK.match(pk) or int(pk) >= 2**63:
        fail(404, "no such delivery")
    services = services_of(request)
    delivery = await services.db.deliveries.summary(int(pk))
    if delivery is None or delivery.provider not in ("github", "gitlab") or not delivery.repository:
        fail(404, "no such delivery")
    row = await services.db.installations.repository(delivery.repository, delivery.provider)
    try:
        await visible(request, who, row, change=True)
    except web.HTTPNotFound:
        fail(404, "no such delivery")
    if delivery.status != FAILED:
        fail(409, f"only a failed delivery can be redelivered; this one is {delivery.status}")
    if not await services.db.deliveries.redeliver(delivery.id):
        fail(409, "the delivery changed meanwhile; look again")
    await audit.record(request, who, "delivery.redeliver", "delivery", delivery.id,
                       {"repository": delivery.repository, "event": delivery.event})
    request.app[QUEUE].submit(delivery.id)  # embedded: runs now; external: a worker picks the pending row up
    fresh = await services.db.deliveries.summary(delivery.id)
    assert fresh is not None
    return web.json_response({"delivery": describe_delivery(fresh)}, status=202)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/v1/repositories/{id}/incidents", repository_incidents)
    app.router.add_get("/api/v1/repositories/{id}/deliveries", repository_deliveries)
    app.router.add_get("/api/v1/incidents/{id}", get_incident)
    app.router.add_post("/api/v1/deliveries/{id}/redeliver", redeliver)
