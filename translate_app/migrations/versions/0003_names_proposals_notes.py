"""display names, proposals (changes to approved text), audit notes, jobs' no-match count

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("display_name", sa.String(length=120), nullable=True))
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.add_column(sa.Column("no_match", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("release", sa.String(length=128), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=False),
        sa.Column("segment_id", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("base_version", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("proposals") as batch_op:
        batch_op.create_index("ix_proposals_user_id", ["user_id"])
        batch_op.create_index("ix_proposals_release", ["release"])
        batch_op.create_index("ix_proposals_language", ["language"])
        batch_op.create_index("ix_proposals_segment_id", ["segment_id"])
        batch_op.create_index("ix_proposals_status", ["status"])


def downgrade() -> None:
    op.drop_table("proposals")
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_column("no_match")
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_column("note")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("display_name")
