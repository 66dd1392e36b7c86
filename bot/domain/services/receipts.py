"""Receipts and VAT: the receipt queued when an order is completed, read back when it is sent;
and the VAT per rate over a period, as the period's receipts stated it."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from bot.domain.notifications import Notification
from bot.domain.orders import Order, OrderStatus
from bot.domain.ports import UnitOfWork
from bot.domain.receipts import Receipt, ReceiptDocument, ReceiptMessage, receipt_of
from bot.domain.store import Store


def queue_receipt(uow: UnitOfWork, order: Order, at: datetime) -> None:
    """Inside the transaction that completes the order: its receipt, as a message and as a
    PDF, goes to the customer through the outbox (sent once, kept across restarts). The
    facts name the order; the sender words the receipt from the completed order itself."""
    assert order.id is not None
    customer = uow.customers.get(order.customer_id)
    if customer is None:
        return
    for facts in (ReceiptMessage(order.code), ReceiptDocument(order.code)):
        uow.outbox.add(Notification(customer.telegram_user_id, facts, at, order.id))


def receipt_for(order_id: int, *, store: Store, uow: UnitOfWork) -> Receipt | None:
    """The receipt of a completed order, with its VAT as issued; None if there is no such
    completed order."""
    with uow:
        order = uow.orders.get(order_id)
        issued = uow.orders.issued_vat(order_id) if order is not None else []
    if order is None or order.status is not OrderStatus.COMPLETED:
        return None
    receipt = receipt_of(order, store)
    # Completed before the VAT was kept with no fee nor line (nothing to keep): as computed.
    return dataclasses.replace(receipt, vat=issued) if issued else receipt
