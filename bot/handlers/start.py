"""/start and /help: the first thing every person sees."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler

from bot.handlers.context import ShopContext

HELP = (
    "<b>How to order</b>\n"
    "Browse the catalogue, put items in your cart and check out for pickup or delivery. "
    "You will get a message each time your order moves on.\n\n"
    "/start – main menu\n"
    "/help – this help"
)


async def greet(update: Update, context: ShopContext) -> None:
    """Welcome the person with the store's name."""
    message = update.effective_message
    if message is None:
        return
    user = update.effective_user
    name = escape(user.first_name) if user else "there"
    store = escape(context.shop.store.name)
    await message.reply_text(
        f"Hello {name}! Welcome to <b>{store}</b>.\nSend /help to see how ordering works.",
        parse_mode=ParseMode.HTML,
    )


async def show_help(update: Update, context: ShopContext) -> None:
    """Explain what the bot can do."""
    if update.effective_message:
        await update.effective_message.reply_text(HELP, parse_mode=ParseMode.HTML)


def build_handlers() -> list[BaseHandler[Update, ShopContext, None]]:
    return [CommandHandler("start", greet), CommandHandler("help", show_help)]
