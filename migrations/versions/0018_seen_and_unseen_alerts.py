"""Nothing waits unseen: when a member on duty first saw each order and question, and when the
managers were told that nobody had (bot.domain.waiting). Orders and questions from before count
as seen: the alert is for what arrives from now on, not a burst about the past at upgrade.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seen_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("unseen_alerted_at", UTC_DATETIME, nullable=True))
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seen_at", UTC_DATETIME, nullable=True))
        batch_op.add_column(sa.Column("unseen_alerted_at", UTC_DATETIME, nullable=True))
        batch_op.create_index(
            "ix_questions_waiting", ["answered_at", "seen_at", "unseen_alerted_at", "asked_at"]
        )
    op.execute("UPDATE orders SET seen_at = placed_at")
    op.execute("UPDATE questions SET seen_at = asked_at")


def downgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index("ix_questions_waiting")
        batch_op.drop_column("unseen_alerted_at")
        batch_op.drop_column("seen_at")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("unseen_alerted_at")
        batch_op.drop_column("seen_at")
