"""/start (with shelf QR deep links), /help and the main menu."""

from __future__ import annotations

from telegram import Update

from bot.deep_links import INVITE_PREFIX, RESET_PREFIX
from bot.handlers import catalogue, handover, staff_auth
from bot.handlers.access import staff_member
from bot.handlers.button_kinds import Menu, Screen
from bot.handlers.context import ShopContext
from bot.handlers.pickup_qr import HANDOVER_PREFIX
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import greeting, menu_keyboard
from bot.i18n import said

# /help: how ordering works, what each menu button does, then the commands (for staff: their
# command menu, then how to type each command, with examples).
HOW_TO_ORDER = said(
    "<b>How to order</b>\n"
    "1. Browse the catalogue (or just type what you are looking for).\n"
    "2. Add items to your cart; items sold by weight go in steps, like 0.25 kg.\n"
    "3. Check out for pickup at a time you choose, or for delivery.\n"
    "You get a message each time your order moves on."
)
MENU_BUTTONS = said("<b>The menu buttons</b>")
# Each button of the main menu as it is labelled there (views.menu_keyboard), and what it does.
BUTTONS = (
    ("🛍", said("Catalogue"), said("the items, category by category")),
    ("🔎", said("Search"), said("find an item by its name; typing a word does the same")),
    ("⭐", said("Favourites"), said("the items you starred with ☆ on their cards")),
    ("🔁", said("Buy again"), said("what you ordered before, back in your cart in one tap")),
    ("🧺", said("Cart"), said("what you picked; check out from there")),
    ("📦", said("My orders"), said("follow your orders, or cancel one")),
    ("💬", said("Ask the shop"), said("send the shop a question")),
    ("❓", said("Help"), said("this help")),
)
COMMANDS = said("<b>Commands</b>")
STAFF_HELP = said("<b>Your commands as {role}</b>")
HOW_TO_TYPE = said("<b>How to type them</b>")
DEEP_LINK_PRODUCT = "p_"


@polite
async def greet(update: Update, context: ShopContext) -> str | None:
    """Greet with the store's name and the menu; `/start p_SKU` opens that item, and
    `/start h_CODE` (a pickup QR code, scanned by staff) hands an order over, and
    `/start i_CODE` (an invite link a manager forwarded) starts signing up, and
    `/start r_CODE` (a password reset link) asks for a new password."""
    if context.args and context.args[0].startswith(HANDOVER_PREFIX):
        await handover.scanned(update, context, context.args[0].removeprefix(HANDOVER_PREFIX))
        return None
    if context.args and context.args[0].startswith(RESET_PREFIX):
        await staff_auth.reset_with(update, context, context.args[0].removeprefix(RESET_PREFIX))
        return None
    if context.args and context.args[0].startswith(INVITE_PREFIX):
        await staff_auth.sign_up_with(update, context, context.args[0].removeprefix(INVITE_PREFIX))
        return None
    if context.args and context.args[0].startswith(DEEP_LINK_PRODUCT):
        await catalogue.open_product_by_sku(
            update, context, context.args[0].removeprefix(DEEP_LINK_PRODUCT)
        )
        return None
    await say(update, _greeting(update, context), menu_keyboard(context.texts(update)))
    return None


def _greeting(update: Update, context: ShopContext) -> str:
    user = update.effective_user
    t = context.texts(update)
    return greeting(t, user.first_name if user else "", context.shop.store)


@polite
async def show_help(update: Update, context: ShopContext) -> str | None:
    """Explain how ordering works; a logged-in member also sees their own commands."""
    member, t = await staff_member(update, context), context.texts(update)
    routes = context.routes
    if member is None:
        buttons = [f"{icon} {t(label)} – {t(does)}" for icon, label, does in BUTTONS]
        parts = [
            t(HOW_TO_ORDER),
            "\n".join([t(MENU_BUTTONS), *buttons]),
            "\n".join([t(COMMANDS), *routes.menu_lines(None, t)]),
        ]
        await say(update, "\n\n".join(parts), menu_keyboard(t))
        return None
    parts = [
        "\n".join([t(STAFF_HELP, role=member.role), *routes.menu_lines(member.role, t)]),
        "\n".join([t(HOW_TO_TYPE), *routes.usage_lines(member.role, t)]),
    ]
    await say(update, "\n\n".join(parts))
    return None


@polite
async def show_menu(update: Update, context: ShopContext) -> str | None:
    """Back to the main menu, in place."""
    await show(update, _greeting(update, context), menu_keyboard(context.texts(update)))
    return None


FEATURE = Feature(
    commands=[Command("start", greet, menu=said("Main menu"))],
    presses=[Press(Menu, show_menu, only=Menu(Screen.HOME))],
)
HELP_FEATURE = Feature(
    commands=[Command("help", show_help, menu=said("How ordering works"))],
    presses=[Press(Menu, show_help, only=Menu(Screen.HELP))],
)
