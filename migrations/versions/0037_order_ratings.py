"""Ratings: a completed order's stars (1-5) and its customer's comment, one row per order.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-06 11:10:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0037"
down_revision: str | None = "0036"
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
        "order_ratings",
        sa.Column("order_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("stars", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("rated_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("stars BETWEEN 1 AND 5", name=op.f("ck_order_ratings_stars_1_to_5")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_ratings_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_order_ratings_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_ratings")),
        **MYSQL,
    )
    op.create_index(op.f("ix_order_ratings_customer_id"), "order_ratings", ["customer_id"])


def downgrade() -> None:
    op.drop_table("order_ratings")
