"""Stock watches: customers waiting to hear that a sold-out item is back.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 22:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stock_watches",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("product_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_stock_watches_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_stock_watches_product_id_products"),
        ),
        sa.PrimaryKeyConstraint("customer_id", "product_id", name=op.f("pk_stock_watches")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    op.create_index(op.f("ix_stock_watches_product_id"), "stock_watches", ["product_id"])


def downgrade() -> None:
    op.drop_table("stock_watches")  # its index goes with it (MariaDB keeps an FK's index)
