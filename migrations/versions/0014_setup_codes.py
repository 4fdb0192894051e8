"""console: the first-run setup code, one for every web process (stored hashed, created once)

Revision ID: 0014_console
Revises: 0013_forges
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_console"
down_revision = "0013_forges"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "setup_codes",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setup_codes")),
    )


def downgrade() -> None:
    op.drop_table("setup_codes")
