"""Alembic, driven from code: upgrade to head, and tell whether the database is current.

On PostgreSQL, upgrading to head also applies the job engine's schema (procrastinate's tables and functions) once,
so `python -m bot migrate` (the release step) prepares everything the external mode needs."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at `migrations/` and `database_url` (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


@functools.cache
def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def upgrade_sync(database_url: str, revision: str = "head") -> None:
    """Run the migrations up to `revision` (blocking; call from a thread inside an event loop)."""
    command.upgrade(alembic_config(database_url), revision)
    if revision == "head" and database_url.startswith("postgresql"):
        apply_job_schema_sync(database_url)


def not_the_job_engines(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's `include_name`: procrastinate's tables are its own schema, not the models' (autogenerate skips
    them instead of proposing to drop them)."""
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


def job_conninfo(database_url: str) -> str:
    """The libpq URL of a SQLAlchemy PostgreSQL URL (procrastinate speaks psycopg, not asyncpg)."""
    scheme, rest = database_url.split("://", 1)
    return "postgresql://" + rest if scheme.startswith("postgresql") else database_url


JOB_SCHEMA_LOCK = 7_412_001  # an advisory lock: two release steps at once apply the schema once


def apply_job_schema_sync(database_url: str) -> bool:
    """Apply procrastinate's schema unless it is there; True if it was applied now."""
    import psycopg
    from procrastinate.schema import SchemaManager

    with psycopg.connect(job_conninfo(database_url), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (JOB_SCHEMA_LOCK,))
        try:
            row = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if row is not None and row[0] is not None:
                return False
            with conn.transaction():
                conn.execute(SchemaManager.get_schema())
            return True
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (JOB_SCHEMA_LOCK,))


async def upgrade(database_url: str, revision: str = "head") -> None:
    """Run the migrations without blocking the caller's event loop (env.py runs its own loop)."""
    await asyncio.to_thread(upgrade_sync, database_url, revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


async def is_current(engine: AsyncEngine) -> bool:
    return await current_revision(engine) == head_revision()
