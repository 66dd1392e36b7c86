"""Filling and viewing the cart. The cart lives in the database, not in the chat process."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.domain.cart import DEFAULT_MAX_PER_ITEM, CartLine, most_per_order, over_the_limit
from bot.domain.catalogue import Product
from bot.domain.clock import Clock, utc_now
from bot.domain.errors import (
    InvalidInput,
    NotInCart,
    OutOfStock,
    ProductArchived,
    TooMuchForOneOrder,
    UnknownProduct,
)
from bot.domain.money import line_total
from bot.domain.offers import Offer
from bot.domain.ports import UnitOfWork
from bot.domain.quantity import MAX_QUANTITY, check_step
from bot.domain.services.customers import CustomerRef, identify
from bot.domain.services.news import cart_changed
from bot.domain.services.offers import price_now, prices_now
from bot.domain.services.retry import retry_on_conflict
from bot.domain.text import said
from bot.domain.typed_amount import TypedAmount

# A cart must fit one Telegram message: four buttons a line, at most 100 buttons.
MAX_CART_LINES = 20


@dataclass(frozen=True, slots=True)
class CartItem:
    product: Product
    quantity: Decimal

    @property
    def total_minor(self) -> int:
        return line_total(self.product.price_now_minor, self.quantity)


@dataclass(frozen=True, slots=True)
class CartView:
    items: list[CartItem]
    # The change asked for more of an item than one order may hold: the line holds the most
    # instead, and this says so.
    capped: TooMuchForOneOrder | None = None

    @property
    def total_minor(self) -> int:
        return sum(item.total_minor for item in self.items)

    @property
    def is_empty(self) -> bool:
        return not self.items

    def quantity_of(self, product_id: int) -> Decimal:
        return next((i.quantity for i in self.items if i.product.id == product_id), Decimal(0))


def load_cart(uow: UnitOfWork, customer_id: int, offers: Sequence[Offer] | None = None) -> CartView:
    """The cart with its items priced as sold now (an offer's price while it runs; `offers`:
    those not yet ended, when the caller has them)."""
    lines = uow.carts.lines_with_items(customer_id)
    items = prices_now(uow, [item for _, item in lines], utc_now(), offers)
    return CartView(
        [CartItem(item, line.quantity) for (line, _), item in zip(lines, items, strict=True)]
    )


def view_cart(customer: CustomerRef, *, uow: UnitOfWork) -> CartView:
    with uow:
        found = uow.customers.get_by_telegram_id(customer.telegram_user_id)
        return load_cart(uow, found.id) if found and found.id is not None else CartView([])


def put_line(
    uow: UnitOfWork,
    customer_id: int,
    cart: CartView,
    product_id: int,
    quantity: Decimal,
    max_per_item: int,
    offers: Sequence[Offer] | None = None,
) -> CartView:
    """Write one line of a cart read in this unit of work, by the cart's rules (steps, stock,
    what one order may hold, how many lines a cart holds); the cart as it now is, worked out
    here rather than read again (one read of the cart per change). More than one order may
    hold is set to the most it may (the view says so). Use cases that fill several lines in
    one transaction (an order bought again) put each through here too."""
    if quantity < 0:
        raise InvalidInput(said("A quantity cannot be negative"))
    others = [item for item in cart.items if item.product.id != product_id]
    if quantity == 0:
        uow.carts.remove(customer_id, product_id)
        cart_changed(uow, customer_id)
        return CartView(others)
    held = next((i.product for i in cart.items if i.product.id == product_id), None)
    product = held or price_now(uow, uow.products.get(product_id), utc_now(), offers)
    if product is None:
        raise UnknownProduct(str(product_id))
    if not product.active:
        raise ProductArchived(product.name)
    check_step(quantity, product.step, product.unit.value)
    capped = None
    most = most_per_order(product, max_per_item)
    if quantity > most:
        quantity, capped = most, over_the_limit(product, most)
    if quantity > MAX_QUANTITY:
        raise InvalidInput(said("That quantity is too large"))
    if quantity > product.stock:
        raise OutOfStock(product.name, quantity, product.stock)
    if held is None and len(cart.items) >= MAX_CART_LINES:
        raise InvalidInput(
            said("A cart holds up to {n} different items; please check out first."),
            n=MAX_CART_LINES,
        )
    uow.carts.put(customer_id, CartLine(product_id, quantity, product.price_now_minor))
    cart_changed(uow, customer_id)  # a new cart: reminded of afresh (bot.domain.news)
    changed = CartItem(product, quantity)
    if held is None:
        return CartView([*cart.items, changed], capped)
    return CartView([changed if i.product.id == product_id else i for i in cart.items], capped)


def cart_owner(uow: UnitOfWork, customer: CustomerRef) -> int:
    """The customer, locked until the use case ends: a cart change reads the cart and writes
    it back, so two workers changing one cart at once must take turns (no lost ➕)."""
    who = identify(uow, customer, lock=True)
    assert who.id is not None
    return who.id


@retry_on_conflict
def set_cart_quantity(
    customer: CustomerRef,
    product_id: int,
    quantity: Decimal,
    *,
    uow: UnitOfWork,
    max_per_item: int = DEFAULT_MAX_PER_ITEM,
) -> CartView:
    """Put exactly this much of an item in the cart (0 removes it); at most what one order
    may hold (`max_per_item`: the store's, in steps of the item)."""
    with uow:
        owner = cart_owner(uow, customer)
        view = put_line(uow, owner, load_cart(uow, owner), product_id, quantity, max_per_item)
        uow.commit()
        return view


@retry_on_conflict
def card_seen(
    telegram_user_id: int, product_id: int, *, uow: UnitOfWork, clock: Clock = utc_now
) -> None:
    """An item's card opened other than by a button (a shelf QR code): an amount typed next
    is for it. (A button's card is noted with the update's record.)"""
    with uow:
        uow.carts.note_cards({telegram_user_id: product_id}, clock())
        uow.commit()


@retry_on_conflict
def set_typed_amount(
    customer: CustomerRef,
    product_id: int,
    typed: TypedAmount,
    *,
    uow: UnitOfWork,
    max_per_item: int = DEFAULT_MAX_PER_ITEM,
    clock: Clock = utc_now,
) -> CartView:
    """An amount typed right after an item's card ("1,5 kg", "500 g"): exactly that much of
    it in the cart, with the refusals ➖/➕ and Add to cart give (steps, stock, one order's
    limit). The card stays the one an amount typed next is for."""
    with uow:
        owner = cart_owner(uow, customer)
        product = uow.products.get(product_id)
        if product is None:
            raise UnknownProduct(str(product_id))
        quantity = typed.of(product.name, product.unit)
        view = put_line(uow, owner, load_cart(uow, owner), product_id, quantity, max_per_item)
        uow.carts.note_cards({customer.telegram_user_id: product_id}, clock())
        uow.commit()
        return view


@retry_on_conflict
def add_to_cart(
    customer: CustomerRef,
    product_id: int,
    quantity: Decimal,
    *,
    uow: UnitOfWork,
    max_per_item: int = DEFAULT_MAX_PER_ITEM,
    offers: Sequence[Offer] | None = None,
) -> CartView:
    """Add to (or, with a negative quantity, take from) what the cart already holds, up to
    what one order may hold. `offers`: those not yet ended as the worker keeps them at the
    update's catalogue version, which priced the card the person tapped (None: read here).
    One set or ended in the instant since prices this line one tap late, as it did the
    card; the checkout prices afresh, and Confirm is checked against that."""
    with uow:
        owner = cart_owner(uow, customer)
        cart = load_cart(uow, owner, offers)
        wanted = max(cart.quantity_of(product_id) + quantity, Decimal(0))
        view = put_line(uow, owner, cart, product_id, wanted, max_per_item, offers)
        uow.commit()
        return view


@retry_on_conflict
def step_cart_line(
    customer: CustomerRef,
    product_id: int,
    steps: int,
    *,
    uow: UnitOfWork,
    max_per_item: int = DEFAULT_MAX_PER_ITEM,
) -> CartView:
    """➕/➖ on a cart line: move it by whole steps of its item (to zero removes it), up to
    what one order may hold."""
    with uow:
        owner = cart_owner(uow, customer)
        cart = load_cart(uow, owner)
        item = next((i for i in cart.items if i.product.id == product_id), None)
        if item is None:
            raise NotInCart()
        quantity = item.quantity + steps * item.product.step
        view = put_line(uow, owner, cart, product_id, max(quantity, Decimal(0)), max_per_item)
        uow.commit()
        return view


@retry_on_conflict
def empty_cart(customer: CustomerRef, *, uow: UnitOfWork) -> CartView:
    with uow:
        owner = cart_owner(uow, customer)
        uow.carts.clear(owner)
        uow.commit()
        return CartView([])
