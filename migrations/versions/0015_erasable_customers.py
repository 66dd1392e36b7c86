"""A customer who asked to be forgotten keeps a row without a Telegram id: their orders stay in
the books (anonymised) and point at it, while the person, if they come back, is a new customer.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 15:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.alter_column("telegram_user_id", existing_type=sa.BigInteger(), nullable=True)


def downgrade() -> None:
    # Erased customers get an id no Telegram user has (negative), unique as the column needs.
    op.execute("UPDATE customers SET telegram_user_id = -id WHERE telegram_user_id IS NULL")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.alter_column("telegram_user_id", existing_type=sa.BigInteger(), nullable=False)
