"""forges: a fix attempt names its forge, so a GitHub and a GitLab attempt of the same repository path, branch and
commit (or the same PR/MR number) never collide or count for each other

Revision ID: 0013_forges
Revises: 0012_ops
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_forges"
down_revision = "0012_ops"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fix_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider", sa.String(length=20), nullable=False, server_default="github"))
    op.execute(
        "UPDATE fix_attempts SET provider = "
        "(SELECT incidents.provider FROM incidents WHERE incidents.id = fix_attempts.incident_id) "
        "WHERE EXISTS (SELECT 1 FROM incidents WHERE incidents.id = fix_attempts.incident_id)"
    )
    with op.batch_alter_table("fix_attempts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_fix_attempts_commit", type_="unique")
        batch_op.create_unique_constraint(
            "uq_fix_attempts_commit", ["provider", "repository_full_name", "branch", "commit_sha"]
        )


def downgrade() -> None:
    with op.batch_alter_table("fix_attempts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_fix_attempts_commit", type_="unique")
        batch_op.create_unique_constraint("uq_fix_attempts_commit", ["repository_full_name", "branch", "commit_sha"])
        batch_op.drop_column("provider")
