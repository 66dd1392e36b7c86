"""🔁 Buy again: what the customer ordered before, most often first, one tap from the cart; and
their latest orders, each put back whole with one tap (as an order's own 🔁 Reorder does:
bot.handlers.my_orders)."""

from __future__ import annotations

from html import escape as esc

from telegram import Update

from bot.domain.money import line_total
from bot.domain.services.buy_again import BoughtBefore, bought_before
from bot.domain.services.cart import add_to_cart
from bot.domain.store import Store
from bot.handlers.button_kinds import BuyAgainItem, Menu, MyOrder, OrderAction, Screen
from bot.handlers.context import ShopContext, customer_of
from bot.handlers.favourites import NO_LONGER_SOLD
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import (
    Keyboard,
    button,
    cart_button,
    catalogue_button,
    home_row,
    product_button,
)
from bot.i18n import Texts, said


def bought_before_screen(t: Texts, found: BoughtBefore, store: Store) -> tuple[str, Keyboard]:
    """Each usual item on sale as a button that puts the amount last ordered in the cart; a
    sold out one as the catalogue lists it (it opens its card, where one can ask to be told
    when it is back); one no longer sold named as such. Then the latest orders, each whole."""
    heading = "<b>🔁 " + t("Buy again") + "</b>"
    if found.is_empty:
        empty = t(
            "You have not ordered anything yet. Once you have, what you order most will be "
            "here, one tap from your cart."
        )
        return f"{heading}\n{empty}", Keyboard([[catalogue_button(t), *home_row(t)]])
    lines = [
        heading,
        t(
            "What you ordered before, most often first. Tap an item to put the same amount in "
            "your cart again, or an order to put all of it back."
        ),
    ]
    rows = []
    gone = []
    for usual in found.items:
        product = usual.product
        if product is None or not usual.on_sale:
            gone.append(usual.name)
            continue
        assert product.id is not None
        if product.stock <= 0:  # as the catalogue says it, and its card offers to tell
            rows.append([product_button(t, product, store)])
            continue
        amount = t.quantity(usual.amount, product.unit.value)
        price = t.money(line_total(product.price_now_minor, usual.amount), store.currency)
        label = f"➕ {product.name[:40]} · {amount} · {price}"
        rows.append([button(label, BuyAgainItem(product.id, usual.amount))])
    if gone:
        lines += ["", *("• " + t(NO_LONGER_SOLD, name=esc(name)) for name in gone)]
    for order in found.orders:
        day = t.short_date(order.placed_at.astimezone(store.timezone))
        label = "🔁 " + t("Order {code} again", code=order.code) + f" · {day}"
        rows.append([button(label, MyOrder(OrderAction.REORDER, order.code))])
    rows.append([cart_button(t), *home_row(t)])
    return "\n".join(lines), Keyboard(rows)


async def _screen(update: Update, context: ShopContext) -> tuple[str, Keyboard]:
    found = await context.run(bought_before, customer_of(update))
    return bought_before_screen(context.texts(update), found, context.shop.store)


@polite
async def buy_again_command(update: Update, context: ShopContext) -> str | None:
    """/buyagain: the list as a new message."""
    await say(update, *await _screen(update, context))
    return None


@polite
async def show_bought_before(update: Update, context: ShopContext) -> str | None:
    """The menu's 🔁 Buy again, in place."""
    await show(update, *await _screen(update, context))
    return None


@polite
async def buy_item_again(update: Update, context: ShopContext) -> str | None:
    """➕ on an item: that much of it in the cart, by the cart's rules (steps, stock, what one
    order may hold); a refusal says why, as the card's Add to cart would."""
    pressed = BuyAgainItem.of(update)
    product_id, amount = pressed.product_id, pressed.amount
    cart = await context.run(
        add_to_cart,
        customer_of(update),
        product_id,
        amount,
        max_per_item=context.shop.store.max_per_item,
    )
    product = next(i.product for i in cart.items if i.product.id == product_id)
    t = context.texts(update)
    if cart.capped is not None:
        return t.refusal(cart.capped)
    return t(
        "Added {amount} of {name} to your cart.",
        amount=t.quantity(amount, product.unit.value),
        name=product.name,
    )


FEATURE = Feature(
    commands=[
        Command("buyagain", buy_again_command, menu=said("Order again what you ordered before"))
    ],
    presses=[
        Press(Menu, show_bought_before, only=Menu(Screen.BUY_AGAIN)),
        Press(BuyAgainItem, buy_item_again),
    ],
)
