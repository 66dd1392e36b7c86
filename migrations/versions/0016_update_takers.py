"""Who took each update, the update itself until it is handled, and the workers' heartbeats:
an update taken by a worker killed before it finished is handled by another worker (or by the
same one, restarted), never dropped as already handled and never applied twice.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 15:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")
LONG_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")


def upgrade() -> None:
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("taken_by", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("done_at", UTC_DATETIME, nullable=True))
        # MEDIUMTEXT on MariaDB: an update may be up to 1 MB (TEXT holds 64 kB).
        batch_op.add_column(sa.Column("body", LONG_TEXT, nullable=True))
        batch_op.create_index(op.f("ix_processed_updates_done_at"), ["done_at"])
    op.create_table(
        "workers",
        sa.Column("worker_id", sa.String(32), nullable=False),
        sa.Column("beat_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_workers")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    op.create_index(op.f("ix_workers_beat_at"), "workers", ["beat_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_workers_beat_at"), table_name="workers")
    op.drop_table("workers")
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_processed_updates_done_at"))
        batch_op.drop_column("body")
        batch_op.drop_column("done_at")
        batch_op.drop_column("taken_by")
