"""The receipt of a completed order: its final lines, fee, totals and VAT per rate."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

from bot.domain.notifications import NotificationKind
from bot.domain.orders import Fulfilment, Order, OrderLine, OrderStatus, StatusChange
from bot.domain.payments import MoneyTaken
from bot.domain.receipts import receipt_of
from bot.domain.services import orders
from bot.domain.services.receipts import receipt_for
from bot.domain.services.staff import create_manager
from bot.domain.vat import VatAtRate
from tests.support.factories import FAST_HASHER, STORE, customer, placed_order, stocked
from tests.support.fakes import FakeUnitOfWork

PLACED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
DONE = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)


def _order(*lines: OrderLine, fee: int = 0) -> Order:
    fulfilment = (
        Fulfilment.delivery("12 rue des Lilas, Lyon", fee) if fee else Fulfilment.pickup(PLACED)
    )
    return Order(
        code="RCPT2345",
        customer_id=1,
        lines=list(lines),
        fulfilment=fulfilment,
        phone="",
        note="",
        status=OrderStatus.COMPLETED,
        placed_at=PLACED,
        currency="EUR",
        history=[
            StatusChange(OrderStatus.PLACED, PLACED, "customer:1"),
            StatusChange(OrderStatus.COMPLETED, DONE, "staff:ann"),
        ],
        id=7,
    )


APPLES = OrderLine(1, "GALA", "Gala apples", "kg", Decimal("1.5"), 329, 494, Decimal("5.5"))
WINE = OrderLine(2, "WINE", "Red wine", "pc", Decimal(1), 899, 899, Decimal(20))


def test_a_receipt_states_the_vat_of_each_rate_and_the_delivery_fee_at_the_default() -> None:
    store = dataclasses.replace(STORE, default_vat_rate=Decimal(20))
    receipt = receipt_of(_order(APPLES, WINE, fee=490), store)
    assert (receipt.subtotal_minor, receipt.delivery_fee_minor, receipt.total_minor) == (
        1393,
        490,
        1883,
    )
    assert receipt.vat == [
        VatAtRate(Decimal("5.5"), 494, 26),
        VatAtRate(Decimal(20), 899 + 490, 232),
    ]
    assert receipt.issued_at == DONE
    assert receipt.shows_vat


def test_lines_sold_before_rates_were_kept_count_at_the_store_default() -> None:
    store = dataclasses.replace(STORE, default_vat_rate=Decimal("5.5"))
    old_line = dataclasses.replace(APPLES, vat_rate=None)
    assert receipt_of(_order(old_line), store).vat == [VatAtRate(Decimal("5.5"), 494, 26)]


def test_a_store_without_vat_prints_no_vat_lines() -> None:
    untaxed = [dataclasses.replace(line, vat_rate=Decimal(0)) for line in (APPLES, WINE)]
    receipt = receipt_of(_order(*untaxed), STORE)
    assert not receipt.shows_vat
    assert receipt.total_minor == 1393


def test_a_line_picked_as_missing_is_left_off_the_receipt() -> None:
    missing = dataclasses.replace(WINE, quantity=Decimal(0), line_total_minor=0)
    receipt = receipt_of(_order(APPLES, missing), STORE)
    assert [line.sku for line in receipt.lines] == ["GALA"]
    assert receipt.total_minor == 494
    assert [entry.rate for entry in receipt.vat] == [Decimal("5.5")]  # no "20 %: 0.00"


def test_a_receipt_says_how_the_money_was_taken_when_it_is_known() -> None:
    order = _order(APPLES)
    assert receipt_of(order, STORE).paid == ""
    order.money_taken = MoneyTaken.CARD
    assert receipt_of(order, STORE).paid == "card"


def test_completing_an_order_queues_its_receipt_and_pdf_in_the_same_transaction() -> None:
    uow = FakeUnitOfWork()
    ann = customer()
    tea = stocked(uow, 5, price_minor=300)
    order = placed_order(uow, ann, (tea, 2))
    boss = create_manager("mgr", "correct horse battery", uow=uow, hasher=FAST_HASHER)
    for status in (OrderStatus.ACCEPTED, OrderStatus.READY):
        order = orders.move_order(boss.id or 0, order.code, status, store=STORE, uow=uow)

    def receipts() -> list[tuple[NotificationKind, int, int | None]]:
        kinds = (NotificationKind.RECEIPT, NotificationKind.RECEIPT_PDF)
        queued = sorted(uow.committed.outbox.items())
        return [(n.kind, n.chat_id, n.order_id) for _, n in queued if n.kind in kinds]

    assert receipts() == []  # not before it is completed
    assert order.pickup_code is not None
    orders.hand_over(boss.id or 0, order.pickup_code, taken=MoneyTaken.CASH, store=STORE, uow=uow)
    assert receipts() == [
        (NotificationKind.RECEIPT, ann.telegram_user_id, order.id),
        (NotificationKind.RECEIPT_PDF, ann.telegram_user_id, order.id),
    ]
    receipt = receipt_for(order.id or 0, store=STORE, uow=uow)
    assert receipt is not None
    assert (receipt.total_minor, receipt.paid) == (600, "cash")


def test_a_cancelled_order_has_no_receipt() -> None:
    uow = FakeUnitOfWork()
    order = placed_order(uow, customer(), (stocked(uow, 5), 1))
    boss = create_manager("mgr", "correct horse battery", uow=uow, hasher=FAST_HASHER)
    orders.move_order(
        boss.id or 0, order.code, OrderStatus.CANCELLED, reason="sold out", store=STORE, uow=uow
    )
    assert receipt_for(order.id or 0, store=STORE, uow=uow) is None
    kinds = {n.kind for n in uow.committed.outbox.values()}
    assert NotificationKind.RECEIPT not in kinds
