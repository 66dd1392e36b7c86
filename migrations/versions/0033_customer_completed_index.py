"""An index of each customer's completed orders in time: the analytics tell new buyers from
returning ones with one probe each, not a scan of every order.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 08:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_orders_customer_completed", "orders", ["customer_id", "completed_at"])


def downgrade() -> None:
    op.drop_index("ix_orders_customer_completed", table_name="orders")
