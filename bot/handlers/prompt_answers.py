"""Typed answers to an open question (login, sign-up, a cancellation reason, a new item).

One router in its own handler group, before checkout answers and searches. It also keeps
passwords out of sight: while a person's password shield is up, their messages are deleted the
moment they arrive and are never searched or echoed, even after the question expired.
"""

from __future__ import annotations

from collections.abc import Mapping

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, MessageHandler, filters

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


def build_handlers(
    answers: Mapping[PromptKind, Answer],
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
        if prompt is None or prompt.kind not in answers:
            return
        await answers[prompt.kind](update, context, prompt)
        raise ApplicationHandlerStop

    return [MessageHandler((filters.TEXT | filters.PHOTO) & ~filters.COMMAND, route)]
