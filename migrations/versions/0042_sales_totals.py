"""The analytics' running totals: completed orders per quarter hour (the hours of a year
read 35,000 rows instead of 190,000 orders), the days that are over summed once per time
zone, and the windows of the last N days with their sums per item and per pair of items
(days and windows are summed by the bot's job at start, as they need the shop's time zone).

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-06 16:40:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0042"
down_revision: str | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
MYSQL: dict[str, Any] = {
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_unicode_ci",
    "mysql_engine": "InnoDB",
}


def _sums_by_way() -> list[sa.Column[Any]]:
    """The completed orders' sums, keyed by how their money was taken (models.SalesSums): the
    same columns in the quarter hours and in the days."""
    return [
        sa.Column("money_taken", sa.String(16), primary_key=True),
        sa.Column("extra_taken", sa.String(16), primary_key=True),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("fees_minor", sa.BigInteger(), nullable=False),
        sa.Column("extra_minor", sa.BigInteger(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "sales_quarters",
        sa.Column("quarter", sa.BigInteger(), primary_key=True, autoincrement=False),
        *_sums_by_way(),
        **MYSQL,
    )
    op.create_table(
        "sales_days",
        sa.Column("zone", sa.String(64), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        *_sums_by_way(),
        **MYSQL,
    )
    op.create_table(
        "sales_zones",
        sa.Column("zone", sa.String(64), primary_key=True),
        sa.Column("through", sa.Date(), nullable=True),
        **MYSQL,
    )
    op.create_table(
        "sales_windows",
        sa.Column("days", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("starts_at", UTC_DATETIME, nullable=True),
        **MYSQL,
    )
    op.create_table(
        "window_items",
        sa.Column("days", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("product_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("revenue", sa.BigInteger(), nullable=False),
        **MYSQL,
    )
    op.create_index(
        "ix_window_items_revenue",
        "window_items",
        ["days", sa.text("revenue DESC"), sa.text("quantity DESC"), "product_id"],
    )
    op.create_index("ix_window_items_quantity", "window_items", ["days", "quantity", "product_id"])
    op.create_table(
        "window_pairs",
        sa.Column("days", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("first_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("second_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        **MYSQL,
    )
    op.create_index(
        "ix_window_pairs_orders",
        "window_pairs",
        ["days", sa.text("orders DESC"), "first_id", "second_id"],
    )
    # Added with false, so a worker still on the older release completes orders uncounted
    # while this runs: the new workers' job counts them (sales_windows.count_uncounted).
    with op.batch_alter_table("orders") as orders:
        orders.add_column(
            sa.Column("sales_counted", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_index("ix_orders_sales_counted", "orders", ["sales_counted", "completed_at"])
    op.execute("UPDATE orders SET sales_counted = 1 WHERE completed_at IS NOT NULL")
    if op.get_bind().dialect.name == "sqlite":
        seconds = "CAST(strftime('%s', completed_at) AS INTEGER) / 900"
    else:
        seconds = "TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', completed_at) DIV 900"
    op.execute(
        "INSERT INTO sales_quarters (quarter, money_taken, extra_taken, orders, total_minor,"  # noqa: S608 -- fixed SQL
        " fees_minor, extra_minor)"
        f" SELECT {seconds}, COALESCE(money_taken, ''), COALESCE(extra_taken, ''), COUNT(*),"
        " SUM(total_minor), SUM(delivery_fee_minor), SUM(extra_taken_minor)"
        " FROM orders WHERE completed_at IS NOT NULL AND sales_counted = 1"
        f" GROUP BY {seconds}, COALESCE(money_taken, ''), COALESCE(extra_taken, '')"
    )


def downgrade() -> None:
    op.drop_index("ix_orders_sales_counted", table_name="orders")
    with op.batch_alter_table("orders") as orders:
        orders.drop_column("sales_counted")
    tables = ("window_pairs", "window_items", "sales_windows", "sales_zones", "sales_days")
    for table in (*tables, "sales_quarters"):
        op.drop_table(table)
