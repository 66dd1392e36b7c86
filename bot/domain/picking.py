"""Picking: what the shelf gave for each line of an order, recorded before it is ready.

A weighed line is rarely exactly what was ordered: staff record the picked weight, within the
store's tolerance. An item can be replaced by another the customer asked for or agreed to, or
marked missing. A line keeps what was ordered beside what is sold; the total follows what is
sold. Money paid in Telegram is the total the order was placed at: a smaller final total
leaves a refund due, a larger one is collected at the hand-over (a card cannot be charged
again from the chat, and the tolerance keeps the difference small).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from enum import StrEnum
from typing import ClassVar

from bot.domain.catalogue import Product, Unit
from bot.domain.errors import DomainError, InvalidInput, NotFound
from bot.domain.money import line_total
from bot.domain.notifications import Facts, NotificationKind
from bot.domain.orders import FulfilmentKind, Order, OrderLine, OrderStatus
from bot.domain.quantity import MAX_QUANTITY, QUANTITY_PLACES
from bot.domain.text import Amount, UnitLabel, said
from bot.domain.typed_amount import read_amount

# Before "ready": once the bag is packed, what it holds is what the customer gets.
PICKABLE = (OrderStatus.PLACED, OrderStatus.ACCEPTED)
WEIGHED_UNITS = frozenset({"kg", "g"})
DEFAULT_TOLERANCE_PERCENT = Decimal(20)


class PickingClosed(DomainError):
    """The order is ready, on its way, completed or cancelled: what it holds is settled."""

    def __init__(self, code: str, status: OrderStatus) -> None:
        super().__init__(
            said("Order {code} is {status}: its items can no longer be changed."),
            code=code,
            status=status,
        )


class NotPaidYetForPicking(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__(
            said("Order {code} is waiting for the customer's payment: pick it once it is paid."),
            code=code,
        )


class NotThisOrdersLine(NotFound):
    """A button naming a line the order does not have (an old card, or a forged button)."""

    def __init__(self, code: str) -> None:
        super().__init__(
            said("That line is not part of order {code} any more. Open it again: /order {code}"),
            code=code,
        )


class LineChangedMeanwhile(DomainError):
    """Two staff changed one line at once: the second is told, and nothing of theirs applied."""

    def __init__(self, name: str, code: str) -> None:
        super().__init__(
            said(
                "{name} on order {code} was changed by someone else a moment ago; nothing was "
                "changed. Here is the order as it is now."
            ),
            name=name,
            code=code,
        )


class NothingToTell(DomainError):
    def __init__(self, code: str) -> None:
        super().__init__(
            said("The customer already knows every change to order {code}."), code=code
        )


def check_pickable(order: Order) -> None:
    """Staff may change what an order holds only before it is ready, and once it is paid."""
    if order.status not in PICKABLE:
        raise PickingClosed(order.code, order.status)
    if order.payment.awaits_payment:
        raise NotPaidYetForPicking(order.code)


def line_of(order: Order, line_id: int) -> OrderLine:
    """The order's line with this id; a line of another order is none of this one's."""
    for line in order.lines:
        if line.id == line_id:
            return line
    raise NotThisOrdersLine(order.code)


def as_seen(line: OrderLine, quantity: Decimal, product_id: int | None) -> bool:
    """Whether a line is still as a staff member saw it when they pressed: its quantity, and
    its item (a replacement keeps the quantity). `product_id` None: not known (a question
    asked before the item was kept with it)."""
    return line.quantity == quantity and product_id in (None, line.product_id)


def ordered_amount(line: OrderLine) -> Decimal:
    return line.quantity if line.ordered_quantity is None else line.ordered_quantity


def is_weighed(line: OrderLine) -> bool:
    return line.unit in WEIGHED_UNITS


def parse_weight(text: str, unit: str) -> Decimal:
    """A weight as staff type it ("1,62", "1.62 kg", "1620 g", "1620g"), in the line's unit
    (kg or g); a bare number is in the line's own unit (bot.domain.typed_amount reads it)."""
    typed = read_amount(" ".join(text.split()))
    weight = None if typed is None or typed.negative else typed.in_unit(Unit(unit))
    if weight is None:
        raise InvalidInput(
            said("“{text}” is not a weight; write it like 1.62, 1,62 kg or 1620 g"),
            text=text.strip()[:20],
        )
    if weight > MAX_QUANTITY:
        raise InvalidInput(said("That quantity is too large"))
    if weight != weight.quantize(QUANTITY_PLACES):
        raise InvalidInput(
            said("That is finer than the scale reads: at most {places} decimals in {unit}"),
            places=3,
            unit=UnitLabel(unit),
        )
    return weight.quantize(QUANTITY_PLACES)


