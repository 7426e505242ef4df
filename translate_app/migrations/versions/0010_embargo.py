"""Embargo: releases.embargo_at (UTC) and embargo_zone, embargo_access (who may see before), preview_links

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("releases") as batch_op:
        batch_op.add_column(sa.Column("embargo_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("embargo_zone", sa.String(length=64), nullable=True))
    op.create_table(
        "embargo_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("release", "user_id"),
    )
    op.create_index("ix_embargo_access_release", "embargo_access", ["release"])
    op.create_index("ix_embargo_access_user_id", "embargo_access", ["user_id"])
    op.create_table(
        "preview_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("release", sa.String(length=128), nullable=False),
        sa.Column("language", sa.String(length=20), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_preview_links_release", "preview_links", ["release"])


def downgrade() -> None:
    op.drop_index("ix_preview_links_release", table_name="preview_links")
    op.drop_table("preview_links")
    op.drop_index("ix_embargo_access_user_id", table_name="embargo_access")
    op.drop_index("ix_embargo_access_release", table_name="embargo_access")
    op.drop_table("embargo_access")
    with op.batch_alter_table("releases") as batch_op:
        batch_op.drop_column("embargo_zone")
        batch_op.drop_column("embargo_at")
