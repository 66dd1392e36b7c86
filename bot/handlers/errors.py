"""One place where unexpected errors end: logged in full, and a polite line to the person."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.domain.errors import (
    ConcurrentUpdate,
    DomainError,
    OutcomeUnknown,
    StoreUnavailable,
    UpdateTakenOver,
)
from bot.handlers.context import ShopContext
from bot.handlers.fit import ALERT
from bot.i18n import said

log = logging.getLogger(__name__)
SORRY = said("Sorry, something went wrong on our side. Please try again in a moment.")


class AlreadyTold(Exception):
    """The update failed, and its sender was already told so in words of their own: nothing
    more to say (a second answer to a button press is refused by Telegram)."""


async def report_error(update: object, context: ShopContext) -> None:
    """Log the traceback; never show it in a chat. The update goes no further: a message
    whose handling crashed halfway must not also be taken as, say, a search."""
    if isinstance(context.error, UpdateTakenOver):
        log.info("%s: the other worker answers", context.error)
        raise ApplicationHandlerStop
    error = context.error
    if isinstance(error, AlreadyTold):
        log.warning("update not handled: %s", error.__cause__ or error)
        raise ApplicationHandlerStop
    database = _database_trouble(error)
    if database is not None:
        # The database, not the code: one line, and the person told in the words for it.
        log.warning("the database failed this work: %s", database.__cause__ or error)
    else:
        log.error("unhandled error while handling an update", exc_info=error)
    if not isinstance(update, Update):
        raise ApplicationHandlerStop
    try:
        t = context.texts(update)
        await tell(update, t(SORRY) if database is None else t.refusal(database))
    except TelegramError:
        log.warning("could not tell the person about the error", exc_info=True)
    raise ApplicationHandlerStop


async def tell(update: Update, text: str) -> None:
    """Say why an update failed, once, wherever its sender waits: a button's alert (a chat
    message when longer than an alert may be), the payment sheet for a pre-checkout (no
    charge is made), or the chat."""
    bot = update.get_bot()
    if update.pre_checkout_query is not None:
        await update.pre_checkout_query.answer(ok=False, error_message=text)
        return
    if update.callback_query is not None:
        if len(text) <= ALERT:
            await update.callback_query.answer(text, show_alert=True)
            return
        await update.callback_query.answer()
    if update.effective_chat is not None:
        await bot.send_message(update.effective_chat.id, text)


def _database_trouble(error: object) -> DomainError | None:
    """What to tell a person whose work the database failed (unable to save, a connection that
    kept breaking, a conflict retried to the end, a commit whose outcome is unknown)."""
    if isinstance(error, StoreUnavailable | OutcomeUnknown):
        return error
    if isinstance(error, ConcurrentUpdate):
        return StoreUnavailable()
    return None
