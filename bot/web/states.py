"""OAuth `state` values: signed (HMAC), expiring, bound to the browser, and single-use through storage.

Format: `v1.<nonce>.<expires epoch>.<signature>`; the signature covers provider, purpose, nonce, expiry and the
hash of the browser's binding cookie, so a state taken to another browser, altered or out of date is refused
before storage is asked; storage then refuses a second use of the same nonce.
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


async def redeem(
    db: Database, key: bytes, state: str | None, *, provider: str, purpose: str | tuple[str, ...],
    browser_hash: str | None, now: float | None = None,
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
    if expires < (now if now is not None else time.time()):
        raise StateError("the sign-in took too long (state expired); start again")
    row = await db.oauth_states.consume(nonce)
    if row is None:
        raise StateError("this state was already used; start again")
    if row.provider != provider or row.purpose not in purposes or row.browser_hash != browser_hash:
        raise StateError("the state does not match this sign-in; start again")
    return row
