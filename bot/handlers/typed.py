"""Typed text a prompt waits for (a question, an answer, a comment): handed to a use case,
the prompt kept open when the text is refused as input, closed otherwise."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape as esc

from telegram import Update

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.services import prompts
from bot.handlers.context import ShopContext, user_id_of
from bot.handlers.screens import TYPE_AGAIN, refused_then, say


async def take_typed(
    update: Update,
    context: ShopContext,
    not_text: str,
    send: Callable[[str], Awaitable[object]],
) -> bool:
    """Hand the typed text to `send`; `not_text` (marked) answers a sticker or a photo. The
    prompt stays open when the text is refused as input (empty, too long: type it again), and
    is closed otherwise (the use case said no for good). True once sent."""
    message, t = update.effective_message, context.texts(update)
    if message is None or not message.text:
        await say(update, t(not_text))
        return False
    try:
        await send(message.text)
    except InvalidInput as refused:
        await say(update, refused_then(t, refused, t(TYPE_AGAIN)))
        return False
    except DomainError as refused:
        await context.run(prompts.drop, user_id_of(update))
        await say(update, esc(t.refusal(refused)))
        return False
    await context.run(prompts.drop, user_id_of(update))
    return True
