"""Getting in: share links, password resets, the suggester role, how people are credited

share_links (a link for one release and some languages, stored hashed); password_resets (one-time
links, stored hashed); users.credit/pseudonym/organisation (how a person is shown to others),
users.link_id (the link a person came in through) and users.release_scope (the one release such a
person may see); invitations.display_name (no longer carried in the link) and invitations.revoked_at.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("release", sa.String(length=128), nullable=False),
        sa.Column("languages", sa.String(length=400), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_share_links_token_hash", "share_links", ["token_hash"], unique=True)
    op.create_index("ix_share_links_release", "share_links", ["release"])
    op.create_table(
        "password_resets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_password_resets_token_hash", "password_resets", ["token_hash"], unique=True)
    op.create_index("ix_password_resets_user_id", "password_resets", ["user_id"])
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("credit", sa.String(length=20), nullable=False, server_default="name"))
        batch_op.add_column(sa.Column("pseudonym", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("organisation", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("link_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("release_scope", sa.String(length=128), nullable=True))
        batch_op.create_foreign_key("fk_users_link_id", "share_links", ["link_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index("ix_users_link_id", ["link_id"])
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.add_column(sa.Column("display_name", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("display_name")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_index("ix_users_link_id")
        batch_op.drop_constraint("fk_users_link_id", type_="foreignkey")
        batch_op.drop_column("release_scope")
        batch_op.drop_column("link_id")
        batch_op.drop_column("organisation")
        batch_op.drop_column("pseudonym")
        batch_op.drop_column("credit")
    op.drop_index("ix_password_resets_user_id", table_name="password_resets")
    op.drop_index("ix_password_resets_token_hash", table_name="password_resets")
    op.drop_table("password_resets")
    op.drop_index("ix_share_links_release", table_name="share_links")
    op.drop_index("ix_share_links_token_hash", table_name="share_links")
    op.drop_table("share_links")
