"""Receipts and VAT: the receipt queued when an order is completed, read back when it is sent;
and the VAT per rate over a period, as the period's receipts stated it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from bot.domain.notifications import Notification, NotificationKind
from bot.domain.orders import Order, OrderStatus
from bot.domain.ports import UnitOfWork
from bot.domain.receipts import Receipt, receipt_of
from bot.domain.services.staff import check_manager
from bot.domain.store import Store
from bot.domain.vat import VatAtRate


def queue_receipt(uow: UnitOfWork, order: Order, at: datetime) -> None:
    """Inside the transaction that completes the order: its receipt, as a message and as a
    PDF, goes to the customer through the outbox (sent once, kept across restarts). The
    payload names the order; the sender words the receipt from the completed order itself."""
    assert order.id is not None
    customer = uow.customers.get(order.customer_id)
    if customer is None:
        return
    facts = {"order_code": order.code}
    for kind in (NotificationKind.RECEIPT, NotificationKind.RECEIPT_PDF):
        uow.outbox.add(Notification(customer.telegram_user_id, kind, facts, at, order.id))


def receipt_for(order_id: int, *, store: Store, uow: UnitOfWork) -> Receipt | None:
    """The receipt of a completed order; None if there is no such completed order."""
    with uow:
        order = uow.orders.get(order_id)
    if order is None or order.status is not OrderStatus.COMPLETED:
        return None
    return receipt_of(order, store)


def vat_per_rate(
    start: datetime,
    end: datetime,
    *,
    default_rate: Decimal,
    requested_by: int,
    uow: UnitOfWork,
) -> list[VatAtRate]:
    """The VAT per rate in the orders completed in [start, end), as their receipts stated
    it (bot.domain.receipts.period_vat)."""
    with uow:
        check_manager(uow, requested_by)
        return uow.orders.completed_vat(start, end, default_rate)
