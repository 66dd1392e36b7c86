"""/language: the bot speaks the person's Telegram language when it ships it, and the one they
choose from then on, in every worker (the choice is in the database)."""

from __future__ import annotations

import re
from decimal import Decimal

from bot.domain.catalogue import Unit
from bot.domain.orders import OrderStatus
from bot.domain.services import orders, staff
from bot.domain.staff import Role
from tests.support.chat_person import ChatPerson
from tests.support.databases import sqlite_only
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import logged_in_manager, place_order, sell, staff_id_of


async def test_the_bot_speaks_the_telegram_apps_language_until_another_is_chosen(
    bot: RunningBot,
) -> None:
    anna = ChatPerson(bot.double, bot.double.person("Anna", language_code="de"))
    await anna.says("/language")
    assert anna.screen == "Welche Sprache soll ich sprechen?"
    assert anna.last.button_texts == [
        "English",
        "✓ Deutsch",
        "Français",
        "Español",
        "Русский",
        "Українська",
    ]
    await anna.presses("Français")
    assert anna.screen == "Je vous parle désormais en français. /language pour en changer."
    await anna.says("/language")
    assert anna.screen == "Dans quelle langue dois-je vous parler\u00a0?"
    assert "✓ Français" in anna.last.button_texts


@sqlite_only
async def test_an_app_language_the_bot_does_not_ship_gets_the_stores(bot: RunningBot) -> None:
    joao = ChatPerson(bot.double, bot.double.person("João", language_code="pt-br"))
    await joao.says("/language")
    assert joao.screen == "Which language shall I speak?"
    await joao.presses("Українська")
    await joao.says("/language")
    assert joao.screen == "Якою мовою мені з вами розмовляти?"


@sqlite_only
async def test_a_forged_language_is_refused_politely(bot: RunningBot) -> None:
    eve = ChatPerson(bot.double, bot.double.person("Eve"))
    await eve.says("/language")
    alert = await eve.presses_data("lang:xx")
    assert alert == "That language is not available"
    await eve.says("/language")
    assert eve.screen == "Which language shall I speak?"


@sqlite_only
async def test_the_menu_the_descriptions_and_the_welcome_come_in_the_apps_language(
    bot: RunningBot,
) -> None:
    anna = ChatPerson(bot.double, bot.double.person("Anna", language_code="de"))
    olga = ChatPerson(bot.double, bot.double.person("Olga", language_code="ru"))
    sam = ChatPerson(bot.double, bot.double.person("Sam", language_code="en"))
    menu = {c["command"]: c["description"] for c in bot.double.menu_for(anna.person)}
    assert (menu["start"], menu["cart"], menu["language"]) == (
        "Hauptmenü",
        "Ihr Warenkorb",
        "Sprache",
    )
    assert bot.double.menu_for(olga.person)[0]["description"] == "Главное меню"
    assert bot.double.menu_for(sam.person)[0]["description"] == "Main menu"
    assert "Sortiment ansehen, Warenkorb füllen" in bot.double.description_for(anna.person)
    assert bot.double.description_for(sam.person, "short").endswith("order for pickup or delivery")
    await anna.says("/start")
    assert anna.screen.startswith("Hallo Anna! Willkommen bei ")
    assert anna.last.button_texts == [
        "🛍 Sortiment",
        "🔎 Suchen",
        "⭐ Favoriten",
        "🔁 Nochmal kaufen",
        "🧺 Warenkorb",
        "📦 Meine Bestellungen",
        "💬 Laden fragen",
        "❓ Hilfe",
    ]
    await anna.presses("Hilfe")
    assert anna.screen.startswith("So bestellen Sie")
    await olga.says("/help")
    assert "/language – Язык" in olga.screen  # the line of the command menu


async def test_a_german_customer_browses_and_fills_the_cart_in_german_with_german_numbers(
    bot: RunningBot,
) -> None:
    sell(
        bot,
        "1.5",
        sku="APPLES",
        name="Äpfel Elstar",
        category="Obst",
        unit=Unit.KILOGRAM,
        step=Decimal("0.25"),
        price_minor=329,
    )
    anna = ChatPerson(bot.double, bot.double.person("Anna", language_code="de"))
    await anna.says("/catalogue")
    assert anna.screen.startswith("Sortiment\nWählen Sie eine Kategorie:")
    await anna.presses("Obst")
    assert anna.screen == "Obst\nTippen Sie auf einen Artikel, um ihn anzusehen."
    assert anna.last.button_texts[0] == "Äpfel Elstar · 3,29\u00a0€ / kg"
    await anna.presses("Äpfel Elstar")
    assert anna.screen.splitlines()[:3] == ["Äpfel Elstar", "3,29\u00a0€ / kg", "⚠️ Nur noch 1,5 kg"]
    assert anna.last.button_texts[:4] == [
        "➖",
        "0,25 kg",
        "➕",
        "0,25 kg in den Warenkorb · 0,82\u00a0€",
    ]
    await anna.presses("➕")
    await anna.presses("in den Warenkorb")
    await anna.says("/cart")
    assert "Ihr Warenkorb" in anna.screen
    assert "• Äpfel Elstar — 0,5 kg × 3,29\u00a0€ / kg = 1,65\u00a0€" in anna.screen
    assert anna.screen.endswith("Summe: 1,65\u00a0€")
    assert anna.last.button_texts[-4:] == [
        "Warenkorb leeren",
        "✅ Zur Kasse",
        "🛍 Sortiment",
        "« Menü",
    ]


