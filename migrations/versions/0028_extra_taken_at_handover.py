"""What the picking added to an order paid in Telegram is taken at the hand-over, in cash or by
card, and recorded so: the report lists it under the way it was taken, no longer as Telegram
money. Orders completed before keep Telegram for what was paid there; what the picking added
to them is counted as taken before it was recorded.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TAKINGS = ["completed_at", "money_taken", "total_minor", "delivery_fee_minor"]


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extra_taken", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("extra_taken_minor", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.drop_index("ix_orders_completed_takings")
        batch_op.create_index(
            "ix_orders_completed_takings",
            [*TAKINGS, "extra_taken", "extra_taken_minor"],
            unique=False,
        )
    op.execute(
        "UPDATE orders SET extra_taken_minor = total_minor - placed_total_minor "
        "WHERE status = 'completed' AND money_taken = 'telegram' "
        "AND placed_total_minor IS NOT NULL AND total_minor > placed_total_minor"
    )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_completed_takings")
        batch_op.create_index("ix_orders_completed_takings", TAKINGS, unique=False)
        batch_op.drop_column("extra_taken_minor")
        batch_op.drop_column("extra_taken")
