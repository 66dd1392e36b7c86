"""The language of each person's Telegram app, as last seen: a notification is written when
no update of theirs is at hand, and a person who never chose with /language reads it in the
language their app speaks, as they read every reply.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25 09:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_languages",
        sa.Column("telegram_user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("telegram_user_id", name=op.f("pk_app_languages")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )


def downgrade() -> None:
    op.drop_table("app_languages")
