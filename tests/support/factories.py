"""Factories: each test says only what matters to it."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.catalogue import Product, Unit
from bot.domain.clock import Clock, utc_now
from bot.domain.money import Currency
from bot.domain.orders import Fulfilment, FulfilmentKind, Order, OrderStatus
from bot.domain.passwords import PasswordHasher
from bot.domain.payments import MoneyTaken
from bot.domain.ports import UnitOfWork
from bot.domain.services import catalogue, orders
from bot.domain.services.cart import set_cart_quantity
from bot.domain.services.customers import CustomerRef
from bot.domain.services.orders import CheckoutDetails
from bot.domain.store import Store

STORE = Store("Corner Shop", Currency("EUR"), ZoneInfo("Europe/Paris"), Decimal(5))
FAST_HASHER = PasswordHasher(rounds=4)  # production uses 12; tests need not pay for it
_numbers = itertools.count(1)


class FixedClock:
    """A clock a test moves by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def make_product(**overrides: Any) -> Product:
    n = next(_numbers)
    fields: dict[str, Any] = {
        "sku": f"ITEM-{n}",
        "name": f"Item {n}",
        "category": "Pantry",
        "unit": Unit.PIECE,
        "step": Decimal(1),
        "price_minor": 250,
    }
    fields.update(overrides)
    return Product(**fields)


def make_kg_product(**overrides: Any) -> Product:
    return make_product(
        **{"unit": Unit.KILOGRAM, "step": Decimal("0.25"), "category": "Fruit & Veg", **overrides}
    )


def stocked(uow: UnitOfWork, stock: Decimal | int = 10, **overrides: Any) -> Product:
    """A product in the store with this much on hand (entered through the ledger)."""
    return catalogue.add_product(
        make_product(**overrides), initial_stock=Decimal(stock), actor="test", store=STORE, uow=uow
    )


def customer(n: int | None = None) -> CustomerRef:
    number = n if n is not None else next(_numbers)
    return CustomerRef(telegram_user_id=100_000 + number, name=f"Customer {number}")


def pickup_details(phone: str = "+44 20 7946 0958", note: str = "") -> CheckoutDetails:
    slot = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    return CheckoutDetails(Fulfilment.pickup(slot), phone, note)


def delivery_details(
    address: str = "12 High Street, Springfield", fee_minor: int = 300
) -> CheckoutDetails:
    return CheckoutDetails(Fulfilment.delivery(address, fee_minor), "+441234567890")


def placed_order(
    uow: UnitOfWork,
    who: CustomerRef,
    *items: tuple[Product, Decimal | int],
    details: CheckoutDetails | None = None,
    store: Store = STORE,
    **kwargs: Any,
) -> Order:
    for product, quantity in items:
        assert product.id is not None
        set_cart_quantity(who, product.id, Decimal(quantity), uow=uow)
    return orders.place_order(who, details or pickup_details(), store=store, uow=uow, **kwargs)


def handed_over(
    uow_factory: Callable[[], UnitOfWork],
    order: Order,
    staff_id: int,
    *,
    taken: MoneyTaken = MoneyTaken.CASH,
    clock: Clock = utc_now,
    store: Store = STORE,
) -> Order:
    """Accepted, ready (or out for delivery) and completed by this staff member at `clock`'s
    time, the money taken as said (an order paid in Telegram is already paid)."""
    delivery = order.fulfilment.kind is FulfilmentKind.DELIVERY
    steps = (OrderStatus.ACCEPTED, OrderStatus.OUT_FOR_DELIVERY if delivery else OrderStatus.READY)
    for step in steps:
        order = orders.move_order(
            staff_id, order.code, step, store=store, uow=uow_factory(), clock=clock
        )
    if delivery:
        return orders.move_order(
            staff_id,
            order.code,
            OrderStatus.COMPLETED,
            taken=taken,
            store=store,
            uow=uow_factory(),
            clock=clock,
        )
    assert order.pickup_code is not None
    return orders.hand_over(
        staff_id, order.pickup_code, taken=taken, store=store, uow=uow_factory(), clock=clock
    )