def allowed_range(ordered: Decimal, percent: Decimal) -> tuple[Decimal, Decimal]:
    """The picked weights the store accepts for an ordered one: `percent` either way."""
    spread = ordered * percent / 100
    low = (ordered - spread).quantize(QUANTITY_PLACES, rounding=ROUND_CEILING)
    high = (ordered + spread).quantize(QUANTITY_PLACES, rounding=ROUND_FLOOR)
    return max(low, QUANTITY_PLACES), high


class OutsideTolerance(InvalidInput):
    def __init__(self, line: OrderLine, low: Decimal, high: Decimal, percent: Decimal) -> None:
        super().__init__(
            said(
                "{name} was ordered as {ordered}: the picked weight must be between {low} and "
                "{high} ({percent}% either way). Please weigh it again, or replace it or mark "
                "it missing."
            ),
            name=line.name,
            ordered=Amount(ordered_amount(line), line.unit),
            low=Amount(low, line.unit),
            high=Amount(high, line.unit),
            percent=percent.normalize(),
        )


def picked_weight(line: OrderLine, weight: Decimal, percent: Decimal) -> OrderLine:
    """The line as picked at this weight, priced as the order prices every line."""
    if not is_weighed(line):
        raise InvalidInput(
            said("{name} is not weighed: replace it or mark it missing."), name=line.name
        )
    ordered = ordered_amount(line)
    low, high = allowed_range(ordered, percent)
    if not low <= weight <= high:
        raise OutsideTolerance(line, low, high, percent)
    return dataclasses.replace(
        line,
        quantity=weight,
        line_total_minor=line_total(line.unit_price_minor, weight),
        ordered_quantity=ordered,
    )


def missing(line: OrderLine) -> OrderLine:
    """Nothing of it could be picked: the line stays, selling nothing."""
    if not line.quantity:
        raise InvalidInput(said("{name} is already marked missing."), name=line.name)
    return dataclasses.replace(
        line, quantity=Decimal(0), line_total_minor=0, ordered_quantity=ordered_amount(line)
    )


def replaced(line: OrderLine, product: Product, vat_rate: Decimal | None) -> OrderLine:
    """The line with another item instead, in the amount ordered, at that item's price now
    (`product` priced). The item ordered is kept (replacing it back restores it, as does a
    missing line's own item, which keeps the price it was ordered at: an offer that ended
    since does not raise it)."""
    assert product.id is not None
    if product.unit.value != line.unit:
        raise InvalidInput(
            said("{name} is sold by the {unit}: choose an item sold by the {wanted}."),
            name=product.name,
            unit=UnitLabel(product.unit.value),
            wanted=UnitLabel(line.unit),
        )
    if product.id == line.product_id and line.quantity:
        raise InvalidInput(said("{name} is the item already on that line."), name=product.name)
    ordered = ordered_amount(line)
    first_id = line.product_id if line.ordered_product_id is None else line.ordered_product_id
    first_name = line.name if line.ordered_name is None else line.ordered_name
    back = product.id == first_id
    # A missing line given its own item again: as ordered. Another item: its price now.
    price = line.unit_price_minor if product.id == line.product_id else product.price_now_minor
    return dataclasses.replace(
        line,
        product_id=product.id,
        sku=product.sku,
        name=product.name,
        quantity=ordered,
        unit_price_minor=price,
        line_total_minor=line_total(price, ordered),
        vat_rate=vat_rate,
        ordered_quantity=ordered,
        ordered_product_id=None if back else first_id,
        ordered_name=None if back else first_name,
    )


