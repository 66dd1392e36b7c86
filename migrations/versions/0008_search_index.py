"""The search index: items' words and their one-typo variants.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 02:20:00
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from bot.domain.catalogue import Product, Unit
from bot.domain.search import index_terms, typo_indexable, variants

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _exact(length: int) -> sa.types.TypeEngine[str]:
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


TABLE: dict[str, Any] = {
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_unicode_ci",
    "mysql_engine": "InnoDB",
}


def upgrade() -> None:
    terms = op.create_table(
        "search_terms",
        sa.Column("term", _exact(40), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_search_terms_product_id_products")
        ),
        sa.PrimaryKeyConstraint("term", "product_id", "field", name=op.f("pk_search_terms")),
        **TABLE,
    )
    op.create_index(op.f("ix_search_terms_product_id"), "search_terms", ["product_id"])
    found = op.create_table(
        "search_variants",
        sa.Column("variant", _exact(40), nullable=False),
        sa.Column("term", _exact(40), nullable=False),
        sa.PrimaryKeyConstraint("variant", "term", name=op.f("pk_search_variants")),
        **TABLE,
    )
    _index_existing_items(terms, found)


def _index_existing_items(terms: sa.Table, found: sa.Table) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, sku, name, category FROM products")).all()
    postings: list[dict[str, object]] = []
    vocabulary: set[str] = set()
    for product_id, sku, name, category in rows:
        product = Product(sku, name, category, Unit.PIECE, step=Decimal(1), price_minor=0)
        for term, where in index_terms(product):
            postings.append({"term": term, "product_id": product_id, "field": int(where)})
            vocabulary.add(term)
    if postings:
        op.bulk_insert(terms, postings)
    pairs = [
        {"variant": v, "term": t} for t in vocabulary if typo_indexable(t) for v in variants(t)
    ]
    if pairs:
        op.bulk_insert(found, pairs)


def downgrade() -> None:
    op.drop_table("search_variants")
    op.drop_table("search_terms")
