"""/promo and /promos for managers: codes customers give at checkout for a discount.

What a code does, and whether it applies, is the domain's (bot.domain.promo_codes); this
module reads what a manager types and lists the codes with their uses."""

from __future__ import annotations

from datetime import datetime
from html import escape as esc

from telegram import Update

from bot.domain import permissions
from bot.domain.clock import utc_now
from bot.domain.promo_codes import USAGE, WORDS, PromoCode, read_promo
from bot.domain.services import promo_codes
from bot.domain.store import Store
from bot.domain.vocabulary import OFFER_WORDS
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import EndPromoCode
from bot.handlers.context import ShopContext
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say, show
from bot.handlers.views import Keyboard, button, shop_moment
from bot.i18n import Texts, said

MOST_LISTED = 30  # one message


def promo_words(language: str) -> dict[str, object]:
    """The usage line's words (min, until...) in the reader's language."""
    return {key: OFFER_WORDS.words_for(language, (word,))[0] for key, word in WORDS.items()}


def promo_code_line(t: Texts, promo: PromoCode, store: Store, now: datetime) -> str:
    """ "<b>SPRING-10</b>: −10% from 20.00 EUR · until 31 Dec 00:00 · 12/100 used, once each"."""
    discount = promo.discount
    if discount.percent is not None:
        off = t("−{percent}%", percent=discount.percent)
    else:
        assert discount.amount_minor is not None
        off = "−" + t.money(discount.amount_minor, store.currency)
    parts = [f"<b>{esc(promo.code)}</b>: {off}"]
    if promo.min_basket_minor:
        minimum = t.money(promo.min_basket_minor, store.currency)
        parts[0] += " " + t("on baskets from {minimum}", minimum=minimum)
    if promo.starts_at is not None and promo.starts_at > now:
        parts.append(t("from {start}", start=shop_moment(t, promo.starts_at, store, now)))
    if promo.ends_at is not None:
        parts.append(t("until {end}", end=shop_moment(t, promo.ends_at, store, now)))
    if promo.max_uses is not None:
        parts.append(t("{used} of {most} used", used=promo.used, most=promo.max_uses))
    else:
        parts.append(t.plural("used {n} time", "used {n} times", promo.used))
    parts.append(t.plural("{n} order per customer", "{n} orders per customer", promo.per_customer))
    return " · ".join(parts)


def promos_screen(
    t: Texts, promos: list[PromoCode], store: Store, now: datetime
) -> tuple[str, Keyboard | None]:
    if not promos:
        return "🎟 " + t("No promo codes are running.") + "\n" + t(USAGE, **WORDS), None
    lines = ["🎟 <b>" + t("Promo codes") + "</b>"]
    rows = []
    for promo in promos:
        assert promo.id is not None
        lines.append("• " + promo_code_line(t, promo, store, now))
        rows.append([button("⏹ " + t("End {code}", code=promo.code), EndPromoCode(promo.id))])
    return "\n".join(lines), Keyboard(rows)


@polite
async def add_promo_code(update: Update, context: ShopContext) -> str | None:
    """/promo SPRING-10 10% min 20 until 2026-12-31 (bot.domain.promo_codes.read_promo);
    alone, the list."""
    account = await signed_in(update, context)
    t, store, now = context.texts(update), context.shop.store, utc_now()
    typed = " ".join(context.args or [])
    if not typed.strip():
        await _say_promos(update, context)
        return None
    wanted = read_promo(
        typed[:300], store.currency, now, store.timezone, f"staff:{account.username}"
    )
    added = await context.run(promo_codes.add_promo_code, wanted)
    assert added.id is not None
    text = "✅ " + t("Promo code set:") + " " + promo_code_line(t, added, store, utc_now())
    keyboard = Keyboard([[button("⏹ " + t("End {code}", code=added.code), EndPromoCode(added.id))]])
    await say(update, text, keyboard)
    return None


@polite
async def list_promo_codes(update: Update, context: ShopContext) -> str | None:
    """/promos: the codes that apply now or later, with their uses and a button to end each."""
    await signed_in(update, context)
    await _say_promos(update, context)
    return None


async def _say_promos(update: Update, context: ShopContext) -> None:
    promos = await context.run(promo_codes.promo_codes_not_over, limit=MOST_LISTED)
    await say(update, *promos_screen(context.texts(update), promos, context.shop.store, utc_now()))


@polite
async def end_promo_code(update: Update, context: ShopContext) -> str | None:
    """⏹: no checkout takes the code from now; orders placed with it keep their discount."""
    await signed_in(update, context)
    pressed = EndPromoCode.of(update)
    t = context.texts(update)
    ended = await context.run(promo_codes.end_promo_code, pressed.promo_id)
    promos = await context.run(promo_codes.promo_codes_not_over, limit=MOST_LISTED)
    await show(update, *promos_screen(t, promos, context.shop.store, utc_now()))
    return t("Promo code ended.") if ended else t("That promo code had already ended.")


FEATURE = Feature(
    commands=[
        Command(
            "promo",
            add_promo_code,
            permissions.PROMO_CODES,
            said("Give out a promo code: /promo SPRING-10 10% min 20.00"),
            USAGE,
            words=promo_words,
        ),
        Command(
            "promos",
            list_promo_codes,
            permissions.PROMO_CODES,
            said("Promo codes running, with their uses"),
        ),
    ],
    presses=[Press(EndPromoCode, end_promo_code, permissions.PROMO_CODES)],
)