@sqlite_only
async def test_a_french_search_says_what_it_found_in_french(bot: RunningBot) -> None:
    sell(bot, sku="BRIE", name="Brie de Meaux", price_minor=1250)
    sell(bot, sku="BRIOCHE", name="Brioche", price_minor=390)
    lea = ChatPerson(bot.double, bot.double.person("Léa", language_code="fr"))
    await lea.says("bri")
    assert lea.screen.startswith("2 résultats pour «\u00a0bri\u00a0»")
    assert "Brie de Meaux · 12,50\u00a0€" in lea.last.button_texts
    await lea.says("zzzz")
    assert lea.screen.startswith("Rien trouvé pour «\u00a0zzzz\u00a0»")


ENGLISH_WORDS = re.compile(
    r"\b(Order|order|Pickup|pickup|Cart|cart|Total|Please|please|Thank|Checkout|Confirm|"
    r"Delivery|Skip|Placed|placed|Menu|Catalogue|Search|Help|per|left|stock)\b"
)


def english_in(person: ChatPerson, words: re.Pattern[str] = ENGLISH_WORDS) -> list[str]:
    """English words in everything the bot showed this person: messages, buttons and the
    answers to their presses (commands like /cart are the same in every language)."""
    shown = [" ".join([m.shown_text, *m.button_texts]) for m in person.chat.from_bot]
    shown += person.toasts
    return [w for text in shown for w in words.findall(re.sub(r"/\w+", "", text))]


async def test_a_german_customer_orders_from_start_to_confirmation_without_an_english_word(
    bot: RunningBot,
) -> None:
    sell(bot, 20, sku="BROT", name="Bauernbrot", category="Bäckerei", price_minor=420)
    logged_in_manager(bot)  # on duty: the order is seen now, if the shop is open
    anna = ChatPerson(bot.double, bot.double.person("Anna", language_code="de"))
    await anna.says("/start")
    await anna.presses("Sortiment")
    await anna.presses("Bäckerei")
    await anna.presses("Bauernbrot")
    await anna.presses("➕")
    await anna.presses("in den Warenkorb")
    await anna.says("/cart")
    await anna.presses("Zur Kasse")
    assert anna.screen.startswith("Bestellen\nWie möchten Sie Ihre Bestellung bekommen?")
    await anna.presses("Abholung")
    assert anna.screen.startswith("Wann möchten Sie abholen? Zeiten am ")
    await anna.presses(anna.last.button_texts[0])
    assert anna.chat.reply_keyboard is not None
    await anna.shares_phone("+49 30 1234567")
    await anna.presses("Überspringen")
    assert anna.screen.startswith(
        "Bitte prüfen Sie Ihre Bestellung\n• Bauernbrot — 2 Stk. = 8,40\u00a0€"
    )
    await anna.presses("Bestätigen, bei Abholung bezahlen")
    assert "Bestellung" in anna.screen and "aufgegeben." in anna.screen
    assert "Summe: 8,40\u00a0€" in anna.screen
    # the pickup time as German writes it: "Abholung: Mi., 25. Nov., 12:00"
    assert re.search(
        r"Abholung: [A-Z][a-z]\., \d{1,2}\. [A-Z][a-zä]{2,3}\.?, \d\d:\d\d", anna.screen
    )
    # When the shop will see it: now, or (closed at this hour) when it opens.
    assert re.search(
        r"Aufgegeben: Der Laden bestätigt sie in Kürze\.|Der Laden ist gerade geschlossen; "
        r"er öffnet .+ und sieht Ihre Bestellung dann\.",
        anna.screen,
    )
    assert english_in(anna) == []


