"""The cart: /cart, change a line by its step, remove a line, empty it."""

from __future__ import annotations

from decimal import Decimal

from telegram import Update

from bot.domain.errors import NotInCart
from bot.domain.services.cart import empty_cart, set_cart_quantity, step_cart_line, view_cart
from bot.handlers.button_kinds import CartLine, EmptyCart, LineChange, Menu, Screen
from bot.handlers.context import ShopContext, customer_of
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import cart_screen
from bot.i18n import said


@polite
async def cart_command(update: Update, context: ShopContext) -> str | None:
    """/cart sends the cart as a new message."""
    cart = await context.run(view_cart, customer_of(update))
    await say(update, *cart_screen(context.texts(update), cart, context.shop.store))
    return None


@polite
async def show_cart(update: Update, context: ShopContext) -> str | None:
    """The menu's Cart button: the cart in place."""
    cart = await context.run(view_cart, customer_of(update))
    await show(update, *cart_screen(context.texts(update), cart, context.shop.store))
    return None


@polite
async def change_line(update: Update, context: ShopContext) -> str | None:
    """➕/➖ move a line by the item's step; 🗑 removes it. Always the presser's own cart."""
    pressed = CartLine.of(update)
    product_id, who = pressed.product_id, customer_of(update)
    most = context.shop.store.max_per_item
    try:
        if pressed.change is LineChange.REMOVE:
            cart = await context.run(set_cart_quantity, who, product_id, Decimal(0))
        else:
            steps = 1 if pressed.change is LineChange.MORE else -1
            cart = await context.run(step_cart_line, who, product_id, steps, max_per_item=most)
    except NotInCart as gone:
        await show(
            update,
            *cart_screen(
                context.texts(update), await context.run(view_cart, who), context.shop.store
            ),
        )
        return context.texts(update).refusal(gone)
    await show(update, *cart_screen(context.texts(update), cart, context.shop.store))
    return None if cart.capped is None else context.texts(update).refusal(cart.capped)


@polite
async def empty(update: Update, context: ShopContext) -> str | None:
    cart = await context.run(empty_cart, customer_of(update))
    await show(update, *cart_screen(context.texts(update), cart, context.shop.store))
    t = context.texts(update)
    return t("Your cart is empty now.")


FEATURE = Feature(
    commands=[Command("cart", cart_command, menu=said("Your cart"))],
    presses=[
        Press(Menu, show_cart, only=Menu(Screen.CART)),
        Press(CartLine, change_line),
        Press(EmptyCart, empty),
    ],
)
