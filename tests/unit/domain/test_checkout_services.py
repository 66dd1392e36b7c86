from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bot.domain.checkout import CheckoutStep
from bot.domain.errors import CartChanged, EmptyCart, InvalidInput
from bot.domain.orders import FulfilmentKind, OrderStatus
from bot.domain.services import catalogue, checkout
from bot.domain.services.cart import set_cart_quantity, view_cart
from bot.domain.services.checkout import NotInCheckout, SlotGone
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
