"""one note per PR or MR: `pr_comments` (GitHub's one comment per pull request) folded into `forge_notes`
(target "pr:<number>", posted once its comment id is known), one table and one family of store methods

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "INSERT INTO forge_notes (provider, repository_full_name, target, note_id, posted, claimed_by, created_at, "
        "updated_at) SELECT 'github', repository_full_name, 'pr:' || pr_number, comment_id, comment_id IS NOT NULL, "
        "claimed_by, created_at, updated_at FROM pr_comments"
    )
    op.drop_table("pr_comments")


def downgrade() -> None:
    op.create_table(
        "pr_comments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("repository_full_name", sa.String(length=255), nullable=False),
        sa.Column("pr_number", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.BigInteger(), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pr_comments")),
        sa.UniqueConstraint("repository_full_name", "pr_number", name="uq_pr_comments_pr"),
    )
    op.execute(
        "INSERT INTO pr_comments (repository_full_name, pr_number, comment_id, claimed_by, created_at, updated_at) "
        "SELECT repository_full_name, CAST(substr(target, 4) AS INTEGER), note_id, claimed_by, created_at, updated_at "
        "FROM forge_notes WHERE provider = 'github' AND target LIKE 'pr:%'"
    )
    op.execute("DELETE FROM forge_notes WHERE provider = 'github' AND target LIKE 'pr:%'")
