from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.errors import (
    CartChanged,
    EmptyCart,
    InvalidInput,
    InvalidTransition,
    OrderAlreadyMoved,
    OutOfStock,
    TooLateToCancel,
    UnknownOrder,
)
from bot.domain.notifications import NotificationKind
from bot.domain.orders import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Actor,
    FulfilmentKind,
    OrderStatus,
    allowed_next,
)
from bot.domain.payments import MoneyNotRecorded, MoneyTaken
from bot.domain.ports import StaffSession
from bot.domain.services import catalogue, orders
from bot.domain.services.cart import set_cart_quantity, view_cart
from bot.domain.services.staff import create_manager
from bot.domain.stock import StockReason
from bot.domain.stored_facts import encode
from tests.support.factories import (
    FAST_HASHER,
    STORE,
    FixedClock,
    customer,
    delivery_details,
    pickup_details,
    placed_order,
    stocked,
)
from tests.support.fakes import FakeUnitOfWork, State


def _stock(uow: FakeUnitOfWork, sku: str) -> Decimal:
    return catalogue.find_product(sku, uow=uow, include_archived=True).stock


def _staff_id(uow: FakeUnitOfWork, on_duty_chat: int | None = None) -> int:
    account = create_manager("mgr", "correct horse battery", uow=uow, hasher=FAST_HASHER)
    assert account.id is not None
    if on_duty_chat is not None:
        clock = FixedClock()
        with uow:
            uow.sessions.open(StaffSession(on_duty_chat, account.id, clock(), clock()))
            uow.commit()
    return account.id


def test_placing_an_order_takes_the_stock_and_empties_the_cart() -> None:
    uow = FakeUnitOfWork()
    tea, jam = stocked(uow, 5, sku="TEA", price_minor=300), stocked(uow, 2, sku="JAM")
    ann = customer()
    order = placed_order(uow, ann, (tea, 2), (jam, 1))
    assert order.status is OrderStatus.PLACED
    assert order.total_minor == 850
    assert len(order.code) == CODE_LENGTH
    assert set(order.code) <= set(CODE_ALPHABET)
    assert (_stock(uow, "TEA"), _stock(uow, "JAM")) == (3, 1)
    assert view_cart(ann, uow=uow).is_empty
    with uow:
        sale = uow.ledger.recent(tea.id or 0, limit=1)[0]
    assert (sale.reason, sale.change, sale.order_id) == (StockReason.SALE, -2, order.id)


def test_a_delivery_adds_its_fee_to_the_total() -> None:
    uow = FakeUnitOfWork()
    tea = stocked(uow, 5, price_minor=300)
    order = placed_order(uow, customer(), (tea, 1), details=delivery_details(fee_minor=250))
    assert order.fulfilment.kind is FulfilmentKind.DELIVERY
    assert order.total_minor == 550


def test_an_empty_cart_cannot_be_ordered() -> None:
    with pytest.raises(EmptyCart):
        orders.place_order(customer(), pickup_details(), store=STORE, uow=FakeUnitOfWork())


def test_an_order_takes_all_its_lines_or_none() -> None:
    uow = FakeUnitOfWork()
    tea = stocked(uow, 5, sku="TEA")
    jam = stocked(uow, 2, sku="JAM", name="Strawberry jam")
    ann = customer()
    set_cart_quantity(ann, tea.id or 0, Decimal(2), uow=uow)
    set_cart_quantity(ann, jam.id or 0, Decimal(1), uow=uow)
    for _ in range(2):  # others take both jars
        placed_order(uow, customer(), (jam, 1))
    with pytest.raises(CartChanged, match="Strawberry jam is sold out"):
        orders.place_order(ann, pickup_details(), store=STORE, uow=uow)
    assert (_stock(uow, "TEA"), _stock(uow, "JAM")) == (5, 0)
    cart = view_cart(ann, uow=uow)
    assert cart.quantity_of(jam.id or 0) == 0  # the cart now holds what can be had
    assert cart.quantity_of(tea.id or 0) == 2


