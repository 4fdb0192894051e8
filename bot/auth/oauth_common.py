"""What the GitHub and GitLab OAuth clients share: PKCE, the token set, the provider's user, the errors."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp
import orjson

from storage.types import utcnow


def pkce_pair() -> tuple[str, str]:
    """A PKCE code_verifier (43+ chars from the unreserved set) and its S256 code_challenge."""
    verifier = secrets.token_urlsafe(64)
    return verifier, pkce_challenge(verifier)


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OAuthError(Exception):
    """The provider refused (bad code, bad refresh token, bad client): the grant is dead, ask the person again.

    The message carries the provider's error code, never a token.
    """

    def __init__(self, error: str, description: str = "") -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description


class OAuthUnavailable(Exception):
    """The provider could not be reached or broke (5xx, timeout); try again later, nothing is revoked."""


@dataclass
class TokenSet:
    """What a code exchange or a refresh gives back."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: dt.datetime | None = None
    refresh_expires_at: dt.datetime | None = None
    scopes: list[str] = field(default_factory=list)
    expires_in: int | None = None
    refresh_expires_in: int | None = None

    def restamp(self, now: dt.datetime) -> None:
        """Recompute the expiries from the lifetimes relative to `now` (the caller's clock)."""
        self.expires_at = _after(now, self.expires_in)
        self.refresh_expires_at = _after(now, self.refresh_expires_in)

    @classmethod
    def from_answer(cls, data: dict[str, Any], now: dt.datetime | None = None) -> TokenSet:
        now = now or utcnow()
        token = data.get("access_token")
        if not isinstance(token, str) or not token:
            raise OAuthError("invalid_response", "no access_token in the provider's answer")
        refresh = data.get("refresh_token")
        scope = data.get("scope") or ""
        return cls(
            access_token=token,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            expires_at=_after(now, data.get("expires_in")),
            refresh_expires_at=_after(now, data.get("refresh_token_expires_in")),
            scopes=[s for s in str(scope).replace(",", " ").split() if s],
            expires_in=_seconds(data.get("expires_in")),
            refresh_expires_in=_seconds(data.get("refresh_token_expires_in")),
        )


@dataclass
class ProviderUser:
    """The account a token belongs to."""

    id: int
    login: str
    name: str | None = None
    email: str | None = None
    scopes: list[str] | None = None
    token_expires_at: str | None = None


class OAuthProvider(Protocol):
    """A provider's OAuth endpoints, as the web flow and the user-token refresher use them."""

    name: str
    connection_kind: str

    @property
    def configured(self) -> bool: ...

    def authorize_url(self, *, state: str, code_challenge: str, redirect_uri: str) -> str: ...

    async def exchange(self, *, code: str, code_verifier: str, redirect_uri: str) -> TokenSet: ...

    async def refresh(self, refresh_token: str, *, redirect_uri: str | None = None) -> TokenSet: ...

    async def user(self, access_token: str) -> ProviderUser: ...

    async def revoke(self, access_token: str) -> bool: ...


def _seconds(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        seconds = int(value)
    except ValueError:
        return None
    return seconds if seconds > 0 else None


def _after(now: dt.datetime, seconds: object) -> dt.datetime | None:
    value = _seconds(seconds)
    return now + dt.timedelta(seconds=value) if value else None


async def post_token_form(
    http: aiohttp.ClientSession, url: str, form: dict[str, str], provider: str
) -> tuple[int, dict[str, Any]]:
    """POST a form to a provider's token endpoint; the status and the JSON object it answered.

    Unreachable, 5xx, 429, or an answer that is not a JSON object raise OAuthUnavailable (try later); what the
    answer means (an `error` field, a 4xx) is for the provider to judge.
    """
    try:
        async with http.post(url, data=form, headers={"Accept": "application/json"}) as resp:
            body = await resp.read()
            status = resp.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise OAuthUnavailable(f"{provider}'s token endpoint is unreachable ({type(exc).__name__})") from None
    if status >= 500 or status == 429:
        raise OAuthUnavailable(f"{provider}'s token endpoint answered HTTP {status}")
    try:
        answer = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise OAuthUnavailable(f"{provider}'s token endpoint answered HTTP {status} without JSON") from None
    if not isinstance(answer, dict):
        raise OAuthUnavailable(f"{provider}'s token endpoint answered something other than an object")
    return status, answer
