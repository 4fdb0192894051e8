"""Sign-in state: single-use OAuth authorization attempts, signed-in browser sessions, and the first-run setup
code every web process shares."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import OAuthState, SetupCode, WebSession
from storage.types import utcnow


class OAuthStateStore:
    """Queries on `oauth_states`: create an attempt, consume it exactly once (or, for an attempt kept in the
    browser's signed cookie, record it as used at its callback)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def create(
        self, *, nonce: str, provider: str, purpose: str, browser_hash: str, expires_at: dt.datetime,
        redirect_uri: str = "", user_id: str | None = None, code_verifier_enc: bytes | None = None,
    ) -> None:
        async with self._sessions.begin() as session:
            session.add(OAuthState(
                id=nonce, provider=provider, purpose=purpose, browser_hash=browser_hash, expires_at=expires_at,
                redirect_uri=redirect_uri, user_id=user_id, code_verifier_enc=code_verifier_enc,
            ))

    async def consume(self, nonce: str) -> OAuthState | None:
        """Mark the attempt used and return it; None if it never existed or was used already (replay)."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(OAuthState)
                .where(OAuthState.id == nonce, OAuthState.consumed_at.is_(None))
                .values(consumed_at=utcnow())
            )
            if int(getattr(result, "rowcount", 0) or 0) != 1:
                return None
            return await session.get(OAuthState, nonce)

    async def consume_new(
        self, *, nonce: str, provider: str, purpose: str, browser_hash: str, expires_at: dt.datetime,
        redirect_uri: str = "", code_verifier_enc: bytes | None = None,
    ) -> OAuthState | None:
        """Record an attempt that lived in the browser (a signed cookie) as used, at its callback: the row, or
        None if that nonce was used before (a replay). Nothing is written for such an attempt before this."""
        row = OAuthState(
            id=nonce, provider=provider, purpose=purpose, browser_hash=browser_hash, expires_at=expires_at,
            redirect_uri=redirect_uri, code_verifier_enc=code_verifier_enc, consumed_at=utcnow(),
        )
        try:
            async with self._sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            return None
        return row

    async def count(self) -> int:
        async with self._sessions() as session:
            return int((await session.execute(select(func.count()).select_from(OAuthState))).scalar_one())

    async def purge(self, older_than: dt.datetime) -> int:
        async with self._sessions.begin() as session:
            result = await session.execute(delete(OAuthState).where(OAuthState.expires_at < older_than))
            return int(getattr(result, "rowcount", 0) or 0)


class WebSessionStore:
    """Queries on `web_sessions` (keyed by the SHA-256 of the cookie)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def create(self, session_hash: str, user_id: str, expires_at: dt.datetime) -> None:
        async with self._sessions.begin() as session:
            session.add(WebSession(id=session_hash, user_id=user_id, expires_at=expires_at, last_seen_at=utcnow()))

    async def get(self, session_hash: str) -> WebSession | None:
        async with self._sessions() as session:
            result = await session.execute(
                select(WebSession).where(WebSession.id == session_hash, WebSession.expires_at > utcnow())
            )
            return result.scalar_one_or_none()

    async def delete(self, session_hash: str) -> None:
        async with self._sessions.begin() as session:
            await session.execute(delete(WebSession).where(WebSession.id == session_hash))


SETUP_ROW = "setup"


class SetupCodeStore:
    """Queries on `setup_codes`: one code (its hash) for all web processes, made by exactly one of them."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def create_once(self, code_hash: str, expires_at: dt.datetime) -> bool:
        """Make the code unless a live one exists (an atomic insert, or the replacement of an expired or spent
        one); True if this call made it (its caller prints the code)."""
        now = utcnow()
        try:
            async with self._sessions.begin() as session:
                session.add(SetupCode(id=SETUP_ROW, code_hash=code_hash, created_at=now, expires_at=expires_at))
            return True
        except IntegrityError:
            pass
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(SetupCode)
                .where(SetupCode.id == SETUP_ROW, SetupCode.used_at.is_(None), SetupCode.expires_at < now)
                .values(code_hash=code_hash, created_at=now, expires_at=expires_at)
            )
            return int(getattr(result, "rowcount", 0) or 0) == 1

    async def current(self) -> SetupCode | None:
        async with self._sessions() as session:
            return await session.get(SetupCode, SETUP_ROW)

    async def claim(self, code_hash: str | None = None) -> bool:
        """Spend the live code (the one with `code_hash`, if given): True for exactly one caller."""
        where = [SetupCode.id == SETUP_ROW, SetupCode.used_at.is_(None)]
        if code_hash is not None:
            where.append(SetupCode.code_hash == code_hash)
        async with self._sessions.begin() as session:
            result = await session.execute(update(SetupCode).where(*where).values(used_at=utcnow()))
            return int(getattr(result, "rowcount", 0) or 0) == 1

    async def release(self) -> None:
        """Make a spent code usable again (registering failed after it was claimed)."""
        async with self._sessions.begin() as session:
            await session.execute(update(SetupCode).where(SetupCode.id == SETUP_ROW).values(used_at=None))

    async def forget(self, code_hash: str) -> None:
        """Delete the unused code made with `code_hash` (its maker stops cleanly: the next start prints anew)."""
        async with self._sessions.begin() as session:
            await session.execute(delete(SetupCode).where(
                SetupCode.id == SETUP_ROW, SetupCode.code_hash == code_hash, SetupCode.used_at.is_(None)))
