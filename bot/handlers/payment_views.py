"""How an order is paid, in the words of the person reading it (customer or staff)."""

from __future__ import annotations

from bot.domain.money import Currency
from bot.domain.orders import FulfilmentKind, Order, OrderStatus
from bot.domain.payments import MoneyTaken, PaymentMethod
from bot.domain.store import Store
from bot.domain.text import said
from bot.i18n import Texts

# Money taken at a hand-over, as the hand-over and the order's card say it.
TAKEN_LINE = {
    MoneyTaken.CASH: said("💶 {total} taken in cash."),
    MoneyTaken.CARD: said("💳 {total} taken by card."),
    MoneyTaken.TELEGRAM: said("📱 Already paid in Telegram: nothing to collect."),
}


def payment_line(t: Texts, order: Order, store: Store, *, for_staff: bool = False) -> str:
    payment = order.payment
    lines = []
    if payment.method is PaymentMethod.ONLINE:
        if payment.is_paid:
            lines.append("💳 " + t("Paid in Telegram"))
            if order.extra_taken is not None:  # and what the picking added, at the hand-over
                extra = t.money(order.extra_taken_minor, store.currency)
                lines.append(t(TAKEN_LINE[order.extra_taken], total=extra))
        elif order.status is OrderStatus.CANCELLED:
            lines.append("💳 " + t("Not paid"))
        elif payment.pay_by is None:
            waiting = (
                t("Waiting for payment: do not prepare it yet")
                if for_staff
                else t("To pay in Telegram: tap Pay below")
            )
            lines.append("💳 " + waiting)
        else:
            by = f"{payment.pay_by.astimezone(store.timezone):%H:%M}"
            waiting = (
                t("Waiting for payment by {time}: do not prepare it yet", time=by)
                if for_staff
                else t("To pay in Telegram by {time}: tap Pay below", time=by)
            )
            lines.append("💳 " + waiting)
    else:
        delivery = order.fulfilment.kind is FulfilmentKind.DELIVERY
        if order.money_taken is MoneyTaken.CASH:
            how = t("Paid in cash")
        elif order.money_taken is MoneyTaken.CARD:
            how = t("Paid by card")
        elif order.status is OrderStatus.COMPLETED:
            how = t("Paid on delivery") if delivery else t("Paid at pickup")
        else:
            how = t("To pay on delivery") if delivery else t("To pay at pickup")
        lines.append(f"💶 {how} " + t("(not paid in Telegram)"))
    if payment.refund_due_minor:
        due = t.money(payment.refund_due_minor, store.currency)
        lines.append("↩️ " + t("Refund due: {amount}", amount=due))
    return "\n".join(lines)


def amount_in(t: Texts, facts: dict[str, str], key: str, store: Store) -> str:
    """An amount a notification's payload holds in minor units, in its currency; "" if the
    payload holds none that can be read."""
    try:
        currency = Currency(facts.get("currency", store.currency.code))
        return t.money(int(facts[key]), currency)
    except (KeyError, ValueError):
        return ""


def payment_note(t: Texts, facts: dict[str, str], store: Store) -> str:
    """The payment line of a notification, from the facts its payload holds."""
    payment = facts.get("payment")
    if payment == "paid":
        return "💳 " + t("Paid in Telegram.")
    if payment == PaymentMethod.ONLINE.value:
        return "💳 " + t("Not paid yet.")
    if payment == PaymentMethod.ON_HANDOVER.value:
        amount = amount_in(t, facts, "total_minor", store)
        delivery = facts.get("fulfilment") == FulfilmentKind.DELIVERY.value
        if facts.get("status") == OrderStatus.COMPLETED.value:  # the money was taken by then
            return "💶 " + (t("Paid on delivery") if delivery else t("Paid at pickup"))
        if delivery:
            due = (
                t("To pay on delivery: {amount}.", amount=amount)
                if amount
                else t("To pay on delivery.")
            )
        else:
            due = (
                t("To pay at pickup: {amount}.", amount=amount)
                if amount
                else t("To pay at pickup.")
            )
        return "💶 " + due
    return ""  # a notification queued before payments existed
