"""Paying an order in Telegram: the invoice, the pre-checkout check, the payment, expiry."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import Clock, utc_now
from bot.domain.errors import OrderAlreadyMoved, UnknownOrder
from bot.domain.orders import NOT_PAID_IN_TIME, Order, OrderStatus, reason_shown
from bot.domain.payments import (
    PAYING_GRACE,
    CannotPay,
    PaymentMethod,
    PaymentReceipt,
    order_code_in,
)
from bot.domain.ports import UnitOfWork
from bot.domain.services.customers import CustomerRef
from bot.domain.services.orders import (
    change_in,
    notify_customer,
    notify_new_order,
    own_order,
    refund_due,
)
from bot.domain.services.retry import retry_on_conflict
from bot.domain.store import Store
from bot.domain.text import said

log = logging.getLogger(__name__)
SHOP_ACTOR = "shop"


def payable_order(
    customer: CustomerRef, code: str, *, uow: UnitOfWork, clock: Clock = utc_now
) -> Order:
    """One of the customer's orders that still waits for its online payment (the Pay button)."""
    with uow:
        order = own_order(uow, customer, code)
        _check_payable(order, clock())
        return order


def _check_payable(order: Order, now: datetime) -> None:
    """Why this order cannot be paid now, in words for the customer's payment sheet."""
    if order.status is OrderStatus.CANCELLED:
        last = order.history[-1].reason if order.history else ""
        if last:
            raise CannotPay(
                said("Order {code} was cancelled ({reason}); nothing was charged."),
                code=order.code,
                reason=reason_shown(last),
            )
        raise CannotPay(said("Order {code} was cancelled; nothing was charged."), code=order.code)
    if order.payment.is_paid:
        raise CannotPay(
            said("Order {code} is already paid; nothing more was charged."), code=order.code
        )
    if order.payment.method is not PaymentMethod.ONLINE:
        raise CannotPay(said("Order {code} is paid at the hand-over, not here."), code=order.code)
    if order.status is not OrderStatus.PLACED or (
        order.payment.pay_by is not None and order.payment.pay_by <= now
    ):
        raise CannotPay(
            said(
                "The time to pay order {code} has run out, so its items went back on the "
                "shelf; nothing was charged. Please order again."
            ),
            code=order.code,
        )


@retry_on_conflict
def check_pre_checkout(
    telegram_user_id: int,
    payload: str,
    currency: str,
    total_minor: int,
    *,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Order:
    """Telegram asks, before charging, whether the order can still be honoured.

    Raises CannotPay with the reason the customer reads. On yes, the order is kept a little
    longer, so it cannot expire while the card is being charged."""
    now = clock()
    code = order_code_in(payload)
    with uow:
        order = uow.orders.get_by_code(code, for_update=True) if code else None
        customer = uow.customers.get(order.customer_id) if order else None
        if order is None or customer is None or customer.telegram_user_id != telegram_user_id:
            raise CannotPay(
                said("This invoice is not for one of your orders; nothing was charged.")
            )
        _check_payable(order, now)
        if (currency, total_minor) != (order.currency, order.total_minor):
            raise CannotPay(
                said(
                    "This invoice no longer matches order {code}; nothing was charged. "
                    "Please use the Pay button on the order."
                ),
                code=order.code,
            )
        assert order.id is not None and order.payment.pay_by is not None
        if order.payment.pay_by < now + PAYING_GRACE:
            uow.orders.set_pay_by(order.id, now + PAYING_GRACE)
        uow.commit()
        return order


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    order: Order
    first: bool  # False: this charge was recorded before (a redelivered update)
    refund_due: bool  # the money arrived for an order that cannot take it
    mismatched: bool = False  # not the order's total in its currency: it paid for nothing


@retry_on_conflict
def record_payment(
    telegram_user_id: int,
    receipt: PaymentReceipt,
    *,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> PaymentOutcome:
    """Telegram says the money was taken: mark the order paid, once per charge id.

    Money that arrives for an order that was cancelled or paid already, or that is not the
    order's total in its currency, or for an order paid at the hand-over (a forged or
    mismatched payment: the order stays unpaid), is recorded too, as a refund due, and the
    managers are told."""
    at = clock()
    code = order_code_in(receipt.payload) or ""
    with uow:
        order = uow.orders.get_by_code(code, for_update=True)
        if order is None:
            log.error("payment %s names no order: %r", receipt.telegram_charge_id, receipt.payload)
            raise UnknownOrder(code)
        assert order.id is not None
        if telegram_user_id != _customer_chat(uow, order):
            log.warning("order %s was paid by another Telegram user", order.code)
        was_paid = order.payment.is_paid
        if not uow.orders.add_payment(order.id, receipt, at):
            return PaymentOutcome(order, first=False, refund_due=False)
        pays = receipt.pays(order.payment.method, order.currency, order.total_minor)
        refund = was_paid or order.status is OrderStatus.CANCELLED or not pays
        if not pays:
            log.warning(
                "payment %s of %s %r does not pay for order %s (%s %s, paid %s): a refund is due",
                receipt.telegram_charge_id,
                receipt.total_minor,
                receipt.currency,
                order.code,
                order.total_minor,
                order.currency,
                order.payment.method.value,
            )
        if refund:
            why = _why_refunded(pays=pays, was_paid=was_paid)
            refund_due(uow, order, receipt.total_minor, receipt.currency, at, why)
        else:
            notify_new_order(uow, order, at, paid=True)
        uow.commit()
        if pays and not was_paid:
            order.payment = dataclasses.replace(order.payment, paid_at=at)
        return PaymentOutcome(order, first=True, refund_due=refund, mismatched=not pays)


def _why_refunded(*, pays: bool, was_paid: bool) -> str:
    """The reason the managers read beside a refund due for money that paid for nothing."""
    if not pays:
        return said("the payment did not match the order's total")
    return said("paid twice") if was_paid else said("paid after it was cancelled")


def _customer_chat(uow: UnitOfWork, order: Order) -> int | None:
    customer = uow.customers.get(order.customer_id)
    return customer.telegram_user_id if customer else None


@retry_on_conflict
def release_unpaid(code: str, *, store: Store, uow: UnitOfWork, clock: Clock = utc_now) -> bool:
    """Cancel one online order not paid in time: its stock goes back, the customer is told.
    False if it was paid, moved or released meanwhile (another worker, a late payment)."""
    at = clock()
    with uow:
        order = uow.orders.get_by_code(code, for_update=True)
        if order is None or order.status is not OrderStatus.PLACED:
            return False
        pay_by = order.payment.pay_by
        if not order.payment.awaits_payment or pay_by is None or pay_by > at:
            return False
        reason = NOT_PAID_IN_TIME
        try:
            change_in(uow, order, OrderStatus.CANCELLED, SHOP_ACTOR, at, store, reason)
        except OrderAlreadyMoved:
            return False
        notify_customer(uow, order, at, reason)
        uow.commit()
        return True


def unpaid_past_deadline(*, uow: UnitOfWork, clock: Clock = utc_now, limit: int = 100) -> list[str]:
    with uow:
        return uow.orders.unpaid_past(clock(), limit=limit)
