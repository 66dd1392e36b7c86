"""/offer and /offers for managers: an item or a category at a lower price for a while.

The price itself is worked out in one place (bot.domain.offers.price_at); this module reads
what a manager types and shows what runs."""

from __future__ import annotations

from datetime import datetime
from html import escape as esc

from telegram import Update

from bot.domain import permissions
from bot.domain.clock import utc_now
from bot.domain.offers import USAGE, WORDS, read_offer
from bot.domain.services import offers
from bot.domain.services.offers import ShownOffer
from bot.domain.store import Store
from bot.domain.vocabulary import OFFER_WORDS
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import EndOffer
from bot.handlers.context import ShopContext
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import Keyboard, button, shop_moment
from bot.i18n import Texts, said

MOST_LISTED = 30  # one message; more are ended from the back office


def offer_words(language: str) -> dict[str, object]:
    """The usage line's words (until, from...) in the reader's language."""
    return {key: OFFER_WORDS.words_for(language, (word,))[0] for key, word in WORDS.items()}


def offer_line(t: Texts, shown: ShownOffer, store: Store, now: datetime) -> str:
    """ "Lemons (LEMON): −30% until 20:00", "every item in Bakery: at 2.50 EUR from …"."""
    offer = shown.offer
    if offer.percent is not None:
        what = t("−{percent}%", percent=offer.percent)
    else:
        assert offer.price_minor is not None
        what = t("at {price}", price=t.money(offer.price_minor, store.currency))
    name = esc(shown.label) + (f" ({esc(shown.sku)})" if shown.sku else "")
    if shown.sku is None:
        name = t("every item in {category}", category=f"<b>{esc(shown.label)}</b>")
    until = shop_moment(t, offer.ends_at, store, now)
    if offer.starts_at > now:
        start = shop_moment(t, offer.starts_at, store, now)
        return t(
            "{name}: {what} from {start} until {until}",
            name=name,
            what=what,
            start=start,
            until=until,
        )
    return t("{name}: {what} until {until}", name=name, what=what, until=until)


def offers_screen(
    t: Texts, shown: list[ShownOffer], store: Store, now: datetime
) -> tuple[str, Keyboard | None]:
    if not shown:
        return "🏷 " + t("No offers are set.") + "\n" + t(USAGE, **WORDS), None
    lines = ["🏷 <b>" + t("Offers") + "</b>"]
    rows = []
    for n, item in enumerate(shown[:MOST_LISTED], start=1):
        assert item.offer.id is not None
        lines.append(f"{n}. {offer_line(t, item, store, now)}")
        rows.append([button("⏹ " + t("End offer {n}", n=n), EndOffer(item.offer.id))])
    return "\n".join(lines), Keyboard(rows)


@polite
async def set_offer(update: Update, context: ShopContext) -> str | None:
    """/offer SKU 30% until 20:00 (see bot.domain.offers.read_offer); alone, the list."""
    account = await signed_in(update, context)
    t, store, now = context.texts(update), context.shop.store, utc_now()
    typed = " ".join(context.args or [])
    if not typed.strip():
        await _say_offers(update, context)
        return None
    terms = read_offer(typed[:200], store.currency, now, store.timezone)
    started = await context.run(offers.start_offer, terms, f"staff:{account.username}")
    text = "✅ " + t("Offer set:") + " " + offer_line(t, started, store, utc_now())
    assert started.offer.id is not None
    keyboard = Keyboard([[button("⏹ " + t("End this offer"), EndOffer(started.offer.id))]])
    await say(update, text, keyboard)
    return None


@polite
async def list_offers(update: Update, context: ShopContext) -> str | None:
    """/offers: what runs now or starts later, each with a button to end it."""
    await signed_in(update, context)
    await _say_offers(update, context)
    return None


async def _say_offers(update: Update, context: ShopContext) -> None:
    shown = await context.run(offers.offers_not_ended)
    t, store = context.texts(update), context.shop.store
    await say(update, *offers_screen(t, shown, store, utc_now()))


@polite
async def end_offer(update: Update, context: ShopContext) -> str | None:
    """⏹: the offer ends now on every worker; the list is shown again."""
    await signed_in(update, context)
    pressed = EndOffer.of(update)
    t, store = context.texts(update), context.shop.store
    ended = await context.run(offers.end_offer, pressed.offer_id)
    shown = await context.run(offers.offers_not_ended)
    await show(update, *offers_screen(t, shown, store, utc_now()))
    return t("Offer ended.") if ended else t("That offer had already ended.")


FEATURE = Feature(
    commands=[
        Command(
            "offer",
            set_offer,
            permissions.OFFERS,
            said("Put an item or a category on offer: /offer SKU 30% until 20:00"),
            USAGE,
            words=offer_words,
        ),
        Command("offers", list_offers, permissions.OFFERS, said("Offers running and coming")),
    ],
    presses=[Press(EndOffer, end_offer, permissions.OFFERS)],
)
