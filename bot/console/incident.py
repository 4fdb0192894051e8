"""One incident's page (`/incidents/{id}`): the failing lines, the explanation, what the bot did and when, and
links to the run, the pull request and the fix pull request (a GitLab project's pipeline and merge requests, on the
GitLab instance configured). Access is the history API's (404 for an incident
of a repository the person cannot reach)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.console.render import json_of, page_user, render
from bot.incidents.verdicts import flake_rate
from bot.web import history
from bot.web.sessions import services_of
from storage.database import Database


def timeline(incident: dict[str, Any]) -> list[dict[str, Any]]:
    """What the bot did and when, oldest first."""
    steps: list[dict[str, Any]] = [{"when": incident.get("created_at"), "what": "The failed run was recorded and "
                                    "its logs analyzed."}]
    analysis = incident.get("analysis") or {}
    if analysis.get("outcome"):
        steps.append({"when": incident.get("updated_at"), "what": str(analysis["outcome"])})
    change = "fix merge request !" if incident.get("provider") == "gitlab" else "fix pull request #"
    for attempt in incident.get("fix_attempts") or []:
        label = f"{change}{attempt['pr_number']}" if attempt.get("pr_number") else "a fix branch"
        steps.append({"when": attempt.get("created_at"), "what": f"Opened {label} on {attempt.get('branch')} "
                                                                 f"({attempt.get('status')})."})
    if incident.get("status") in ("resolved", "fixed"):
        steps.append({"when": incident.get("updated_at"), "what": f"The incident is {incident['status']}."})
    steps.sort(key=lambda s: s.get("when") or "")
    return steps


async def flake_of(db: Database, incident_id: str) -> dict[str, Any] | None:
    """The failure's flake rate, when it ever passed on a re-run of the same commit (the flaky memory)."""
    row = await db.incidents.get(incident_id)
    keys = list((row.analysis or {}).get("flaky_keys") or []) if row is not None else []
    if row is None or not keys:
        return None
    found = flake_rate(await db.verdicts.memory(row.provider, row.repository_full_name, keys))
    if found is None:
        return None
    rate, memory = found
    return {"rate": f"{rate:.0%}", "flakes": memory.flakes, "failures": max(memory.failures, memory.flakes)}


async def incident_page(request: web.Request) -> web.StreamResponse:
    """GET /incidents/{id}"""
    who = await page_user(request)
    incident = json_of(await history.get_incident(request))
    services = services_of(request)
    repo = incident.get("repository")
    provider = str(incident.get("provider") or "github")
    row = await services.db.installations.repository(repo, provider) if repo else None
    context = {
        "incident": incident, "analysis": incident.get("analysis") or {}, "timeline": timeline(incident),
        "repository_id": row.id if row is not None else None,
        "flake": await flake_of(services.db, str(incident.get("id"))),
    }
    return render(request, "incident.html", context, who)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/incidents/{id}", incident_page)
