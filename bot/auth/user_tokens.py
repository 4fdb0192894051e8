"""Tokens lent by people: stored encrypted, refreshed before expiry by a single winner, dropped when revoked.

A refresh token rotates (the old one dies once spent), so across processes exactly one may spend it: the one
whose conditional UPDATE claims the row's current `refresh_generation` (storage.connections). The others
re-read the row until the winner has written the new tokens, and use those. A refused refresh (revoked,
expired) deactivates the connection and asks the person to reconnect; nothing else breaks.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Mapping

from bot.auth.crypto import TokenCipher
from bot.auth.oauth_common import OAuthError, OAuthProvider, OAuthUnavailable, ProviderUser, TokenSet
from storage.database import Database
from storage.models import OAuthConnection
from storage.types import utcnow

log = logging.getLogger(__name__)

RENEW_BEFORE = dt.timedelta(minutes=5)  # a user token is refreshed this long before it expires
LEASE = dt.timedelta(seconds=30)  # how long a refresher may hold the row before another may take over
WAIT_STEP = 0.05  # seconds between re-reads while another process refreshes


class ReconnectRequired(Exception):
    """The connection is inactive (revoked, refresh refused): the person must authorize again."""

    def __init__(self, connection_id: str, reason: str) -> None:
        super().__init__(f"connection {connection_id} needs to be reconnected: {reason}")
        self.connection_id = connection_id
        self.reason = reason


class UserTokens:
    """Stores and hands out people's tokens; one instance per process (per-connection locks inside)."""

    def __init__(
        self, db: Database, cipher: TokenCipher, providers: Mapping[str, OAuthProvider], *,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.db = db
        self.cipher = cipher
        self.providers = dict(providers)
        self._clock = clock
        self._locks: dict[str, asyncio.Lock] = {}
        self.refreshes = 0

    async def store_grant(
        self, *, user_id: str, provider: str, kind: str, tokens: TokenSet, account: ProviderUser | None,
    ) -> OAuthConnection:
        """Save a fresh grant (from a code exchange) encrypted."""
        return await self.db.connections.save(
            user_id=user_id, provider=provider, kind=kind,
            access_token_enc=self.cipher.encrypt(tokens.access_token),
            refresh_token_enc=self.cipher.encrypt(tokens.refresh_token) if tokens.refresh_token else None,
            token_expires_at=tokens.expires_at, refresh_token_expires_at=tokens.refresh_expires_at,
            provider_user_id=str(account.id) if account else None,
            provider_username=account.login if account else None, scopes=tokens.scopes,
        )

    async def store_legacy(
        self, *, user_id: str, kind: str, token: str, repository_full_name: str = "", provider: str = "github",
    ) -> OAuthConnection:
        """Save a legacy identity (classic OAuth App token, per-repository PAT) encrypted."""
        return await self.db.connections.save(
            user_id=user_id, provider=provider, kind=kind, access_token_enc=self.cipher.encrypt(token),
            repository_full_name=repository_full_name,
        )

    def _needs_refresh(self, row: OAuthConnection, *, force: bool = False) -> bool:
        if row.refresh_token_enc is None:
            return False
        if force:
            return True
        return row.token_expires_at is not None and row.token_expires_at - RENEW_BEFORE <= self._clock()

    async def access_token(self, connection_id: str, *, force_refresh: bool = False) -> str:
        """A usable access token for the connection, refreshed first if it expires within five minutes."""
        row = await self._active(connection_id)
        if not self._needs_refresh(row, force=force_refresh):
            return self.cipher.decrypt(row.access_token_enc)
        lock = self._locks.setdefault(connection_id, asyncio.Lock())
        async with lock:  # one refresher per process; the database decides between processes
            row = await self._active(connection_id)
            generation = row.refresh_generation
            if not self._needs_refresh(row, force=force_refresh):
                return self.cipher.decrypt(row.access_token_enc)
            return await self._refresh(row, generation)

    async def _refresh(self, row: OAuthConnection, generation: int) -> str:
        deadline = asyncio.get_running_loop().time() + LEASE.total_seconds() + 5
        while True:
            now = self._clock()
            if await self.db.connections.claim_refresh(row.id, generation, now, now + LEASE):
                return await self._spend(row, generation)
            # Another process holds the lease: wait for its new generation, then use its token.
            await asyncio.sleep(WAIT_STEP)
            current = await self._active(row.id)
            if current.refresh_generation != generation:
                return self.cipher.decrypt(current.access_token_enc)
            if asyncio.get_running_loop().time() > deadline:
                raise OAuthUnavailable("another process is still refreshing this token; try again later")

    async def _spend(self, row: OAuthConnection, generation: int) -> str:
        provider = self.providers.get(row.provider)
        if provider is None:
            await self.db.connections.release_lease(row.id, generation)
            raise OAuthUnavailable(f"no OAuth client for provider {row.provider}")
        assert row.refresh_token_enc is not None
        refresh_token = self.cipher.decrypt(row.refresh_token_enc)
        try:
            fresh = await provider.refresh(refresh_token)
        except OAuthError as exc:
            reason = f"the refresh was refused ({exc.error}); please reconnect"
            await self.db.connections.deactivate(row.id, reason)
            log.warning(
                "user token refresh refused; connection deactivated",
                extra={"connection_id": row.id, "token_kind": row.kind, "error": exc.error},
            )
            raise ReconnectRequired(row.id, reason) from None
        except BaseException:
            await self.db.connections.release_lease(row.id, generation)
            raise
        fresh.restamp(self._clock())
        saved = await self.db.connections.save_refreshed(
            row.id, generation,
            access_token_enc=self.cipher.encrypt(fresh.access_token),
            refresh_token_enc=(
                self.cipher.encrypt(fresh.refresh_token) if fresh.refresh_token else row.refresh_token_enc
            ),
            token_expires_at=fresh.expires_at,
            refresh_token_expires_at=fresh.refresh_expires_at or row.refresh_token_expires_at,
        )
        if not saved:  # a new grant replaced the row meanwhile; its token wins
            current = await self._active(row.id)
            return self.cipher.decrypt(current.access_token_enc)
        self.refreshes += 1
        log.info("user token refreshed", extra={"connection_id": row.id, "token_kind": row.kind})
        return fresh.access_token

    async def invalidate(self, connection_id: str, token: str) -> None:
        """The provider answered 401 with `token`: refresh next time if it can be, else deactivate."""
        row = await self.db.connections.get(connection_id)
        if row is None or not row.is_active:
            return
        if self.cipher.decrypt(row.access_token_enc) != token:
            return  # someone already replaced it
        if row.refresh_token_enc is not None:
            await self.db.connections.expire_access(row.id, row.refresh_generation)
        else:
            await self.db.connections.deactivate(row.id, "the provider refused the token (401); please reconnect")

    async def _active(self, connection_id: str) -> OAuthConnection:
        row = await self.db.connections.get(connection_id)
        if row is None:
            raise ReconnectRequired(connection_id, "the connection no longer exists")
        if not row.is_active:
            raise ReconnectRequired(connection_id, row.deactivated_reason or "the connection is inactive")
        return row


class ConnectionTokenProvider:
    """A `TokenProvider` bound to one stored connection (kind = the connection's kind)."""

    def __init__(self, tokens: UserTokens, connection: OAuthConnection) -> None:
        self._tokens = tokens
        self.connection_id = connection.id
        self.user_id = connection.user_id
        self.kind = connection.kind
        self._touched = False

    async def token(self) -> str:
        token = await self._tokens.access_token(self.connection_id)
        if not self._touched:  # last_used_at, once per provider (not once per call)
            self._touched = True
            await self._tokens.db.connections.touch(self.connection_id)
        return token

    async def invalidate(self, token: str) -> None:
        await self._tokens.invalidate(self.connection_id, token)
