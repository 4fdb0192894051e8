"""A GitHub REST client over gidgethub, bound to a token provider; its requests go through `bot.forges.http`
(401 refresh, faults retried with backoff, rate limits waited for, calls counted, the API version header)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import aiohttp
import gidgethub
from gidgethub import sansio
from gidgethub.aiohttp import GitHubAPI

from bot.auth.installation_tokens import TokenProvider
from bot.forges.errors import RetryLater
from bot.forges.http import USER_AGENT, Answer, ForgeHTTP, RetryPolicy

__all__ = ["USER_AGENT", "GitHubClient"]


class _API(GitHubAPI):
    """gidgethub's request and answer handling, with the sending done by the one client base."""

    def __init__(self, http: ForgeHTTP, base_url: str) -> None:
        super().__init__(http.session, USER_AGENT, base_url=base_url)
        self._http = http

    async def _request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes = b""
    ) -> tuple[int, Mapping[str, str], bytes]:
        answer = await self._http.request(method, url, headers=headers, body=body)
        return answer.status, answer.headers, answer.body


class GitHubClient:
    """The one way the bot talks to GitHub's REST API on behalf of an identity."""

    def __init__(
        self, session: aiohttp.ClientSession, provider: TokenProvider, api_base: str, *,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.session = session
        self.provider = provider
        self.api_base = api_base.rstrip("/")
        self.http = ForgeHTTP(session, provider, forge="github", policy=policy)
        self._gh = _API(self.http, self.api_base)

    @property
    def calls(self) -> int:
        """Requests sent (every retry and page counted)."""
        return self.http.calls

    async def _call(self, what: str, send: Callable[[], Awaitable[Any]]) -> Any:
        """One API call; what the base did not cure becomes RetryLater (GitHub's errors) or gidgethub's own."""
        try:
            return await send()
        except gidgethub.RateLimitExceeded as exc:
            reset = exc.rate_limit.reset_datetime if exc.rate_limit else None
            raise RetryLater(f"GitHub rate limit reached on {what}", at=reset) from None
        except gidgethub.GitHubBroken as exc:
            raise RetryLater(f"GitHub answered {exc.status_code} on {what}") from None

    async def getitem(self, url: str, url_vars: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        return await self._call(f"GET {url}", lambda: self._gh.getitem(url, url_vars=dict(url_vars or {}), **kwargs))

    async def getiter(
        self,
        url: str,
        url_vars: Mapping[str, Any] | None = None,
        *,
        iterable_key: str | None = "items",
        max_pages: int = 50,
    ) -> AsyncIterator[Any]:
        """Every item of a list endpoint, following the Link header page by page (each page one counted call,
        with the same retries and rate-limit waits as every other call), at most `max_pages` pages."""
        first = sansio.format_url(url, dict(url_vars or {}), base_url=self.api_base)

        def decode(answer: Answer) -> Any:
            data, _limit, _more = sansio.decipher_response(answer.status, answer.headers, answer.body)
            return data

        async for data in self.http.pages(first, decode, max_pages=max_pages):
            if isinstance(data, dict) and iterable_key in data:
                data = data[iterable_key]
            for item in data or []:
                yield item

    async def post(self, url: str, url_vars: Mapping[str, Any] | None = None, *, data: Any, **kw: Any) -> Any:
        return await self._call(
            f"POST {url}", lambda: self._gh.post(url, url_vars=dict(url_vars or {}), data=data, **kw)
        )

    async def patch(self, url: str, url_vars: Mapping[str, Any] | None = None, *, data: Any, **kw: Any) -> Any:
        return await self._call(
            f"PATCH {url}", lambda: self._gh.patch(url, url_vars=dict(url_vars or {}), data=data, **kw)
        )

    async def put(self, url: str, url_vars: Mapping[str, Any] | None = None, *, data: Any = b"", **kw: Any) -> Any:
        return await self._call(f"PUT {url}", lambda: self._gh.put(url, url_vars=dict(url_vars or {}), data=data, **kw))

    async def delete(self, url: str, url_vars: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        return await self._call(f"DELETE {url}", lambda: self._gh.delete(url, url_vars=dict(url_vars or {}), **kw))
