"""One conversation mechanism: typed text goes to whatever talk the person has open.

A staff question (login, sign-up, a cancellation reason, a new or edited item) first, else a
checkout step; text that answers nothing passes on to search. One read tells which, and it
also keeps passwords out of sight: while a person's password shield is up, their messages
are deleted the moment they arrive and are never searched or echoed, even after the question
expired. Commands and buttons never come here: they always win over an open question.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, MessageHandler, filters

from bot.domain.checkout import CheckoutDraft
from bot.domain.prompts import PromptKind
from bot.domain.services import prompts
from bot.handlers.context import ShopContext
from bot.handlers.routes import Answer
from bot.handlers.screens import say

GROUP = -1
SECRET_KINDS = (PromptKind.LOGIN, PromptKind.SIGNUP)
DELETED = (
    "I deleted that message in case it held a password. The question it answered has "
    "expired: send /login (or your /signup link) to start again."
)


CheckoutAnswer = Callable[[Update, ShopContext, CheckoutDraft], Awaitable[None]]


def build_handlers(
    answers: Mapping[PromptKind, Answer], checkout: CheckoutAnswer
) -> list[BaseHandler[Update, ShopContext, None]]:
    async def route(update: Update, context: ShopContext) -> None:
        """Hand the message to the feature that asked; anything else passes on."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        waiting = await context.run(prompts.waiting_for, user.id)
        prompt = waiting.prompt
        if waiting.secret:
            await message.delete()  # before anything else: the password leaves the chat
            await context.run(prompts.secret_taken, user.id)
            if prompt is None or prompt.kind not in SECRET_KINDS:
                await say(update, DELETED)
                raise ApplicationHandlerStop
        if prompt is not None and prompt.kind in answers:
            await answers[prompt.kind](update, context, prompt)
            raise ApplicationHandlerStop
        if waiting.checkout is not None and message.text is not None:
            await checkout(update, context, waiting.checkout)
            raise ApplicationHandlerStop

    return [MessageHandler((filters.TEXT | filters.PHOTO) & ~filters.COMMAND, route)]
