"""One conversation mechanism: typed text goes to whatever talk the person has open.

A staff question (login, sign-up, a cancellation reason, a new or edited item) first, else a
checkout step; an amount typed right after an item's card ("1,5 kg") is for that item; other
text that answers nothing is a search. One read tells which (and finds the
search's first page), and it
also keeps passwords out of sight: while a person's password shield is up, their messages
are deleted the moment they arrive and are never searched or echoed, even after the question
expired. Commands and buttons never come here: they always win over an open question.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, MessageHandler, filters

from bot.domain.catalogue import Product
from bot.domain.checkout import CheckoutDraft
from bot.domain.prompts import PromptKind
from bot.domain.services import prompts
from bot.domain.services import typed as typed_messages
from bot.domain.services.catalogue import Page
from bot.domain.typed_amount import TypedAmount
from bot.handlers.context import ShopContext
from bot.handlers.routes import Answer
from bot.handlers.screens import say
from bot.i18n import said

GROUP = -1
SECRET_KINDS = (PromptKind.LOGIN, PromptKind.SIGNUP, PromptKind.RESET)
DELETED = said(
    "I deleted that message in case it held a password. The question it answered has "
    "expired: send /login (or your /signup link) to start again."
)


CheckoutAnswer = Callable[[Update, ShopContext, CheckoutDraft], Awaitable[None]]
# An amount typed right after an item's card: the item, and the amount as typed.
AmountAnswer = Callable[[Update, ShopContext, int, TypedAmount], Awaitable[None]]


@dataclass(frozen=True)
class TextSearch:
    """How the search feature reads a plain text, and shows what the same read found."""

    query: Callable[[str], str]
    limit: int
    show: Callable[[Update, ShopContext, str, Page[Product]], Awaitable[None]]


def build_handlers(
    answers: Mapping[PromptKind, Answer],
    checkout: CheckoutAnswer,
    search: TextSearch,
    amount: AmountAnswer,
) -> list[BaseHandler[Update, ShopContext, None]]:
    async def route(update: Update, context: ShopContext) -> None:
        """Hand the message to the feature that asked; a plain search is found in the same
        read and shown; anything else passes on."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        query = search.query(message.text) if message.text is not None else None
        typed = await context.run(typed_messages.read_typed, user.id, query, limit=search.limit)
        if typed.found is not None and query is not None:
            await search.show(update, context, query, typed.found)
            raise ApplicationHandlerStop
        if typed.card is not None and typed.amount is not None:
            await amount(update, context, typed.card, typed.amount)
            raise ApplicationHandlerStop
        waiting = typed.waiting
        prompt = waiting.prompt
        if waiting.secret:
            await message.delete()  # before anything else: the password leaves the chat
            await context.run(prompts.secret_taken, user.id)
            if prompt is None or prompt.kind not in SECRET_KINDS:
                await say(update, context.texts(update)(DELETED))
                raise ApplicationHandlerStop
        if prompt is not None and prompt.kind in answers:
            await answers[prompt.kind](update, context, prompt)
            raise ApplicationHandlerStop
        if waiting.checkout is not None and message.text is not None:
            await checkout(update, context, waiting.checkout)
            raise ApplicationHandlerStop

    return [MessageHandler((filters.TEXT | filters.PHOTO) & ~filters.COMMAND, route)]
