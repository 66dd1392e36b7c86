"""Promo codes (bot.domain.promo_codes): the codes managers give out, the one an order was
placed with (kept with its discount as it was then) and the one a checkout holds.

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0039"
down_revision: str | None = "0038"
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
        "promo_codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),  # hundredths of a percent
        sa.Column("amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("min_basket_minor", sa.BigInteger(), nullable=False),
        sa.Column("starts_at", UTC_DATETIME, nullable=True),
        sa.Column("ends_at", UTC_DATETIME, nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("per_customer", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("ended_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promo_codes")),
        sa.UniqueConstraint("code", name=op.f("uq_promo_codes_code")),
        **MYSQL,
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("promo_code_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("promo_code", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("promo_percent", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("promo_amount_minor", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("promo_items_minor", sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_orders_promo_code_id_promo_codes"),
            "promo_codes",
            ["promo_code_id"],
            ["id"],
        )
        # A customer's uses of a code: counted under its row lock at every redemption.
        batch_op.create_index(
            "ix_orders_promo_code_customer", ["promo_code_id", "customer_id"], unique=False
        )
    with op.batch_alter_table("checkouts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("promo_code", sa.String(length=24), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checkouts", schema=None) as batch_op:
        batch_op.drop_column("promo_code")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_orders_promo_code_id_promo_codes"), type_="foreignkey"
        )
        batch_op.drop_index("ix_orders_promo_code_customer")
        batch_op.drop_column("promo_items_minor")
        batch_op.drop_column("promo_amount_minor")
        batch_op.drop_column("promo_percent")
        batch_op.drop_column("promo_code")
        batch_op.drop_column("promo_code_id")
    op.drop_table("promo_codes")
