from __future__ import annotations

import json
from decimal import Decimal

from bot.domain.notifications import NotificationKind
from bot.domain.orders import Order, OrderStatus
from bot.domain.payments import MoneyTaken
from bot.domain.services import orders, staff
from bot.domain.services.low_stock import SHOWN, low_items, queue_daily_digest
from bot.domain.services.stock import adjust_stock, receive_stock
from bot.domain.staff import Role
from bot.domain.stock import StockReason
from bot.domain.stored_facts import encode
from tests.support.factories import (
    FAST_HASHER,
    STORE,
    FixedClock,
    customer,
    placed_order,
    stocked,
)
from tests.support.fakes import FakeUnitOfWork

MANAGER_CHAT = 900


def _with_manager(uow: FakeUnitOfWork) -> None:
    staff.create_manager("boss", "correct horse battery", uow=uow, hasher=FAST_HASHER)
    staff.log_in(
        "boss", "correct horse battery", telegram_user_id=MANAGER_CHAT, uow=uow, hasher=FAST_HASHER
    )


def _alerts(uow: FakeUnitOfWork) -> list[tuple[int, str, str]]:
    return [
        (n.chat_id, encode(n.facts)["sku"], encode(n.facts)["level"])
        for _, n in sorted(uow.committed.outbox.items())
        if n.kind is NotificationKind.LOW_STOCK
    ]


def test_a_sale_that_takes_an_item_to_its_threshold_alerts_the_managers_once() -> None:
    uow = FakeUnitOfWork()
    _with_manager(uow)
    tea = stocked(uow, 8, sku="TEA", low_stock_threshold=Decimal(5))
    placed_order(uow, customer(), (tea, 2))  # 6: still above
    assert _alerts(uow) == []
    placed_order(uow, customer(), (tea, 1))  # 5: at the threshold
    placed_order(uow, customer(), (tea, 2))  # 3: further down, same crossing
    assert _alerts(uow) == [(MANAGER_CHAT, "TEA", "5")]


def test_restocking_above_the_threshold_re_arms_the_alert() -> None:
    uow = FakeUnitOfWork()
    _with_manager(uow)
    tea = stocked(uow, 6, sku="TEA", low_stock_threshold=Decimal(5))
    placed_order(uow, customer(), (tea, 2))
    receive_stock("TEA", Decimal(1), actor="t", store=STORE, uow=uow)  # 5: still low
    placed_order(uow, customer(), (tea, 1))  # no second alert without a re-arm
    receive_stock("TEA", Decimal(10), actor="t", store=STORE, uow=uow)  # 14: re-armed
    adjust_stock("TEA", Decimal(-10), StockReason.DAMAGED, actor="t", store=STORE, uow=uow)
    assert [level for _, _, level in _alerts(uow)] == ["4", "4"]


def test_a_delivery_that_leaves_an_item_low_does_not_alert() -> None:
    uow = FakeUnitOfWork()
    _with_manager(uow)
    stocked(uow, 0, sku="TEA")
    receive_stock("TEA", Decimal(2), actor="t", store=STORE, uow=uow)  # default threshold 5
    assert _alerts(uow) == []


def test_the_store_default_threshold_applies_when_an_item_has_none() -> None:
    uow = FakeUnitOfWork()
    _with_manager(uow)
    salt = stocked(uow, 7, sku="SALT")
    placed_order(uow, customer(), (salt, 2))
    assert _alerts(uow) == [(MANAGER_CHAT, "SALT", "5")]


def test_deactivated_managers_and_plain_staff_are_not_alerted() -> None:
    uow = FakeUnitOfWork()
    _with_manager(uow)
    boss = staff.create_manager("deputy", "correct horse battery", uow=uow, hasher=FAST_HASHER)
    staff.log_in(
        "deputy", "correct horse battery", telegram_user_id=901, uow=uow, hasher=FAST_HASHER
    )
    invite = staff.create_invite(boss.id or 0, Role.STAFF, uow=uow)
    staff.sign_up(
        invite.code,
        "clerk",
        "Clerk",
        "clerk's long password",
        telegram_user_id=902,
        uow=uow,
        hasher=FAST_HASHER,
    )
    with uow:
        first = uow.staff.get_by_username("boss")
    staff.set_staff_active(boss.id or 0, first.id or 0, False, uow=uow)  # type: ignore[union-attr]
    tea = stocked(uow, 6, sku="TEA")
    placed_order(uow, customer(), (tea, 2))
    assert _alerts(uow) == [(901, "TEA", "4")]


