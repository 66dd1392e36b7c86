"""VAT per rate over a period, summed from the database, says what the receipts said."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

from bot.domain.catalogue import Product
from bot.domain.orders import OrderStatus
from bot.domain.payments import MoneyTaken
from bot.domain.services import orders
from bot.domain.services.receipts import receipt_for
from bot.domain.services.sales import Period, sales_report
from bot.domain.services.staff import create_manager
from bot.domain.vat import VatAtRate, add_up
from tests.support.databases import UowFactory
from tests.support.factories import (
    FAST_HASHER,
    STORE,
    FixedClock,
    customer,
    delivery_details,
    placed_order,
    stocked,
)

STORE_AT_20 = dataclasses.replace(STORE, default_vat_rate=Decimal(20))
AT = FixedClock(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
NOVEMBER_24 = Period(date(2026, 11, 24), date(2026, 11, 24), STORE.timezone)


def test_the_periods_vat_is_the_sum_of_its_completed_orders_receipts(
    new_uow: UowFactory,
) -> None:
    boss = create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    assert boss.id is not None
    apples = stocked(new_uow(), 50, price_minor=329, vat_rate=Decimal("5.5"))
    wine = stocked(new_uow(), 50, price_minor=899)  # the store's 20 %

    def completed(*items: tuple[Product, int], delivery: bool = False) -> int:
        details = delivery_details(fee_minor=490) if delivery else None
        order = placed_order(
            new_uow(), customer(), *items, details=details, store=STORE_AT_20, clock=AT
        )
        steps = [OrderStatus.ACCEPTED]
        steps.append(OrderStatus.OUT_FOR_DELIVERY if delivery else OrderStatus.READY)
        for status in steps:
            order = orders.move_order(
                boss.id or 0, order.code, status, store=STORE_AT_20, uow=new_uow(), clock=AT
            )
        if delivery:
            orders.move_order(
                boss.id or 0,
                order.code,
                OrderStatus.COMPLETED,
                taken=MoneyTaken.CASH,
                store=STORE_AT_20,
                uow=new_uow(),
                clock=AT,
            )
        else:
            assert order.pickup_code is not None
            orders.hand_over(
                boss.id or 0,
                order.pickup_code,
                taken=MoneyTaken.CARD,
                store=STORE_AT_20,
                uow=new_uow(),
                clock=AT,
            )
        assert order.id is not None
        return order.id

    done = [completed((apples, 1), (wine, 1)), completed((apples, 3), delivery=True)]
    # Placed but never completed: no receipt, no VAT.
    placed_order(new_uow(), customer(), (wine, 2), store=STORE_AT_20, clock=AT)

    receipts = [receipt_for(n, store=STORE_AT_20, uow=new_uow()) for n in done]
    vat = sales_report(NOVEMBER_24, requested_by=boss.id, uow=new_uow()).vat
    assert vat == add_up(r.vat for r in receipts if r is not None)
    assert vat == [
        # 3.29 + 9.87 = 13.16: 0.17 + 0.51 on the receipts (13.16 alone would say 0.69).
        VatAtRate(Decimal("5.5"), 329 + 987, 17 + 51),
        # 8.99 (1.50) and the 4.90 delivery fee (0.82).
        VatAtRate(Decimal(20), 899 + 490, 150 + 82),
    ]
    # The store's default rate changes later: what was issued stays as it was.
    store_at_10 = dataclasses.replace(STORE, default_vat_rate=Decimal(10))
    again = [receipt_for(n, store=store_at_10, uow=new_uow()) for n in done]
    assert [r.vat for r in again if r] == [r.vat for r in receipts if r]
    assert sales_report(NOVEMBER_24, requested_by=boss.id, uow=new_uow()).vat == vat