def test_a_price_change_since_adding_is_shown_before_ordering() -> None:
    uow = FakeUnitOfWork()
    tea = stocked(uow, 5, sku="TEA", price_minor=300)
    ann = customer()
    set_cart_quantity(ann, tea.id or 0, Decimal(1), uow=uow)
    catalogue.update_product("TEA", {"price_minor": 350}, uow=uow)
    with pytest.raises(CartChanged, match=r"now costs 3\.50 EUR per pc \(was 3\.00 EUR\)"):
        orders.place_order(ann, pickup_details(), store=STORE, uow=uow)
    order = orders.place_order(ann, pickup_details(), store=STORE, uow=uow)  # seen it now
    assert order.total_minor == 350


def test_an_archived_item_is_taken_out_of_the_cart_at_checkout() -> None:
    uow = FakeUnitOfWork()
    tea, old = stocked(uow, 5, sku="TEA"), stocked(uow, 5, sku="OLD", name="Old biscuits")
    ann = customer()
    set_cart_quantity(ann, tea.id or 0, Decimal(1), uow=uow)
    set_cart_quantity(ann, old.id or 0, Decimal(1), uow=uow)
    catalogue.set_active("OLD", False, uow=uow)
    with pytest.raises(CartChanged, match="Old biscuits is no longer sold"):
        orders.place_order(ann, pickup_details(), store=STORE, uow=uow)
    assert [i.product.sku for i in view_cart(ann, uow=uow).items] == ["TEA"]


class ConcurrentSaleUnitOfWork(FakeUnitOfWork):
    """Another till sells one item out between this order's shelf check and its update."""

    def __init__(self, state: State, sold_out: int) -> None:
        super().__init__(state)
        self.sold_out = sold_out

    def __enter__(self) -> ConcurrentSaleUnitOfWork:
        super().__enter__()
        take = self.products.change_stock

        def change_stock(
            product_id: int, delta: Decimal, *, expected: Decimal | None = None
        ) -> Decimal | None:
            if product_id == self.sold_out:  # the other sale commits first
                self.working.products[product_id].stock = Decimal(0)
                self.committed.products[product_id].stock = Decimal(0)
            return take(product_id, delta, expected=expected)

        self.products.change_stock = change_stock  # type: ignore[method-assign]
        return self


def test_a_race_lost_after_the_shelf_check_is_told_as_sold_out_with_the_corrected_cart() -> None:
    uow = FakeUnitOfWork()
    tea, jam = stocked(uow, 5, sku="TEA"), stocked(uow, 1, sku="JAM", name="Strawberry jam")
    ann = customer()
    set_cart_quantity(ann, tea.id or 0, Decimal(2), uow=uow)
    set_cart_quantity(ann, jam.id or 0, Decimal(1), uow=uow)
    racing = ConcurrentSaleUnitOfWork(uow.committed, sold_out=jam.id or 0)
    with pytest.raises(CartChanged) as told:
        orders.place_order(ann, pickup_details(), store=STORE, uow=racing)
    assert str(told.value).endswith("Strawberry jam is sold out; it was removed from your cart.")
    assert "Only 0" not in str(told.value)
    assert _stock(racing, "TEA") == 5  # the tea taken before the jam's update was put back
    assert orders.my_orders(ann, uow=racing) == []
    assert [i.product.sku for i in view_cart(ann, uow=racing).items] == ["TEA"]


def test_an_item_with_nothing_left_is_never_said_to_have_only_0_left() -> None:
    assert str(OutOfStock("Avocado, ripe", Decimal(1), Decimal(0))) == "Avocado, ripe is sold out."
    assert str(OutOfStock("Avocado, ripe", Decimal(3), Decimal(2))) == (
        "Only 2 of Avocado, ripe left."
    )


