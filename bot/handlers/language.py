"""/language: each person picks the language the bot speaks to them."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.domain.services.languages import choose_language
from bot.domain.staff import Role
from bot.handlers.access import show_menu, staff_member
from bot.handlers.button_kinds import ChooseLanguage
from bot.handlers.context import ShopContext, customer_of, user_id_of
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import button
from bot.i18n import SHIPPED, said


def _keyboard(current: str) -> InlineKeyboardMarkup:
    names = [(f"✓ {name}" if code == current else name, code) for code, name in SHIPPED.items()]
    buttons = [button(name, ChooseLanguage(code)) for name, code in names]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


@polite
async def ask(update: Update, context: ShopContext) -> str | None:
    t = context.texts(update)
    await say(update, t("Which language shall I speak?"), _keyboard(t.language))
    return None


@polite
async def choose(update: Update, context: ShopContext) -> str | None:
    """Kept at once, and the answer already comes in the language chosen."""
    language = ChooseLanguage.of(update).language
    await context.run(choose_language, customer_of(update), language, shipped=SHIPPED.keys())
    t = context.shop.catalogues.texts(language)
    member = await staff_member(update, context)
    if member is not None:  # the member's own chat menu, in the new language
        await show_menu(context, user_id_of(update), context.routes.menu(member.role, t), t)
    await show(update, t("I speak English with you now. /language changes it."))
    return None


FEATURE = Feature(
    commands=[
        Command(
            "language",
            ask,
            menu=said("Language"),
            menus=(None, Role.STAFF, Role.MANAGER),  # everyone's menu
        )
    ],
    presses=[Press(ChooseLanguage, choose)],
)
