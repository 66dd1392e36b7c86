"""Each customer's and each staff account's language, once they chose one (/language); until
then the bot follows the language of their Telegram app.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25 09:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("customers", "staff_accounts"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    for table in ("customers", "staff_accounts"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("language")
