"""A GitLab REST client over gidgetlab, bound to a token provider: counts calls, retries once on a 401, and turns
rate limits (429, or 403 with `RateLimit-Remaining: 0`) and GitLab's own errors (5xx) into `RetryLater`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import quote

import aiohttp
import gidgetlab
import gidgetlab.aiohttp

from bot.auth.installation_tokens import TokenProvider
from bot.forges.errors import RetryLater

USER_AGENT = "devflowfix"


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
    lower = {k.lower(): v for k, v in headers.items()}
    now = dt.datetime.now(dt.UTC)
    try:
        return now + dt.timedelta(seconds=max(int(lower.get("retry-after", "")), 0))
    except ValueError:
        pass
    try:
        return dt.datetime.fromtimestamp(int(lower.get("ratelimit-reset", "")), dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None


def is_rate_limited(status: int, headers: Mapping[str, str]) -> bool:
    lower = {k.lower(): v for k, v in headers.items()}
    return status == 429 or (status == 403 and lower.get("ratelimit-remaining") == "0")


class _API(gidgetlab.aiohttp.GitLabAPI):
    """gidgetlab raises a bare BadRequest for a 429 (its headers lost): catch it here, with the time to come back."""

    async def _request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes = b""
    ) -> tuple[int, Mapping[str, str], bytes]:
        status, answer_headers, data = await super()._request(method, url, headers, body)
        if is_rate_limited(status, answer_headers):
            raise RetryLater(f"GitLab rate limit reached on {method} {url.split('?')[0]}", at=retry_at(answer_headers))
        return status, answer_headers, data


def project_path(project: int | str) -> str:
    """`/projects/:id` with the id, or the URL-encoded `group/project` path."""
    return f"/projects/{quote(str(project), safe='')}"


class GitLabClient:
    """The one way the bot talks to GitLab's REST API (`/api/v4`) on behalf of an identity."""

    def __init__(self, session: aiohttp.ClientSession, provider: TokenProvider, base_url: str) -> None:
        self.session = session
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.api_url = f"{self.base_url}/api/v4"
        self._gl = _API(session, USER_AGENT, url=self.base_url)
        self.calls = 0

    async def _call(self, what: str, send: Callable[[], Awaitable[Any]]) -> Any:
        for attempt in (1, 2):
            token = await self.provider.token()
            self._gl.access_token = token
            self.calls += 1
            try:
                return await send()
            except gidgetlab.RateLimitExceeded as exc:
                reset = exc.rate_limit.reset_datetime if exc.rate_limit else None
                raise RetryLater(f"GitLab rate limit reached on {what}", at=reset) from None
            except gidgetlab.GitLabBroken as exc:
                raise RetryLater(f"GitLab answered {exc.status_code} on {what}") from None
            except gidgetlab.BadRequest as exc:
                if exc.status_code == 401 and attempt == 1 and self.provider.kind != StaticToken.kind:
                    await self.provider.invalidate(token)
                    continue
                raise
        raise AssertionError("unreachable")

    async def auth_headers(self) -> dict[str, str]:
        """Headers for a request made outside gidgetlab (a job trace is plain text, streamed)."""
        return {"Authorization": f"Bearer {await self.provider.token()}", "User-Agent": USER_AGENT}

    async def getitem(self, url: str, params: Mapping[str, Any] | None = None) -> Any:
        return await self._call(f"GET {url}", lambda: self._gl.getitem(url, dict(params or {})))

    async def getiter(self, url: str, params: Mapping[str, Any] | None = None, *, max_pages: int = 10
                      ) -> AsyncIterator[Any]:
        """Every item of a list endpoint, following the `Link` header (each page one counted call)."""
        next_url: str | None = url
        variables: dict[str, Any] = dict(params or {})
        pages = 0
        while next_url is not None and pages < max_pages:
            page_url, page_vars = next_url, variables

            async def send(page_url: str = page_url, page_vars: dict[str, Any] = page_vars) -> Any:
                return await self._gl._make_request("GET", page_url, page_vars, b"")

            data, next_url = await self._call(f"GET {page_url.split('?')[0]}", send)
            variables = {}  # the next URL comes with its query
            pages += 1
            for item in data or []:
                yield item

    async def post(self, url: str, *, data: Any) -> Any:
        return await self._call(f"POST {url}", lambda: self._gl.post(url, data=data))

    async def put(self, url: str, *, data: Any) -> Any:
        return await self._call(f"PUT {url}", lambda: self._gl.put(url, data=data))

    async def delete(self, url: str) -> None:
        await self._call(f"DELETE {url}", lambda: self._gl.delete(url))
