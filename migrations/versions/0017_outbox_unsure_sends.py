"""How many sends of each notification may have reached Telegram without its answer reaching
us (a timeout, a worker killed mid-send): the sender retries such a message at most once more,
so a slow or unreachable Telegram costs at most one duplicate, never an endless repeat.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 18:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unsure_sends", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("unsure_sends")
