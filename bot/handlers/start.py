"""/start (with shelf QR deep links), /help and the main menu."""

from __future__ import annotations

from telegram import Update

from bot.handlers import catalogue, handover
from bot.handlers.access import staff_member
from bot.handlers.button_kinds import Menu, Screen
from bot.handlers.context import ShopContext
from bot.handlers.pickup_qr import HANDOVER_PREFIX
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import greeting, menu_keyboard
from bot.i18n import said

HELP = said(
    "<b>How to order</b>\n"
    "1. Browse the catalogue (or just type what you are looking for).\n"
    "2. Add items to your cart; items sold by weight go in steps, like 0.25 kg.\n"
    "3. Check out for pickup at a time you choose, or for delivery.\n"
    "You get a message each time your order moves on.\n\n"
    "/start – main menu\n/catalogue – browse\n/search TEXT – find an item\n"
    "/cart – your cart\n/myorders – your orders\n/cancel – leave checkout\n"
    "/language – the language I speak\n/help – this help"
)
PRIVACY_HELP = said("/mydata – what the shop keeps about you\n/forgetme – erase your personal data")
STAFF_HELP = said("<b>Your commands as {role}</b>")
DEEP_LINK_PRODUCT = "p_"


@polite
async def greet(update: Update, context: ShopContext) -> str | None:
    """Greet with the store's name and the menu; `/start p_SKU` opens that item, and
    `/start h_CODE` (a pickup QR code, scanned by staff) hands an order over."""
    if context.args and context.args[0].startswith(HANDOVER_PREFIX):
        await handover.scanned(update, context, context.args[0].removeprefix(HANDOVER_PREFIX))
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
    if member is None:
        await say(update, t(HELP) + "\n" + t(PRIVACY_HELP), menu_keyboard(t))
        return None
    lines = context.routes.help_lines(member.role, t)
    await say(update, "\n".join([t(STAFF_HELP, role=member.role), *lines]))
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
