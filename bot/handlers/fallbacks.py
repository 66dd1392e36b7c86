"""What nothing else handled: unknown commands, stickers and photos, stale or forged buttons."""

from __future__ import annotations

from html import escape as esc

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.handlers.context import ShopContext
from bot.handlers.screens import answer, say
from bot.handlers.views import menu_keyboard

NOT_TEXT = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.AUDIO
    | filters.Document.ALL
    | filters.LOCATION
    | filters.ANIMATION
    | filters.POLL
    | filters.Dice.ALL
    | filters.VENUE
)


async def unknown_command(update: Update, context: ShopContext) -> None:
    """A command the bot does not know."""
    message = update.effective_message
    command = (message.text or "").split()[0] if message else ""
    t = context.texts(update)
    await say(
        update,
        t(
            "Sorry, I don't know {command}. Send /help to see what I can do.",
            command=esc(command[:40]),
        ),
        menu_keyboard(t),
    )


async def not_text(update: Update, context: ShopContext) -> None:
    """Stickers, photos, voice notes...: a short hint instead of silence."""
    t = context.texts(update)
    await say(
        update,
        t(
            "I can only read text and button presses. Type what you are looking for, or use "
            "the menu."
        ),
        menu_keyboard(t),
    )


async def stale_button(update: Update, context: ShopContext) -> None:
    """A button nothing recognises: from an old version, or forged."""
    t = context.texts(update)
    stale = t("This button is no longer valid. Send /start for a fresh menu.")
    await answer(update, stale, alert=True)


def build_handlers() -> list[BaseHandler[Update, ShopContext, None]]:
    """Registered last in the features' group, so they only see what nothing else took."""
    return [
        MessageHandler(filters.COMMAND, unknown_command),
        MessageHandler(NOT_TEXT, not_text),
        CallbackQueryHandler(stale_button),
    ]
