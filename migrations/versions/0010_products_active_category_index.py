"""Items on sale by category in name order, from one index (MariaDB would not use 0009's for
the list of categories or a category's count, and scanned the table instead).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_products_active_category_name", "products", ["active", "category", "name"])
    op.drop_index("ix_products_category_name", table_name="products")


def downgrade() -> None:
    op.create_index("ix_products_category_name", "products", ["category", "name"])
    op.drop_index("ix_products_active_category_name", table_name="products")
