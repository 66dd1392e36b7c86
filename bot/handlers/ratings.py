"""Rating a completed order: five stars under the question sent after its receipt, then a
comment if the customer wishes (typed, as a question to the shop is)."""

from __future__ import annotations

from html import escape as esc

from telegram import InlineKeyboardButton, Update

from bot.domain.prompts import Prompt, PromptKind, RatingDraft
from bot.domain.ratings import MAX_COMMENT, RatingRequest
from bot.domain.services import prompts, ratings
from bot.domain.store import Store
from bot.handlers.button_kinds import CommentOrder, RateOrder
from bot.handlers.context import ShopContext, customer_of, user_id_of
from bot.handlers.notification_texts import Rendered, renders
from bot.handlers.routes import Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.typed import take_typed
from bot.handlers.views import Keyboard, button
from bot.i18n import Texts, said

NOT_TEXT = said("Please type your comment as text, or /cancel.")


def stars_shown(stars: int) -> str:
    return "★" * stars + "☆" * (5 - stars)


def _stars_row(code: str) -> list[list[InlineKeyboardButton]]:
    return [[button(f"{n} ⭐", RateOrder(code, n)) for n in range(1, 6)]]


@renders(RatingRequest)
def rating_request_text(t: Texts, request: RatingRequest, store: Store) -> Rendered:
    """The question sent once an order is completed."""
    code = request.order_code
    text = "⭐ " + t(
        "How was your order <b>{code}</b>? Tap the stars: 1 is poor, 5 is excellent.",
        code=esc(code),
    )
    return text, Keyboard(_stars_row(code))


@polite
async def rate(update: Update, context: ShopContext) -> str | None:
    """A star tapped: kept, and the question becomes the thanks, its stars still there to
    change and a button to add a comment."""
    pressed = RateOrder.of(update)
    t = context.texts(update)
    given = await context.run(
        ratings.rate_order, customer_of(update), pressed.order_code, pressed.stars
    )
    text = "⭐ " + t(
        "Thank you! Order <b>{code}</b>: {stars}",
        code=esc(pressed.order_code),
        stars=stars_shown(given.stars),
    )
    if given.comment:
        text += "\n" + t("Your comment: {comment}", comment=esc(given.comment))
    rows = [
        *_stars_row(pressed.order_code),
        [button("✍️ " + t("Add a comment"), CommentOrder(pressed.order_code))],
    ]
    await show(update, text, Keyboard(rows))
    return t("Thanks for rating!")


@polite
async def begin_comment(update: Update, context: ShopContext) -> str | None:
    """✍️ Add a comment: only on a rated order of theirs; the next typed message is it."""
    code = CommentOrder.of(update).order_code
    await context.run(ratings.rated, customer_of(update), code)
    await context.run(
        prompts.ask, user_id_of(update), PromptKind.RATING_COMMENT, "comment", RatingDraft(code)
    )
    t = context.texts(update)
    ask = t(
        "Type your comment on order {code} (at most {limit} characters), or /cancel.",
        code=esc(code),
        limit=MAX_COMMENT,
    )
    await say(update, f"✍️ {ask}")
    return None


async def take_comment(update: Update, context: ShopContext, prompt: Prompt) -> None:
    """The typed comment, kept with the rating; too long or empty: asked again."""
    assert isinstance(prompt.draft, RatingDraft)
    code = prompt.draft.order_code

    async def send(text: str) -> object:
        return await context.run(ratings.comment_order, customer_of(update), code, text)

    if await take_typed(update, context, NOT_TEXT, send):
        t = context.texts(update)
        await say(update, "✅ " + t("Thank you, the shop will read it."))


FEATURE = Feature(
    presses=[Press(RateOrder, rate), Press(CommentOrder, begin_comment)],
    answers={PromptKind.RATING_COMMENT: take_comment},
)