def test_the_status_machine_allows_only_the_listed_moves() -> None:
    pickup, delivery = FulfilmentKind.PICKUP, FulfilmentKind.DELIVERY
    assert allowed_next(OrderStatus.PLACED, pickup, Actor.STAFF) == [
        OrderStatus.ACCEPTED,
        OrderStatus.CANCELLED,
    ]
    assert allowed_next(OrderStatus.ACCEPTED, pickup, Actor.STAFF) == [
        OrderStatus.READY,
        OrderStatus.CANCELLED,
    ]
    assert allowed_next(OrderStatus.ACCEPTED, delivery, Actor.STAFF) == [
        OrderStatus.OUT_FOR_DELIVERY,
        OrderStatus.CANCELLED,
    ]
    # A pickup leaves the shop only through its hand-over (the customer's code).
    assert allowed_next(OrderStatus.READY, pickup, Actor.STAFF) == []
    assert allowed_next(OrderStatus.READY, pickup, Actor.HANDOVER) == [OrderStatus.COMPLETED]
    assert allowed_next(OrderStatus.ACCEPTED, pickup, Actor.HANDOVER) == []
    # Nobody prepares an order that waits for its online payment: it can only be cancelled.
    assert allowed_next(OrderStatus.PLACED, pickup, Actor.STAFF, awaits_payment=True) == [
        OrderStatus.CANCELLED
    ]
    assert allowed_next(OrderStatus.OUT_FOR_DELIVERY, delivery, Actor.STAFF) == [
        OrderStatus.COMPLETED
    ]
    assert allowed_next(OrderStatus.COMPLETED, pickup, Actor.STAFF) == []
    assert allowed_next(OrderStatus.PLACED, pickup, Actor.CUSTOMER) == [OrderStatus.CANCELLED]
    assert allowed_next(OrderStatus.ACCEPTED, pickup, Actor.CUSTOMER) == []


def test_staff_work_an_order_through_and_the_customer_is_told_each_step() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    tea = stocked(uow, 5)
    ann = customer()
    order = placed_order(uow, ann, (tea, 1))
    staff_id = _staff_id(uow)
    for step in (OrderStatus.ACCEPTED, OrderStatus.READY):
        clock.advance(minutes=5)
        order = orders.move_order(
            staff_id, order.code.lower(), step, store=STORE, uow=uow, clock=clock
        )
    assert order.pickup_code is not None and len(order.pickup_code) == 6
    clock.advance(minutes=5)
    with pytest.raises(MoneyNotRecorded):  # paid at the hand-over: cash or card is said
        orders.hand_over(staff_id, order.pickup_code, store=STORE, uow=uow, clock=clock)
    order = orders.hand_over(
        staff_id,
        order.pickup_code.lower(),
        taken=MoneyTaken.CARD,
        store=STORE,
        uow=uow,
        clock=clock,
    )
    assert order.money_taken is MoneyTaken.CARD
    assert [h.status for h in order.history] == [
        OrderStatus.PLACED,
        OrderStatus.ACCEPTED,
        OrderStatus.READY,
        OrderStatus.COMPLETED,
    ]
    assert order.history[-1].actor == "staff:mgr"
    queued = sorted(uow.committed.outbox.items())
    told = [n for _, n in queued if n.kind is NotificationKind.ORDER_STATUS]
    assert [encode(n.facts)["status"] for n in told] == ["accepted", "ready", "completed"]
    assert {n.chat_id for n in told} == {ann.telegram_user_id}


def test_a_move_that_skips_a_step_is_refused() -> None:
    uow = FakeUnitOfWork()
    order = placed_order(uow, customer(), (stocked(uow, 5), 1))
    with pytest.raises(InvalidTransition):
        orders.move_order(_staff_id(uow), order.code, OrderStatus.READY, store=STORE, uow=uow)


def test_staff_must_give_a_reason_to_cancel_and_the_stock_comes_back() -> None:
    uow = FakeUnitOfWork()
    order = placed_order(uow, customer(), (stocked(uow, 5, sku="TEA"), 2))
    staff_id = _staff_id(uow)
    with pytest.raises(InvalidInput, match="why"):
        orders.move_order(staff_id, order.code, OrderStatus.CANCELLED, store=STORE, uow=uow)
    cancelled = orders.move_order(
        staff_id, order.code, OrderStatus.CANCELLED, reason="out of bags", store=STORE, uow=uow
    )
    assert cancelled.history[-1].reason == "out of bags"
    assert _stock(uow, "TEA") == 5
    with uow:
        rows = uow.ledger.recent(order.lines[0].product_id, limit=1)
    assert (rows[0].reason, rows[0].change) == (StockReason.ORDER_CANCELLED, 2)


