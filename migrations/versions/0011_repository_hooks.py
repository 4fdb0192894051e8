"""repository hooks: find a repository connected without the App by its GitHub hook id (X-GitHub-Hook-ID)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("repository_connections", schema=None) as batch_op:
        batch_op.create_index("ix_repository_connections_webhook", ["provider", "webhook_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("repository_connections", schema=None) as batch_op:
        batch_op.drop_index("ix_repository_connections_webhook")
