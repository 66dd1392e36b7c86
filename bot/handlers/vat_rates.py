"""/setvat for managers: the VAT rate an item is sold at, or back to the store's default.

Prices stay as set (tax included); the rate only says how much VAT they contain, on receipts
and in /report. Orders already placed keep the rate their lines were sold at."""

from __future__ import annotations

from decimal import Decimal
from html import escape as esc

from telegram import Update

from bot.domain.errors import InvalidInput
from bot.domain.services import catalogue
from bot.domain.staff import Role
from bot.domain.text import said
from bot.domain.vat import parse_vat_rate
from bot.domain.vocabulary import RESET_WORDS, Reset
from bot.handlers.access import signed_in
from bot.handlers.context import ShopContext
from bot.handlers.routes import Command, Feature
from bot.handlers.screens import polite, say

USAGE = said("Usage: /setvat SKU RATE (or {default}), e.g. /setvat APPLES-GALA 5,5")


def reset_words(language: str) -> dict[str, object]:
    """The usage line's word for "back to the default", in the reader's language."""
    return {"default": RESET_WORDS.words_for(language, (Reset.DEFAULT,))[0]}


@polite
async def set_vat(update: Update, context: ShopContext) -> str | None:
    """/setvat SKU RATE: "5,5", "5.5 %", "20", or "default" in any shipped language."""
    await signed_in(update, context)
    t, store = context.texts(update), context.shop.store
    args = list(context.args or [])
    if len(args) < 2:
        raise InvalidInput(USAGE, **reset_words(t.language))
    sku, typed = args[0], " ".join(args[1:])
    reset = RESET_WORDS.meaning_of(typed) is Reset.DEFAULT
    rate: Decimal | None = None if reset else parse_vat_rate(typed)
    product = await context.run(catalogue.update_product, sku, {"vat_rate": rate})
    name = esc(product.name)
    await say(
        update,
        "🧾 "
        + (
            t(
                "{name} now follows the store's VAT rate ({rate} %).",
                name=name,
                rate=store.default_vat_rate,
            )
            if product.vat_rate is None
            else t("{name} is now sold at {rate} % VAT.", name=name, rate=product.vat_rate)
        ),
    )
    return None


FEATURE = Feature(
    commands=[
        Command(
            "setvat",
            set_vat,
            Role.MANAGER,
            said("VAT rate of an item: /setvat SKU RATE"),
            USAGE,
            words=reset_words,
        )
    ]
)
