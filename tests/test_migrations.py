"""The Alembic history: it builds exactly the schema the models describe, and goes down and up again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage.database import Database
from storage.migrate import alembic_config, head_revision, not_the_job_engines, upgrade
from storage.models import Base


async def test_migrations_match_the_models(db: Database) -> None:
    def diff(sync_conn: object) -> list[object]:
        context = MigrationContext.configure(  # type: ignore[arg-type]
            sync_conn, opts={"compare_type": False, "include_name": not_the_job_engines}
        )
        return list(compare_metadata(context, Base.metadata))

    async with db.engine.connect() as conn:
        changes = await conn.run_sync(diff)
    assert changes == []
    assert await db.is_current()


async def test_downgrade_to_base_and_up_again(tmp_path: object) -> None:
    import asyncio

    url = f"sqlite+aiosqlite:///{tmp_path}/down.sqlite3"
    await upgrade(url)
    await asyncio.to_thread(command.downgrade, alembic_config(url), "base")
    await upgrade(url)
    database = Database.connect(url)
    try:
        assert await database.is_current()
        assert head_revision() is not None
    finally:
        await database.close()
