"""Buy again: what a customer ordered before, the most often ordered first, back in the cart
in one tap, an item or a whole past order, by the cart's own rules.

What counts as ordered before: every order of theirs that was placed and not cancelled,
completed or still on its way. An order placed yesterday and not yet collected is already
what they want again (a weekly shop placed early); a cancelled one may be what they did not
want after all, or what the shop could not provide, and is left out. Items count as ordered,
not as picked: an item the shop replaced at picking counts as the one the customer asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from bot.domain.cart import DEFAULT_MAX_PER_ITEM, most_per_order, over_the_limit
from bot.domain.catalogue import Product
from bot.domain.clock import utc_now
from bot.domain.orders import Order
from bot.domain.ports import UnitOfWork
from bot.domain.services.cart import MAX_CART_LINES, cart_owner, load_cart, put_line
from bot.domain.services.customers import CustomerRef
from bot.domain.services.offers import prices_by_id
from bot.domain.services.orders import own_order
from bot.domain.services.retry import retry_on_conflict
from bot.domain.text import Amount, Words, said

USUAL_ITEMS = 10  # the items shown, most often ordered first
RECENT_ORDERS = 3  # the latest orders offered whole


@dataclass(frozen=True, slots=True)
class Usual:
    """An item the customer ordered before: as it is now (None: gone from the catalogue, so
    known only by the name it was ordered under), how many of their orders held it, and what
    one tap puts in the cart."""

    name: str
    product: Product | None
    orders: int
    amount: Decimal

    @property
    def on_sale(self) -> bool:
        return self.product is not None and self.product.active


@dataclass(frozen=True, slots=True)
class BoughtBefore:
    items: list[Usual]  # the most often ordered first, then the most recently
    orders: list[Order]  # the latest ones not cancelled, newest first

    @property
    def is_empty(self) -> bool:
        return not self.items and not self.orders


def in_whole_steps(product: Product, amount: Decimal) -> Decimal:
    """An amount ordered before, in whole steps of the item as it is sold now (its step may
    have changed since), and at least one step."""
    return max(amount - amount % product.step, product.step)


def bought_before(
    customer: CustomerRef,
    *,
    uow: UnitOfWork,
    items: int = USUAL_ITEMS,
    orders: int = RECENT_ORDERS,
) -> BoughtBefore:
    """What the customer ordered before, for 🔁 Buy again: their usual items, each with the
    amount their latest order held (one tap puts that much in the cart), and their latest
    orders to put back whole. Items no longer sold stay in the list, to be said so."""
    with uow.reading():
        who = uow.customers.get_by_telegram_id(customer.telegram_user_id)
        if who is None or who.id is None:
            return BoughtBefore([], [])
        usual = uow.orders.usual_items(who.id, limit=items)
        products = prices_by_id(uow, [u.product_id for u in usual], utc_now())
        recent = uow.orders.for_customer(who.id, limit=orders, cancelled=False)
    found = []
    for u in usual:
        product = products.get(u.product_id)
        amount = u.last_quantity if product is None else in_whole_steps(product, u.last_quantity)
        found.append(Usual(product.name if product else u.name, product, u.orders, amount))
    return BoughtBefore(found, recent)


@dataclass(frozen=True, slots=True)
class OrderedAgain:
    """What went back in the cart (names), and each line that did not go in whole, said."""

    added: list[str]
    left_out: list[Words]
    # Lines set to the most one order may hold, each said as the cart says it.
    capped: list[Words] = field(default_factory=list)


def _not_added(product: Product) -> Words:
    """Why none of a line went in, when the rules left no room: the item is sold out, or all
    the shop has of it is in the cart already."""
    if product.sellable_stock <= 0:
        return Words(said("{name} (sold out)"), {"name": product.name})
    return Words(said("{name} (all we have of it is in your cart)"), {"name": product.name})


@retry_on_conflict
def order_again(
    customer: CustomerRef,
    code: str,
    *,
    uow: UnitOfWork,
    max_per_item: int = DEFAULT_MAX_PER_ITEM,
) -> OrderedAgain:
    """Put one of the customer's orders back in the cart, on top of what it holds, in one
    transaction: each line as ordered, in whole steps of the item as sold now, as much as the
    shop has on hand and one order may hold, while the cart has room for another line; each
    line written by the cart's own rule (bot.domain.services.cart.put_line), the cart's owner
    locked as every cart change does. A line that did not go in whole is named with why (no
    longer sold, sold out, only part added, the cart full) and one held to what one order may
    hold says so as the cart does: nothing is left out unsaid. An order of someone else's is
    refused as unknown."""
    added: list[str] = []
    left_out: list[Words] = []
    capped: list[Words] = []
    with uow:
        owner = cart_owner(uow, customer)
        order = own_order(uow, customer, code)
        cart = load_cart(uow, owner)
        ordered = [
            (
                line.ordered_product_id or line.product_id,
                line.quantity if line.ordered_quantity is None else line.ordered_quantity,
                line.ordered_name or line.name,
            )
            for line in order.lines
        ]
        products = uow.products.get_many([item for item, _, _ in ordered])
        for item, quantity, name in ordered:
            product = products.get(item)
            if product is None or not product.active:
                left_out.append(Words(said("{name} (no longer sold)"), {"name": name}))
                continue
            already = cart.quantity_of(item)
            wanted = already + in_whole_steps(product, quantity)
            usable = min(wanted - wanted % product.step, product.sellable_stock)
            most = most_per_order(product, max_per_item)
            limited = usable > most
            if limited:
                usable = most
                capped.append(over_the_limit(product, most).words)
            if usable <= already:
                if not limited:
                    left_out.append(_not_added(product))
                continue
            if not already and len(cart.items) >= MAX_CART_LINES:
                left_out.append(Words(said("{name} (your cart is full)"), {"name": product.name}))
                continue
            if usable < wanted and not limited:
                more = Amount(usable - already, product.unit.value)
                only = said("{name} (only {added} added)")
                left_out.append(Words(only, {"name": product.name, "added": more}))
            cart = put_line(uow, owner, cart, item, usable, max_per_item)
            added.append(product.name)
        uow.commit()
    return OrderedAgain(added, left_out, capped)
