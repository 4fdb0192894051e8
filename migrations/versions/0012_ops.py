"""sharper verdicts and hook health: flaky failures, default-branch issues, config reports, hook health columns

Revision ID: 0012_ops
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_ops"
down_revision = "0011"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _stamps() -> list[sa.Column[object]]:
    return [sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "flaky_failures",
        sa.Column("id", ID, nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("repository_full_name", sa.String(length=255), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("flakes", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flaky_failures")),
        sa.UniqueConstraint("provider", "repository_full_name", "key", name="uq_flaky_failures_key"),
    )
    op.create_table(
        "default_branch_issues",
        sa.Column("id", ID, nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("repository_full_name", sa.String(length=255), nullable=False),
        sa.Column("workflow_name", sa.String(length=255), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=1024), nullable=True),
        sa.Column("incident_id", sa.String(length=36), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_default_branch_issues")),
        sa.UniqueConstraint("provider", "repository_full_name", "workflow_name", "signature",
                            name="uq_default_branch_issues_signature"),
    )
    op.create_table(
        "config_reports",
        sa.Column("id", ID, nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("repository_full_name", sa.String(length=255), nullable=False),
        sa.Column("blob", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_config_reports")),
        sa.UniqueConstraint("provider", "repository_full_name", "blob", name="uq_config_reports_blob"),
    )
    with op.batch_alter_table("repository_connections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hook_health", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("hook_checked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("repository_connections", schema=None) as batch_op:
        batch_op.drop_column("hook_checked_at")
        batch_op.drop_column("hook_health")
    op.drop_table("config_reports")
    op.drop_table("default_branch_issues")
    op.drop_table("flaky_failures")
