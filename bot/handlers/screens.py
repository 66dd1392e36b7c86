"""Showing a screen: edit the pressed message in place, or send a new one."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from html import escape as esc
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardMarkup, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.domain.errors import DomainError
from bot.handlers.fit import ALERT, CAPTION, fit, visible_text
from bot.i18n import Texts, said

if TYPE_CHECKING:
    from bot.handlers.context import ShopContext

log = logging.getLogger(__name__)

# Photos Telegram refused, in this worker (oldest first): their cards go without them.
REFUSED_PHOTOS: dict[str, None] = {}
MAX_REFUSED_PHOTOS = 10_000


async def show(
    update: Update,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
    *,
    photo: str | None = None,
) -> Message | None:
    """Navigation edits the message the button was on; a photo card and a text screen cannot
    be edited into each other, so switching between them replaces the message. The message
    sent or edited is returned, but for an edited text: nobody reads that one (None)."""
    if photo is not None and photo in REFUSED_PHOTOS:
        photo = None
    query = update.callback_query
    old = query.message if query is not None else None
    if isinstance(old, Message):
        has_photo = bool(old.photo)
        try:
            if photo is None and not has_photo:
                shown = fit(text)
                # The text first: its visible text is kept per HTML (fit.visible_text), and
                # comparing two keyboards walks every button when they are alike.
                if old.text == visible_text(shown) and old.reply_markup == keyboard:
                    return None  # a double tap: Telegram refuses an edit that changes nothing
                await _edit_text(old, shown, keyboard)
                return None
            if photo is not None and has_photo and old.photo[-1].file_id == photo:
                edited = await old.edit_caption(
                    fit(text, CAPTION), parse_mode=ParseMode.HTML, reply_markup=keyboard
                )
                return edited if isinstance(edited, Message) else None
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return None
            raise
        await old.delete()
    chat = update.effective_chat
    assert chat is not None
    if photo is not None:
        try:
            return await chat.send_photo(
                photo, caption=fit(text, CAPTION), parse_mode=ParseMode.HTML, reply_markup=keyboard
            )
        except BadRequest as error:
            # A photo Telegram no longer knows (a file id of another bot, from an old export,
            # or an address it cannot fetch): the card goes without it, rather than not at all,
            # and this worker's next cards too (each press would send it again otherwise).
            log.warning("a photo was refused (%s); the card is sent without it", error)
            REFUSED_PHOTOS[photo] = None
            while len(REFUSED_PHOTOS) > MAX_REFUSED_PHOTOS:
                del REFUSED_PHOTOS[next(iter(REFUSED_PHOTOS))]
    return await chat.send_message(fit(text), parse_mode=ParseMode.HTML, reply_markup=keyboard)


async def _edit_text(old: Message, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    """`old.edit_text` without reading Telegram's answer back into a Message: nobody reads the
    edited text message, and parsing it was a fifth of the bot's own work in a browse tap
    (py-spy, `bench.browse`). The same request, through the same send budget."""
    data: dict[str, Any] = {
        "chat_id": old.chat_id,
        "message_id": old.message_id,
        "text": text,
        "parse_mode": ParseMode.HTML,
        "reply_markup": keyboard,
    }
    await old.get_bot()._post("editMessageText", data)


async def say(
    update: Update,
    text: str,
    keyboard: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None,
) -> Message:
    """A new message in the person's chat."""
    chat = update.effective_chat
    assert chat is not None
    return await chat.send_message(fit(text), parse_mode=ParseMode.HTML, reply_markup=keyboard)


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Every callback query is answered, even when there is nothing to say."""
    query = update.callback_query
    if query is None:
        return
    short = text if text is None or len(text) <= ALERT else text[: ALERT - 3] + "..."
    try:
        await query.answer(short, show_alert=alert)
    except BadRequest as error:
        # The person pressed long ago or twice; there is no one left to answer.
        log.info("callback query not answered: %s", error)


Handler = Callable[[Update, "ShopContext"], Awaitable[str | None]]
PtbCallback = Callable[[Update, "ShopContext"], Coroutine[Any, Any, None]]


def polite(handler: Handler) -> PtbCallback:
    """Run a handler that returns an optional toast; refusals become friendly replies.

    A button press is answered exactly once, here: with the toast, or with the refusal.
    """

    @functools.wraps(handler)
    async def run(update: Update, context: ShopContext) -> None:
        try:
            notice = await handler(update, context)
        except DomainError as refused:
            said = context.texts(update).refusal(refused)
            if update.callback_query is not None and len(said) <= ALERT:
                await answer(update, said, alert=True)
                return
            await answer(update)
            await say(update, esc(said))
            return
        await answer(update, notice)

    return run


TRY_AGAIN = said("Please try again, or /cancel.")
TYPE_AGAIN = said("Please type it again, or /cancel.")


def refused_then(t: Texts, refused: DomainError, hint: str = "") -> str:
    """A refusal as one sentence, safe in HTML, then what to do next (already in words)."""
    refusal = esc(sentence(t.refusal(refused)))
    return f"{refusal} {hint}" if hint else refusal


def sentence(text: str) -> str:
    """End with a full stop, so a hint can follow: "Too short." + " Try again."."""
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."
