"""News customers opt into: each customer's choice (and whether the bot is blocked), when
their cart last changed and was reminded of, and managers' announcements with what became of
each message.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-08 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0038"
down_revision: str | None = "0037"
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
        "news_choices",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("wants", sa.Boolean(), nullable=False),
        sa.Column("asked_at", UTC_DATETIME, nullable=True),
        sa.Column("chosen_at", UTC_DATETIME, nullable=True),
        sa.Column("blocked_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_news_choices_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_news_choices")),
        **MYSQL,
    )
    op.create_table(
        "cart_activity",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("changed_at", UTC_DATETIME, nullable=False),
        sa.Column("reminded_of", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_cart_activity_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_cart_activity")),
        **MYSQL,
    )
    # The reminder job reads the carts changed before a moment.
    op.create_index(op.f("ix_cart_activity_changed_at"), "cart_activity", ["changed_at"])
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("photo_file_id", sa.String(length=255), nullable=True),
        sa.Column("audience", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("queued_at", UTC_DATETIME, nullable=True),
        sa.Column("recipients", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
        **MYSQL,
    )
    op.create_index(op.f("ix_announcements_queued_at"), "announcements", ["queued_at"])
    op.create_table(
        "announcement_recipients",
        sa.Column("announcement_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("unsubscribed_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_recipients_announcement_id_announcements"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_announcement_recipients_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint(
            "announcement_id", "customer_id", name=op.f("pk_announcement_recipients")
        ),
        **MYSQL,
    )
    op.create_index(
        op.f("ix_announcement_recipients_customer_id"),
        "announcement_recipients",
        ["customer_id"],
    )


def downgrade() -> None:
    # Their indexes go with them (MariaDB keeps an FK's index).
    op.drop_table("announcement_recipients")
    op.drop_table("announcements")
    op.drop_table("cart_activity")
    op.drop_table("news_choices")
