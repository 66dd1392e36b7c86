"""Bulk writes store exactly what the one-row path stores, odd text included."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from bot.domain.catalogue import Unit
from bot.domain.search import index_terms
from bot.domain.stock import LedgerEntry, StockReason
from bot.persistence.models import SearchTermRow
from tests.support.databases import UowFactory
from tests.support.factories import make_product

AWKWARD = "O'Brien's \\ \"best\" 100% _cider_ 🍷 \u00e9t\u00e9"


def test_items_and_ledger_rows_written_in_bulk_read_back_unchanged(new_uow: UowFactory) -> None:
    product = make_product(
        sku="ODD-1",
        name=AWKWARD,
        category="Drinks; DROP TABLE products",
        unit=Unit.KILOGRAM,
        step=Decimal("0.125"),
        description="line one\nline two",
        low_stock_threshold=None,
        stock=Decimal("2.375"),
    )
    at = datetime(2026, 11, 25, 1, 2, 3, 456789, tzinfo=UTC)
    with new_uow() as uow:
        [added] = uow.products.add_many([product])
        assert added.id is not None
        uow.ledger.add_many(
            [
                LedgerEntry(
                    added.id,
                    StockReason.RECEIVED,
                    Decimal("2.375"),
                    Decimal("2.375"),
                    at,
                    "bulk",
                    AWKWARD,
                )
            ]
        )
        uow.commit()
    with new_uow() as uow:
        stored = uow.products.get_by_sku("ODD-1")
        [entry] = uow.ledger.recent(added.id, limit=5)
        balance = uow.ledger.balance(added.id)
    assert stored is not None
    assert balance == stored.stock
    assert (stored.name, stored.category, stored.description) == (
        AWKWARD,
        "Drinks; DROP TABLE products",
        "line one\nline two",
    )
    assert (stored.step, stored.stock, stored.low_stock_threshold) == (
        Decimal("0.125"),
        Decimal("2.375"),
        None,
    )
    assert (entry.at, entry.note, entry.change) == (at, AWKWARD, Decimal("2.375"))


def test_twelve_thousand_items_added_in_bulk_are_indexed_by_the_words_each_has_alone(
    new_uow: UowFactory,
) -> None:
    """Their words are found while their rows are on the server (several statements' worth):
    each item gets exactly its own, whichever wait found them."""
    products = [
        make_product(sku=f"BULK-{n}", name=f"Word{n % 97} item {n}", category=f"Shelf {n % 7}")
        for n in range(12_000)
    ]
    with new_uow() as uow:
        added = uow.products.add_many(products)
        uow.commit()
    expected = {(t, p.id, int(f)) for p in added for t, f in index_terms(p)}
    with new_uow() as uow:
        stored = set(
            uow.session.execute(
                select(SearchTermRow.term, SearchTermRow.product_id, SearchTermRow.field)
            ).tuples()
        )
    assert stored == expected
    assert len({p.id for p in added}) == 12_000
