"""Placing, cancelling and moving orders through their status machine."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.cart import CartLine, most_per_order, over_the_limit
from bot.domain.catalogue import Product
from bot.domain.clock import Clock, utc_now
from bot.domain.customers import Customer, kept_phone
from bot.domain.errors import (
    CartChanged,
    ConcurrentUpdate,
    DomainError,
    EmptyCart,
    InvalidInput,
    OrderAlreadyMoved,
    OutOfStock,
    TooLateToCancel,
    TooManyOpenOrders,
    UnknownOrder,
)
from bot.domain.money import Money, line_total
from bot.domain.notifications import Facts, Notification
from bot.domain.orders import (
    CANCELLED_BY_CUSTOMER,
    Actor,
    Fulfilment,
    Order,
    OrderCancelledAlert,
    OrderLine,
    OrderStatus,
    StatusChange,
    StatusNews,
    check_transition,
    clean_note,
    clean_reason,
    moved_by,
    new_order_alert,
    new_order_code,
    new_pickup_code,
    normalise_order_code,
    order_money,
)
from bot.domain.payments import (
    MoneyTaken,
    NotPaidYet,
    Payment,
    PaymentMethod,
    RefundDueAlert,
    money_taken,
)
from bot.domain.picking import placed_total, refund_from_picking, to_collect
from bot.domain.ports import UnitOfWork
from bot.domain.receipts import order_vat
from bot.domain.services.customers import CustomerRef, identify
from bot.domain.services.low_stock import manager_chats
from bot.domain.services.offers import prices_by_id
from bot.domain.services.picking import tell_untold
from bot.domain.services.promo_codes import give_back, redeem
from bot.domain.services.ratings import ask_for_rating
from bot.domain.services.receipts import queue_receipt
from bot.domain.services.retry import retry_on_conflict
from bot.domain.services.sales_windows import count_in_totals
from bot.domain.services.staff import check_staff
from bot.domain.services.stock import move_stock, record_move, take_stock
from bot.domain.stock import StockReason
from bot.domain.store import Store
from bot.domain.text import Amount, UnitLabel, Words, said

# Staff who were active this recently are "on duty" and hear about new orders.
ON_DUTY_WINDOW = timedelta(hours=12)
# The reason the managers read beside a refund the picking left over (the stock reason's word).
PICKED_LIGHTER = said("picking")


@dataclass(frozen=True, slots=True)
class CheckoutDetails:
    fulfilment: Fulfilment
    phone: str
    note: str = ""
    payment: PaymentMethod = PaymentMethod.ON_HANDOVER
    promo_code: str | None = None  # given at checkout: redeemed as the order is placed


def _cart_problems(
    uow: UnitOfWork,
    customer_id: int,
    lines: list[CartLine],
    products: dict[int, Product],
    store: Store,
) -> list[Words]:
    """Compare the cart with the shelf; fix the cart to what can be had and say what changed."""
    problems: list[Words] = []
    for line in lines:
        product = products.get(line.product_id)
        if product is None or not product.active:
            problems.append(
                Words(
                    said("{name} is no longer sold; it was removed from your cart."),
                    {"name": product.name},
                )
                if product
                else Words(said("An item is no longer sold; it was removed from your cart."))
            )
            uow.carts.remove(customer_id, line.product_id)
            continue
        if product.price_now_minor != line.seen_price_minor:
            problems.append(
                Words(
                    said("{name} now costs {price} per {unit} (was {was})."),
                    {
                        "name": product.name,
                        "price": Money(product.price_now_minor, store.currency),
                        "unit": UnitLabel(product.unit.value),
                        "was": Money(line.seen_price_minor, store.currency),
                    },
                )
            )
        most = most_per_order(product, store.max_per_item)
        if line.quantity > most and most < product.sellable_stock:
            # What is on hand has fallen since the line was set: one order may hold less now.
            problems.append(over_the_limit(product, most).words)
            uow.carts.put(customer_id, CartLine(line.product_id, most, product.price_now_minor))
        elif product.stock < line.quantity:
            usable = product.sellable_stock
            if usable > 0:
                problems.append(
                    Words(
                        said("Only {left} of {name} left; your cart now has {usable}."),
                        {
                            "left": Amount(product.stock, product.unit.value),
                            "name": product.name,
                            "usable": Amount(usable, product.unit.value),
                        },
                    )
                )
                uow.carts.put(
                    customer_id, CartLine(line.product_id, usable, product.price_now_minor)
                )
            else:
                problems.append(
                    Words(
                        said("{name} is sold out; it was removed from your cart."),
                        {"name": product.name},
                    )
                )
                uow.carts.remove(customer_id, line.product_id)
        elif product.price_now_minor != line.seen_price_minor:
            uow.carts.put(
                customer_id, CartLine(line.product_id, line.quantity, product.price_now_minor)
            )
    return problems


def notify_on_duty_staff(uow: UnitOfWork, facts: Facts, order: Order, at: datetime) -> None:
    assert order.id is not None
    for session in uow.sessions.on_duty(since=at - ON_DUTY_WINDOW):
        uow.outbox.add(Notification(session.telegram_user_id, facts, at, order.id))


def notify_new_order(uow: UnitOfWork, order: Order, at: datetime, *, paid: bool = False) -> None:
    """On-duty staff hear of an order they can start on, with what they need to start
    (`paid`: its payment just arrived)."""
    notify_on_duty_staff(uow, new_order_alert(order, paid=paid), order, at)


def notify_managers(uow: UnitOfWork, facts: Facts, order: Order, at: datetime) -> None:
    assert order.id is not None
    for chat_id in manager_chats(uow):
        uow.outbox.add(Notification(chat_id, facts, at, order.id))


def notify_customer(uow: UnitOfWork, order: Order, at: datetime, reason: str = "") -> None:
    assert order.id is not None
    customer = uow.customers.get(order.customer_id)
    if customer is None:
        return
    code = order.pickup_code or ""
    news = StatusNews(
        order.code,
        order.status,
        order_money(order),
        reason,
        pickup_code=code if order.status is OrderStatus.READY else "",
        # For the courier: no QR to scan.
        delivery_code=code if order.status is OrderStatus.OUT_FOR_DELIVERY else "",
    )
    uow.outbox.add(Notification(customer.telegram_user_id, news, at, order.id))
    if order.status is OrderStatus.COMPLETED:
        queue_receipt(uow, order, at)  # after the news that it is completed
        ask_for_rating(uow, order, customer.telegram_user_id, at)  # and after its receipt


@retry_on_conflict
def place_order(
    customer: CustomerRef,
    details: CheckoutDetails,
    *,
    store: Store,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Order:
    """Turn the cart into an order: every line's stock is taken, or none is.

    Raises CartChanged (after correcting the cart) when an item ran out, was archived or changed
    price since the customer added it: they must see the new cart before ordering.
    """
    with uow:
        who = identify(uow, customer)
        order = place_order_in(uow, who, details, store=store, at=clock())
        uow.commit()
        return order


def check_open_orders(uow: UnitOfWork, customer_id: int, store: Store) -> None:
    """A customer may not pile up orders the store has not even accepted yet."""
    waiting = uow.orders.count_waiting(customer_id)
    if waiting >= store.max_open_orders:
        raise TooManyOpenOrders(waiting)


def place_order_in(
    uow: UnitOfWork, who: Customer, details: CheckoutDetails, *, store: Store, at: datetime
) -> Order:
    """The body of place_order, inside a transaction the caller owns and commits.

    On CartChanged the cart corrections are committed here, before raising.
    """
    assert who.id is not None
    phone = kept_phone(details.phone, store.country)
    note = clean_note(details.note)
    store.payments.check(details.payment)
    lines = uow.carts.lines(who.id)
    if not lines:
        raise EmptyCart()
    check_open_orders(uow, who.id, store)
    products = prices_by_id(uow, [line.product_id for line in lines], at)
    problems = _cart_problems(uow, who.id, lines, products, store)
    if problems:
        uow.commit()
        raise CartChanged(problems)
    order_lines = [_order_line(products[line.product_id], line, store) for line in lines]
    promo = None
    if details.promo_code is not None:  # before the stock: every redemption locks in one order
        items_minor = sum(line.line_total_minor for line in order_lines)
        promo = redeem(uow, details.promo_code, who.id, items_minor, store.currency, at)
    # Stock first, in a fixed (id) order: conditional updates, so no overselling, and one
    # lock order, so no deadlocks between orders. If a concurrent order took the stock since
    # we read it, the whole use case runs again (rolling back every line taken): the check
    # above then finds the shelf as it is, corrects the cart and says so, as it does for
    # every customer who comes after the last units went.
    actor = f"customer:{who.id}"
    try:
        taken = [
            (line, take_stock(uow, products[line.product_id], -line.quantity, StockReason.SALE))
            for line in sorted(lines, key=lambda cart_line: cart_line.product_id)
        ]
    except OutOfStock as gone:
        raise ConcurrentUpdate(f"{gone.name}: stock taken meanwhile") from gone
    code = new_order_code()
    while uow.orders.code_exists(code):
        code = new_order_code()
    if who.phone != phone:
        who.phone = phone
        uow.customers.update(who)
    order = uow.orders.add(
        Order(
            code=code,
            customer_id=who.id,
            lines=order_lines,
            fulfilment=details.fulfilment,
            phone=phone,
            note=note,
            status=OrderStatus.PLACED,
            placed_at=at,
            currency=store.currency.code,
            history=[StatusChange(OrderStatus.PLACED, at, actor)],
            payment=Payment(
                details.payment,
                pay_by=at + store.payments.timeout
                if details.payment is PaymentMethod.ONLINE
                else None,
            ),
            customer_name=who.name,
            promo=promo,
        )
    )
    for line, level in taken:
        record_move(
            uow,
            products[line.product_id],
            -line.quantity,
            StockReason.SALE,
            level,
            store=store,
            actor=actor,
            at=at,
            order_id=order.id,
            note=f"order {order.code}",
        )
    uow.carts.clear(who.id)
    if not order.payment.awaits_payment:  # an online order reaches staff once it is paid
        notify_new_order(uow, order, at)
    return order


def _order_line(product: Product, line: CartLine, store: Store) -> OrderLine:
    assert product.id is not None
    return OrderLine(
        product.id,
        product.sku,
        product.name,
        product.unit.value,
        line.quantity,
        product.price_now_minor,
        line_total(product.price_now_minor, line.quantity),
        vat_rate=store.default_vat_rate if product.vat_rate is None else product.vat_rate,
    )


def _restock(uow: UnitOfWork, order: Order, actor: str, at: datetime, store: Store) -> None:
    assert order.id is not None
    products = uow.products.get_many([line.product_id for line in order.lines])
    for line in sorted(order.lines, key=lambda order_line: order_line.product_id):
        if not line.quantity:  # picked as missing: it holds nothing
            continue
        move_stock(
            uow,
            products[line.product_id],
            line.quantity,
            StockReason.ORDER_CANCELLED,
            store=store,
            actor=actor,
            at=at,
            order_id=order.id,
            note=f"order {order.code}",
        )


def change_in(
    uow: UnitOfWork,
    order: Order,
    wanted: OrderStatus,
    actor: str,
    at: datetime,
    store: Store,
    reason: str = "",
    taken: MoneyTaken | None = None,
) -> Order:
    """`taken`: how the money was taken, when `wanted` is completed (see `money_taken`): no
    order paid at the hand-over is completed without it."""
    assert order.id is not None
    takings = None
    if wanted is OrderStatus.COMPLETED:
        takings = money_taken(order.payment, order.code, taken, extra_minor=to_collect(order))
    change = StatusChange(wanted, at, actor, reason)
    if not uow.orders.change_status(order.id, order.status, change):
        raise OrderAlreadyMoved(order.code)
    order.status = wanted
    order.history.append(change)
    if wanted is OrderStatus.COMPLETED:
        assert takings is not None
        # The status UPDATE above holds the row: only the one who moved it records these.
        uow.orders.record_money_taken(order.id, takings)
        order.money_taken = takings.way
        order.extra_taken, order.extra_taken_minor = takings.extra_way, takings.extra_minor
        # The receipt's VAT, kept as issued: its lines as they are now (picked), at the
        # store's rate of today.
        _as_picked(uow, order)
        uow.orders.record_vat(order.id, at, order_vat(order, store.default_vat_rate))
        # Revenue from now on: the analytics' running totals count it at once.
        count_in_totals(uow, order.id, at)
    if wanted is OrderStatus.CANCELLED:
        _as_picked(uow, order)
        give_back(uow, order.promo)  # before the stock: the lock order of placing one
        _restock(uow, order, actor, at, store)
        if order.payment.is_paid:
            if picked := refund_from_picking(order):  # made due by the picking: told only now
                refund = RefundDueAlert(order.code, picked, order.currency, PICKED_LIGHTER)
                notify_managers(uow, refund, order, at)
            # What was paid, less what the picking already made due (bot.domain.picking).
            due = min(order.total_minor, placed_total(order))
            refund_due(uow, order, due, order.currency, at, reason or "cancelled")
    elif wanted is OrderStatus.READY or (
        wanted is OrderStatus.OUT_FOR_DELIVERY and store.delivery_code
    ):
        # A delivery gets a code only if the store asks the courier for one.
        _give_pickup_code(uow, order)
    if wanted in (OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY):
        if tell_untold(uow, order, at) or order.payment.is_paid:
            _as_picked(uow, order)  # the status message says the picked total
        if left_over := refund_from_picking(order):
            # The picking is final now: the managers refund what it left over, once.
            refund = RefundDueAlert(order.code, left_over, order.currency, PICKED_LIGHTER)
            notify_managers(uow, refund, order, at)
    return order


def _as_picked(uow: UnitOfWork, order: Order) -> None:
    """The lines and money as they are now: a picking change may have committed while this
    change waited for the order's row (bot.domain.services.picking holds it the same way)."""
    assert order.id is not None
    fresh = uow.orders.get(order.id)
    if fresh is not None:
        order.lines, order.payment = fresh.lines, fresh.payment
        order.placed_total_minor = fresh.placed_total_minor


