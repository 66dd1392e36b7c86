"""How an order is paid, in the words of the person reading it (customer or staff)."""

from __future__ import annotations

from bot.domain.money import Currency
from bot.domain.orders import FulfilmentKind, Order, OrderStatus
from bot.domain.payments import PaymentMethod
from bot.domain.store import Store


def payment_line(order: Order, store: Store, *, for_staff: bool = False) -> str:
    payment = order.payment
    lines = []
    if payment.method is PaymentMethod.ONLINE:
        if payment.is_paid:
            lines.append("💳 Paid in Telegram")
        elif order.status is OrderStatus.CANCELLED:
            lines.append("💳 Not paid")
        else:
            by = ""
            if payment.pay_by is not None:
                by = f" by {payment.pay_by.astimezone(store.timezone):%H:%M}"
            lines.append(
                f"💳 Waiting for payment{by}: do not prepare it yet"
                if for_staff
                else f"💳 To pay in Telegram{by}: tap Pay below"
            )
    else:
        where = "on delivery" if order.fulfilment.kind is FulfilmentKind.DELIVERY else "at pickup"
        done = order.status is OrderStatus.COMPLETED
        lines.append(f"💶 {'Paid' if done else 'To pay'} {where} (not paid in Telegram)")
    if payment.refund_due_minor:
        lines.append(f"↩️ Refund due: {store.currency.format(payment.refund_due_minor)}")
    return "\n".join(lines)


def amount_in(facts: dict[str, str], key: str, store: Store) -> str:
    """An amount a notification's payload holds in minor units, in its currency; "" if the
    payload holds none that can be read."""
    try:
        currency = Currency(facts.get("currency", store.currency.code))
        return currency.format(int(facts[key]))
    except (KeyError, ValueError):
        return ""


def payment_note(facts: dict[str, str], store: Store) -> str:
    """The payment line of a notification, from the facts its payload holds."""
    payment = facts.get("payment")
    if payment == "paid":
        return "💳 Paid in Telegram."
    if payment == PaymentMethod.ONLINE.value:
        return "💳 Not paid yet."
    if payment == PaymentMethod.ON_HANDOVER.value:
        amount = amount_in(facts, "total_minor", store)
        where = (
            "on delivery"
            if facts.get("fulfilment") == FulfilmentKind.DELIVERY.value
            else "at pickup"
        )
        return f"💶 To pay {where}: {amount}." if amount else f"💶 To pay {where}."
    return ""  # a notification queued before payments existed
