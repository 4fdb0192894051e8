"""Migration 0008 folds GitHub's `pr_comments` into the one store of notes (`forge_notes`, target `pr:<n>`) and
back: an existing PR comment keeps being edited (never written twice) after the upgrade."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from storage.database import Database
from storage.migrate import alembic_config, upgrade


async def test_pr_comments_are_folded_into_the_notes_and_back(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/fold.sqlite3"
    await upgrade(url, "0007")
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(
            "INSERT INTO pr_comments (repository_full_name, pr_number, comment_id, claimed_by, created_at, updated_at)"
            " VALUES ('o/r', 7, 991, 'd1', '2026-01-01 00:00:00', '2026-01-01 00:00:00'),"
            " ('o/r', 8, NULL, 'd2', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
    await engine.dispose()
    await upgrade(url, "0008")
    database = Database.connect(url)
    try:
        row, may_create = await database.incidents.claim_note("github", "o/r", "pr:7", "d3")
        assert (row.note_id, row.posted, may_create) == (991, True, False)  # edited, not written again
        row, may_create = await database.incidents.claim_note("github", "o/r", "pr:8", "d3")
        assert (row.note_id, row.posted, row.claimed_by, may_create) == (None, False, "d2", False)
    finally:
        await database.close()
    await asyncio.to_thread(command.downgrade, alembic_config(url), "0007")
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT pr_number, comment_id FROM pr_comments ORDER BY pr_number"))).all()
        notes = (await conn.execute(text("SELECT count(*) FROM forge_notes"))).scalar()
    await engine.dispose()
    assert [tuple(r) for r in rows] == [(7, 991), (8, None)] and notes == 0