def refund_due(
    uow: UnitOfWork, order: Order, amount_minor: int, currency: str, at: datetime, why: str
) -> None:
    """Paid money goes back through the payment provider's dashboard: record it and tell the
    managers, in the transaction that made it due. The order keeps what is due in its own
    currency; money in another (a forged or mismatched payment) is owed as its charge was
    recorded, and the managers' message names it."""
    assert order.id is not None
    if currency == order.currency:
        uow.orders.add_refund_due(order.id, amount_minor)
        due = order.payment.refund_due_minor + amount_minor
        order.payment = dataclasses.replace(order.payment, refund_due_minor=due)
    notify_managers(uow, RefundDueAlert(order.code, amount_minor, currency, why), order, at)


def _give_pickup_code(uow: UnitOfWork, order: Order) -> None:
    """The code the customer shows (or its QR) when the order is handed over."""
    assert order.id is not None
    if order.pickup_code:
        return
    code = new_pickup_code()
    while uow.orders.pickup_code_exists(code):
        code = new_pickup_code()
    uow.orders.set_pickup_code(order.id, code)
    order.pickup_code = code


def my_orders(
    customer: CustomerRef, *, limit: int = 10, offset: int = 0, uow: UnitOfWork
) -> list[Order]:
    with uow:
        who = uow.customers.get_by_telegram_id(customer.telegram_user_id)
        if who is None or who.id is None:
            return []
        return uow.orders.for_customer(who.id, limit=limit, offset=offset)


