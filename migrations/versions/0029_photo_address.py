"""The web address an item's photo was fetched from, kept beside the file id Telegram gave: a
catalogue file imported again with the same address keeps that photo instead of having
Telegram fetch it anew, and the export writes the address as the file gave it.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 06:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("photo_address", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("photo_address")
