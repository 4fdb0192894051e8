"""A GitHub REST client over gidgethub, bound to a token provider: counts calls, retries once on a 401."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import aiohttp
import gidgethub
from gidgethub import sansio
from gidgethub.aiohttp import GitHubAPI

from bot.auth.installation_tokens import TokenProvider
from bot.forges.errors import RetryLater

USER_AGENT = "devflowfix"


class GitHubClient:
    """The one way the bot talks to GitHub's REST API on behalf of an identity."""

    def __init__(self, session: aiohttp.ClientSession, provider: TokenProvider, api_base: str) -> None:
        self.session = session
        self.provider = provider
        self.api_base = api_base.rstrip("/")
        self._gh = GitHubAPI(session, USER_AGENT, base_url=self.api_base)
        self.calls = 0

    async def _call(self, what: str, send: Callable[[], Awaitable[Any]]) -> Any:
        """One API call with the provider's current token: a 401 drops the token and tries once more with a
        new one; rate limits and GitHub's own errors become RetryLater (the delivery runs again later)."""
        for attempt in (1, 2):
            token = await self.provider.token()
            self._gh.oauth_token = token
            self.calls += 1
            try:
                return await send()
            except gidgethub.RateLimitExceeded as exc:
                reset = exc.rate_limit.reset_datetime if exc.rate_limit else None
                raise RetryLater(f"GitHub rate limit reached on {what}", at=reset) from None
            except gidgethub.GitHubBroken as exc:
                raise RetryLater(f"GitHub answered {exc.status_code} on {what}") from None
            except gidgethub.BadRequest as exc:
                if exc.status_code == 401 and attempt == 1:
                    await self.provider.invalidate(token)
                    continue
                if exc.status_code in (403, 429) and _is_secondary_limit(exc):
                    raise RetryLater(f"GitHub secondary rate limit on {what}", at=_retry_after(exc)) from None
                raise
        raise AssertionError("unreachable")

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
        with the same 401 retry and rate-limit handling as every other call), at most `max_pages` pages."""
        next_url: str | None = url
        variables: dict[str, Any] = dict(url_vars or {})
        pages = 0
        while next_url is not None and pages < max_pages:
            page_url, page_vars = next_url, variables

            async def send(page_url: str = page_url, page_vars: dict[str, Any] = page_vars) -> Any:
                return await self._gh._make_request("GET", page_url, page_vars, b"", sansio.accept_format())

            data, next_url, _status = await self._call(f"GET {page_url}", send)
            variables = {}  # the next URL comes expanded
            pages += 1
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


def _is_secondary_limit(exc: gidgethub.BadRequest) -> bool:
    headers = getattr(exc, "headers", None) or {}
    return "retry-after" in {k.lower() for k in headers} or exc.status_code == 429


def _retry_after(exc: gidgethub.BadRequest) -> dt.datetime | None:
    headers = {k.lower(): v for k, v in (getattr(exc, "headers", None) or {}).items()}
    try:
        seconds = int(headers.get("retry-after", ""))
    except ValueError:
        return None
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