def my_order(customer: CustomerRef, code: str, *, uow: UnitOfWork) -> Order:
    """One of the customer's own orders; someone else's looks exactly like a missing one."""
    with uow:
        return own_order(uow, customer, code)


@dataclass(frozen=True, slots=True)
class Refused:
    """An order as it is now, with why the asked-for step cannot be taken from there."""

    order: Order
    why: DomainError


def _too_late_to_cancel(order: Order) -> TooLateToCancel | None:
    """A customer cancels only what is still only placed."""
    if order.status is OrderStatus.PLACED:
        return None
    return TooLateToCancel(order.code, order.status.value)


def _moved_from(order: Order, expected: OrderStatus) -> OrderAlreadyMoved | None:
    """A staff card's move applies only where the card saw the order."""
    if order.status is expected:
        return None
    return OrderAlreadyMoved(order.code, order.status, moved_by(order))


def order_to_cancel(customer: CustomerRef, code: str, *, uow: UnitOfWork) -> Order | Refused:
    """The order a customer is asked to confirm cancelling, or (too late) why not, with the
    order as it now is for the card to show."""
    with uow:
        order = own_order(uow, customer, code)
    why = _too_late_to_cancel(order)
    return order if why is None else Refused(order, why)


def order_still_at(code: str, expected: OrderStatus, *, uow: UnitOfWork) -> Order | Refused:
    """The order, if it is where a staff member's card saw it; else it as it is now, and who
    moved it (an old card's Cancel… asks for no reason then)."""
    order = find_order(code, uow=uow)
    why = _moved_from(order, expected)
    return order if why is None else Refused(order, why)


