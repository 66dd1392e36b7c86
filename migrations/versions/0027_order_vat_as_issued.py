"""The VAT each completed order's receipt stated, per rate, kept as issued: the report sums
these rows (a year of a busy shop: 200,000 rows instead of 600,000 lines grouped per order),
and a later change of the store's default rate changes no past receipt.

Orders completed before are filled in with the rule their receipts used (each order's lines
and delivery fee summed per rate, the VAT of each sum rounded half up), lines sold before
rates were kept and delivery fees at the default rate the settings give now
(SHOPKEEPS_DEFAULT_VAT_RATE), as those receipts were computed.

And the completed lines in item order: a long period's best sellers read already grouped.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects import mysql

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def _default_rate_hundredths() -> int:
    """The store's default rate as its settings give it, in hundredths of a percent."""
    rate = context.config.attributes.get("default_vat_rate")
    if rate is None:
        from bot.config import load_settings

        rate = load_settings().default_vat_rate
    return int(Decimal(rate) * 100)


def upgrade() -> None:
    op.create_table(
        "order_vat",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("rate", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("completed_at", UTC_DATETIME, nullable=False),
        sa.Column("gross_minor", sa.BigInteger(), nullable=False),
        sa.Column("vat_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_vat_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("order_id", "rate", name=op.f("pk_order_vat")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    completed = (
        op.get_bind()
        .execute(sa.text("SELECT 1 FROM orders WHERE completed_at IS NOT NULL LIMIT 1"))
        .first()
    )
    default = _default_rate_hundredths() if completed else 0  # nothing to fill in otherwise
    # round(g·r / (10000 + r)) half up, in integers: n DIV d with n = 2·g·r + 10000 + r and
    # d = 2·(10000 + r), written (n - n % d) / d: exact on both databases.
    op.execute(
        sa.text(
            "INSERT INTO order_vat (order_id, rate, completed_at, gross_minor, vat_minor) "
            "SELECT order_id, rate, completed_at, gross, (n - n % d) / d FROM ("
            " SELECT order_id, rate, completed_at, gross,"
            " 2 * gross * rate + 10000 + rate AS n, 2 * (10000 + rate) AS d FROM ("
            "  SELECT a.order_id AS order_id, a.rate AS rate,"
            "  MAX(a.completed_at) AS completed_at, SUM(a.amount) AS gross FROM ("
            "   SELECT l.order_id AS order_id, COALESCE(l.vat_rate, :default) AS rate,"
            "   l.completed_at AS completed_at, l.line_total_minor AS amount"
            "   FROM order_lines l WHERE l.completed_at IS NOT NULL"
            "   UNION ALL"
            "   SELECT o.id, :default, o.completed_at, o.delivery_fee_minor"
            "   FROM orders o WHERE o.completed_at IS NOT NULL AND o.delivery_fee_minor > 0"
            "  ) a GROUP BY a.order_id, a.rate"
            " ) sums"
            ") fractions"
        ).bindparams(default=default)
    )
    op.create_index(
        "ix_order_vat_completed",
        "order_vat",
        ["completed_at", "rate", "gross_minor", "vat_minor"],
        unique=False,
    )

    # The report's item sales of a long period, read in item order (already grouped).
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_order_lines_product_completed",
            ["product_id", "completed_at", "quantity", "line_total_minor"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_order_lines_product_completed")
    op.drop_index("ix_order_vat_completed", table_name="order_vat")
    op.drop_table("order_vat")
