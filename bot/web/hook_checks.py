"""What connecting, disconnecting and testing a hook share, for a GitHub repository watched without the App
(bot/web/repository_hooks.py) as for a GitLab project (bot/web/gitlab_projects.py): the provider's refusal turned
into our answer (a `Refusals` per provider, for its words), one lock per repository, the hook's secret kept or
made, our hook found among the repository's, and a hook deleted where "already gone" is what we want."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, NoReturn

import aiohttp
from aiohttp import web

from bot.auth.crypto import DecryptError, TokenCipher
from bot.auth.oauth_common import OAuthUnavailable
from bot.auth.user_tokens import ReconnectRequired
from bot.forges.errors import RetryLater
from bot.web.sessions import fail
from storage.models import RepositoryConnection

MAX_LOCKS = 10_000
ODD_ANSWER = (KeyError, TypeError, ValueError)  # the provider answered something we cannot read


@dataclass(frozen=True)
class Refusals:
    """How one provider's refusals read (`{what}` is what we asked it to do)."""

    forge: str  # "GitHub", "GitLab"
    bad_request: type[Exception]  # the client library's error with a `status_code`
    library_error: type[Exception]  # any error of that library
    reconnect_url: str
    renew: str  # the person's token must be renewed (409)
    unauthorized: str  # the provider answered 401: the token is refused (409)
    not_found: str  # 404
    forbidden: str  # 403
    unprocessable: str | None = None  # 422 (None: a 502 like any other status)

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        """Everything a call to the provider may raise that `refused` answers."""
        return (ReconnectRequired, DecryptError, self.library_error, RetryLater, OAuthUnavailable,
                aiohttp.ClientError, TimeoutError, *ODD_ANSWER)

    def refused(self, exc: BaseException, what: str) -> NoReturn:
        """Our answer to what the provider (or the person's token) said when asked to do `what`."""
        if isinstance(exc, (ReconnectRequired, DecryptError)):
            fail(409, self.renew, reconnect_url=self.reconnect_url)
        if isinstance(exc, self.bad_request):
            status = int(getattr(exc, "status_code", 0))
            if status == 401:
                fail(409, self.unauthorized, reconnect_url=self.reconnect_url)
            if status == 404:
                fail(404, self.not_found.format(what=what))
            if status == 403:
                fail(403, self.forbidden.format(what=what))
            if status == 422 and self.unprocessable is not None:
                fail(422, self.unprocessable.format(what=what))
            fail(502, f"{self.forge} answered HTTP {status} when asked to {what}")
        if isinstance(exc, RetryLater):
            fail(503, f"{self.forge} asks to wait ({exc}); try again shortly")
        if isinstance(exc, ODD_ANSWER):
            fail(502, f"{self.forge}'s answer when asked to {what} was not understood")
        fail(502, f"{self.forge} is unavailable ({type(exc).__name__}); try again shortly")

    async def delete_hook(self, delete: Callable[[], Awaitable[Any]], what: str) -> None:
        """Delete a hook at the provider; one already gone (404) is what we want."""
        try:
            await delete()
        except self.bad_request as exc:
            if int(getattr(exc, "status_code", 0)) != 404:
                self.refused(exc, what)
        except self.errors as exc:
            self.refused(exc, what)


def lock_for(request: web.Request, key: web.AppKey[dict[Any, asyncio.Lock]], name: Hashable) -> asyncio.Lock:
    """One connect or disconnect at a time per repository (idle locks are dropped past MAX_LOCKS)."""
    locks = request.app[key]
    if len(locks) > MAX_LOCKS:
        for stale in [k for k, v in locks.items() if not v.locked()]:
            del locks[stale]
    return locks.setdefault(name, asyncio.Lock())


def kept_or_new_secret(cipher: TokenCipher, row: RepositoryConnection | None) -> str:
    """The connected row's hook secret (providers never show one back), else a new one."""
    if row is not None and row.removed_at is None and row.webhook_secret_enc is not None:
        try:
            return cipher.decrypt(row.webhook_secret_enc)
        except DecryptError:
            pass
    return secrets.token_urlsafe(32)


def our_hook(hooks: Iterable[dict[str, Any]], row: RepositoryConnection | None, url: str,
             url_of: Callable[[dict[str, Any]], Any]) -> dict[str, Any] | None:
    """Our hook among the repository's: the stored id first, else the one pointing at our URL."""
    found = [h for h in hooks if isinstance(h, dict) and isinstance(h.get("id"), int)]
    if row is not None and row.webhook_id:
        for hook in found:
            if str(hook.get("id")) == row.webhook_id:
                return hook
    for hook in found:
        if url_of(hook) == url:
            return hook
    return None
