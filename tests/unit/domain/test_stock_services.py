from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bot.domain.clock import utc_now
from bot.domain.errors import (
    AmbiguousItem,
    InvalidInput,
    StockWouldGoNegative,
    UnknownProduct,
)
from bot.domain.services import catalogue, stock
from bot.domain.services.stock import (
    LedgerPlace,
    adjust_stock,
    count_stock,
    moves_chunk,
    receive_stock,
    stock_history,
)
from bot.domain.stock import StockReason, adjustment_reason, adjustment_words
from tests.support.factories import STORE, make_kg_product, stocked
from tests.support.fakes import FakeUnitOfWork


def _balances(uow: FakeUnitOfWork, product_id: int) -> tuple[Decimal, Decimal]:
    with uow:
        product = uow.products.get(product_id)
        assert product is not None
        return product.stock, uow.ledger.balance(product_id)


def test_receiving_stock_adds_it_and_writes_a_ledger_row() -> None:
    uow = FakeUnitOfWork()
    product = stocked(uow, 3, sku="RICE-1KG")
    move = receive_stock(
        "rice-1kg", Decimal(5), actor="staff:ann", note="invoice 17", store=STORE, uow=uow
    )
    assert move.entry.resulting_level == 8
    assert move.entry.reason is StockReason.RECEIVED
    assert move.entry.note == "invoice 17"
    assert _balances(uow, product.id or 0) == (Decimal(8), Decimal(8))


def test_stock_on_hand_always_equals_the_sum_of_its_ledger_rows() -> None:
    uow = FakeUnitOfWork()
    product = stocked(uow, 10, sku="EGGS")
    adjust_stock("EGGS", Decimal(-2), StockReason.DAMAGED, actor="staff:ann", store=STORE, uow=uow)
    adjust_stock(
        "EGGS", Decimal(1), StockReason.COUNT_CORRECTION, actor="staff:ann", store=STORE, uow=uow
    )
    count_stock("EGGS", Decimal(4), actor="staff:ann", store=STORE, uow=uow)
    stock, ledger = _balances(uow, product.id or 0)
    assert stock == ledger == 4


def test_an_adjustment_cannot_take_stock_below_zero() -> None:
    uow = FakeUnitOfWork()
    stocked(uow, 2, sku="MILK")
    with pytest.raises(StockWouldGoNegative):
        adjust_stock("MILK", Decimal(-3), StockReason.LOST, actor="staff:ann", store=STORE, uow=uow)
    with uow:
        assert uow.products.get_by_sku("MILK").stock == 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (Decimal(2), StockReason.DAMAGED),
        (Decimal(0), StockReason.LOST),
        (Decimal(-1), StockReason.SALE),
        (Decimal(1), StockReason.RECEIVED),
    ],
)
def test_manual_adjustments_need_a_sensible_reason_and_sign(
    change: Decimal, reason: StockReason
) -> None:
    uow = FakeUnitOfWork()
    stocked(uow, 5, sku="TEA")
    with pytest.raises(InvalidInput):
        adjust_stock("TEA", change, reason, actor="staff:ann", store=STORE, uow=uow)


def test_quantities_must_be_a_multiple_of_the_items_step() -> None:
    uow = FakeUnitOfWork()
    catalogue.add_product(
        make_kg_product(sku="APPLES"), initial_stock=Decimal(5), actor="t", store=STORE, uow=uow
    )
    receive_stock("APPLES", Decimal("0.5"), actor="t", store=STORE, uow=uow)
    with pytest.raises(InvalidInput, match=r"steps of 0\.25 kg"):
        receive_stock("APPLES", Decimal("0.3"), actor="t", store=STORE, uow=uow)


def test_a_count_that_matches_changes_nothing() -> None:
    uow = FakeUnitOfWork()
    stocked(uow, 7, sku="SALT")
    assert count_stock("SALT", Decimal(7), actor="t", store=STORE, uow=uow) is None


def test_stock_history_shows_the_latest_rows_first() -> None:
    uow = FakeUnitOfWork()
    stocked(uow, 1, sku="OIL")
    receive_stock("OIL", Decimal(2), actor="staff:bob", store=STORE, uow=uow)
    _, rows = stock_history("oil", uow=uow)
    assert [r.change for r in rows] == [2, 1]
    assert rows[0].actor == "staff:bob"


def test_unknown_skus_are_named_in_the_error() -> None:
    with pytest.raises(UnknownProduct, match="NOPE"):
        receive_stock("nope", Decimal(1), actor="t", store=STORE, uow=FakeUnitOfWork())


@pytest.mark.parametrize(
    ("word", "reason"),
    [
        ("damaged", StockReason.DAMAGED),
        ("Broken", StockReason.DAMAGED),
        ("expired", StockReason.DAMAGED),
        ("stolen", StockReason.LOST),
        ("count-correction", StockReason.COUNT_CORRECTION),
        ("recount", StockReason.COUNT_CORRECTION),
        ("rotten", StockReason.DAMAGED),
        ("pourri", StockReason.DAMAGED),
        ("ABÎMÉ", StockReason.DAMAGED),
        ("abime", StockReason.DAMAGED),
        ("Vol", StockReason.LOST),
        ("inventaire", StockReason.COUNT_CORRECTION),
        ("kaputt", StockReason.DAMAGED),
        ("robado", StockReason.LOST),
        ("пересчет", StockReason.COUNT_CORRECTION),
        ("крадіжка", StockReason.LOST),
    ],
)
def test_adjust_reads_the_words_people_use_for_its_reasons(word: str, reason: StockReason) -> None:
    assert adjustment_reason(word) is reason