def test_the_low_list_shows_cover_at_the_recent_pace_and_a_reorder_suggestion() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    rice = stocked(uow, 40, sku="RICE", low_stock_threshold=Decimal(5))
    stocked(uow, 0, sku="SALT")
    stocked(uow, 50, sku="TEA")
    for quantity in (20, 10, 5):  # 35, 2.5 a day over 14 days (an order holds half at most)
        placed_order(uow, customer(), (rice, quantity), clock=clock)
    clock.advance(minutes=1)
    items = low_items(store=STORE, uow=uow, clock=clock).items
    assert [i.product.sku for i in items] == ["SALT", "RICE"]  # sold out first
    salt, low_rice = items
    assert (salt.days_of_cover, salt.suggested_reorder) == (None, Decimal(10))
    assert low_rice.sold_per_day == Decimal("2.5")
    assert low_rice.days_of_cover == Decimal(2)
    assert low_rice.suggested_reorder == 30  # back to 14 days of sales


def test_the_daily_digest_is_queued_once_per_local_day() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _with_manager(uow)
    stocked(uow, 0, sku="SALT")
    assert queue_daily_digest(store=STORE, uow=uow, clock=clock) is True
    assert queue_daily_digest(store=STORE, uow=uow, clock=clock) is False
    clock.advance(days=1)
    assert queue_daily_digest(store=STORE, uow=uow, clock=clock) is True
    digests = [n for n in uow.committed.outbox.values() if n.kind is NotificationKind.DIGEST]
    assert [n.chat_id for n in digests] == [MANAGER_CHAT, MANAGER_CHAT]
    assert json.loads(encode(digests[0].facts)["items"])[0]["sku"] == "SALT"


def test_a_store_with_many_low_items_lists_the_most_urgent_and_counts_the_rest() -> None:
    uow = FakeUnitOfWork()
    for n in range(SHOWN + 5):
        stocked(uow, 1 if n % 2 else 0, sku=f"ITEM-{n}")
    low = low_items(store=STORE, uow=uow)
    assert (len(low.items), low.total, low.more) == (SHOWN, SHOWN + 5, 5)
    sold_out = [i for i in low.items if i.product.stock == 0]
    assert low.items[: len(sold_out)] == sold_out  # every sold-out item comes first
    assert len(sold_out) == (SHOWN + 5 + 1) // 2


def test_the_digest_carries_yesterdays_trade_and_the_orders_waiting() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _with_manager(uow)
    tea = stocked(uow, 20, sku="TEA", price_minor=300)
    for quantity in (2, 1):
        _completed(uow, placed_order(uow, customer(), (tea, quantity), clock=clock), clock)
    placed_order(uow, customer(), (tea, 5), clock=clock)  # not handed over: no trade yet
    clock.advance(days=1)
    placed_order(uow, customer(), (tea, 1), clock=clock)  # today's: not yesterday's trade
    assert queue_daily_digest(store=STORE, uow=uow, clock=clock) is True
    [digest] = [n for n in uow.committed.outbox.values() if n.kind is NotificationKind.DIGEST]
    assert encode(digest.facts)["yesterday_orders"] == "2"
    assert encode(digest.facts)["yesterday_revenue_minor"] == "900"
    assert encode(digest.facts)["open_orders"] == "2"


def _completed(uow: FakeUnitOfWork, order: Order, clock: FixedClock) -> None:
    """Accepted, ready and handed over for cash, by the manager."""
    [boss] = uow.committed.staff.values()
    assert boss.id is not None
    for step in (OrderStatus.ACCEPTED, OrderStatus.READY):
        order = orders.move_order(boss.id, order.code, step, store=STORE, uow=uow, clock=clock)
    assert order.pickup_code is not None
    orders.hand_over(
        boss.id, order.pickup_code, taken=MoneyTaken.CASH, store=STORE, uow=uow, clock=clock
    )
