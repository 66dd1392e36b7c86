"""Releasing pay-at-pickup orders nobody collected (bot.domain.pickups says when).

A repeating job asks for the orders due and releases each in its own transaction: the stock
goes back through the ledger, the order is cancelled with its reason, the customer is told.
The release moves the order only from the status it read, under the order's row lock, and a
hand-over moves it only from "ready": whichever commits first wins, the other finds it moved.
"""

from __future__ import annotations

from bot.domain.clock import Clock, utc_now
from bot.domain.errors import OrderAlreadyMoved
from bot.domain.orders import OrderStatus
from bot.domain.pickups import NOT_PICKED_UP, is_uncollected, uncollected_before
from bot.domain.ports import UnitOfWork
from bot.domain.services.orders import change_in, notify_customer
from bot.domain.services.payments import SHOP_ACTOR
from bot.domain.services.retry import retry_on_conflict
from bot.domain.store import Store


def uncollected_orders(
    *, store: Store, uow: UnitOfWork, clock: Clock = utc_now, limit: int = 100
) -> list[str]:
    """Codes of the pay-at-pickup orders whose pickup day and grace are over, oldest first."""
    with uow:
        return uow.orders.uncollected_before(uncollected_before(clock(), store), limit=limit)


@retry_on_conflict
def release_uncollected(
    code: str, *, store: Store, uow: UnitOfWork, clock: Clock = utc_now
) -> bool:
    """Cancel one order nobody came for: its items go back on sale, the customer is told.
    False if it was handed over, cancelled or released meanwhile (another worker, the
    counter), or is not due."""
    at = clock()
    with uow:
        order = uow.orders.get_by_code(code, for_update=True)
        if order is None or not is_uncollected(order, at, store):
            return False
        try:
            change_in(uow, order, OrderStatus.CANCELLED, SHOP_ACTOR, at, store, NOT_PICKED_UP)
        except OrderAlreadyMoved:
            return False
        notify_customer(uow, order, at, NOT_PICKED_UP)
        uow.commit()
        return True
