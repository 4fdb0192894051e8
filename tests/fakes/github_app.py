"""The fake GitHub's App-level routes that `doctor` reads with the App JWT: `GET /app/installations` (each
installation's granted permissions and subscribed events) and `GET /app/hook/deliveries` (the App webhook's recent
deliveries, as GitHub records them: newest first, paged by an opaque `cursor` through the Link header) and
`POST /app/hook/deliveries/{id}/attempts` (a redelivery: 202, and a new attempt under the same guid).
`install(fake)` before `fake.start()`; set what they answer on the result."""

from __future__ import annotations

import datetime as dt
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
    redelivered: list[int] = field(default_factory=list)  # the ids POSTed to .../attempts, in order
    redelivery_status: int = 200  # what the bot answers to a redelivery, as GitHub then records it

    def grant_app_yml(self, installation_id: int) -> None:
        """Grant exactly what app.yml asks for."""
        wanted, events = requested_by_app_yml()
        self.permissions[installation_id] = dict(wanted)
        self.events[installation_id] = list(events)

    def delivery(self, status_code: int, event: str = "workflow_run", **extra: Any) -> dict[str, Any]:
        self.deliveries.insert(0, {
            "id": len(self.deliveries) + 1, "guid": f"guid-{len(self.deliveries) + 1}",
            "delivered_at": "2026-12-01T10:00:00Z", "redelivery": False, "duration": 0.3,
            "status": "OK" if 200 <= status_code < 300 else f"Invalid HTTP Response: {status_code}",
            "status_code": status_code, "event": event, "action": "completed", "installation_id": None,
            "repository_id": None, "throttled_at": None, **extra,
        })
        return self.deliveries[0]


def cursor_page(request: web.Request, items: list[dict[str, Any]]) -> web.Response:
    """One page of deliveries (newest first) as GitHub pages them: `per_page`, then an opaque `cursor` (here the id
    of the page's first delivery) in the Link header's next URL; 422 for a bad `per_page` or cursor."""
    try:
        per_page = min(max(int(request.query.get("per_page", 30)), 1), 100)
    except ValueError:
        return web.json_response({"message": "Invalid request.\n\nFor 'per_page', is not an integer."}, status=422)
    start = 0
    if "cursor" in request.query:
        cursor = request.query["cursor"].removeprefix("v1_")
        ids = [str(d["id"]) for d in items]
        if cursor not in ids:
            return web.json_response({"message": "Invalid cursor"}, status=422)
        start = ids.index(cursor)
    page = items[start : start + per_page]
    headers = {}
    if start + per_page < len(items):
        url = request.url.with_query({"per_page": str(per_page), "cursor": f"v1_{items[start + per_page]['id']}"})
        headers["Link"] = f'<{url}>; rel="next"'
    return web.json_response(page, headers=headers)


def fake_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
        return cursor_page(request, state.deliveries)

    async def attempts(request: web.Request) -> web.Response:
        claims = fake.check_jwt(request)
        if isinstance(claims, web.Response):
            return claims
        try:
            wanted = int(request.match_info["delivery_id"])
        except ValueError:
            return fake.error(404, "Not Found")
        original = next((d for d in state.deliveries if d["id"] == wanted), None)
        if original is None:
            return fake.error(404, "Not Found")
        state.redelivered.append(wanted)
        state.delivery(state.redelivery_status, original["event"], guid=original["guid"], redelivery=True,
                       action=original.get("action"), delivered_at=fake_now())
        state.deliveries[0]["id"] = max(d["id"] for d in state.deliveries) + 1
        return web.json_response({}, status=202)

    fake.router.add_get("/app/installations", installations)
    fake.router.add_get("/app/hook/deliveries", deliveries)
    fake.router.add_post("/app/hook/deliveries/{delivery_id}/attempts", attempts)
    return state
