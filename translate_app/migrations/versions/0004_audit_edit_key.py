"""audit_log.edit_key: one row per submitted edit, so the audit outbox can be replayed safely

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.add_column(sa.Column("edit_key", sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint("uq_audit_log_edit_key", ["edit_key"])


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_constraint("uq_audit_log_edit_key", type_="unique")
        batch_op.drop_column("edit_key")
