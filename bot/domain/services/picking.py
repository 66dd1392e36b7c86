"""Staff pick an order before it is ready: a weighed line's weight, a replacement, a missing
line; stock, total and refund due follow in the same transaction; the customer is told once.

Every change first takes the order's row with a conditional update on its status (as a status
change does), so two changes of one order, or a change and a hand-over or cancellation, run
one after the other: the second sees the first's result, or that the order moved on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bot.domain.catalogue import Product, normalise_sku
from bot.domain.clock import Clock, utc_now
from bot.domain.errors import OutOfStock, StockWouldGoNegative, UnknownOrder, UnknownProduct
from bot.domain.notifications import Notification
from bot.domain.orders import Order, OrderLine, OrderStatus, normalise_order_code
from bot.domain.picking import (
    PICKABLE,
    LineChangedMeanwhile,
    NothingToTell,
    PickingClosed,
    allowed_range,
    as_seen,
    check_pickable,
    is_weighed,
    line_of,
    missing,
    ordered_amount,
    parse_weight,
    picked_weight,
    picking_news,
    refund_from_picking,
    replaced,
    with_line,
)
from bot.domain.ports import UnitOfWork
from bot.domain.quantity import format_quantity
from bot.domain.search import build_query, query_words
from bot.domain.services.offers import price_now, prices_now
from bot.domain.services.retry import retry_on_conflict
from bot.domain.services.staff import check_staff
from bot.domain.services.stock import record_move, take_stock
from bot.domain.stock import StockReason
from bot.domain.store import Store

REPLACEMENTS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class LineToPick:
    """A line staff are about to weigh or replace, and the weights the store accepts."""

    order: Order
    line: OrderLine
    low: Decimal | None  # None: not weighed
    high: Decimal | None


def _order(uow: UnitOfWork, code: str) -> Order:
    wanted = normalise_order_code(code)
    order = uow.orders.get_by_code(wanted)
    if order is None:
        raise UnknownOrder(wanted)
    return order


def line_to_pick(code: str, line_id: int, *, store: Store, uow: UnitOfWork) -> LineToPick:
    """The line a button names, if the order can still be picked (checked again on change)."""
    with uow:
        order = _order(uow, code)
    check_pickable(order)
    line = line_of(order, line_id)
    if not is_weighed(line):
        return LineToPick(order, line, None, None)
    low, high = allowed_range(ordered_amount(line), store.pick_tolerance_percent)
    return LineToPick(order, line, low, high)


def replacements(typed: str, *, limit: int = REPLACEMENTS_SHOWN, uow: UnitOfWork) -> list[Product]:
    """Items on sale a typed SKU or name fits: the SKU itself first, then the search's best,
    priced as a substitute is charged (an offer running now)."""
    with uow:
        exact = uow.products.get_by_sku(normalise_sku(typed)) if typed.strip() else None
        found = [exact] if exact is not None and exact.active else []
        if query_words(typed):
            query = build_query(typed, uow.products.similar_terms)
            found += [p for p in uow.products.search(query, limit=limit) if p not in found]
        return prices_now(uow, found[:limit], utc_now())


Pick = Callable[[UnitOfWork, OrderLine], OrderLine]


def _change(
    staff_id: int,
    code: str,
    line_id: int,
    seen: Decimal,
    pick: Pick,
    *,
    seen_item: int | None,
    store: Store,
    uow: UnitOfWork,
    at: datetime,
) -> Order:
    """One picking change in one transaction: hold the order, check the line is as the staff
    member saw it (its quantity, and its item: a replacement keeps the quantity), move the
    stock, write the line and the money. `seen_item` None: a question asked before the item
    was kept with it."""
    with uow:
        staff = check_staff(uow, staff_id)
        found = _order(uow, code)
        assert found.id is not None
        if not uow.orders.hold_for_picking(found.id, PICKABLE):
            now = uow.orders.get(found.id) or found
            raise PickingClosed(now.code, now.status)
        order = uow.orders.get(found.id) or found  # as it is now that this change holds it
        check_pickable(order)
        line = line_of(order, line_id)
        picked = pick(uow, line)
        if not as_seen(line, seen, seen_item):
            raise LineChangedMeanwhile(line.name, order.code)
        actor = f"staff:{staff.username}"
        _move_stock(uow, order, line, picked, store=store, actor=actor, at=at)
        if not uow.orders.change_line(found.id, line, picked):
            raise LineChangedMeanwhile(line.name, order.code)
        after = with_line(order, picked)
        uow.orders.set_total(found.id, after.total_minor)
        more_due = refund_from_picking(after) - refund_from_picking(order)
        if more_due:  # less, when a later pick takes back some of an earlier one's refund
            uow.orders.add_refund_due(found.id, more_due)
        uow.commit()
        due = after.payment.refund_due_minor + more_due
        payment = dataclasses.replace(after.payment, refund_due_minor=due)
        return dataclasses.replace(after, payment=payment, changes_untold=True)


def _move_stock(
    uow: UnitOfWork,
    order: Order,
    line: OrderLine,
    picked: OrderLine,
    *,
    store: Store,
    actor: str,
    at: datetime,
) -> None:
    """What the line now holds leaves the shelf, what it held comes back: per item, in item
    order (the lock order every stock move keeps), each with its ledger row."""
    changes: dict[int, Decimal] = {line.product_id: line.quantity}
    changes[picked.product_id] = changes.get(picked.product_id, Decimal(0)) - picked.quantity
    products = uow.products.get_many(list(changes))
    was = format_quantity(ordered_amount(line), line.unit)
    for product_id in sorted(changes):
        change = changes[product_id]
        if not change:
            continue
        product = products[product_id]
        try:
            level = take_stock(uow, product, change, StockReason.SALE)
        except (OutOfStock, StockWouldGoNegative) as short:
            raise OutOfStock(product.name, -change, product.stock) from short
        record_move(
            uow,
            product,
            change,
            StockReason.PICKING,
            level,
            store=store,
            actor=actor,
            at=at,
            order_id=order.id,
            # "order CODE" is read back in the reader's language (Texts.ledger_note); the
            # rest is names and amounts, the same in every language.
            note=f"order {order.code}: {line.name} ({was}) → "
            f"{picked.name} ({format_quantity(picked.quantity, picked.unit)})",
        )


@retry_on_conflict
def pick_weight(
    staff_id: int,
    code: str,
    line_id: int,
    seen: Decimal,
    typed: str,
    *,
    seen_item: int | None = None,
    store: Store,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Order:
    """A weighed line as picked: "1,62", "1.62 kg" or "1620 g", within the store's tolerance."""

    def weigh(_uow: UnitOfWork, line: OrderLine) -> OrderLine:
        weight = parse_weight(typed, line.unit)
        return picked_weight(line, weight, store.pick_tolerance_percent)

    return _change(
        staff_id, code, line_id, seen, weigh, seen_item=seen_item, store=store, uow=uow, at=clock()
    )


