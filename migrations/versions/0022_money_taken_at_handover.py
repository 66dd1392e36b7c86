"""Money taken at the hand-over, and when an order was completed: the report counts completed
orders only (by the day they were completed, items from their lines alone) and lists the money
by how it was taken (cash, card, Telegram). Orders completed before are dated by their
'completed' status change; those paid in Telegram are marked so, the others stay unrecorded.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("completed_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("money_taken", sa.String(length=16), nullable=True))
        batch_op.create_index(
            "ix_orders_completed_takings",
            ["completed_at", "money_taken", "total_minor", "delivery_fee_minor"],
            unique=False,
        )
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("completed_at", UTC_DATETIME, nullable=True))
        batch_op.create_index(
            "ix_order_lines_completed_sales",
            ["completed_at", "product_id", "quantity", "line_total_minor"],
            unique=False,
        )
    op.execute(
        "UPDATE orders SET completed_at = (SELECT MAX(c.at) FROM order_status_changes c "
        "WHERE c.order_id = orders.id AND c.status = 'completed'), "
        "money_taken = CASE WHEN payment_method = 'online' THEN 'telegram' ELSE NULL END "
        "WHERE status = 'completed'"
    )
    op.execute(
        "UPDATE orders SET completed_at = placed_at WHERE status = 'completed' AND completed_at IS NULL"
    )
    op.execute(
        "UPDATE order_lines SET completed_at = (SELECT o.completed_at FROM orders o "
        "WHERE o.id = order_lines.order_id) "
        "WHERE order_id IN (SELECT o.id FROM orders o WHERE o.status = 'completed')"
    )


def downgrade() -> None:
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_order_lines_completed_sales")
        batch_op.drop_column("completed_at")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_completed_takings")
        batch_op.drop_column("money_taken")
        batch_op.drop_column("completed_at")
