"""The one server-side guard for staff and manager commands and buttons.

It runs before every other handler: a command or button of a staff feature from anyone not
logged in with the right role (forged callback_data included) stops here with a polite line.
The chat's command menu is only cosmetic; this is what counts.
"""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, TypeHandler

from bot.domain.errors import NotAuthorised
from bot.domain.services import staff
from bot.domain.staff import Role, StaffAccount
from bot.handlers.context import ShopContext
from bot.handlers.screens import answer, say

GROUP = -2
STAFF_COMMANDS = {
    "stock",
    "restock",
    "adjust",
    "count",
    "additem",
    "edititem",
    "setprice",
    "setthreshold",
    "archive",
    "unarchive",
    "orders",
    "order",
}
MANAGER_COMMANDS = {"invite", "staff", "lowstock", "report"}
# callback_data prefixes: staff order moves, stock pages, item edits; manager account toggles.
STAFF_BUTTONS = {"so", "st", "ei"}
MANAGER_BUTTONS = {"sa"}

STAFF_MENU = [
    BotCommand("orders", "Open orders"),
    BotCommand("order", "One order: /order CODE"),
    BotCommand("stock", "Stock levels: /stock [TEXT or SKU]"),
    BotCommand("restock", "Goods in: /restock SKU QTY [NOTE]"),
    BotCommand("adjust", "Damaged, lost, correction: /adjust SKU ±QTY REASON"),
    BotCommand("count", "Counted level: /count SKU QTY"),
    BotCommand("additem", "Add an item"),
    BotCommand("edititem", "Edit an item: /edititem SKU"),
    BotCommand("setprice", "/setprice SKU PRICE"),
    BotCommand("setthreshold", "/setthreshold SKU QTY"),
    BotCommand("archive", "/archive SKU"),
    BotCommand("unarchive", "/unarchive SKU"),
    BotCommand("logout", "Log out"),
]
MANAGER_MENU = [
    *STAFF_MENU[:-1],
    BotCommand("lowstock", "Low and sold-out items"),
    BotCommand("report", "Sales report: /report [DAYS]"),
    BotCommand("invite", "Invite: /invite staff|manager"),
    BotCommand("staff", "Staff accounts"),
    STAFF_MENU[-1],
]


def required_role(update: Update) -> Role | None:
    message = update.effective_message
    if update.callback_query is not None:
        prefix = (update.callback_query.data or "").split(":", 1)[0]
        if prefix in MANAGER_BUTTONS:
            return Role.MANAGER
        return Role.STAFF if prefix in STAFF_BUTTONS else None
    if message is not None and message.text and message.text.startswith("/"):
        command = message.text.split()[0][1:].split("@", 1)[0].lower()
        if command in MANAGER_COMMANDS:
            return Role.MANAGER
        return Role.STAFF if command in STAFF_COMMANDS else None
    return None


async def current_account(update: Update, context: ShopContext) -> StaffAccount | None:
    user = update.effective_user
    if user is None:
        return None
    return await context.run(
        staff.current_staff, user.id, idle_timeout=context.shop.settings.staff_idle_timeout
    )


async def signed_in(update: Update, context: ShopContext) -> StaffAccount:
    """The staff member behind this update; handlers behind the guard use it."""
    account = await current_account(update, context)
    if account is None or account.id is None:
        raise NotAuthorised("Please log in first: /login")
    return account


async def guard(update: Update, context: ShopContext) -> None:
    """Stop staff and manager updates from anyone without the right, logged-in role."""
    need = required_role(update)
    if need is None:
        return
    account = await current_account(update, context)
    if account is not None and (need is Role.STAFF or account.role is Role.MANAGER):
        return
    refusal = (
        "This is for store staff. Staff can log in with /login."
        if account is None
        else "This is for managers only."
    )
    if update.callback_query is not None:
        await answer(update, refusal, alert=True)
    else:
        await say(update, refusal)
    raise ApplicationHandlerStop


async def show_staff_menu(context: ShopContext, chat_id: int, role: Role) -> None:
    menu = MANAGER_MENU if role is Role.MANAGER else STAFF_MENU
    await context.bot.set_my_commands(menu, scope=BotCommandScopeChat(chat_id))


async def show_customer_menu(context: ShopContext, chat_id: int) -> None:
    """Drop the chat's own menu: the default (customer) one shows again."""
    await context.bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))


def build_handlers() -> list[BaseHandler[Update, ShopContext, None]]:
    return [TypeHandler(Update, guard)]
