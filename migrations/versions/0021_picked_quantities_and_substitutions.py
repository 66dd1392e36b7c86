"""Picked quantities and substitutions: before an order is ready, staff record what the shelf
gave for each line (a weighed line's picked weight, another item instead, or nothing). A line
keeps what was ordered beside what is sold (`ordered_quantity`, `ordered_product_id`,
`ordered_name`: NULL while it is as ordered); the order keeps the total it was placed at
(`placed_total_minor`: what a Telegram invoice asked, so a payment still pays for it once the
total follows the picking; NULL for orders placed before it was kept, whose total never
changed) and whether the customer is still to be told of the changes.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUANTITY = sa.BigInteger()  # thousandths, as bot.persistence.types.Quantity stores them


def upgrade() -> None:
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ordered_quantity", QUANTITY, nullable=True))
        batch_op.add_column(sa.Column("ordered_product_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ordered_name", sa.String(length=120), nullable=True))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("placed_total_minor", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("changes_untold", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("changes_untold")
        batch_op.drop_column("placed_total_minor")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_column("ordered_name")
        batch_op.drop_column("ordered_product_id")
        batch_op.drop_column("ordered_quantity")
