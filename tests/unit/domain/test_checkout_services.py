from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bot.domain.checkout import CheckoutStep
from bot.domain.delivery import (
    BelowDeliveryMinimum,
    DeliveryRules,
    OutsideDeliveryZones,
    parse_zones,
)
from bot.domain.errors import CartChanged, EmptyCart, InvalidInput
from bot.domain.orders import FulfilmentKind, OrderStatus
from bot.domain.services import catalogue, checkout
from bot.domain.services.cart import set_cart_quantity, view_cart
from bot.domain.services.checkout import NotInCheckout, SlotGone, WindowGone
from bot.domain.services.customers import CustomerRef
from tests.support.factories import STORE, FixedClock, customer, stocked
from tests.support.fakes import FakeUnitOfWork

DELIVERING = dataclasses.replace(STORE, delivery_fee_minor=350)
# Friday 20 November 2026, 08:00 UTC (09:00 in Paris).
START = datetime(2026, 11, 20, 8, tzinfo=UTC)


def _with_cart(uow: FakeUnitOfWork, quantity: int = 2) -> tuple[CustomerRef, int]:
    tea = stocked(uow, 5, sku="TEA", price_minor=300)
    who = customer()
    set_cart_quantity(who, tea.id or 0, Decimal(quantity), uow=uow)
    return who, tea.id or 0


def test_pickup_checkout_goes_slot_phone_note_confirm_and_places_the_order() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock(START)
    who, _ = _with_cart(uow)
    kw: dict[str, Any] = {"store": STORE, "uow": uow, "clock": clock}
    assert checkout.start_checkout(who, **kw).draft.step is CheckoutStep.FULFILMENT
    view = checkout.choose_fulfilment(who, FulfilmentKind.PICKUP, **kw)
    assert view.draft.step is CheckoutStep.SLOT
    slot = STORE.slots.slots(clock())[0]
    assert checkout.choose_slot(who, slot, **kw).draft.step is CheckoutStep.PHONE
    assert checkout.give_phone(who, "+44 20 7946 0958", **kw).draft.step is CheckoutStep.NOTE
    view = checkout.give_note(who, "ring the bell", **kw)
    assert (view.draft.step, view.total_minor) == (CheckoutStep.CONFIRM, 600)
    order = checkout.confirm_checkout(who, **kw)
    assert order.status is OrderStatus.PLACED
    assert order.fulfilment.pickup_slot == slot
    assert (order.phone, order.note) == ("+442079460958", "ring the bell")
    assert checkout.current_checkout(who, store=STORE, uow=uow) is None
    assert view_cart(who, uow=uow).is_empty


def test_delivery_asks_for_an_address_and_adds_the_fee() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock(START)
    who, _ = _with_cart(uow)
    kw: dict[str, Any] = {"store": DELIVERING, "uow": uow, "clock": clock}
    checkout.start_checkout(who, **kw)
    assert checkout.choose_fulfilment(who, FulfilmentKind.DELIVERY, **kw).draft.step is (
        CheckoutStep.ADDRESS
    )
    with pytest.raises(InvalidInput, match="address looks incomplete"):
        checkout.give_address(who, "no", **kw)
    checkout.give_address(who, "  12 High Street, Springfield ", **kw)
    checkout.give_phone(who, "01234 567890", **kw)
    view = checkout.give_note(who, "", **kw)
    assert view.total_minor == 950
    order = checkout.confirm_checkout(who, **kw)
    assert (order.fulfilment.address, order.total_minor) == ("12 High Street, Springfield", 950)


def test_checkout_needs_a_cart_and_cancel_keeps_the_cart() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(EmptyCart):
        checkout.start_checkout(customer(), store=STORE, uow=uow)
    who, tea_id = _with_cart(uow)
    checkout.start_checkout(who, store=STORE, uow=uow)
    assert checkout.cancel_checkout(who, uow=uow) is True
    assert checkout.cancel_checkout(who, uow=uow) is False
    assert view_cart(who, uow=uow).quantity_of(tea_id) == 2
    with pytest.raises(NotInCheckout):
        checkout.give_phone(who, "+441234567890", store=STORE, uow=uow)


