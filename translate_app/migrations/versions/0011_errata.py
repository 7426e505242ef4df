"""Add publications.errata: the correction note published with a language after its source was corrected

A republication after a correction can carry a note in the language (what
was corrected, and when); it is kept with the publication it went out with.
Existing publications have none (NULL).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("publications") as batch_op:
        batch_op.add_column(sa.Column("errata", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("publications") as batch_op:
        batch_op.drop_column("errata")
