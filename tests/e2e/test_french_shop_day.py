"""A French corner shop's day, through the real bot, as its manager Léa lives it: an order of
apples by the kilo picked heavier and its honey replaced, the customer told, the order handed
over and paid in cash, yoghurt restocked by its name, rotten bananas written off, the week's
report read — and not one English word on her screen."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from babel.messages.pofile import read_po

from bot.domain.catalogue import Unit
from bot.domain.orders import OrderStatus
from bot.domain.payments import MoneyTaken
from bot.domain.services import orders, staff
from bot.domain.services.cart import set_cart_quantity
from bot.domain.services.customers import CustomerRef
from bot.i18n import Catalogues, catalogue_path
from tests.support.chat_person import ChatPerson
from tests.support.factories import FAST_HASHER, pickup_details
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import STAFF_PASSWORD, sell, stock_of

FR = Catalogues().texts("fr")
PLACEHOLDER_OR_TAG = re.compile(r"\{[^{}]*\}|</?[a-z]+[^>]*>|\n")


@cache
def english_fragments() -> frozenset[str]:
    """The English pieces of every text the French catalogue translates differently: a piece
    of one of them on a French screen is a sentence that escaped translation."""
    with catalogue_path("fr").open("rb") as po:
        catalogue = read_po(po, locale="fr")
    pieces = set()
    for message in catalogue:
        english = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string
        french = strings if isinstance(strings, str) else (strings or ("",))[0]
        if not english or not french or english == french:
            continue
        for piece in PLACEHOLDER_OR_TAG.split(english):
            piece = piece.strip(" .,:;!?()«»\"'–-·•")
            if len(piece) >= 12 and " " in piece and piece not in french:
                pieces.add(piece)
    return frozenset(pieces)


def english_seen_by(person: ChatPerson) -> list[str]:
    """English text anywhere the bot showed this person: messages, captions, buttons, toasts."""
    shown = [" ".join([m.shown_text, *m.button_texts]) for m in person.chat.from_bot]
    shown += person.toasts
    return sorted({piece for text in shown for piece in english_fragments() if piece in text})


def french_manager(bot: RunningBot) -> ChatPerson:
    lea = ChatPerson(bot.double, bot.double.person("Léa", language_code="fr"))
    staff.create_manager("lea", STAFF_PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    staff.log_in(
        "lea",
        STAFF_PASSWORD,
        telegram_user_id=lea.person.id,
        uow=bot.shop.uow(),
        hasher=FAST_HASHER,
    )
    return lea


def the_shelves(bot: RunningBot) -> dict[str, int]:
    kg = {"unit": Unit.KILOGRAM, "step": Decimal("0.25"), "category": "Fruits et légumes"}
    items = [
        sell(bot, 10, sku="GALA", name="Pommes Gala", price_minor=329, **kg),
        sell(bot, 10, sku="BANANE", name="Bananes", price_minor=199, **kg),
        sell(bot, 20, sku="MIEL", name="Miel de fleurs", price_minor=650, category="Épicerie"),
        sell(bot, 20, sku="ACACIA", name="Miel d'acacia", price_minor=450, category="Épicerie"),
        sell(bot, 3, sku="YAOURT-GREC", name="Yaourt grec", price_minor=240, category="Frais"),
    ]
    return {item.sku: item.id or 0 for item in items}


async def test_a_french_managers_whole_day_has_not_one_english_word(bot: RunningBot) -> None:
    ids = the_shelves(bot)
    chloe = ChatPerson(bot.double, bot.double.person("Chloé", language_code="fr"))
    await chloe.says("/start")
    who = CustomerRef(chloe.person.id, "Chloé")
    set_cart_quantity(who, ids["GALA"], Decimal("1.5"), uow=bot.shop.uow())
    set_cart_quantity(who, ids["MIEL"], Decimal(1), uow=bot.shop.uow())
    details = pickup_details(note="si pas de Gala prenez des Golden")
    order = orders.place_order(who, details, store=bot.shop.store, uow=bot.shop.uow())
    lea = french_manager(bot)

    await lea.says("/orders")
    assert order.code in lea.screen
    await lea.says(f"/order {order.code}")
    await lea.presses(FR("Picking…"))
    await lea.presses("1 · ⚖️ " + FR("Weight"))
    await lea.says("1,62")
    assert "1,62 kg" in lea.screen
    await lea.presses("2 · 🔁 " + FR("Replace"))
    await lea.says("acacia")
    await lea.presses("Miel d'acacia")
    await lea.presses(FR("Tell the customer"))
    await lea.says(f"/order {order.code}")
    await lea.presses(FR("✅ Accept"))
    await lea.presses(FR("🛍 Ready for pickup"))
    picked = orders.find_order(order.code, uow=bot.shop.uow())
    assert picked.total_minor == 533 + 450  # 1.62 kg × 3.29 € (5.33 €) and the acacia honey
    await lea.says(f"/handover {picked.pickup_code}")
    assert "9,83\u00a0€" in lea.screen
    await lea.presses(FR("💶 Paid in cash"))
    done = orders.find_order(order.code, uow=bot.shop.uow())
    assert (done.status, done.money_taken) == (OrderStatus.COMPLETED, MoneyTaken.CASH)

    await lea.says("/restock yaourt grec 6 livraison du matin")
    assert stock_of(bot, "YAOURT-GREC") == 9
    await lea.says("/adjust BANANE -0,5 pourri")
    assert stock_of(bot, "BANANE") == Decimal("9.5")
    await lea.says("/stock yaourt")
    await lea.says("/stock GALA")  # its history: the sale, then the picking
    assert f"commande {order.code}" in lea.screen
    await lea.says("/report semaine")
    assert "9,83\u00a0€" in " ".join(m.shown_text for m in lea.chat.from_bot[-3:])
    await lea.says("/report novembre")
    await lea.says("/help")

    assert len(lea.chat.from_bot) >= 15  # the day happened, on screen
    assert {"taken in cash", "was picked with these changes"} <= english_fragments()
    assert english_seen_by(lea) == []
    receipt = FR("Receipt for order {code} (PDF)", code=order.code)
    await bot.double.wait_for(lambda: chloe.has_seen(receipt), what="Chloé's receipt")
    await bot.double.settle()
    assert english_seen_by(chloe) == []
