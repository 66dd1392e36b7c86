"""/language: the bot speaks the person's Telegram language when it ships it, and the one they
choose from then on, in every worker (the choice is in the database)."""

from __future__ import annotations

from tests.support.chat_person import ChatPerson
from tests.support.running_bot import RunningBot


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


async def test_an_app_language_the_bot_does_not_ship_gets_the_stores(bot: RunningBot) -> None:
    joao = ChatPerson(bot.double, bot.double.person("João", language_code="pt-br"))
    await joao.says("/language")
    assert joao.screen == "Which language shall I speak?"
    await joao.presses("Українська")
    await joao.says("/language")
    assert joao.screen == "Якою мовою мені з вами розмовляти?"


async def test_a_forged_language_is_refused_politely(bot: RunningBot) -> None:
    eve = ChatPerson(bot.double, bot.double.person("Eve"))
    await eve.says("/language")
    alert = await eve.presses_data("lang:xx")
    assert alert == "That language is not available"
    await eve.says("/language")
    assert eve.screen == "Which language shall I speak?"


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
        "🧺 Warenkorb",
        "📦 Meine Bestellungen",
        "💬 Laden fragen",
        "❓ Hilfe",
    ]
    await anna.presses("Hilfe")
    assert anna.screen.startswith("So bestellen Sie")
    await olga.says("/help")
    assert "/language – мой язык" in olga.screen
