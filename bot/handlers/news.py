"""📣 News customers asked for: the question after a first order, /news to change one's mind,
the messages themselves (a manager's announcement, the reminder of a cart left for a day),
each with its Unsubscribe button, and the repeating job that queues the reminders."""

from __future__ import annotations

import logging
from html import escape as esc

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.domain.news import AnnouncementNews, CartReminder
from bot.domain.services import news
from bot.domain.services.customers import CustomerRef
from bot.domain.store import Store
from bot.handlers.button_kinds import ChooseNews, Switch, Unsubscribe
from bot.handlers.context import ShopContext, customer_of
from bot.handlers.notification_texts import Rendered, renders
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import Keyboard, button, cart_button
from bot.i18n import Texts, said

log = logging.getLogger(__name__)
REMIND_JOB = "cart-reminders"
# A cart is reminded of a day after its last change: a quarter of an hour more is nothing.
REMIND_EVERY_SECONDS = 900
QUESTION = said(
    "📣 Would you like news from the shop now and then (new arrivals, offers)? "
    "Only if you say yes; /news changes it any time."
)
YES, NO = said("📣 Yes, send me news"), said("No thanks")


def choice_row(t: Texts) -> list[InlineKeyboardButton]:
    return [button(t(YES), ChooseNews(Switch.ON)), button(t(NO), ChooseNews(Switch.OFF))]


def news_screen(t: Texts, wants: bool) -> tuple[str, Keyboard]:
    """/news: the choice as it stands, and one tap to change it."""
    if wants:
        text = "📣 " + t(
            "News from the shop is <b>on</b>: you get its announcements, and a reminder "
            "when you leave items in your cart for a day."
        )
        change = button("🔕 " + t("Turn news off"), ChooseNews(Switch.OFF))
    else:
        text = "🔕 " + t(
            "News from the shop is <b>off</b>: you get nothing but messages about your orders."
        )
        change = button("📣 " + t("Turn news on"), ChooseNews(Switch.ON))
    return text, Keyboard([[change]])


def with_question(
    t: Texts, screen: tuple[str, InlineKeyboardMarkup]
) -> tuple[str, InlineKeyboardMarkup]:
    """A screen (the order just placed) with the news question and its two buttons below."""
    text, keyboard = screen
    rows = [list(row) for row in keyboard.inline_keyboard]
    return f"{text}\n\n{t(QUESTION)}", InlineKeyboardMarkup([choice_row(t), *rows])


async def ask_once(context: ShopContext, who: CustomerRef) -> bool:
    """Whether to ask this customer about news now (their first order: once in their life).
    Never in the way of the order: if it cannot be told, they are not asked this time."""
    try:
        return await context.run(news.ask_about_news, who)
    except Exception:
        log.warning("could not tell whether to ask a customer about news", exc_info=True)
        return False


def _without(message: Message, kind: type[ChooseNews] | type[Unsubscribe]) -> Keyboard | None:
    """The message's keyboard less the buttons of `kind` (None: nothing else is left)."""
    markup = message.reply_markup
    if markup is None:
        return None
    rows = [
        [b for b in row if kind.unpack(b.callback_data) is None] for row in markup.inline_keyboard
    ]
    kept = [row for row in rows if row]
    return Keyboard(kept) if kept else None


async def _drop_buttons(update: Update, kind: type[ChooseNews] | type[Unsubscribe]) -> None:
    """Take the pressed kind of button off the message it was on: answered, nothing stale."""
    query = update.callback_query
    message = query.message if query is not None else None
    if isinstance(message, Message) and message.reply_markup is not None:
        kept = _without(message, kind)
        if kept != message.reply_markup:
            await message.edit_reply_markup(kept)


@polite
async def show_news(update: Update, context: ShopContext) -> str | None:
    """/news: whether news is on, and a button to change it."""
    choice = await context.run(news.news_choice, customer_of(update))
    await say(update, *news_screen(context.texts(update), choice.wants))
    return None


@polite
async def choose(update: Update, context: ShopContext) -> str | None:
    """Yes or no (after a first order, or on /news): for the person pressing."""
    wants = ChooseNews.of(update).to is Switch.ON
    choice = await context.run(news.choose_news, customer_of(update), wants)
    t = context.texts(update)
    query = update.callback_query
    pressed = query.message if query is not None else None
    if isinstance(pressed, Message) and _without(pressed, ChooseNews) is None:
        await show(update, *news_screen(t, choice.wants))  # /news itself: changed in place
    else:  # the question under an order: the order stays, the question is answered below
        await _drop_buttons(update, ChooseNews)
        await say(update, *news_screen(t, choice.wants))
    return t("News on.") if choice.wants else t("News off.")


@polite
async def unsubscribe(update: Update, context: ShopContext) -> str | None:
    """Unsubscribe under a news message: news off for whoever pressed it, said politely;
    pressing again changes nothing."""
    pressed = Unsubscribe.of(update)
    done = await context.run(news.unsubscribe, customer_of(update), pressed.announcement_id)
    await _drop_buttons(update, Unsubscribe)
    t = context.texts(update)
    if done.was_on:
        await say(
            update,
            "🔕 "
            + t(
                "Done: you will get no more news from the shop. Sorry to have bothered you; "
                "/news turns it back on."
            ),
        )
        return t("Unsubscribed.")
    return t("News is already off for you.")


def announcement_message(
    t: Texts, store: Store, text: str, announcement_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    """An announcement as its readers see it (the manager's preview too)."""
    heading = "📣 <b>" + t("News from {shop}", shop=esc(store.name)) + "</b>"
    unsubscribe_row = [button("🔕 " + t("Unsubscribe"), Unsubscribe(announcement_id))]
    return f"{heading}\n\n{esc(text)}", InlineKeyboardMarkup([unsubscribe_row])


@renders(AnnouncementNews)
def announcement_text(t: Texts, announcement: AnnouncementNews, store: Store) -> Rendered:
    """An announcement to one of its readers (its photo goes with it:
    bot.handlers.notifications)."""
    return announcement_message(t, store, announcement.text, announcement.announcement_id)


@renders(CartReminder)
def cart_reminder_text(t: Texts, reminder: CartReminder, store: Store) -> Rendered:
    """The one gentle reminder of a cart left for a day."""
    heading = "🧺 <b>" + t("Your cart is waiting") + "</b>"
    intro = t("You left these in your cart; they are still on sale:")
    lines = [
        f"• {esc(item.name)} — {esc(t.quantity(item.quantity, item.unit))}"
        for item in reminder.items
    ]
    keyboard = InlineKeyboardMarkup(
        [[cart_button(t)], [button("🔕 " + t("Unsubscribe"), Unsubscribe(0))]]
    )
    return "\n".join([heading, intro, *lines]), keyboard


async def remind_carts(context: ShopContext) -> None:
    """The repeating job: every worker runs it; each cart is reminded of once."""
    queued = await context.run(news.remind_idle_carts, store=context.shop.store)
    if queued:
        log.info("reminded %s customer(s) of the cart they left", queued)


FEATURE = Feature(
    commands=[Command("news", show_news, menu=said("News from the shop: on or off"))],
    presses=[Press(ChooseNews, choose), Press(Unsubscribe, unsubscribe)],
)
