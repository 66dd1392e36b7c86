"""The stock ledger in time order: the back office's ledger export reads the last 90 days from
this index (it read the whole ledger, 1.1 million rows on the 100k store, to find them).

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-06 14:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_stock_ledger_at", "stock_ledger", ["at"])


def downgrade() -> None:
    op.drop_index("ix_stock_ledger_at", table_name="stock_ledger")
