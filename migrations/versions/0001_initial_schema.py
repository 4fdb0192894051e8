"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('installations',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('account_login', sa.String(length=255), nullable=False),
    sa.Column('account_id', sa.BigInteger(), nullable=True),
    sa.Column('account_type', sa.String(length=32), nullable=True),
    sa.Column('repository_selection', sa.String(length=16), nullable=True),
    sa.Column('permissions', sa.JSON(), nullable=False),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('suspended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installations'))
    )
    op.create_table('users',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('github_user_id', sa.BigInteger(), nullable=True),
    sa.Column('github_login', sa.String(length=255), nullable=True),
    sa.Column('gitlab_user_id', sa.BigInteger(), nullable=True),
    sa.Column('gitlab_username', sa.String(length=255), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('name', sa.String(length=255), nullable=True),
    sa.Column('token_migration_status', sa.String(length=16), nullable=False),
    sa.Column('token_migration_error', sa.Text(), nullable=True),
    sa.Column('token_migrated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('github_user_id', name=op.f('uq_users_github_user_id')),
    sa.UniqueConstraint('gitlab_user_id', name=op.f('uq_users_gitlab_user_id'))
    )
    op.create_table('webhook_deliveries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('delivery_id', sa.String(length=100), nullable=False),
    sa.Column('event', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=100), nullable=True),
    sa.Column('installation_id', sa.BigInteger(), nullable=True),
    sa.Column('repository', sa.String(length=255), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
    sa.UniqueConstraint('provider', 'delivery_id', name='uq_webhook_deliveries_delivery')
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_deliveries_status_due', ['status', 'next_attempt_at'], unique=False)

    op.create_table('oauth_connections',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('provider_user_id', sa.String(length=100), nullable=True),
    sa.Column('provider_username', sa.String(length=255), nullable=True),
    sa.Column('repository_full_name', sa.String(length=255), nullable=False),
    sa.Column('access_token_enc', sa.LargeBinary(), nullable=False),
    sa.Column('refresh_token_enc', sa.LargeBinary(), nullable=True),
    sa.Column('token_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refresh_token_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refresh_generation', sa.Integer(), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('deactivated_reason', sa.String(length=255), nullable=True),
    sa.Column('migrated_from_pat', sa.Boolean(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_oauth_connections_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oauth_connections')),
    sa.UniqueConstraint('user_id', 'provider', 'kind', 'repository_full_name', name='uq_oauth_connections_identity')
    )
    with op.batch_alter_table('oauth_connections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oauth_connections_user_id'), ['user_id'], unique=False)

    op.create_table('repository_connections',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('repository_id', sa.String(length=100), nullable=False),
    sa.Column('full_name', sa.String(length=255), nullable=False),
    sa.Column('installation_id', sa.BigInteger(), nullable=True),
    sa.Column('user_id', sa.String(length=36), nullable=True),
    sa.Column('oauth_connection_id', sa.String(length=36), nullable=True),
    sa.Column('is_private', sa.Boolean(), nullable=True),
    sa.Column('default_branch', sa.String(length=255), nullable=True),
    sa.Column('webhook_id', sa.String(length=100), nullable=True),
    sa.Column('webhook_secret_enc', sa.LargeBinary(), nullable=True),
    sa.Column('is_enabled', sa.Boolean(), nullable=False),
    sa.Column('auto_pr_enabled', sa.Boolean(), nullable=False),
    sa.Column('allow_workflow_edits', sa.Boolean(), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_event_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], name=op.f('fk_repository_connections_installation_id_installations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['oauth_connection_id'], ['oauth_connections.id'], name=op.f('fk_repository_connections_oauth_connection_id_oauth_connections'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_repository_connections_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repository_connections')),
    sa.UniqueConstraint('provider', 'repository_id', name='uq_repository_connections_repo')
    )
    with op.batch_alter_table('repository_connections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repository_connections_full_name'), ['full_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_repository_connections_installation_id'), ['installation_id'], unique=False)

    op.create_table('incidents',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('repository_full_name', sa.String(length=255), nullable=False),
    sa.Column('repository_connection_id', sa.String(length=36), nullable=True),
    sa.Column('oauth_connection_id', sa.String(length=36), nullable=True),
    sa.Column('installation_id', sa.BigInteger(), nullable=True),
    sa.Column('run_id', sa.BigInteger(), nullable=False),
    sa.Column('run_attempt', sa.Integer(), nullable=False),
    sa.Column('workflow_name', sa.String(length=255), nullable=True),
    sa.Column('head_branch', sa.String(length=255), nullable=True),
    sa.Column('head_sha', sa.String(length=64), nullable=True),
    sa.Column('pull_requests', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('signature', sa.String(length=128), nullable=True),
    sa.Column('analysis', sa.JSON(), nullable=False),
    sa.Column('root_cause', sa.Text(), nullable=True),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('comment_id', sa.BigInteger(), nullable=True),
    sa.Column('check_run_id', sa.BigInteger(), nullable=True),
    sa.Column('fix_pr_number', sa.Integer(), nullable=True),
    sa.Column('fix_branch', sa.String(length=255), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('occurrences', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['oauth_connection_id'], ['oauth_connections.id'], name=op.f('fk_incidents_oauth_connection_id_oauth_connections'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['repository_connection_id'], ['repository_connections.id'], name=op.f('fk_incidents_repository_connection_id_repository_connections'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents')),
    sa.UniqueConstraint('provider', 'repository_full_name', 'run_id', name='uq_incidents_run')
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index('ix_incidents_open_signature', ['repository_full_name', 'head_branch', 'signature', 'status'], unique=False)

    op.create_table('workflow_runs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('repository_connection_id', sa.String(length=36), nullable=True),
    sa.Column('repository_full_name', sa.String(length=255), nullable=False),
    sa.Column('run_id', sa.BigInteger(), nullable=False),
    sa.Column('run_attempt', sa.Integer(), nullable=False),
    sa.Column('run_number', sa.Integer(), nullable=True),
    sa.Column('workflow_name', sa.String(length=255), nullable=True),
    sa.Column('workflow_path', sa.String(length=512), nullable=True),
    sa.Column('event', sa.String(length=64), nullable=True),
    sa.Column('head_branch', sa.String(length=255), nullable=True),
    sa.Column('head_sha', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=50), nullable=True),
    sa.Column('conclusion', sa.String(length=50), nullable=True),
    sa.Column('html_url', sa.String(length=1024), nullable=True),
    sa.Column('incident_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_workflow_runs_incident_id_incidents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['repository_connection_id'], ['repository_connections.id'], name=op.f('fk_workflow_runs_repository_connection_id_repository_connections'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_runs')),
    sa.UniqueConstraint('provider', 'repository_full_name', 'run_id', 'run_attempt', name='uq_workflow_runs_run')
    )
    


def downgrade() -> None:
    
    op.drop_table('workflow_runs')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index('ix_incidents_open_signature')

    op.drop_table('incidents')
    with op.batch_alter_table('repository_connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repository_connections_installation_id'))
        batch_op.drop_index(batch_op.f('ix_repository_connections_full_name'))

    op.drop_table('repository_connections')
    with op.batch_alter_table('oauth_connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oauth_connections_user_id'))

    op.drop_table('oauth_connections')
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_deliveries_status_due')

    op.drop_table('webhook_deliveries')
    op.drop_table('users')
    op.drop_table('installations')
    
