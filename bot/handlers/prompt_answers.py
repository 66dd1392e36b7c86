"""Typed answers to an open question (login, sign-up, a cancellation reason, a new item).

One router in its own handler group, before checkout answers and searches: within a group
only the first matching handler runs, so features register their answer functions here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.domain.prompts import Prompt, PromptKind
from bot.domain.services import prompts
from bot.handlers.context import ShopContext
from bot.handlers.screens import say

GROUP = -1
Answer = Callable[[Update, ShopContext, Prompt], Awaitable[None]]


def build_handlers(
    answers: Mapping[PromptKind, Answer],
) -> list[BaseHandler[Update, ShopContext, None]]:
    async def route(update: Update, context: ShopContext) -> None:
        """Hand the message to the feature that asked; anything else passes on."""
        user = update.effective_user
        if user is None:
            return
        prompt = await context.run(prompts.current, user.id)
        if prompt is None or prompt.kind not in answers:
            return
        await answers[prompt.kind](update, context, prompt)
        raise ApplicationHandlerStop

    async def stop_talk(update: Update, context: ShopContext) -> None:
        """/cancel during a question; otherwise /cancel means leaving checkout."""
        user = update.effective_user
        if user is not None and await context.run(prompts.drop, user.id):
            await say(update, "Stopped. Nothing was changed.")
            raise ApplicationHandlerStop

    return [
        CommandHandler("cancel", stop_talk),
        MessageHandler((filters.TEXT | filters.PHOTO) & ~filters.COMMAND, route),
    ]
