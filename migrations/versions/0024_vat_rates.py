"""VAT rates: an item's own rate (NULL: the store's default, SHOPKEEPS_DEFAULT_VAT_RATE) and
the rate each order line was sold at, so a receipt or a report states the VAT the line was
sold with even after the item's rate changes. Lines sold before this have NULL: they count at
the store's default rate. Rates are integer hundredths of a percent (5.5 % is 550), exact on
SQLite too.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vat_rate", sa.Integer(), nullable=True))
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vat_rate", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_column("vat_rate")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("vat_rate")
