"""The fake GitHub's App-level routes that `doctor` reads with the App JWT: `GET /app/installations` (each
installation's granted permissions and subscribed events) and `GET /app/hook/deliveries` (the App webhook's recent
deliveries, as GitHub records them). `install(fake)` before `fake.start()`; set what they answer on the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.web.repositories import requested_by_app_yml


@dataclass
class AppState:
    """What the App routes answer: the installations' grants (by id) and the hook's deliveries, newest first."""

    permissions: dict[int, dict[str, str]] = field(default_factory=dict)
    events: dict[int, list[str]] = field(default_factory=dict)
    deliveries: list[dict[str, Any]] = field(default_factory=list)

    def grant_app_yml(self, installation_id: int) -> None:
        """Grant exactly what app.yml asks for."""
        wanted, events = requested_by_app_yml()
        self.permissions[installation_id] = dict(wanted)
        self.events[installation_id] = list(events)

    def delivery(self, status_code: int, event: str = "workflow_run", **extra: Any) -> None:
        self.deliveries.insert(0, {
            "id": len(self.deliveries) + 1, "guid": f"guid-{len(self.deliveries) + 1}",
            "delivered_at": "2026-12-01T10:00:00Z", "redelivery": False, "duration": 0.3,
            "status": "OK" if 200 <= status_code < 300 else f"Invalid HTTP Response: {status_code}",
            "status_code": status_code, "event": event, "action": "completed", **extra,
        })


def install(fake: Any) -> AppState:
    from tests.fakes.github import paginate

    state = AppState()

    async def installations(request: web.Request) -> web.Response:
        claims = fake.check_jwt(request)
        if isinstance(claims, web.Response):
            return claims
        items = [
            {"id": iid, "account": data["account"], "app_id": fake.app_id, "target_type": "Organization",
             "permissions": state.permissions.get(iid, {"metadata": "read"}), "events": state.events.get(iid, []),
             "suspended_at": data.get("suspended_at")}
            for iid, data in sorted(fake.installations.items())
        ]
        chunk, headers = paginate(request, items)
        return web.json_response(chunk, headers=headers)

    async def deliveries(request: web.Request) -> web.Response:
        claims = fake.check_jwt(request)
        if isinstance(claims, web.Response):
            return claims
        per_page = min(int(request.query.get("per_page", 30)), 100)
        return web.json_response(state.deliveries[:per_page])

    fake.router.add_get("/app/installations", installations)
    fake.router.add_get("/app/hook/deliveries", deliveries)
    return state