def own_order(uow: UnitOfWork, customer: CustomerRef, code: str) -> Order:
    wanted = normalise_order_code(code)
    who = uow.customers.get_by_telegram_id(customer.telegram_user_id)
    order = uow.orders.get_by_code(wanted)
    if order is None or who is None or order.customer_id != who.id:
        raise UnknownOrder(wanted)
    return order


@retry_on_conflict
def cancel_my_order(
    customer: CustomerRef, code: str, *, store: Store, uow: UnitOfWork, clock: Clock = utc_now
) -> Order:
    """A customer may cancel while the order is still only placed; the stock goes back."""
    at = clock()
    with uow:
        order = own_order(uow, customer, code)
        if too_late := _too_late_to_cancel(order):
            raise too_late
        check_transition(order, OrderStatus.CANCELLED, Actor.CUSTOMER)
        change_in(
            uow,
            order,
            OrderStatus.CANCELLED,
            f"customer:{order.customer_id}",
            at,
            store,
            CANCELLED_BY_CUSTOMER,
        )
        cancelled = OrderCancelledAlert(order.code, order.customer_name)
        notify_on_duty_staff(uow, cancelled, order, at)
        uow.commit()
        return order


@retry_on_conflict
def move_order(
    staff_id: int,
    code: str,
    wanted: OrderStatus,
    *,
    reason: str = "",
    expected: OrderStatus | None = None,
    taken: MoneyTaken | None = None,
    store: Store,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Order:
    """Staff move an order one step on (or cancel it, with a reason); the customer is told.

    `expected` is the status the staff member saw when pressing the button: if the order has
    moved since, they are told so rather than having a different move applied. `taken`: how
    the money was taken, for a delivery completed (paid at the door: cash or card).
    """
    at = clock()
    if wanted is OrderStatus.CANCELLED:
        reason = clean_reason(reason)
    with uow:
        staff = check_staff(uow, staff_id)
        order = uow.orders.get_by_code(normalise_order_code(code))
        if order is None:
            raise UnknownOrder(normalise_order_code(code))
        if expected is not None and (moved := _moved_from(order, expected)):
            raise moved
        if order.payment.awaits_payment and wanted is not OrderStatus.CANCELLED:
            raise NotPaidYet(order.code)
        check_transition(order, wanted, Actor.STAFF)
        change_in(uow, order, wanted, f"staff:{staff.username}", at, store, reason, taken)
        notify_customer(uow, order, at, reason)
        uow.commit()
        return order


def open_orders(*, limit: int = 20, offset: int = 0, uow: UnitOfWork) -> list[Order]:
    with uow:
        return uow.orders.open_orders(limit=limit, offset=offset)


def find_order(code: str, *, uow: UnitOfWork) -> Order:
    with uow:
        order = uow.orders.get_by_code(normalise_order_code(code))
        if order is None:
            raise UnknownOrder(normalise_order_code(code))
        return order


class CannotHandOver(DomainError):
    """The order behind a pickup code must not leave the shop (yet)."""


def _by_pickup_code(uow: UnitOfWork, pickup_code: str) -> Order | None:
    code = normalise_order_code(pickup_code)
    return uow.orders.get_by_pickup_code(code) if code.isalnum() else None


def _to_hand_over(uow: UnitOfWork, pickup_code: str) -> Order:
    """The order behind a pickup code, if it may leave the shop now."""
    order = _by_pickup_code(uow, pickup_code)
    if order is None:
        raise CannotHandOver(
            said("No order has the pickup code {code}. Please check it with the customer."),
            code=normalise_order_code(pickup_code)[:16],
        )
    return _may_leave(order)


def _may_leave(order: Order) -> Order:
    """The order, if it may leave the shop now."""
    if order.status is OrderStatus.COMPLETED:
        raise CannotHandOver(said("Order {code} was already handed over."), code=order.code)
    if order.status is OrderStatus.CANCELLED:
        raise CannotHandOver(
            said("Order {code} was cancelled: please do not hand it over."), code=order.code
        )
    if not order.payment.settled_at_handover:
        raise CannotHandOver(
            said("Order {code} is not paid yet: it cannot be handed over."), code=order.code
        )
    check_transition(order, OrderStatus.COMPLETED, Actor.HANDOVER)
    return order


@retry_on_conflict
def delivery_with_code(
    staff_id: int, order_code: str, typed: str, *, telegram_user_id: int, uow: UnitOfWork
) -> Order:
    """The delivery `order_code`, checked as `hand_over` checks it, if `typed` is the code its
    customer was given (a courier types it at the door): the courier's question is closed in
    the same transaction. The code of another order, or none, hands nothing over and leaves
    the question open for another try."""
    carried = normalise_order_code(order_code)
    with uow:
        check_staff(uow, staff_id)
        found = _by_pickup_code(uow, typed)
        if found is None or found.code != carried:
            raise InvalidInput(
                said(
                    "That is not the delivery code of order {code}. Please check it with the "
                    "customer."
                ),
                code=carried[:16],
            )
        order = _may_leave(found)
        uow.prompts.delete(telegram_user_id)
        uow.commit()
        return order


def order_to_hand_over(staff_id: int, pickup_code: str, *, uow: UnitOfWork) -> Order:
    """The order a pickup code names, checked as `hand_over` checks it, without completing
    it: staff first see what to collect, then say how it was paid."""
    with uow:
        check_staff(uow, staff_id)
        return _to_hand_over(uow, pickup_code)


@retry_on_conflict
def hand_over(
    staff_id: int,
    pickup_code: str,
    *,
    taken: MoneyTaken | None = None,
    store: Store,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Order:
    """Staff give the order whose pickup code the customer shows: it is completed, with how
    the money was taken, and the customer told. Refused unless it is paid, or paid there and
    then in cash or by card (`taken`). Two clerks at once: one completes it, the other is
    told it was already handed over."""
    at = clock()
    with uow:
        staff = check_staff(uow, staff_id)
        order = _to_hand_over(uow, pickup_code)
        _complete(uow, order, f"staff:{staff.username}", at, store, taken)
        uow.commit()
        return order


@retry_on_conflict
def hand_over_on_card(
    staff_id: int,
    order_code: str,
    pickup_code: str,
    *,
    taken: MoneyTaken | None = None,
    store: Store,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Order:
    """The hand-over from an order's own card (the back office's board): the code typed must
    be this order's, given by its customer at the counter or to the courier; then as
    `hand_over`, in one transaction."""
    at = clock()
    carried = normalise_order_code(order_code)
    with uow:
        staff = check_staff(uow, staff_id)
        found = _by_pickup_code(uow, pickup_code)
        if found is None or found.code != carried:
            raise CannotHandOver(
                said(
                    "That is not the pickup code of order {code}. Please check it with the "
                    "customer."
                ),
                code=carried[:16],
            )
        order = _may_leave(found)
        _complete(uow, order, f"staff:{staff.username}", at, store, taken)
        uow.commit()
        return order


def _complete(
    uow: UnitOfWork,
    order: Order,
    actor: str,
    at: datetime,
    store: Store,
    taken: MoneyTaken | None,
) -> None:
    """Complete an order that may leave the shop, with how its money was taken, and tell its
    customer; two hand-overs at once: the second is told it was already handed over."""
    try:
        change_in(uow, order, OrderStatus.COMPLETED, actor, at, store, "", taken)
    except OrderAlreadyMoved:
        raise CannotHandOver(
            said("Order {code} was already handed over."), code=order.code
        ) from None
    notify_customer(uow, order, at)
