"""Password resets: a manager gives a member who forgot their password a single-use code,
kept like an invite (its SHA-256 only, an expiry, used once) with `resets` naming the account
whose password it sets. NULL for every invite made before, and for every sign-up invite.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resets", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_invites_resets_staff_accounts"), "staff_accounts", ["resets"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_invites_resets_staff_accounts"), type_="foreignkey")
        batch_op.drop_column("resets")
