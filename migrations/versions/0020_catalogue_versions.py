"""The catalogue's version: every worker keeps the browse screens (categories, a category's
page, an item's card) it has read, for as long as the version it reads when it records each
update has not moved. A change to what those screens show adds to one of these rows; the
version is their sum. Empty at first: the sum of no rows is 0, and a row appears with the first
change that falls to it.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalogue_versions",
        sa.Column("shard", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("shard", name=op.f("pk_catalogue_versions")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )


def downgrade() -> None:
    op.drop_table("catalogue_versions")
