"""Engine and session factory for SQLite (WAL) and PostgreSQL (asyncpg), from one URL.

SQLite runs in WAL mode with `synchronous` NORMAL by default (`SQLITE_SYNCHRONOUS`): a commit is durable across a
crash of the process (it is in the WAL, written to the operating system) but not across a power loss or a crash
of the machine until the next checkpoint, which the delivery writer runs every second (it syncs the WAL first).
FULL syncs every commit.

A SQLite file is private to the server's user: created 0600 before SQLite opens it (SQLite gives its -wal and
-shm files the database file's mode), and an existing file readable by others is made 0600 too.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

PRIVATE = 0o600
SIDE_FILES = ("-wal", "-shm", "-journal")


def private_sqlite_file(path: str) -> None:
    """Create the SQLite file `path` with mode 0600 if missing; take group and other access off it (and off its
    -wal, -shm and -journal files) if it has any. Raises OSError when the file cannot be created."""
    if path in ("", ":memory:") or path.startswith("file:"):
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        pass
    else:
        os.close(fd)
    for name in (path, *(path + suffix for suffix in SIDE_FILES)):
        try:
            mode = stat.S_IMODE(os.stat(name).st_mode)
            if mode & 0o077:
                os.chmod(name, mode & 0o700)
                log.warning("the SQLite file %s was readable by other users; it is now private (0600)",
                            os.path.basename(name))
        except FileNotFoundError:
            continue
        except PermissionError:  # not ours to change: say so once, keep going
            log.warning("the SQLite file %s is readable by other users and cannot be made private",
                        os.path.basename(name))


SYNCHRONOUS = ("normal", "full")


def _sqlite_pragmas(synchronous: str) -> Callable[[Any, Any], None]:
    if synchronous not in SYNCHRONOUS:
        raise ValueError(f"SQLite synchronous must be one of {SYNCHRONOUS}")

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    return on_connect


def create_engine(url: str, *, echo: bool = False, sqlite_synchronous: str = "normal") -> AsyncEngine:
    """An async engine for `url` (already normalised by the settings) with the right per-backend options;
    `sqlite_synchronous` is SQLite's `synchronous` in WAL mode (normal or full, see above)."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            raise ValueError("an in-memory SQLite database is not durable; give DATABASE_URL a file")
        private_sqlite_file(database)
        kwargs["connect_args"] = {"timeout": 10}
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas(sqlite_synchronous))
        return engine
    kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
    if parsed.query.get("poolclass") == "null":
        kwargs = {"echo": echo, "poolclass": NullPool}
        url = str(parsed.difference_update_query(["poolclass"]))
    return create_async_engine(url, **kwargs)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit (handlers read them afterwards)."""
    return async_sessionmaker(engine, expire_on_commit=False)
