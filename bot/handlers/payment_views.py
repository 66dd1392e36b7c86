"""How an order is paid, in the words of the person reading it (customer or staff)."""

from __future__ import annotations

from bot.domain.money import Currency
from bot.domain.orders import FulfilmentKind, Order, OrderMoney, OrderStatus, PaymentState
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


def money_in(t: Texts, minor: int, currency: str) -> str:
    """An amount a notification keeps in minor units, in its currency; "" for a currency the
    bot does not know (money paid for nothing may come in any)."""
    try:
        return t.money(minor, Currency(currency))
    except ValueError:
        return ""


def payment_note(t: Texts, money: OrderMoney | None, status: OrderStatus | None = None) -> str:
    """The payment line of a notification about an order (`status`: the one it tells of)."""
    if money is None:
        return ""  # a notification queued before payments existed
    if money.payment is PaymentState.PAID:
        return "💳 " + t("Paid in Telegram.")
    if money.payment is PaymentState.ONLINE:
        return "💳 " + t("Not paid yet.")
    amount = money_in(t, money.total_minor, money.currency)
    delivery = money.fulfilment is FulfilmentKind.DELIVERY
    if status is OrderStatus.COMPLETED:  # the money was taken by then
        return "💶 " + (t("Paid on delivery") if delivery else t("Paid at pickup"))
    if delivery:
        due = (
            t("To pay on delivery: {amount}.", amount=amount)
            if amount
            else t("To pay on delivery.")
        )
    else:
        due = t("To pay at pickup: {amount}.", amount=amount) if amount else t("To pay at pickup.")
    return "💶 " + due
