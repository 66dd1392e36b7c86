"""The report's figures: completed orders only, goods apart from delivery fees, the money by
how it was taken, and goods that add up to the item sales spreadsheet to the cent (run on
SQLite and MariaDB)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bot.domain.catalogue import Unit
from bot.domain.orders import OrderStatus
from bot.domain.payments import (
    MoneyTaken,
    PaymentMethod,
    PaymentOptions,
    PaymentReceipt,
    invoice_payload,
)
from bot.domain.services import orders, payments, picking, staff
from bot.domain.services.sales import Period, item_sales, sales_report
from tests.support.databases import UowFactory
from tests.support.factories import (
    FAST_HASHER,
    STORE,
    FixedClock,
    customer,
    delivery_details,
    handed_over,
    pickup_details,
    placed_order,
    stocked,
)

ONLINE = dataclasses.replace(STORE, payments=PaymentOptions(online=True, on_handover=True))


def test_report_counts_completed_orders_with_fees_apart_and_matches_its_spreadsheet(
    new_uow: UowFactory,
) -> None:
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    boss_id = boss.id or 0
    tea = stocked(new_uow(), 50, sku="TEA", name="Earl Grey", price_minor=300)
    apples = stocked(
        new_uow(),
        50,
        sku="GALA",
        name="Gala apples",
        price_minor=329,
        unit=Unit.KILOGRAM,
        step=Decimal("0.25"),
    )
    now = FixedClock(datetime.now(UTC) - timedelta(minutes=5))
    # Paid at the counter in cash; delivered and paid by card at the door (with its fee).
    handed_over(new_uow, placed_order(new_uow(), customer(), (tea, 2)), boss_id, clock=now)
    delivered = placed_order(
        new_uow(), customer(), (apples, Decimal("1.5")), details=delivery_details(fee_minor=490)
    )
    delivered = handed_over(new_uow, delivered, boss_id, taken=MoneyTaken.CARD, clock=now)
    # Paid in Telegram, then handed over: already paid, whatever the clerk would have said.
    ann = customer()
    online = dataclasses.replace(pickup_details(), payment=PaymentMethod.ONLINE)
    paid = placed_order(new_uow(), ann, (tea, 1), details=online, store=ONLINE)
    payments.record_payment(
        ann.telegram_user_id,
        PaymentReceipt(invoice_payload(paid.code), "EUR", paid.total_minor, "c-1", "p-1"),
        uow=new_uow(),
    )
    paid = handed_over(new_uow, paid, boss_id, taken=MoneyTaken.CASH, clock=now, store=ONLINE)
    # Not revenue: waiting to be collected and paid, and cancelled.
    placed_order(new_uow(), customer(), (tea, 7))
    cancelled = placed_order(new_uow(), customer(), (apples, 2))
    orders.move_order(
        boss_id, cancelled.code, OrderStatus.CANCELLED, reason="x", store=STORE, uow=new_uow()
    )

    today = datetime.now(STORE.timezone).date()
    period = Period(today - timedelta(days=6), today, STORE.timezone)
    report = sales_report(period, requested_by=boss_id, uow=new_uow())
    rows = item_sales(period, requested_by=boss_id, uow=new_uow())

    apples_minor = delivered.total_minor - 490
    assert paid.money_taken is MoneyTaken.TELEGRAM
    assert report.orders == 3
    assert report.revenue_minor == 600 + apples_minor + 300
    assert report.revenue_minor == sum(row.revenue_minor for row in rows)  # the CSV's sum
    assert report.delivery_fees_minor == 490
    assert report.takings_listed == [
        (MoneyTaken.CASH, 600),
        (MoneyTaken.CARD, apples_minor + 490),
        (MoneyTaken.TELEGRAM, 300),
    ]
    assert sum(report.takings.values()) == report.taken_minor
    assert [(r.sku, r.quantity, r.unit) for r in report.by_revenue] == [
        ("TEA", 3, "pc"),
        ("GALA", Decimal("1.5"), "kg"),
    ]
    assert report.unsold == []


def test_a_long_period_finds_the_same_item_sales_as_a_short_one(new_uow: UowFactory) -> None:
    """A period over BY_TIME_UP_TO reads the completed lines in item order: the same sales."""
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    boss_id = boss.id or 0
    tea = stocked(new_uow(), 50, sku="TEA", name="Earl Grey", price_minor=300)
    jam = stocked(new_uow(), 50, sku="JAM", name="Jam", price_minor=450)
    now = FixedClock(datetime.now(UTC) - timedelta(minutes=5))
    handed_over(
        new_uow, placed_order(new_uow(), customer(), (tea, 2), (jam, 1)), boss_id, clock=now
    )
    handed_over(new_uow, placed_order(new_uow(), customer(), (jam, 3)), boss_id, clock=now)
    placed_order(new_uow(), customer(), (tea, 9))  # not completed: not sold
    today = datetime.now(STORE.timezone).date()

    def sales(days: int) -> tuple[object, ...]:
        period = Period(today - timedelta(days=days - 1), today, STORE.timezone)
        report = sales_report(period, requested_by=boss_id, uow=new_uow())
        rows = item_sales(period, requested_by=boss_id, uow=new_uow())
        return (
            [(r.sku, r.quantity, r.revenue_minor) for r in report.by_quantity],
            [(r.sku, r.quantity, r.revenue_minor) for r in report.by_revenue],
            sorted((r.sku, r.quantity, r.revenue_minor) for r in rows),
            report.unsold,
        )

    assert sales(7) == sales(365)
    assert sales(365)[2] == [("JAM", 4, 1800), ("TEA", 2, 600)]


def test_a_line_picked_as_missing_is_not_an_item_sold(new_uow: UowFactory) -> None:
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    boss_id = boss.id or 0
    tea = stocked(new_uow(), 50, sku="TEA", name="Earl Grey", price_minor=300)
    jam = stocked(new_uow(), 50, sku="JAM", name="Jam", price_minor=450)
    order = placed_order(new_uow(), customer(), (tea, 2), (jam, 1))
    jam_line = next(line for line in order.lines if line.sku == "JAM")
    assert jam_line.id is not None
    picking.mark_missing(
        boss_id, order.code, jam_line.id, jam_line.quantity, store=STORE, uow=new_uow()
    )
    now = FixedClock(datetime.now(UTC) - timedelta(minutes=5))
    handed_over(new_uow, orders.find_order(order.code, uow=new_uow()), boss_id, clock=now)
    today = datetime.now(STORE.timezone).date()
    for days in (7, 365):  # read in time order, and in item order
        period = Period(today - timedelta(days=days - 1), today, STORE.timezone)
        report = sales_report(period, requested_by=boss_id, uow=new_uow())
        rows = item_sales(period, requested_by=boss_id, uow=new_uow())
        assert [(r.sku, r.quantity, r.revenue_minor) for r in rows] == [("TEA", 2, 600)]
        assert [r.sku for r in report.by_quantity] == ["TEA"]
        assert report.unsold == ["Jam"]
        assert report.revenue_minor == 600
