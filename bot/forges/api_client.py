"""What the GitHub and the GitLab client share on top of `bot.forges.http`: gidgethub's and gidgetlab's request
and answer handling with the sending done by `ForgeHTTP`, the call count, the library's rate-limit and "broken"
errors turned into `RetryLater`, and a list endpoint's items followed page by page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import Any, ClassVar

import aiohttp

from bot.auth.installation_tokens import TokenProvider
from bot.forges.errors import RetryLater
from bot.forges.http import Answer, ForgeHTTP, RetryPolicy

Decipher = Callable[[int, Mapping[str, str], bytes], tuple[Any, Any, Any]]  # the libraries' `decipher_response`


class SentByForgeHTTP:
    """Mixed into a gidgethub/gidgetlab API class: its `_request` is sent by the one client base."""

    _http: ForgeHTTP

    async def _request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes = b""
    ) -> tuple[int, Mapping[str, str], bytes]:
        answer = await self._http.request(method, url, headers=headers, body=body)
        return answer.status, answer.headers, answer.body


class APIClient:
    """One identity's client of one forge: `calls` counts what was sent (every retry and page)."""

    forge_name: ClassVar[str]  # GitHub | GitLab, in the errors
    rate_limited: ClassVar[type[Exception]]  # the library's RateLimitExceeded (with `rate_limit.reset_datetime`)
    broken: ClassVar[type[Exception]]  # the library's 5xx past the retries (with `status_code`)

    def __init__(self, session: aiohttp.ClientSession, provider: TokenProvider, *, forge: str,
                 policy: RetryPolicy | None = None) -> None:
        self.session = session
        self.provider = provider
        self.http = ForgeHTTP(session, provider, forge=forge, policy=policy)

    @property
    def calls(self) -> int:
        """Requests sent (every retry and page counted)."""
        return self.http.calls

    async def _call(self, what: str, send: Callable[[], Awaitable[Any]]) -> Any:
        """One API call; what the base did not cure becomes RetryLater (or stays the library's own error)."""
        try:
            return await send()
        except self.rate_limited as exc:
            limit = getattr(exc, "rate_limit", None)
            reset = limit.reset_datetime if limit else None
            raise RetryLater(f"{self.forge_name} rate limit reached on {what}", at=reset) from None
        except self.broken as exc:
            raise RetryLater(f"{self.forge_name} answered {getattr(exc, 'status_code', '?')} on {what}") from None

    async def _items(self, first: str, decipher: Decipher, *, max_pages: int, key: str | None = None
                     ) -> AsyncIterator[Any]:
        """Every item of a list endpoint, following the `Link` header (each page one counted call, with the same
        retries and rate-limit waits as every other call), at most `max_pages` pages; `key`: the items' field in
        an object answer (GitHub's search and runs lists)."""

        def decode(answer: Answer) -> Any:
            data, _limit, _more = decipher(answer.status, answer.headers, answer.body)
            return data

        async for data in self.http.pages(first, decode, max_pages=max_pages):
            if key is not None and isinstance(data, dict) and key in data:
                data = data[key]
            items: Iterable[Any] = data or []
            for item in items:
                yield item
