"""OAuth `state` values: signed (HMAC), expiring, bound to the browser, and single-use through storage.

Format: `v1.<nonce>.<expires epoch>.<signature>`; the signature covers provider, purpose, nonce, expiry and the
hash of the browser's binding cookie, so a state taken to another browser, altered or out of date is refused
before storage is asked; storage then refuses a second use of the same nonce.

A signed-in person's attempt (connecting an account) is a row written at authorize. An anonymous sign-in writes
nothing until its callback: its attempt (the encrypted PKCE verifier, the redirect URI) travels in an HttpOnly
cookie signed with the same key and bound to the state's nonce, expiry and browser; the callback checks both,
then records the nonce as used (a replay of the same state is refused by that insert).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import time

from storage.database import Database
from storage.models import OAuthState

MAX_STATE = 512
MAX_ATTEMPT_COOKIE = 2048
PURGE_AFTER = 24 * 3600  # expired attempts are deleted a day after they expire


class StateError(Exception):
    """The state is missing, malformed, forged, expired, from another browser or already used."""


def _sign(key: bytes, provider: str, purpose: str, nonce: str, expires: int, browser_hash: str) -> str:
    message = f"{provider}|{purpose}|{nonce}|{expires}|{browser_hash}".encode()
    return base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()).rstrip(b"=").decode()


async def issue(
    db: Database, key: bytes, *, provider: str, purpose: str, browser_hash: str, ttl: int, redirect_uri: str = "",
    user_id: str | None = None, code_verifier_enc: bytes | None = None, now: float | None = None,
) -> str:
    nonce = secrets.token_urlsafe(24)
    current = now if now is not None else time.time()
    expires = int(current) + ttl
    await db.oauth_states.purge(dt.datetime.fromtimestamp(current - PURGE_AFTER, dt.UTC))
    await db.oauth_states.create(
        nonce=nonce, provider=provider, purpose=purpose, browser_hash=browser_hash, redirect_uri=redirect_uri,
        user_id=user_id, code_verifier_enc=code_verifier_enc,
        expires_at=dt.datetime.fromtimestamp(expires, dt.UTC),
    )
    return f"v1.{nonce}.{expires}.{_sign(key, provider, purpose, nonce, expires, browser_hash)}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _attempt_sig(key: bytes, provider: str, nonce: str, expires: int, browser_hash: str, redirect: str,
                 verifier: str) -> str:
    message = f"attempt|{provider}|{nonce}|{expires}|{browser_hash}|{redirect}|{verifier}".encode()
    return _b64(hmac.new(key, message, hashlib.sha256).digest())


def attempt_cookie_name(provider: str) -> str:
    return f"dff_oauth_{provider}"


def issue_anonymous(
    key: bytes, *, provider: str, browser_hash: str, ttl: int, redirect_uri: str, code_verifier_enc: bytes,
    now: float | None = None,
) -> tuple[str, str]:
    """(state, cookie value) for an anonymous sign-in: nothing is stored; the cookie carries the attempt."""
    nonce = secrets.token_urlsafe(24)
    expires = int(now if now is not None else time.time()) + ttl
    state = f"v1.{nonce}.{expires}.{_sign(key, provider, 'signin', nonce, expires, browser_hash)}"
    redirect, verifier = _b64(redirect_uri.encode()), _b64(code_verifier_enc)
    sig = _attempt_sig(key, provider, nonce, expires, browser_hash, redirect, verifier)
    return state, f"{nonce}.{expires}.{redirect}.{verifier}.{sig}"


def _attempt_of(key: bytes, cookie: str | None, provider: str, nonce: str, expires: int, browser_hash: str
                ) -> tuple[str, bytes] | None:
    """(redirect URI, encrypted verifier) from the attempt cookie if it is genuine and for this state."""
    if not cookie or len(cookie) > MAX_ATTEMPT_COOKIE:
        return None
    parts = cookie.split(".")
    if len(parts) != 5 or parts[0] != nonce or parts[1] != str(expires):
        return None
    _, _, redirect, verifier, sig = parts
    if not hmac.compare_digest(sig, _attempt_sig(key, provider, nonce, expires, browser_hash, redirect, verifier)):
        return None
    try:
        return _unb64(redirect).decode(), _unb64(verifier)
    except (ValueError, UnicodeDecodeError):
        return None


async def redeem(
    db: Database, key: bytes, state: str | None, *, provider: str, purpose: str | tuple[str, ...],
    browser_hash: str | None, now: float | None = None, attempt_cookie: str | None = None,
) -> OAuthState:
    """Check and consume the state; raise StateError with a message fit for the person."""
    if not state or len(state) > MAX_STATE:
        raise StateError("missing or oversized state")
    parts = state.split(".")
    if len(parts) != 4 or parts[0] != "v1" or not parts[2].isdigit():
        raise StateError("malformed state")
    _, nonce, expires_text, signature = parts
    expires = int(expires_text)
    purposes = (purpose,) if isinstance(purpose, str) else purpose
    if browser_hash is None:
        raise StateError("this sign-in was not started in this browser (no binding cookie); start again")
    if not any(
        hmac.compare_digest(signature, _sign(key, provider, p, nonce, expires, browser_hash)) for p in purposes
    ):
        raise StateError("the state is invalid or was issued to another browser; start again")
    current = now if now is not None else time.time()
    if expires < current:
        raise StateError("the sign-in took too long (state expired); start again")
    attempt = _attempt_of(key, attempt_cookie, provider, nonce, expires, browser_hash) \
        if "signin" in purposes else None
    if attempt is not None:  # an anonymous sign-in: recorded now, as used
        await db.oauth_states.purge(dt.datetime.fromtimestamp(current - PURGE_AFTER, dt.UTC))
        row = await db.oauth_states.consume_new(
            nonce=nonce, provider=provider, purpose="signin", browser_hash=browser_hash, redirect_uri=attempt[0],
            code_verifier_enc=attempt[1], expires_at=dt.datetime.fromtimestamp(expires, dt.UTC))
        if row is None:
            raise StateError("this state was already used; start again")
        return row
    row = await db.oauth_states.consume(nonce)
    if row is None:
        raise StateError("this state was already used (or a newer sign-in in this browser replaced it); start again")
    if row.provider != provider or row.purpose not in purposes or row.browser_hash != browser_hash:
        raise StateError("the state does not match this sign-in; start again")
    return row
