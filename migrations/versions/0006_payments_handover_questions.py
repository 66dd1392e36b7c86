"""Payments (Telegram Payments), hand-over codes and customers' questions to the shop.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 23:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

UTC_DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "payment_method", sa.String(length=16), nullable=False, server_default="on_handover"
            )
        )
        batch_op.add_column(sa.Column("pay_by", UTC_DATETIME, nullable=True))
        batch_op.add_column(
            sa.Column("refund_due_minor", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("pickup_code", sa.String(length=8), nullable=True))
    op.create_index(op.f("ix_orders_pay_by"), "orders", ["pay_by"])
    op.create_index(op.f("ix_orders_pickup_code"), "orders", ["pickup_code"], unique=True)
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("telegram_charge_id", sa.String(length=255), nullable=False),
        sa.Column("provider_charge_id", sa.String(length=255), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_payments_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("telegram_charge_id", name=op.f("uq_payments_telegram_charge_id")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    op.create_index(op.f("ix_payments_order_id"), "payments", ["order_id"])
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("asked_at", UTC_DATETIME, nullable=False),
        sa.Column("answer", sa.String(length=1000), nullable=True),
        sa.Column("answered_at", UTC_DATETIME, nullable=True),
        sa.Column("answered_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_questions_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_unicode_ci",
        mysql_engine="InnoDB",
    )
    op.create_index(op.f("ix_questions_customer_id"), "questions", ["customer_id"])
    op.create_index(op.f("ix_questions_asked_at"), "questions", ["asked_at"])


def downgrade() -> None:
    op.drop_table("questions")  # its indexes go with it
    op.drop_table("payments")
    op.drop_index(op.f("ix_orders_pickup_code"), table_name="orders")
    op.drop_index(op.f("ix_orders_pay_by"), table_name="orders")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("pickup_code")
        batch_op.drop_column("refund_due_minor")
        batch_op.drop_column("pay_by")
        batch_op.drop_column("payment_method")
