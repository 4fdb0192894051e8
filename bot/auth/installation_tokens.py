"""Installation access tokens: minted with the App JWT (through the forge client base's retry rules), cached per
installation, renewed early, single-flight.

Long-running work holds a `TokenProvider` rather than a token, so it survives the token's one-hour life.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Protocol

import aiohttp
import orjson
from cachetools import TLRUCache

from bot.auth.app_jwt import AppJWT
from bot.forges.http import ForgeHTTP, RetryPolicy

log = logging.getLogger(__name__)

RENEW_BEFORE = 5 * 60  # seconds before `expires_at` that a cached token stops being handed out


class TokenError(Exception):
    """A token could not be had (the installation is gone, suspended, or GitHub refused)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TokenProvider(Protocol):
    """Where a client gets its bearer token; `invalidate` after a 401 so the next `token()` is fresh."""

    kind: str

    async def token(self) -> str: ...

    async def invalidate(self, token: str) -> None: ...


class InstallationTokens:
    """Mints and caches installation tokens for every installation of the App."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        app_jwt: AppJWT,
        api_base: str,
        *,
        clock: Callable[[], float] = time.time,
        user_agent: str = "devflowfix",
        policy: RetryPolicy | None = None,
    ) -> None:
        self._session = session
        # the mint's requests follow the API's retry rules (a 502 or a refused connection is tried again)
        self._http = ForgeHTTP(session, None, forge="github", policy=policy, identity="app", user_agent=user_agent)
        self._jwt = app_jwt
        self._api = api_base.rstrip("/")
        self._clock = clock
        self._ua = user_agent
        # value: (token, expires_at epoch); an entry lives until RENEW_BEFORE seconds before it expires
        self._cache: TLRUCache[int, tuple[str, float]] = TLRUCache(
            maxsize=10_000, ttu=lambda _k, v, now: v[1] - RENEW_BEFORE, timer=clock
        )
        self._locks: dict[int, asyncio.Lock] = {}
        self.minted = 0

    def provider(self, installation_id: int) -> InstallationTokenProvider:
        return InstallationTokenProvider(self, installation_id)

    async def token(self, installation_id: int) -> str:
        cached = self._cache.get(installation_id)
        if cached is not None:
            return cached[0]
        lock = self._locks.setdefault(installation_id, asyncio.Lock())
        async with lock:  # concurrent work for one installation mints one token
            cached = self._cache.get(installation_id)
            if cached is not None:
                return cached[0]
            token, expires_at = await self._mint(installation_id)
            self._cache[installation_id] = (token, expires_at)
            return token

    def invalidate(self, installation_id: int, token: str | None = None) -> None:
        cached = self._cache.get(installation_id)
        if cached is not None and (token is None or cached[0] == token):
            del self._cache[installation_id]

    async def _mint(self, installation_id: int) -> tuple[str, float]:
        url = f"{self._api}/app/installations/{installation_id}/access_tokens"
        headers = {
            "Authorization": f"Bearer {self._jwt.token()}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": self._ua,
        }
        answer = await self._http.request("POST", url, headers=headers, idempotent=True)  # a second token is harmless
        body = answer.body
        if answer.status != 201:
            raise TokenError(
                f"GitHub refused an installation token for installation {installation_id}: HTTP {answer.status}",
                answer.status,
            )
        data = orjson.loads(body)
        token = data.get("token")
        if not isinstance(token, str) or not token:  # never judge a token by its shape, only by its presence
            raise TokenError(f"no token in GitHub's answer for installation {installation_id}")
        expires_at = _epoch(data.get("expires_at")) or self._clock() + 3600
        self.minted += 1
        log.info("minted installation token", extra={"installation_id": installation_id, "token_kind": "installation"})
        return token, expires_at


class InstallationTokenProvider:
    """A `TokenProvider` bound to one installation."""

    kind = "installation"

    def __init__(self, tokens: InstallationTokens, installation_id: int) -> None:
        self._tokens = tokens
        self.installation_id = installation_id

    async def token(self) -> str:
        return await self._tokens.token(self.installation_id)

    async def invalidate(self, token: str) -> None:
        self._tokens.invalidate(self.installation_id, token)


def _epoch(value: object) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
