"""A GitLab REST client over gidgetlab, bound to a token provider; its requests go through `bot.forges.http`
(401 refresh, faults retried with backoff, 429 and `RateLimit-*` waited for, calls counted); what the base does
not cure (GitLab's 5xx past the retries) becomes `RetryLater`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import quote

import aiohttp
import gidgetlab
import gidgetlab.aiohttp
from gidgetlab import sansio

from bot.auth.installation_tokens import TokenProvider
from bot.forges.api_client import APIClient, SentByForgeHTTP
from bot.forges.http import USER_AGENT, ForgeHTTP, RetryPolicy, rate_limit_wait


class StaticToken:
    """A token that does not change (`GITLAB_TOKEN`, the bot account's token); a 401 cannot be cured by asking."""

    kind = "gitlab_token"

    def __init__(self, value: str) -> None:
        self._value = value

    async def token(self) -> str:
        return self._value

    async def invalidate(self, token: str) -> None:
        return None


def retry_at(headers: Mapping[str, str]) -> dt.datetime | None:
    """When a rate-limited request may be made again: `Retry-After` seconds, else the `RateLimit-Reset` epoch."""
    found = rate_limit_wait("gitlab", 429, headers, b"")
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=found[0]) if found else None


def is_rate_limited(status: int, headers: Mapping[str, str]) -> bool:
    lower = {k.lower(): v for k, v in headers.items()}
    return status == 429 or (status == 403 and lower.get("ratelimit-remaining") == "0")


class _API(SentByForgeHTTP, gidgetlab.aiohttp.GitLabAPI):
    """gidgetlab's request and answer handling, with the sending done by the one client base."""

    def __init__(self, http: ForgeHTTP, base_url: str) -> None:
        super().__init__(http.session, USER_AGENT, url=base_url)
        self._http = http


def project_path(project: int | str) -> str:
    """`/projects/:id` with the id, or the URL-encoded `group/project` path."""
    return f"/projects/{quote(str(project), safe='')}"


class GitLabClient(APIClient):
    """The one way the bot talks to GitLab's REST API (`/api/v4`) on behalf of an identity."""

    forge_name = "GitLab"
    rate_limited = gidgetlab.RateLimitExceeded
    broken = gidgetlab.GitLabBroken

    def __init__(
        self, session: aiohttp.ClientSession, provider: TokenProvider, base_url: str, *,
        policy: RetryPolicy | None = None,
    ) -> None:
        super().__init__(session, provider, forge="gitlab", policy=policy)
        self.base_url = base_url.rstrip("/")
        self.api_url = f"{self.base_url}/api/v4"
        self._gl = _API(self.http, self.base_url)

    async def auth_headers(self) -> dict[str, str]:
        """Headers for a request made outside gidgetlab (a job trace is plain text, streamed)."""
        return {"Authorization": f"Bearer {await self.provider.token()}", "User-Agent": USER_AGENT}

    async def getitem(self, url: str, params: Mapping[str, Any] | None = None) -> Any:
        return await self._call(f"GET {url}", lambda: self._gl.getitem(url, dict(params or {})))

    async def getiter(self, url: str, params: Mapping[str, Any] | None = None, *, max_pages: int = 10
                      ) -> AsyncIterator[Any]:
        """Every item of a list endpoint, following the `Link` header (each page one counted call)."""
        first = self._gl.format_url(url, dict(params or {}))
        async for item in self._items(first, sansio.decipher_response, max_pages=max_pages):
            yield item

    async def post(self, url: str, *, data: Any) -> Any:
        return await self._call(f"POST {url}", lambda: self._gl.post(url, data=data))

    async def put(self, url: str, *, data: Any) -> Any:
        return await self._call(f"PUT {url}", lambda: self._gl.put(url, data=data))

    async def delete(self, url: str) -> None:
        await self._call(f"DELETE {url}", lambda: self._gl.delete(url))
