"""Drop releases.mt_provider: nothing ever set it (every row holds NULL)

The column was meant for a provider chosen per release; no page, command or
API call ever wrote one, so `pretranslate` always fell back to
TRANSLATE_APP_MT_PROVIDER. The downgrade adds the column back, empty.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("releases") as batch_op:
        batch_op.drop_column("mt_provider")


def downgrade() -> None:
    with op.batch_alter_table("releases") as batch_op:
        batch_op.add_column(sa.Column("mt_provider", sa.String(length=40), nullable=True))
