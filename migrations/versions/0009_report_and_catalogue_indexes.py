"""Indexes for supermarket scale: reports read covering indexes, category pages come sorted.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 02:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_products_category_name", "products", ["category", "name"])
    op.drop_index("ix_products_category", table_name="products")
    op.create_index("ix_orders_placed_at_totals", "orders", ["placed_at", "status", "total_minor"])
    op.create_index(
        "ix_order_lines_sales",
        "order_lines",
        ["order_id", "product_id", "quantity", "line_total_minor"],
    )


def downgrade() -> None:
    op.drop_index("ix_order_lines_sales", table_name="order_lines")
    op.drop_index("ix_orders_placed_at_totals", table_name="orders")
    op.create_index("ix_products_category", "products", ["category"])
    op.drop_index("ix_products_category_name", table_name="products")