def with_line(order: Order, line: OrderLine) -> Order:
    """The order with one line as picked (its total follows)."""
    lines = [line if kept.id == line.id else kept for kept in order.lines]
    return dataclasses.replace(order, lines=lines, history=list(order.history))


# ------------------------------------------------------------------------------------ money


def placed_total(order: Order) -> int:
    """The total the order was placed at: what a Telegram invoice asked."""
    return order.total_minor if order.placed_total_minor is None else order.placed_total_minor


def paid_in_telegram(order: Order) -> int:
    return placed_total(order) if order.payment.is_paid else 0


def refund_from_picking(order: Order) -> int:
    """Paid in Telegram for more than was picked: owed back to the customer."""
    return max(0, paid_in_telegram(order) - order.total_minor)


def to_collect(order: Order) -> int:
    """What the hand-over collects: the whole total if nothing was paid in Telegram, else
    what the picking added to what was paid."""
    return max(0, order.total_minor - paid_in_telegram(order))


def takes_money_at_handover(order: Order) -> bool:
    """Whether the hand-over takes money, and so asks how: paid there, or paid in Telegram
    for less than the picking came to."""
    return not order.payment.is_paid or to_collect(order) > 0


# ------------------------------------------------------------------------------------ news


class ChangeKind(StrEnum):
    PICKED = "picked"  # another weight than ordered
    REPLACED = "replaced"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class LineNews:
    """One change the customer is told of, as facts (the reader's language words it)."""

    kind: ChangeKind
    name: str  # what the line holds now (the item ordered, for a missing one)
    unit: str
    ordered: Decimal
    picked: Decimal
    was: str = ""  # the item ordered, for a replaced line

    def packed(self) -> str:
        fields = (self.kind.value, self.name, self.unit, f"{self.ordered:f}", f"{self.picked:f}")
        return "\t".join((*fields, self.was)).replace("\n", " ")

    @staticmethod
    def unpacked(kept: str) -> LineNews | None:
        """A change read back from a message's facts; None for one that does not read."""
        parts = kept.split("\t")
        if len(parts) != 6:
            return None
        kind, name, unit, ordered, picked, was = parts
        try:
            return LineNews(ChangeKind(kind), name, unit, Decimal(ordered), Decimal(picked), was)
        except (ValueError, InvalidOperation):
            return None


def line_news(line: OrderLine) -> LineNews | None:
    """How a line differs from what was ordered; None while it is as ordered."""
    ordered = ordered_amount(line)
    if not line.quantity:
        name = line.name if line.ordered_name is None else line.ordered_name
        return LineNews(ChangeKind.MISSING, name, line.unit, ordered, line.quantity)
    if line.ordered_name is not None:
        return LineNews(
            ChangeKind.REPLACED, line.name, line.unit, ordered, line.quantity, line.ordered_name
        )
    if line.quantity != ordered:
        return LineNews(ChangeKind.PICKED, line.name, line.unit, ordered, line.quantity)
    return None


def changes_of(order: Order) -> list[LineNews]:
    """What the order holds that differs from what was ordered, line by line."""
    return [news for line in order.lines if (news := line_news(line)) is not None]


@dataclass(frozen=True, slots=True)
class PickingNews(Facts):
    """To the customer: what was picked otherwise than ordered, the new total, and what it
    means for the money (a refund of what was paid over, or more to pay at the hand-over)."""

    KIND: ClassVar[NotificationKind] = NotificationKind.ORDER_PICKED
    order_code: str
    changes: tuple[LineNews, ...]
    total_minor: int
    placed_total_minor: int
    refund_minor: int
    collect_minor: int
    fulfilment: FulfilmentKind
    currency: str
    paid: bool = False  # in Telegram


def picking_news(order: Order) -> PickingNews:
    """The customer's message about the changes."""
    return PickingNews(
        order.code,
        tuple(changes_of(order)),
        order.total_minor,
        placed_total(order),
        refund_from_picking(order),
        to_collect(order),
        order.fulfilment.kind,
        order.currency,
        order.payment.is_paid,
    )
