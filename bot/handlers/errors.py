"""One place where unexpected errors end: logged in full, and a polite line to the person."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.domain.errors import UpdateTakenOver
from bot.handlers.context import ShopContext
from bot.i18n import said

log = logging.getLogger(__name__)
SORRY = said("Sorry, something went wrong on our side. Please try again in a moment.")


async def report_error(update: object, context: ShopContext) -> None:
    """Log the traceback; never show it in a chat. The update goes no further: a message
    whose handling crashed halfway must not also be taken as, say, a search."""
    if isinstance(context.error, UpdateTakenOver):
        log.info("%s: the other worker answers", context.error)
        raise ApplicationHandlerStop
    log.error("unhandled error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        raise ApplicationHandlerStop
    try:
        sorry = context.texts(update)(SORRY)
        if update.callback_query is not None:
            await update.callback_query.answer(sorry, show_alert=True)
        elif update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, sorry)
    except TelegramError:
        log.warning("could not tell the person about the error", exc_info=True)
    raise ApplicationHandlerStop
