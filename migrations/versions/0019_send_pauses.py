"""Flood-control pauses shared by every worker, and send ticks reserved in blocks.

A 429 from Telegram now pauses what it applies to (a chat, the bot's bulk messages, or every
call) on every worker, through `send_pauses`. Notifications reserve places of the send budget
a block of ticks at a time, each `send_ticks` row now marking a block owned by one worker:
the rows of the old per-message reservations mean nothing any more and are dropped.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 21:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "send_pauses",
        sa.Column("scope", sa.String(length=48), nullable=False),
        sa.Column("until_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_send_pauses")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    op.execute(sa.text("DELETE FROM send_ticks"))


def downgrade() -> None:
    op.drop_table("send_pauses")
    op.execute(sa.text("DELETE FROM send_ticks"))