def test_a_customer_who_comes_back_continues_where_they_were() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock(START)
    who, _ = _with_cart(uow)
    kw: dict[str, Any] = {"store": DELIVERING, "uow": uow, "clock": clock}
    checkout.start_checkout(who, **kw)
    checkout.choose_fulfilment(who, FulfilmentKind.DELIVERY, **kw)
    checkout.give_address(who, "12 High Street, Springfield", **kw)
    clock.advance(hours=3)
    resumed = checkout.start_checkout(who, **kw)
    assert resumed.draft.step is CheckoutStep.PHONE
    assert resumed.draft.address == "12 High Street, Springfield"


def test_a_slot_that_is_no_longer_offered_is_refused_and_asked_again() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock(START)
    who, _ = _with_cart(uow)
    kw: dict[str, Any] = {"store": STORE, "uow": uow, "clock": clock}
    checkout.start_checkout(who, **kw)
    checkout.choose_fulfilment(who, FulfilmentKind.PICKUP, **kw)
    with pytest.raises(SlotGone):
        checkout.choose_slot(who, START + timedelta(minutes=7), **kw)
    slot = STORE.slots.slots(clock())[0]
    checkout.choose_slot(who, slot, **kw)
    checkout.give_phone(who, "+441234567890", **kw)
    checkout.give_note(who, "", **kw)
    clock.now = slot  # the customer went away; the slot has come and gone
    with pytest.raises(SlotGone):
        checkout.confirm_checkout(who, **kw)
    assert checkout.current_checkout(who, store=STORE, uow=uow).draft.step is (  # type: ignore[union-attr]
        CheckoutStep.SLOT
    )


def test_confirming_before_every_answer_is_given_is_refused() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock(START)
    who, _ = _with_cart(uow)
    checkout.start_checkout(who, store=STORE, uow=uow, clock=clock)
    with pytest.raises(InvalidInput, match="missing"):
        checkout.confirm_checkout(who, store=STORE, uow=uow, clock=clock)


def test_a_price_change_at_confirm_keeps_the_checkout_for_a_second_look() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock(START)
    who, _ = _with_cart(uow)
    kw: dict[str, Any] = {"store": DELIVERING, "uow": uow, "clock": clock}
    checkout.start_checkout(who, **kw)
    checkout.choose_fulfilment(who, FulfilmentKind.DELIVERY, **kw)
    checkout.give_address(who, "12 High Street, Springfield", **kw)
    checkout.give_phone(who, "+441234567890", **kw)
    checkout.give_note(who, "", **kw)
    catalogue.update_product("TEA", {"price_minor": 320}, uow=uow)
    with pytest.raises(CartChanged, match=r"3\.20 EUR"):
        checkout.confirm_checkout(who, **kw)
    view = checkout.start_checkout(who, **kw)
    assert (view.draft.step, view.total_minor) == (CheckoutStep.CONFIRM, 990)
    assert checkout.confirm_checkout(who, **kw).total_minor == 990


# Paris: two arrondissements at 4.90 from a 15.00 basket, the 93 suburbs at 6.90 from 30.00;
# free from 20.00 everywhere; one-hour delivery windows.
ZONED = dataclasses.replace(
    STORE,
    country="FR",
    delivery=DeliveryRules(
        STORE.currency,
        350,
        parse_zones("75011,75012=4.90/min 15; 93*=6.90/min 30", STORE.currency),
        2_000,
        "FR",
    ),
    delivery_window=timedelta(hours=1),
)


def _delivering(uow: FakeUnitOfWork, clock: FixedClock, teas: int) -> tuple[CustomerRef, int]:
    tea = stocked(uow, 50, sku="TEA", price_minor=300)
    who, tea_id = customer(), tea.id or 0
    set_cart_quantity(who, tea_id, Decimal(teas), uow=uow)
    checkout.start_checkout(who, store=ZONED, uow=uow, clock=clock)
    checkout.choose_fulfilment(who, FulfilmentKind.DELIVERY, store=ZONED, uow=uow, clock=clock)
    return who, tea_id


def test_an_address_outside_the_zones_is_refused_and_pickup_is_still_open() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock(START)
    who, _ = _delivering(uow, clock, 2)
    kw: dict[str, Any] = {"store": ZONED, "uow": uow, "clock": clock}
    with pytest.raises(OutsideDeliveryZones, match="do not deliver to 75116"):
        checkout.give_address(who, "5 avenue Foch, 75116 Paris", **kw)
    view = checkout.current_checkout(who, store=ZONED, uow=uow)
    assert view is not None and (view.draft.step, view.draft.address) == (
        CheckoutStep.ADDRESS,
        None,
    )
    assert checkout.choose_fulfilment(who, FulfilmentKind.PICKUP, **kw).draft.step is (
        CheckoutStep.SLOT
    )


