"""Engine and session factory for SQLite (WAL) and PostgreSQL (asyncpg), from one URL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit survives power loss, not only a crash. Group commit keeps it affordable.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine for `url` (already normalised by the settings) with the right per-backend options."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            raise ValueError("an in-memory SQLite database is not durable; give DATABASE_URL a file")
        kwargs["connect_args"] = {"timeout": 10}
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
    if parsed.query.get("poolclass") == "null":
        kwargs = {"echo": echo, "poolclass": NullPool}
        url = str(parsed.difference_update_query(["poolclass"]))
    return create_async_engine(url, **kwargs)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (handlers read them afterwards)."""
    return async_sessionmaker(engine, expire_on_commit=False)