async def test_a_german_customer_is_told_of_a_status_change_in_german(bot: RunningBot) -> None:
    bread = sell(bot, 20, sku="BROT", name="Bauernbrot", category="Bäckerei", price_minor=420)
    anna = ChatPerson(bot.double, bot.double.person("Anna", language_code="de"))
    await anna.says("/start")  # the app's language is seen, and kept for later messages
    code = place_order(bot, anna, bread).code
    boss = logged_in_manager(bot)  # an English-speaking manager accepts it
    orders.move_order(
        staff_id_of(bot, boss), code, OrderStatus.ACCEPTED, store=bot.shop.store, uow=bot.shop.uow()
    )
    await bot.double.wait_for(
        lambda: anna.has_seen(f"Bestellung {code} wurde angenommen"), what="Anna told"
    )
    assert anna.last.button_texts == ["Bestellung ansehen"]
    assert english_in(anna) == []


async def test_a_russian_customer_searches_in_cyrillic_whatever_the_case_and_the_yo(
    bot: RunningBot,
) -> None:
    sell(bot, sku="HONEY", name="Мёд липовый", category="Бакалея", price_minor=890)
    sell(bot, sku="TEA-BLACK", name="Чай чёрный", category="Напитки", price_minor=350)
    sell(bot, sku="TEA-GREEN", name="Чай зелёный", category="Напитки", price_minor=390)
    olga = ChatPerson(bot.double, bot.double.person("Ольга", language_code="ru"))
    await olga.says("МЕД")  # capitals, and е where the name has ё
    assert olga.screen.startswith("Найден 1 товар по запросу «МЕД»")
    assert olga.last.button_texts[0] == "Мёд липовый · 8,90\u00a0€"
    await olga.says("чай")
    assert olga.screen.startswith("Найдено 2 товара по запросу «чай»")
    assert {"Чай чёрный · 3,50\u00a0€", "Чай зелёный · 3,90\u00a0€"} <= set(olga.last.button_texts)
    await olga.says("зиленый")  # one typo in a word of seven letters
    assert olga.last.button_texts[0] == "Чай зелёный · 3,90\u00a0€"
    await olga.says("напитки")  # the category's words find its items
    assert olga.screen.startswith("Найдено 2 товара")
    await olga.says("кофе")
    assert olga.screen.startswith("По запросу «кофе» ничего не найдено.")


STAFF_ENGLISH = re.compile(
    r"\b(Restocked|Adjusted|Usage|now|on hand|Welcome|logged|Stock|item|items|Please|"
    r"password|username|Choose|Invite|staff|by|in stock|Last changes)\b"
)


async def test_a_french_clerk_signs_up_and_restocks_in_french(bot: RunningBot) -> None:
    sell(bot, 8, sku="RIZ-1KG", name="Riz basmati 1 kg", category="Épicerie", price_minor=379)
    boss = logged_in_manager(bot)
    invite = staff.create_invite(staff_id_of(bot, boss), Role.STAFF, uow=bot.shop.uow())
    lea = ChatPerson(bot.double, bot.double.person("Léa", language_code="fr"))
    await lea.says(f"/signup {invite.code}")
    assert lea.screen.startswith("Invitation acceptée\u00a0: vous serez employé.")
    await lea.says("lea")
    assert lea.screen == "Votre nom, tel que vos collègues doivent le voir\u00a0?"
    await lea.says("Léa")
    assert lea.screen.startswith("Choisissez un mot de passe d’au moins 10 caractères")
    await lea.says("un mot de passe assez long")
    await lea.says("un mot de passe assez long")
    assert lea.screen.startswith(
        "Bienvenue, Léa\u00a0! Vous êtes connecté avec le rôle «\u00a0employé\u00a0»."
    )
    menu = {c["command"]: c["description"] for c in bot.double.menu_for(lea.person)}
    assert menu["restock"] == "Réception\u00a0: /restock SKU QTÉ [NOTE]"
    await lea.says("/restock RIZ-1KG 12 livraison du matin")
    assert lea.screen == (
        "📦 Réapprovisionné. Riz basmati 1 kg\u00a0: +12 pce, maintenant 20 pce en stock."
    )
    await lea.says("/restock RIZ-1KG douze")
    assert lea.screen == (
        "«\u00a0douze\u00a0» n’est pas une quantité\u00a0; écrivez par exemple 2 ou 0,5"
    )
    await lea.says("/adjust RIZ-1KG -2 cassé sac percé")
    assert lea.screen.startswith("✏️ Ajusté (endommagé). Riz basmati 1 kg\u00a0: -2 pce")
    await lea.says("/stock RIZ-1KG")
    assert "Derniers changements" in lea.screen
    assert "+12 pce réception → 20 pce par lea – livraison du matin" in lea.screen
    assert english_in(lea, STAFF_ENGLISH) == []
