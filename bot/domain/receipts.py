"""The receipt a customer gets when their order is completed: its final lines and totals, the
VAT they contain per rate, how it was paid, and who sold it.

The delivery fee is a service sold with the goods; it is counted at the store's default rate
(a shop that charges VAT on it at another rate sets its default accordingly).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from bot.domain.notifications import Facts, NotificationKind
from bot.domain.orders import Order, OrderLine, OrderStatus
from bot.domain.payments import MoneyTaken, PaymentMethod
from bot.domain.store import Store
from bot.domain.vat import VatAtRate, vat_by_rate


@dataclass(frozen=True, slots=True)
class Receipt:
    order_code: str
    issued_at: datetime  # when the order was completed
    currency: str
    lines: list[OrderLine]
    subtotal_minor: int
    delivery_fee_minor: int
    total_minor: int
    vat: list[VatAtRate]
    # How it was paid (bot.domain.payments.MoneyTaken: cash, card, telegram); "" if unknown.
    paid: str
    store_name: str
    store_address: str
    # Paid in Telegram, then picked heavier: how the rest was paid at the hand-over, and how
    # much (`paid` is then for the total less this).
    extra_paid: str = ""
    extra_paid_minor: int = 0
    promo_code: str = ""  # the promo code it was placed with, taking off `discount_minor`
    discount_minor: int = 0

    @property
    def shows_vat(self) -> bool:
        """A store that charges no VAT at all (every rate 0) prints no VAT lines."""
        return any(entry.rate for entry in self.vat)


def line_rate(line: OrderLine, default_rate: Decimal) -> Decimal:
    """The rate a line was sold at; lines sold before rates were kept count at the default."""
    return default_rate if line.vat_rate is None else line.vat_rate


def order_vat(order: Order, default_rate: Decimal) -> list[VatAtRate]:
    """The VAT in an order's final total, per rate (bot.domain.vat's rule). A line picked as
    missing sold nothing: it adds no rate."""
    amounts = [
        (line_rate(line, default_rate), line.line_total_minor)
        for line in order.lines
        if line.quantity
    ]
    amounts = less_discount(amounts, order.discount_minor)
    if order.fulfilment.delivery_fee_minor:
        amounts.append((default_rate, order.fulfilment.delivery_fee_minor))
    return vat_by_rate(amounts)


def less_discount(
    amounts: list[tuple[Decimal, int]], discount_minor: int
) -> list[tuple[Decimal, int]]:
    """The lines' sums after a promo code's discount, shared among them in proportion to what
    each costs (the cents left over go to the largest shares): the VAT is on what was paid."""
    total = sum(amount for _rate, amount in amounts)
    if not discount_minor or total <= 0:
        return amounts
    shares = [discount_minor * amount // total for _rate, amount in amounts]
    left = discount_minor - sum(shares)
    by_remainder = sorted(
        range(len(amounts)), key=lambda i: (discount_minor * amounts[i][1]) % total, reverse=True
    )
    for i in by_remainder[:left]:
        shares[i] += 1
    return [(rate, amount - share) for (rate, amount), share in zip(amounts, shares, strict=True)]


def receipt_of(order: Order, store: Store) -> Receipt:
    """The receipt of a completed order, as the domain holds it now (its final lines)."""
    completed = [h.at for h in order.history if h.status is OrderStatus.COMPLETED]
    if order.money_taken is not None:
        paid = order.money_taken.value
    elif order.payment.method is PaymentMethod.ONLINE and order.payment.is_paid:
        paid = MoneyTaken.TELEGRAM.value
    else:
        paid = ""  # completed before the hand-over recorded how
    return Receipt(
        order_code=order.code,
        issued_at=completed[-1] if completed else order.placed_at,
        currency=order.currency,
        # A line picked as missing sold nothing: it has no place on the receipt.
        lines=[line for line in order.lines if line.quantity],
        subtotal_minor=order.subtotal_minor,
        delivery_fee_minor=order.fulfilment.delivery_fee_minor,
        total_minor=order.total_minor,
        vat=order_vat(order, store.default_vat_rate),
        paid=paid,
        store_name=store.name,
        store_address=store.address,
        extra_paid=order.extra_taken.value if order.extra_taken else "",
        extra_paid_minor=order.extra_taken_minor if order.extra_taken else 0,
        promo_code=order.promo.code if order.promo else "",
        discount_minor=order.discount_minor,
    )


@dataclass(frozen=True, slots=True)
class ReceiptMessage(Facts):
    """To the customer: their completed order's receipt as a message, worded when it is sent
    from the order itself (the notification's order id)."""

    KIND: ClassVar[NotificationKind] = NotificationKind.RECEIPT
    order_code: str


@dataclass(frozen=True, slots=True)
class ReceiptDocument(Facts):
    """To the customer: the same receipt as a PDF document."""

    KIND: ClassVar[NotificationKind] = NotificationKind.RECEIPT_PDF
    order_code: str
