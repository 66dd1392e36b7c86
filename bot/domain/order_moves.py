"""What staff may do with an order now, and how each move is named: one answer for the chat's
order cards and the back office's board, so the two offer and say the same."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.orders import Actor, FulfilmentKind, Order, OrderStatus, allowed_next
from bot.domain.payments import MoneyTaken
from bot.domain.picking import takes_money_at_handover
from bot.domain.text import said

MOVE_LABELS = {
    OrderStatus.ACCEPTED: said("✅ Accept"),
    OrderStatus.READY: said("🛍 Ready for pickup"),
    OrderStatus.OUT_FOR_DELIVERY: said("🚚 Out for delivery"),
    OrderStatus.COMPLETED: said("🏁 Completed"),
    OrderStatus.CANCELLED: said("❌ Cancel…"),
}
DELIVERED = said("🏁 Delivered")
# A delivery paid at the door is completed with how its money was taken.
DELIVERED_PAID = {
    MoneyTaken.CASH: said("🏁 Delivered, paid in cash"),
    MoneyTaken.CARD: said("🏁 Delivered, paid by card"),
}

# How the money was taken at a hand-over, as every way of handing over offers it.
TAKE_BUTTON = {
    MoneyTaken.CASH: said("💶 Paid in cash"),
    MoneyTaken.CARD: said("💳 Paid by card"),
}


def move_label(target: OrderStatus, kind: FulfilmentKind) -> str:
    """A move as its button says it (a delivery is completed as "Delivered")."""
    delivered = target is OrderStatus.COMPLETED and kind is FulfilmentKind.DELIVERY
    return DELIVERED if delivered else MOVE_LABELS[target]


@dataclass(frozen=True, slots=True)
class StaffMoves:
    # One press each (a cancellation asks its reason).
    moves: tuple[OrderStatus, ...]
    # Completing it takes money at the door: one press per way it was taken (cash, card).
    paid_there: bool
    # Completed by the code its customer shows at the counter or gives the courier.
    by_code: bool
    # Its hand-over takes money (paid there, or paid in Telegram for less than was picked).
    takes_money: bool


def staff_moves(order: Order) -> StaffMoves:
    kind = order.fulfilment.kind
    moves = allowed_next(
        order.status,
        kind,
        Actor.STAFF,
        awaits_payment=order.payment.awaits_payment,
        delivery_code=order.has_delivery_code,
    )
    takes_money = takes_money_at_handover(order)
    plain = tuple(m for m in moves if m is not OrderStatus.COMPLETED or not takes_money)
    ready_pickup = kind is FulfilmentKind.PICKUP and order.status is OrderStatus.READY
    coded_delivery = order.status is OrderStatus.OUT_FOR_DELIVERY and order.has_delivery_code
    return StaffMoves(
        plain,
        OrderStatus.COMPLETED in moves and takes_money,
        (ready_pickup and not order.payment.awaits_payment) or coded_delivery,
        takes_money,
    )
