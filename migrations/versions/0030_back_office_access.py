"""Ways into the back office: single-use links sent in the chat, and the web sessions they
(or a Mini App's signed launch data) open, each hanging on the member's chat login.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 08:20:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0030"
down_revision: str | None = "0029"
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
        "web_links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.Column("used_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_accounts.id"], name=op.f("fk_web_links_staff_id_staff_accounts")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_web_links")),
        **MYSQL,
    )
    op.create_index(op.f("ix_web_links_staff_id"), "web_links", ["staff_id"])
    op.create_index(op.f("ix_web_links_expires_at"), "web_links", ["expires_at"])
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("staff_started_at", UTC_DATETIME, nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("last_seen_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_accounts.id"],
            name=op.f("fk_web_sessions_staff_id_staff_accounts"),
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_web_sessions")),
        **MYSQL,
    )
    op.create_index(op.f("ix_web_sessions_staff_id"), "web_sessions", ["staff_id"])
    op.create_index(op.f("ix_web_sessions_last_seen_at"), "web_sessions", ["last_seen_at"])


def downgrade() -> None:
    op.drop_table("web_sessions")
    op.drop_table("web_links")
