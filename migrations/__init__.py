"""Alembic migration environment for DevFlowFix."""
