"""Offers: an item or a category at a lower price from a start to an end (bot.domain.offers).
A manager ending one early moves its end to that moment and notes it (`ended_at`): the row
stays for the record, and a second manager ending it too hears it had ended.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-06 10:40:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0035"
down_revision: str | None = "0034"
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
        "offers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=60), nullable=True),
        sa.Column("percent", sa.Integer(), nullable=True),  # hundredths of a percent
        sa.Column("price_minor", sa.BigInteger(), nullable=True),
        sa.Column("starts_at", UTC_DATETIME, nullable=False),
        sa.Column("ends_at", UTC_DATETIME, nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("ended_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_offers_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
        **MYSQL,
    )
    # What runs now or later: every priced read asks for the offers not yet ended.
    op.create_index("ix_offers_ends_at", "offers", ["ends_at"])
    op.create_index(op.f("ix_offers_product_id"), "offers", ["product_id"])


def downgrade() -> None:
    op.drop_table("offers")  # its indexes with it (MariaDB keeps one a key needs)
