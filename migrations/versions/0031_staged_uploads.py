"""Files uploaded to the back office and previewed, kept until their import is confirmed
(by whichever worker takes the confirmation) or forgotten a day later.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 08:10:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0031"
down_revision: str | None = "0030"
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
        "staged_uploads",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column(
            "body",
            sa.LargeBinary().with_variant(mysql.MEDIUMBLOB(), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column("staged_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_accounts.id"],
            name=op.f("fk_staged_uploads_staff_id_staff_accounts"),
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_staged_uploads")),
        **MYSQL,
    )
    op.create_index(op.f("ix_staged_uploads_staff_id"), "staged_uploads", ["staff_id"])
    op.create_index(op.f("ix_staged_uploads_staged_at"), "staged_uploads", ["staged_at"])


def downgrade() -> None:
    op.drop_table("staged_uploads")
