"""INSERT .. ON CONFLICT DO UPDATE for SQLite and PostgreSQL alike, so concurrent writers never collide."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base, table_of


def dialect_name(session: AsyncSession) -> str:
    """The name of the database dialect the session talks to ("sqlite", "postgresql")."""
    return session.get_bind().dialect.name


async def upsert(
    session: AsyncSession,
    model: type[Base],
    values: Mapping[str, Any],
    *,
    conflict: Iterable[str],
    update: Iterable[str],
) -> None:
    """Insert `values` into the model's table, or update the columns `update` of the row that has the same
    `conflict` columns."""
    insert = sqlite_insert if dialect_name(session) == "sqlite" else pg_insert
    stmt = insert(table_of(model)).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(conflict), set_={col: stmt.excluded[col] for col in update}
    )
    await session.execute(stmt)


async def insert_new(session: AsyncSession, model: type[Base], values: Mapping[str, Any], *,
                     conflict: Iterable[str]) -> bool:
    """Insert `values` unless a row with the same `conflict` columns exists; True when this call inserted it."""
    insert = sqlite_insert if dialect_name(session) == "sqlite" else pg_insert
    stmt = insert(table_of(model)).values(**values).on_conflict_do_nothing(index_elements=list(conflict))
    result = await session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0) == 1
