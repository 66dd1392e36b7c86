"""Browsing: categories, pages of items, an item's card with a quantity picker."""

from __future__ import annotations

from decimal import Decimal

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.domain.catalogue import Product
from bot.domain.errors import InvalidInput
from bot.domain.quantity import format_quantity, parse_quantity
from bot.domain.services import catalogue
from bot.domain.services.cart import CartView, add_to_cart, view_cart
from bot.handlers.callbacks import category_key, parse
from bot.handlers.context import ShopContext, customer_of
from bot.handlers.screens import polite, show
from bot.handlers.views import PAGE_SIZE, categories_screen, category_screen, product_card


@polite
async def show_categories(update: Update, context: ShopContext) -> str | None:
    """The list of categories with something on sale."""
    names = await context.run(catalogue.categories)
    await show(update, *categories_screen(names))
    return None


@polite
async def show_category(update: Update, context: ShopContext) -> str | None:
    """One page of a category, edited in place."""
    pressed = parse(update.callback_query.data if update.callback_query else None)
    assert pressed is not None
    names = await context.run(catalogue.categories)
    name = next((n for n in names if category_key(n) == pressed.arg(0)), None)
    if name is None:
        await show(update, *categories_screen(names))
        return "That category is empty now."
    offset = pressed.int_arg(1) or 0
    page = await context.run(catalogue.products_in_category, name, offset=offset, limit=PAGE_SIZE)
    await show(update, *category_screen(name, page, context.shop.store))
    return None


async def _card(
    update: Update,
    context: ShopContext,
    product: Product,
    picked: Decimal | None,
    cart: CartView | None = None,
) -> None:
    """The card; pass the cart when the caller already has it fresh."""
    if cart is None:
        cart = await context.run(view_cart, customer_of(update))
    assert product.id is not None
    quantity = picked if picked is not None and picked > 0 else product.step
    text, keyboard = product_card(
        product, context.shop.store, picked=quantity, in_cart=cart.quantity_of(product.id)
    )
    await show(update, text, keyboard, photo=product.photo_file_id)


@polite
async def show_product(update: Update, context: ShopContext) -> str | None:
    """An item's card; the ➖/➕ buttons come back here with a new quantity."""
    pressed = parse(update.callback_query.data if update.callback_query else None)
    assert pressed is not None
    product = await context.run(catalogue.product_for_sale, pressed.int_arg(0) or 0)
    picked = _quantity(pressed.arg(1))
    await _card(update, context, product, picked)
    return None


def _quantity(text: str) -> Decimal | None:
    try:
        return parse_quantity(text) if text else None
    except InvalidInput:
        return None


@polite
async def put_in_cart(update: Update, context: ShopContext) -> str | None:
    """Add the picked quantity and show the card again with the cart's new total."""
    pressed = parse(update.callback_query.data if update.callback_query else None)
    assert pressed is not None
    quantity = _quantity(pressed.arg(1))
    product_id = pressed.int_arg(0)
    if quantity is None or quantity <= 0 or product_id is None:
        raise InvalidInput("That button is out of date; please open the item again.")
    cart = await context.run(add_to_cart, customer_of(update), product_id, quantity)
    product = next(i.product for i in cart.items if i.product.id == product_id)
    await _card(update, context, product, quantity, cart)
    return f"Added {format_quantity(quantity, product.unit.value)} of {product.name} to your cart."


async def open_product_by_sku(update: Update, context: ShopContext, sku: str) -> None:
    """For shelf QR codes: t.me/<bot>?start=p_<SKU> opens the item."""
    product = await context.run(catalogue.find_product, sku)
    await _card(update, context, product, None)


@polite
async def at_minimum(update: Update, context: ShopContext) -> str | None:
    """➖ on the smallest amount: nothing to redraw, just say so."""
    return "That is the smallest amount you can order."


@polite
async def explain_amount(update: Update, context: ShopContext) -> str | None:
    """The amount between ➖ and ➕ is a label; pressing it explains the picker."""
    return "Use ➖ and ➕ to change the amount, then add it to your cart."


def build_handlers() -> list[BaseHandler[Update, ShopContext, None]]:
    return [
        CommandHandler("catalogue", show_categories),
        CallbackQueryHandler(show_categories, pattern=r"^menu:cat$"),
        CallbackQueryHandler(show_category, pattern=r"^cat:"),
        CallbackQueryHandler(show_product, pattern=r"^p:"),
        CallbackQueryHandler(put_in_cart, pattern=r"^add:"),
        CallbackQueryHandler(at_minimum, pattern=r"^min:"),
        CallbackQueryHandler(explain_amount, pattern=r"^qty:"),
    ]
