"""gitlab: the notes the bot keeps on merge requests and commits

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 18:23:45.929844
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('forge_notes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('repository_full_name', sa.String(length=255), nullable=False),
    sa.Column('target', sa.String(length=100), nullable=False),
    sa.Column('note_id', sa.BigInteger(), nullable=True),
    sa.Column('posted', sa.Boolean(), nullable=False),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forge_notes')),
    sa.UniqueConstraint('provider', 'repository_full_name', 'target', name='uq_forge_notes_target')
    )


def downgrade() -> None:
    op.drop_table('forge_notes')
