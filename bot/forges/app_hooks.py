"""The GitHub App's own webhook, as the App (JWT): its recent deliveries (`GET /app/hook/deliveries`, paged by
cursor through the Link header) and asking GitHub to send one again (`POST /app/hook/deliveries/{id}/attempts`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.auth.app_jwt import AppJWT
from bot.forges.github_client import USER_AGENT

PER_PAGE = 100


class AppHookError(Exception):
    """GitHub refused or failed a call on the App's hook (the status, never a token)."""

    def __init__(self, what: str, status: int) -> None:
        super().__init__(f"{what} answered {status}")
        self.status = status


@dataclass(frozen=True, slots=True)
class HookDelivery:
    """One attempt GitHub made to deliver an event to the App's webhook (a redelivery is another attempt)."""

    id: int
    guid: str  # the X-GitHub-Delivery of the event: the same for every attempt at it
    delivered_at: dt.datetime
    redelivery: bool
    status_code: int  # 0: no answer (timeout, refused)
    event: str
    action: str | None

    @property
    def succeeded(self) -> bool:
        return 200 <= self.status_code < 300

    @classmethod
    def of(cls, item: dict[str, Any]) -> HookDelivery | None:
        """None for an item without the fields GitHub documents (a hostile or broken answer is skipped)."""
        try:
            when = dt.datetime.fromisoformat(str(item["delivered_at"]).replace("Z", "+00:00"))
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.UTC)
            return cls(int(item["id"]), str(item["guid"])[:100], when, bool(item.get("redelivery")),
                       int(item.get("status_code") or 0), str(item.get("event") or "")[:100],
                       None if item.get("action") is None else str(item["action"])[:100])
        except (KeyError, TypeError, ValueError):
            return None


class AppHooks:
    """Calls on `/app/hook/deliveries` with a fresh App JWT each."""

    def __init__(self, http: aiohttp.ClientSession, jwt: AppJWT, api_base: str) -> None:
        self._http = http
        self._jwt = jwt
        self._base = api_base.rstrip("/")

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._jwt.token()}", "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28", "User-Agent": USER_AGENT}

    async def deliveries(self, *, max_pages: int = 20) -> AsyncIterator[HookDelivery]:
        """The hook's deliveries, newest first, page after page (GitHub pages them by an opaque cursor)."""
        url: str | None = f"{self._base}/app/hook/deliveries?per_page={PER_PAGE}"
        pages = 0
        while url is not None and pages < max_pages:
            async with self._http.get(url, headers=self._headers()) as resp:
                if resp.status != 200:
                    raise AppHookError("GET /app/hook/deliveries", resp.status)
                data = await resp.json(content_type=None)
                following = resp.links.get("next")
            if not isinstance(data, list):
                raise AppHookError("GET /app/hook/deliveries (not a list)", 200)
            for item in data:
                if isinstance(item, dict) and (delivery := HookDelivery.of(item)) is not None:
                    yield delivery
            pages += 1
            nxt = str(following.get("url")) if following else None
            # only ever follow GitHub's own API (a Link header pointing elsewhere would get the App's JWT)
            url = nxt if nxt and nxt.startswith(self._base + "/") else None

    async def redeliver(self, delivery_id: int) -> None:
        """Ask GitHub to send that delivery again (it answers 202 and sends it as a new attempt)."""
        url = f"{self._base}/app/hook/deliveries/{int(delivery_id)}/attempts"
        async with self._http.post(url, headers=self._headers()) as resp:
            if resp.status not in (200, 201, 202):
                raise AppHookError(f"POST /app/hook/deliveries/{int(delivery_id)}/attempts", resp.status)