@retry_on_conflict
def mark_missing(
    staff_id: int,
    code: str,
    line_id: int,
    seen: Decimal,
    *,
    seen_item: int | None = None,
    store: Store,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Order:
    """Nothing of a line could be picked: its stock goes back, it sells nothing."""

    def nothing(_uow: UnitOfWork, line: OrderLine) -> OrderLine:
        return missing(line)

    return _change(
        staff_id,
        code,
        line_id,
        seen,
        nothing,
        seen_item=seen_item,
        store=store,
        uow=uow,
        at=clock(),
    )


@retry_on_conflict
def replace_item(
    staff_id: int,
    code: str,
    line_id: int,
    seen: Decimal,
    product_id: int,
    *,
    seen_item: int | None = None,
    store: Store,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Order:
    """Another item instead of a line's, as the customer asked or agreed, at its own price."""

    def instead(uow: UnitOfWork, line: OrderLine) -> OrderLine:
        product = price_now(uow, uow.products.get(product_id), clock())
        if product is None or (not product.active and product.id != line.product_id):
            raise UnknownProduct(str(product_id))
        rate = store.default_vat_rate if product.vat_rate is None else product.vat_rate
        return replaced(line, product, rate)

    return _change(
        staff_id,
        code,
        line_id,
        seen,
        instead,
        seen_item=seen_item,
        store=store,
        uow=uow,
        at=clock(),
    )


@retry_on_conflict
def tell_customer(staff_id: int, code: str, *, uow: UnitOfWork, clock: Clock = utc_now) -> Order:
    """One message to the customer with every change and the new total (a second press tells
    nothing twice)."""
    at = clock()
    with uow:
        check_staff(uow, staff_id)
        found = _order(uow, code)
        assert found.id is not None
        if not uow.orders.mark_told(found.id):
            raise NothingToTell(found.code)
        order = uow.orders.get(found.id) or found  # as it is now that this holds its row
        if order.status is OrderStatus.CANCELLED:
            raise PickingClosed(order.code, order.status)
        queue_news(uow, order, at)
        uow.commit()
        order.changes_untold = False
        return order


def queue_news(uow: UnitOfWork, order: Order, at: datetime) -> None:
    """The customer's one message with the picking's changes and the new total, queued in the
    caller's transaction (which marked them told)."""
    customer = uow.customers.get(order.customer_id)
    if customer is not None and customer.telegram_user_id is not None:
        news = picking_news(order)
        uow.outbox.add(Notification(customer.telegram_user_id, news, at, order.id))


def tell_untold(uow: UnitOfWork, order: Order, at: datetime) -> bool:
    """An order that becomes ready (or goes out) with changes the customer was not told of:
    they hear of them now, before the status message, rather than at the counter. Call it
    holding the order's row (its status change); True if there was news to tell."""
    assert order.id is not None
    if not uow.orders.mark_told(order.id):
        return False
    queue_news(uow, uow.orders.get(order.id) or order, at)
    return True
