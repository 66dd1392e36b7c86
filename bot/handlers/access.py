"""Who is behind an update: a logged-in staff member or manager, or a customer.

The guard itself is derived from the route declarations (bot/handlers/routes.py); this module
answers the question it asks, once per update, and words its refusals. The chat's command
menu is only cosmetic: the guard is what counts.
"""

from __future__ import annotations

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    MenuButtonDefault,
    MenuButtonWebApp,
    Update,
    WebAppInfo,
)

from bot.domain.errors import NotAuthorised
from bot.domain.services import staff
from bot.domain.staff import Role, StaffAccount
from bot.domain.text import said
from bot.handlers.context import ShopContext
from bot.i18n import Texts

BACK_OFFICE_BUTTON = said("🗂 Back office")
FOR_STAFF = said("This is for store staff. Staff can log in with /login.")
FOR_MANAGERS = said("This is for managers only.")
SWITCHED_OFF = said(
    "Your staff account was switched off by a manager, so this is no longer open to you. "
    "Ask a manager if you think that is a mistake."
)


async def staff_member(update: Update, context: ShopContext) -> StaffAccount | None:
    """The logged-in member behind this update, read once per update."""
    if context.member_known:
        return context.member
    user = update.effective_user
    account = (
        None
        if user is None
        else await context.run(
            staff.current_staff, user.id, idle_timeout=context.shop.settings.staff_idle_timeout
        )
    )
    context.remember_member(account)
    return account


async def refusal(
    update: Update, context: ShopContext, member: StaffAccount | None, need: Role
) -> str:
    t = context.texts(update)
    if member is not None:
        return t(FOR_STAFF if need is Role.STAFF else FOR_MANAGERS)
    user = update.effective_user
    if user is not None and await context.run(staff.switched_off, user.id):
        return t(SWITCHED_OFF)
    return t(FOR_STAFF)


async def signed_in(update: Update, context: ShopContext) -> StaffAccount:
    """The staff member behind this update; handlers behind the guard use it."""
    account = await staff_member(update, context)
    if account is None or account.id is None:
        raise NotAuthorised(said("Please log in first: /login"))
    return account


async def show_menu(context: ShopContext, chat_id: int, menu: list[BotCommand], t: Texts) -> None:
    """A member's command menu, and the menu button that opens the back office as a Mini App
    (where the back office is served over HTTPS, as Telegram requires)."""
    await context.bot.set_my_commands(menu, scope=BotCommandScopeChat(chat_id))
    app = context.shop.settings.back_office_app_url()
    if app is not None:
        button = MenuButtonWebApp(t(BACK_OFFICE_BUTTON), WebAppInfo(app))
        await context.bot.set_chat_menu_button(chat_id, button)


async def show_customer_menu(context: ShopContext, chat_id: int) -> None:
    """Drop the chat's own menu: the default (customer) one shows again, and the menu button
    is the plain one."""
    await context.bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
    if context.shop.settings.back_office_app_url() is not None:
        await context.bot.set_chat_menu_button(chat_id, MenuButtonDefault())
