"""The shop's details a manager sets in the back office (opening hours, holidays, address,
phone, flat delivery fee), over what the environment says: one row, NULL where unset.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06 08:40:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0034"
down_revision: str | None = "0033"
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
        "store_details",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hours", sa.String(length=500), nullable=True),
        sa.Column("closed", sa.String(length=2000), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("delivery_fee_minor", sa.BigInteger(), nullable=True),
        sa.Column("changed_at", UTC_DATETIME, nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store_details")),
        **MYSQL,
    )


def downgrade() -> None:
    op.drop_table("store_details")