@pytest.mark.parametrize("word", ["sale", "received", "order_cancelled", "because"])
def test_adjust_takes_no_reason_that_only_orders_and_deliveries_may_give(word: str) -> None:
    assert adjustment_reason(word) is None


def _version(uow: FakeUnitOfWork) -> int:
    with uow:
        return uow.catalogue.current()


def test_stock_moves_the_catalogues_version_only_when_a_screen_shows_the_change() -> None:
    uow = FakeUnitOfWork()
    stocked(uow, 100, sku="RICE")  # STORE: low at 5, at most 20 in one order

    def moves(change: int) -> bool:
        before = _version(uow)
        if change > 0:
            receive_stock("RICE", Decimal(change), store=STORE, actor="t", uow=uow)
        else:
            adjust_stock(
                "RICE", Decimal(change), StockReason.DAMAGED, store=STORE, actor="t", uow=uow
            )
        return _version(uow) != before

    assert not moves(-50)  # 50 left: "in stock", up to 20 in an order, as at 100
    assert moves(-11)  # 39: one order may hold at most half of what is left
    assert moves(-1)  # 38
    assert moves(-35)  # 3: "only 3 left"
    assert moves(-3)  # sold out
    assert moves(+3)  # back
    assert moves(+97)  # plenty again
    assert not moves(+1)


def test_usage_lists_the_reasons_in_the_readers_words() -> None:
    assert adjustment_words("fr") == ["abîmé", "perdu", "inventaire"]
    assert adjustment_words("en") == ["damaged", "lost", "correction"]
    assert adjustment_words("pt") == ["damaged", "lost", "correction"]


def test_an_item_is_found_by_its_name_whatever_its_case_spaces_and_accents() -> None:
    uow = FakeUnitOfWork()
    stocked(uow, 3, sku="YOG-GR", name="Yaourt grec")
    stocked(uow, 3, sku="CREME", name="Crème fraîche")
    assert receive_stock(
        "  yaourt   GREC ", Decimal(2), actor="t", store=STORE, uow=uow
    ).product.sku == ("YOG-GR")
    assert (
        receive_stock("creme", Decimal(1), actor="t", store=STORE, uow=uow).product.sku == "CREME"
    )


def test_a_name_that_fits_several_items_is_a_choice_and_moves_nothing() -> None:
    uow = FakeUnitOfWork()
    stocked(uow, 3, sku="YOG-GR", name="Yaourt grec")
    stocked(uow, 3, sku="YOG-NAT", name="Yaourt nature")
    with pytest.raises(AmbiguousItem) as raised:
        receive_stock("yaourt", Decimal(2), actor="t", store=STORE, uow=uow)
    assert sorted(s.sku for s in raised.value.suggestions) == ["YOG-GR", "YOG-NAT"]
    with uow:
        assert [p.stock for p in uow.products.all(include_archived=True)] == [3, 3]


def test_a_word_that_is_one_items_whole_word_and_begins_anothers_is_a_choice() -> None:
    uow = FakeUnitOfWork()
    stocked(uow, 3, sku="GALA", name="Gala apples")
    stocked(uow, 3, sku="JUICE", name="Apple juice")
    with pytest.raises(AmbiguousItem) as raised:
        receive_stock("apple", Decimal(2), actor="t", store=STORE, uow=uow)
    # The one holding the word whole is offered first.
    assert [s.sku for s in raised.value.suggestions] == ["JUICE", "GALA"]
    assert receive_stock(
        "apple juice", Decimal(2), actor="t", store=STORE, uow=uow
    ).product.sku == ("JUICE")


def test_a_name_that_is_only_near_an_item_is_a_suggestion_not_a_move() -> None:
    uow = FakeUnitOfWork()
    stocked(uow, 3, sku="YOG-GR", name="Yaourt grec")
    with pytest.raises(UnknownProduct) as raised:
        receive_stock("yaourts grecs", Decimal(2), actor="t", store=STORE, uow=uow)
    assert not isinstance(raised.value, AmbiguousItem)


def test_a_ledger_export_ends_after_its_most_moves_whatever_its_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    uow = FakeUnitOfWork()
    stocked(uow, 1, sku="TEA")
    for _ in range(6):
        receive_stock("TEA", Decimal(1), actor="staff:ann", note="", store=STORE, uow=uow)
    monkeypatch.setattr(stock, "LEDGER_EXPORT_MOST", 5)
    place: LedgerPlace | None = LedgerPlace(since=utc_now() - timedelta(days=1))
    levels: list[list[Decimal]] = []
    while place is not None:
        chunk = moves_chunk(place, size=2, uow=uow)
        levels.append([move.resulting_level for move, _, _ in chunk.rows])
        place = chunk.next
    assert levels == [[1, 2], [3, 4], [5]]  # the oldest five, each once
