"""Sales of a short period read from an index in time order: a month's lines are a slice of
it, where the item-ordered index must be read whole (a year is still summed from that one).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 08:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["cancelled", "placed_at", "product_id", "quantity", "line_total_minor"]


def upgrade() -> None:
    op.create_index("ix_order_lines_sales_by_time", "order_lines", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_order_lines_sales_by_time", table_name="order_lines")