def test_a_basket_below_the_minimum_keeps_the_address_for_a_tap_once_it_is_bigger() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock(START)
    who, tea_id = _delivering(uow, clock, 3)  # 9.00: 6.00 short of 15.00
    kw: dict[str, Any] = {"store": ZONED, "uow": uow, "clock": clock}
    with pytest.raises(BelowDeliveryMinimum, match=r"add 6\.00 EUR more"):
        checkout.give_address(who, "12 rue Oberkampf, 75011 Paris", **kw)
    set_cart_quantity(who, tea_id, Decimal(5), uow=uow)  # 15.00
    resumed = checkout.start_checkout(who, **kw)
    assert (resumed.draft.step, resumed.saved_address) == (
        CheckoutStep.ADDRESS,
        "12 rue Oberkampf, 75011 Paris",
    )
    assert checkout.use_saved_address(who, **kw).draft.step is CheckoutStep.WINDOW


def test_the_zone_fee_and_the_chosen_window_go_on_the_order() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock(START)
    who, _ = _delivering(uow, clock, 5)  # 15.00
    kw: dict[str, Any] = {"store": ZONED, "uow": uow, "clock": clock}
    assert checkout.give_address(who, "12 rue Oberkampf, 75011 Paris", **kw).draft.step is (
        CheckoutStep.WINDOW
    )
    windows = ZONED.windows
    assert windows is not None
    with pytest.raises(WindowGone):
        checkout.choose_window(who, START + timedelta(minutes=7), **kw)
    start = windows.slots(clock())[1]
    assert checkout.choose_window(who, start, **kw).draft.step is CheckoutStep.PHONE
    checkout.give_phone(who, "06 12 34 56 78", **kw)
    view = checkout.give_note(who, "", **kw)
    assert (view.delivery_fee_minor, view.total_minor) == (490, 1_990)
    order = checkout.confirm_checkout(who, **kw)
    assert order.fulfilment.delivery_fee_minor == 490
    assert order.fulfilment.window == (start, start + timedelta(hours=1))
    assert order.total_minor == 1_990


def test_delivery_is_free_from_the_threshold() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock(START)
    who, _ = _delivering(uow, clock, 5)  # 15.00
    kw: dict[str, Any] = {"store": ZONED, "uow": uow, "clock": clock}
    checkout.give_address(who, "12 rue Oberkampf, 75011 Paris", **kw)
    assert ZONED.windows is not None
    checkout.choose_window(who, ZONED.windows.slots(clock())[0], **kw)
    checkout.give_phone(who, "06 12 34 56 78", **kw)
    checkout.give_note(who, "", **kw)
    restart = checkout.restart_checkout(who, **kw)  # to add two more teas: 21.00
    assert restart.draft.delivery_from is None
    set_cart_quantity(who, _, Decimal(7), uow=uow)
    checkout.choose_fulfilment(who, FulfilmentKind.DELIVERY, **kw)
    checkout.give_address(who, "12 rue Oberkampf, 75011 Paris", **kw)
    checkout.choose_window(who, ZONED.windows.slots(clock())[0], **kw)
    view = checkout.give_note(who, "", **kw)
    assert (view.delivery_fee_minor, view.total_minor) == (0, 2_100)
    assert checkout.confirm_checkout(who, **kw).fulfilment.delivery_fee_minor == 0


def test_a_cart_made_smaller_after_the_address_is_refused_at_confirm() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock(START)
    who, tea_id = _delivering(uow, clock, 5)  # 15.00
    kw: dict[str, Any] = {"store": ZONED, "uow": uow, "clock": clock}
    checkout.give_address(who, "12 rue Oberkampf, 75011 Paris", **kw)
    assert ZONED.windows is not None
    checkout.choose_window(who, ZONED.windows.slots(clock())[0], **kw)
    checkout.give_phone(who, "06 12 34 56 78", **kw)
    checkout.give_note(who, "", **kw)
    set_cart_quantity(who, tea_id, Decimal(4), uow=uow)  # 12.00
    with pytest.raises(BelowDeliveryMinimum, match=r"add 3\.00 EUR more"):
        checkout.confirm_checkout(who, **kw)
    view = checkout.current_checkout(who, store=ZONED, uow=uow)
    assert view is not None and view.draft.step is CheckoutStep.ADDRESS
    assert uow.orders.for_customer(view.draft.customer_id, limit=5, offset=0) == []
