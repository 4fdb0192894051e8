"""Stored identities (`oauth_connections`): encrypted tokens in, encrypted tokens out, and the refresh lease.

Storage never sees a plain token: callers pass and receive Fernet ciphertext. The refresh of a rotating
refresh token is made a single winner with conditional UPDATEs on `refresh_generation` and a short lease, so
two processes never spend the same refresh token (works alike on SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import OAuthConnection, OAuthState, RepositoryConnection, new_id
from storage.types import utcnow
from storage.upsert import upsert

LEGACY_KINDS = ("github_oauth", "github_pat", "gitlab_pat")


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


class ConnectionStore:
    """Queries on `oauth_connections`."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def save(
        self,
        *,
        user_id: str,
        provider: str,
        kind: str,
        access_token_enc: bytes,
        refresh_token_enc: bytes | None = None,
        token_expires_at: dt.datetime | None = None,
        refresh_token_expires_at: dt.datetime | None = None,
        provider_user_id: str | None = None,
        provider_username: str | None = None,
        repository_full_name: str = "",
        scopes: Sequence[str] = (),
    ) -> OAuthConnection:
        """Create or replace the identity (user, provider, kind, repository); a new grant reactivates it."""
        now = utcnow()
        values: dict[str, Any] = {
            "id": new_id(), "user_id": user_id, "provider": provider, "kind": kind,
            "provider_user_id": provider_user_id, "provider_username": provider_username,
            "repository_full_name": repository_full_name, "access_token_enc": access_token_enc,
            "refresh_token_enc": refresh_token_enc, "token_expires_at": token_expires_at,
            "refresh_token_expires_at": refresh_token_expires_at, "refresh_generation": 0,
            "scopes": list(scopes), "is_active": True, "deactivated_reason": None, "migrated_from_pat": False,
            "refresh_lease_until": None, "created_at": now, "updated_at": now,
        }
        replaced = [
            "provider_user_id", "provider_username", "access_token_enc", "refresh_token_enc", "token_expires_at",
            "refresh_token_expires_at", "scopes", "is_active", "deactivated_reason", "refresh_lease_until",
            "updated_at",
        ]
        async with self._sessions.begin() as session:
            await upsert(
                session, OAuthConnection, values,
                conflict=["user_id", "provider", "kind", "repository_full_name"], update=replaced,
            )
            # A new grant starts a new refresh chain: bump the generation so an old lease holder cannot write.
            await session.execute(
                update(OAuthConnection)
                .where(
                    OAuthConnection.user_id == user_id, OAuthConnection.provider == provider,
                    OAuthConnection.kind == kind, OAuthConnection.repository_full_name == repository_full_name,
                )
                .values(refresh_generation=OAuthConnection.refresh_generation + 1)
            )
            result = await session.execute(
                select(OAuthConnection).where(
                    OAuthConnection.user_id == user_id, OAuthConnection.provider == provider,
                    OAuthConnection.kind == kind, OAuthConnection.repository_full_name == repository_full_name,
                )
            )
            return result.scalar_one()

    async def expiring(self, before: dt.datetime, limit: int = 500) -> list[str]:
        """Active connections with a refresh token whose access token expires before `before` (soonest first)."""
        async with self._sessions() as session:
            result = await session.execute(
                select(OAuthConnection.id)
                .where(OAuthConnection.is_active.is_(True), OAuthConnection.refresh_token_enc.is_not(None),
                       OAuthConnection.token_expires_at.is_not(None), OAuthConnection.token_expires_at < before)
                .order_by(OAuthConnection.token_expires_at)
                .limit(limit)
            )
            return list(result.scalars())

    async def get(self, connection_id: str) -> OAuthConnection | None:
        async with self._sessions() as session:
            return await session.get(OAuthConnection, connection_id)

    async def get_owned(self, user_id: str, connection_id: str) -> OAuthConnection | None:
        """The connection only if `user_id` owns it (anyone else gets None, answered as 404)."""
        async with self._sessions() as session:
            result = await session.execute(
                select(OAuthConnection).where(OAuthConnection.id == connection_id, OAuthConnection.user_id == user_id)
            )
            return result.scalar_one_or_none()

    async def for_user(
        self, user_id: str, *, provider: str | None = None, kinds: Sequence[str] | None = None,
        active_only: bool = False,
    ) -> list[OAuthConnection]:
        async with self._sessions() as session:
            query = select(OAuthConnection).where(OAuthConnection.user_id == user_id)
            if provider is not None:
                query = query.where(OAuthConnection.provider == provider)
            if kinds is not None:
                query = query.where(OAuthConnection.kind.in_(list(kinds)))
            if active_only:
                query = query.where(OAuthConnection.is_active.is_(True))
            result = await session.execute(query.order_by(OAuthConnection.created_at, OAuthConnection.id))
            return list(result.scalars())

    async def delete_owned(self, user_id: str, connection_id: str) -> bool:
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(OAuthConnection).where(OAuthConnection.id == connection_id, OAuthConnection.user_id == user_id)
            )
            return _rowcount(result) == 1

    async def claim_refresh(
        self, connection_id: str, generation: int, now: dt.datetime, lease_until: dt.datetime
    ) -> bool:
        """Take the right to spend generation `generation`'s refresh token; True for exactly one claimant."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(OAuthConnection)
                .where(
                    OAuthConnection.id == connection_id,
                    OAuthConnection.refresh_generation == generation,
                    OAuthConnection.is_active.is_(True),
                    or_(OAuthConnection.refresh_lease_until.is_(None), OAuthConnection.refresh_lease_until < now),
                )
                .values(refresh_lease_until=lease_until)
            )
            return _rowcount(result) == 1

    async def save_refreshed(
        self, connection_id: str, generation: int, *, access_token_enc: bytes, refresh_token_enc: bytes | None,
        token_expires_at: dt.datetime | None, refresh_token_expires_at: dt.datetime | None,
    ) -> bool:
        """Store the winner's new tokens and start the next generation."""
        now = utcnow()
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(OAuthConnection)
                .where(OAuthConnection.id == connection_id, OAuthConnection.refresh_generation == generation)
                .values(
                    access_token_enc=access_token_enc, refresh_token_enc=refresh_token_enc,
                    token_expires_at=token_expires_at, refresh_token_expires_at=refresh_token_expires_at,
                    refresh_generation=generation + 1, refresh_lease_until=None, updated_at=now,
                )
            )
            return _rowcount(result) == 1

    async def release_lease(self, connection_id: str, generation: int) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(OAuthConnection)
                .where(OAuthConnection.id == connection_id, OAuthConnection.refresh_generation == generation)
                .values(refresh_lease_until=None)
            )

    async def expire_access(self, connection_id: str, generation: int) -> None:
        """Mark the access token of `generation` as expired (it got a 401), so the next use refreshes."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(OAuthConnection)
                .where(OAuthConnection.id == connection_id, OAuthConnection.refresh_generation == generation)
                .values(token_expires_at=utcnow() - dt.timedelta(seconds=1))
            )

    async def deactivate(self, connection_id: str, reason: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(OAuthConnection)
                .where(OAuthConnection.id == connection_id)
                .values(is_active=False, deactivated_reason=reason[:255], refresh_lease_until=None,
                        updated_at=utcnow())
            )

    async def deactivate_for_user(self, user_id: str, kinds: Sequence[str], reason: str) -> int:
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(OAuthConnection)
                .where(OAuthConnection.user_id == user_id, OAuthConnection.kind.in_(list(kinds)),
                       OAuthConnection.is_active.is_(True))
                .values(is_active=False, deactivated_reason=reason[:255], updated_at=utcnow())
            )
            return _rowcount(result)

    async def kind_counts(self) -> dict[str, int]:
        """How many connections of each kind, active and not (`github_pat` and `github_pat:inactive`)."""
        async with self._sessions() as session:
            result = await session.execute(
                select(OAuthConnection.kind, OAuthConnection.is_active, func.count())
                .group_by(OAuthConnection.kind, OAuthConnection.is_active)
            )
            return {f"{kind}" if active else f"{kind}:inactive": int(n) for kind, active, n in result.all()}

    async def touch(self, connection_id: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(
                update(OAuthConnection).where(OAuthConnection.id == connection_id).values(last_used_at=utcnow())
            )

    async def mark_migrated_from_pat(self, connection_id: str, user_id: str) -> int:
        """Seed 000's PAT → connection step: flag the App connection and point the PATs' repositories at it."""
        async with self._sessions.begin() as session:
            pats = (await session.execute(
                select(OAuthConnection.id, OAuthConnection.repository_full_name).where(
                    OAuthConnection.user_id == user_id, OAuthConnection.kind == "github_pat"
                )
            )).all()
            if not pats:
                return 0
            await session.execute(
                update(OAuthConnection).where(OAuthConnection.id == connection_id).values(migrated_from_pat=True)
            )
            repos = [full_name for _, full_name in pats if full_name]
            if repos:
                await session.execute(
                    update(RepositoryConnection)
                    .where(RepositoryConnection.full_name.in_(repos),
                           or_(RepositoryConnection.user_id.is_(None), RepositoryConnection.user_id == user_id))
                    .values(user_id=user_id, oauth_connection_id=connection_id)
                )
            return len(pats)

    async def reencrypt_all(
        self, rotate: Callable[[bytes], bytes | None], batch: int = 200
    ) -> tuple[int, list[str]]:
        """Re-encrypt every stored secret (tokens, refresh tokens, PKCE verifiers, webhook secrets).

        `rotate` answers None for a value no configured key opens: that row is left as it is and named in the
        second element (`table:id`), so one unreadable row never stops the rotation of all the others.
        """
        count = 0
        unreadable: list[str] = []
        targets: list[tuple[Any, Any, list[Any]]] = [
            (OAuthConnection, OAuthConnection.id,
             [OAuthConnection.access_token_enc, OAuthConnection.refresh_token_enc]),
            (OAuthState, OAuthState.id, [OAuthState.code_verifier_enc]),
            (RepositoryConnection, RepositoryConnection.id, [RepositoryConnection.webhook_secret_enc]),
        ]
        for model, pk, columns in targets:
            after = ""
            while True:
                async with self._sessions.begin() as session:
                    rows = (await session.execute(
                        select(pk, *columns).where(pk > after).order_by(pk).limit(batch)
                    )).all()
                    for row in rows:
                        values = {
                            col.key: rotate(row[i + 1]) for i, col in enumerate(columns) if row[i + 1] is not None
                        }
                        if any(v is None for v in values.values()):
                            unreadable.append(f"{model.__tablename__}:{row[0]}")
                            continue
                        if values:
                            await session.execute(update(model).where(pk == row[0]).values(**values))
                            count += len(values)
                if len(rows) < batch:
                    break
                after = rows[-1][0]
        return count, unreadable
