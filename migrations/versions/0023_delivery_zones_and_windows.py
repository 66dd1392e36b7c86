"""Delivery time windows: the window a customer chose at checkout, kept with the order (its
start and end) and with the checkout in progress (its start). Zones and fees are settings and
need no table; a delivery code is kept where a pickup code is (orders.pickup_code).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery_from", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("delivery_until", UTC_DATETIME, nullable=True))
    with op.batch_alter_table("checkouts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery_from", UTC_DATETIME, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checkouts", schema=None) as batch_op:
        batch_op.drop_column("delivery_from")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("delivery_until")
        batch_op.drop_column("delivery_from")
