"""Every item, archived ones too, in the catalogue's order (category, then name): a page of the
back office's items table is read from this index, however deep (a page 1,500 of the 100k
store read every item before it).

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-06 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0040"
down_revision: str | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_products_category_name", "products", ["category", "name"])


def downgrade() -> None:
    op.drop_index("ix_products_category_name", table_name="products")