def test_a_customer_can_cancel_only_while_the_order_is_placed() -> None:
    uow = FakeUnitOfWork()
    tea = stocked(uow, 5, sku="TEA")
    ann = customer()
    first = placed_order(uow, ann, (tea, 1))
    second = placed_order(uow, ann, (tea, 1))
    staff_chat = 555
    staff_id = _staff_id(uow, on_duty_chat=staff_chat)
    clock = FixedClock()
    cancelled = orders.cancel_my_order(ann, first.code, store=STORE, uow=uow, clock=clock)
    assert cancelled.status is OrderStatus.CANCELLED
    orders.move_order(staff_id, second.code, OrderStatus.ACCEPTED, store=STORE, uow=uow)
    with pytest.raises(TooLateToCancel, match="is being prepared"):
        orders.cancel_my_order(ann, second.code, store=STORE, uow=uow)
    assert _stock(uow, "TEA") == 4
    with uow:
        due = uow.outbox.due(clock(), limit=10)
    assert [(n.chat_id, n.kind, encode(n.facts)["order_code"]) for n in due] == [
        (staff_chat, NotificationKind.ORDER_CANCELLED, first.code)
    ]


def test_nobody_sees_or_cancels_another_customers_order() -> None:
    uow = FakeUnitOfWork()
    order = placed_order(uow, customer(), (stocked(uow, 5), 1))
    intruder = customer()
    with pytest.raises(UnknownOrder):
        orders.my_order(intruder, order.code, uow=uow)
    with pytest.raises(UnknownOrder):
        orders.cancel_my_order(intruder, order.code, store=STORE, uow=uow)


def test_when_two_staff_move_one_order_the_second_is_told_it_moved() -> None:
    uow = FakeUnitOfWork()
    order = placed_order(uow, customer(), (stocked(uow, 5, sku="TEA"), 1))
    staff_id = _staff_id(uow)
    orders.move_order(
        staff_id,
        order.code,
        OrderStatus.ACCEPTED,
        expected=OrderStatus.PLACED,
        store=STORE,
        uow=uow,
    )
    with pytest.raises(OrderAlreadyMoved):
        orders.move_order(
            staff_id,
            order.code,
            OrderStatus.CANCELLED,
            reason="no stock",
            expected=OrderStatus.PLACED,
            store=STORE,
            uow=uow,
        )
    assert orders.find_order(order.code, uow=uow).status is OrderStatus.ACCEPTED
    assert _stock(uow, "TEA") == 4


def test_new_orders_are_announced_to_on_duty_staff_through_the_outbox() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _staff_id(uow, on_duty_chat=777)
    order = placed_order(uow, customer(), (stocked(uow, 5), 1), clock=clock)
    with uow:
        due = uow.outbox.due(clock(), limit=10)
    assert [(n.chat_id, n.kind, encode(n.facts)["order_code"]) for n in due] == [
        (777, NotificationKind.ORDER_PLACED, order.code)
    ]


def test_a_customers_orders_are_listed_newest_first() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    tea, ann = stocked(uow, 5), customer()
    first = placed_order(uow, ann, (tea, 1), clock=clock)
    clock.advance(hours=1)
    second = placed_order(uow, ann, (tea, 1), clock=clock)
    assert [o.code for o in orders.my_orders(ann, uow=uow)] == [second.code, first.code]
    assert orders.my_orders(customer(), uow=uow) == []


def test_a_bad_phone_or_note_is_refused_before_anything_is_taken() -> None:
    uow = FakeUnitOfWork()
    tea = stocked(uow, 5, sku="TEA")
    ann = customer()
    set_cart_quantity(ann, tea.id or 0, Decimal(1), uow=uow)
    with pytest.raises(InvalidInput, match="phone"):
        orders.place_order(ann, pickup_details(phone="call me"), store=STORE, uow=uow)
    with pytest.raises(InvalidInput, match="note"):
        orders.place_order(ann, pickup_details(note="x" * 501), store=STORE, uow=uow)
    assert _stock(uow, "TEA") == 5
