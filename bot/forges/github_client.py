"""A GitHub REST client over gidgethub, bound to a token provider; its requests go through `bot.forges.http`
(401 refresh, faults retried with backoff, rate limits waited for, calls counted, the API version header)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import gidgethub
from gidgethub import sansio
from gidgethub.aiohttp import GitHubAPI

from bot.auth.installation_tokens import TokenProvider
from bot.forges.api_client import APIClient, SentByForgeHTTP
from bot.forges.http import USER_AGENT, ForgeHTTP, RetryPolicy

__all__ = ["USER_AGENT", "GitHubClient"]


class _API(SentByForgeHTTP, GitHubAPI):
    """gidgethub's request and answer handling, with the sending done by the one client base."""

    def __init__(self, http: ForgeHTTP, base_url: str) -> None:
        super().__init__(http.session, USER_AGENT, base_url=base_url)
        self._http = http


class GitHubClient(APIClient):
    """The one way the bot talks to GitHub's REST API on behalf of an identity."""

    forge_name = "GitHub"
    rate_limited = gidgethub.RateLimitExceeded
    broken = gidgethub.GitHubBroken

    def __init__(
        self, session: aiohttp.ClientSession, provider: TokenProvider, api_base: str, *,
        policy: RetryPolicy | None = None,
    ) -> None:
        super().__init__(session, provider, forge="github", policy=policy)
        self.api_base = api_base.rstrip("/")
        self._gh = _API(self.http, self.api_base)

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
        """Every item of a list endpoint, following the Link header page by page, at most `max_pages` pages."""
        first = sansio.format_url(url, dict(url_vars or {}), base_url=self.api_base)
        async for item in self._items(first, sansio.decipher_response, max_pages=max_pages, key=iterable_key):
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
