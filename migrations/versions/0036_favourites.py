"""Favourites: the items each customer keeps one tap away (⭐ on an item's card), one row per
customer and item, so a double tap or two workers at once keep one.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
MYSQL: dict[str, Any] = {
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_unicode_ci",
    "mysql_engine": "InnoDB",
}


def upgrade() -> None:
    op.create_table(
        "favourites",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("product_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_favourites_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_favourites_product_id_products")
        ),
        sa.PrimaryKeyConstraint("customer_id", "product_id", name=op.f("pk_favourites")),
        **MYSQL,
    )
    op.create_index(op.f("ix_favourites_product_id"), "favourites", ["product_id"])


def downgrade() -> None:
    op.drop_table("favourites")  # its index goes with it (MariaDB keeps an FK's index)
