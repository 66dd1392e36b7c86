"""Personal data, as a shop in the EU handles it: /mydata shows a customer everything kept about
them (to read and as JSON), /forgetme erases it with the orders kept for the books, anonymised;
and no log record holds a phone number or an address (tests/e2e/conftest.py checks every test)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import pytest

from bot.domain.orders import Order, OrderStatus
from bot.domain.payments import MoneyTaken
from bot.domain.services import orders, questions, stock
from bot.domain.services.customers import CustomerRef
from bot.handlers.button_kinds import Consent, ForgetMe
from bot.playground.bot_api.server import ChatMessage, LocalBotApi
from bot.playground.bot_api.spec import UploadedFile
from tests.support.chat_person import ChatPerson
from tests.support.factories import pickup_details, placed_order
from tests.support.log_check import leaks, personal_data_given
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import (
    fill_cart,
    logged_in_manager,
    picks_first_delivery_time,
    place_order,
    sell,
    someone,
    staff_id_of,
    stock_of,
)

ADDRESS = "5 Rue Neuve, Lyon"
ANN_PHONE = "+44 7400 123456"
ANN_PHONE_SHOWN = "07400 123456"  # the store is in Britain
QUESTION = "Do you sell oat milk?"
BOBS_QUESTION = "Bob asks: open on Sunday?"


@pytest.fixture
def mode() -> str:
    """Polling is enough: nothing here depends on how updates arrive."""
    return "polling"


def ref(person: ChatPerson) -> CustomerRef:
    return CustomerRef(person.person.id, person.person.first_name)


@dataclass
class Story:
    ann: ChatPerson
    bob: ChatPerson
    boss: ChatPerson
    completed: Order
    cancelled: Order
    bobs: Order


async def a_customer_with_history(bot: RunningBot) -> Story:
    """Ann: a delivery (address typed, phone shared) completed, a pickup she cancelled, a
    question, a watch on a sold-out item, tea in her cart. Bob: an order and a question."""
    tea = sell(bot, 50, sku="TEA", name="Earl Grey", price_minor=300)
    jam = sell(bot, 0, sku="JAM", name="Plum jam <homemade>")
    boss = logged_in_manager(bot)
    ann, bob = someone(bot, "Ann"), someone(bot, "Bob")
    await fill_cart(ann, "Earl Grey", presses_of_plus=1)
    await ann.says("/checkout")
    await ann.presses("Delivery")
    await ann.says(ADDRESS)
    await picks_first_delivery_time(ann)
    await ann.shares_phone(ANN_PHONE)
    await ann.presses("Skip")
    await ann.presses("✅ Confirm")
    [completed] = orders.my_orders(ref(ann), uow=bot.shop.uow())
    boss_id = staff_id_of(bot, boss)
    for status in (OrderStatus.ACCEPTED, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.COMPLETED):
        completed = orders.move_order(
            boss_id,
            completed.code,
            status,
            taken=MoneyTaken.CASH,
            store=bot.shop.store,
            uow=bot.shop.uow(),
        )
    cancelled = placed_order(
        bot.shop.uow(), ref(ann), (tea, 1), details=pickup_details(ANN_PHONE), store=bot.shop.store
    )
    # The news of the delivery, its receipt and the question of how it went first, then the
    # list (the question could otherwise land after it and be the latest message).
    await bot.double.wait_for(
        lambda: (
            ann.has_seen(f"Receipt for order {completed.code} (PDF)")
            and ann.has_seen(f"How was your order {completed.code}?")
        ),
        what="the receipt and the question of how the order went",
    )
    await bot.double.settle()
    listing = await ann.says("/myorders")
    await ann.presses(cancelled.code, on=listing)
    await ann.presses("Cancel order", on=listing)
    await ann.presses("Yes, cancel it", on=listing)
    cancelled = orders.find_order(cancelled.code, uow=bot.shop.uow())
    assert cancelled.status is OrderStatus.CANCELLED
    questions.ask_shop(ref(ann), QUESTION, uow=bot.shop.uow())
    assert jam.id is not None
    stock.watch_product(ref(ann), jam.id, uow=bot.shop.uow())
    await fill_cart(ann, "Earl Grey")
    bobs = place_order(bot, bob, tea)
    questions.ask_shop(ref(bob), BOBS_QUESTION, uow=bot.shop.uow())
    await bot.another_sender_round()
    return Story(ann, bob, boss, completed, cancelled, bobs)


def sent_json(person: ChatPerson) -> dict[str, object]:
    document = person.last.document
    assert isinstance(document, UploadedFile)
    assert document.filename == "my-data.json"
    data = json.loads(document.content)
    assert isinstance(data, dict)
    return data


def said_since(person: ChatPerson, count_before: int) -> str:
    return "\n".join(m.shown_text for m in person.chat.from_bot[count_before:])


async def report_today(boss: ChatPerson) -> str:
    """The report's own messages (alerts of the story's orders may still be arriving)."""
    before = len(boss.chat.from_bot)
    await boss.says("/report today")
    return "\n".join(m.shown_text for m in boss.chat.from_bot[before:] if "today" in m.shown_text)


async def test_mydata_shows_a_customer_everything_kept_about_them_and_nothing_of_another(
    bot: RunningBot,
) -> None:
    story = await a_customer_with_history(bot)
    ann = story.ann
    before = len(ann.chat.from_bot)
    await ann.says("/mydata")
    text = said_since(ann, before)
    assert "What Corner Shop <&> Co keeps about you" in text
    assert "Name: Ann" in text
    assert f"Phone number: {ANN_PHONE_SHOWN}" in text
    assert f"Delivery address: {ADDRESS}" in text
    for order in (story.completed, story.cancelled):
        assert f"Order {order.code}" in text
    assert "completed" in text and "cancelled" in text
    assert "Earl Grey — 2 pc = 6.00 EUR" in text  # the delivered order's line
    assert "Total: 9.50 EUR" in text  # with the delivery fee
    assert QUESTION in text
    assert "Plum jam <homemade> (JAM)" in text  # escaped as sent, shown as written
    assert "Earl Grey — 1 pc" in text  # the cart
    assert "The item you looked at last (an amount you type next is for it)" in text
    assert "• Earl Grey (TEA), " in text
    assert "📣 News from the shop: off (/news to change)" in text  # asked once, no answer
    assert "/forgetme erases your personal data" in text
    assert story.bobs.code not in text and BOBS_QUESTION not in text and "Bob" not in text
    data = sent_json(ann)
    assert ann.last.caption == "The same, as a JSON file."
    customer = data["customer"]
    assert isinstance(customer, dict)
    assert (customer["name"], customer["phone"]) == ("Ann", "+447400123456")
    assert customer["last_delivery_address"] == ADDRESS
    kept_orders = data["orders"]
    assert isinstance(kept_orders, list)
    assert [(o["code"], o["status"], o["total"]) for o in kept_orders] == [
        (story.cancelled.code, "cancelled", "3.00"),
        (story.completed.code, "completed", "9.50"),
    ]
    assert kept_orders[1]["lines"][0]["quantity"] == "2"
    assert [q["text"] for q in data["questions"]] == [QUESTION]  # type: ignore[attr-defined]
    assert [w["sku"] for w in data["back_in_stock_requests"]] == ["JAM"]  # type: ignore[attr-defined]
    assert [c["sku"] for c in data["cart"]] == ["TEA"]  # type: ignore[attr-defined]
    assert data["last_item_card"]["sku"] == "TEA"  # type: ignore[index]
    news = data["news"]
    assert isinstance(news, dict)
    assert news["wants"] is False and news["asked_at"] and news["chosen_at"] is None
    assert story.bobs.code not in json.dumps(data) and BOBS_QUESTION not in json.dumps(data)


async def test_mydata_speaks_the_customers_language(bot: RunningBot) -> None:
    sell(bot, 5, sku="TEA", name="Earl Grey")
    ann = someone(bot, "Ann")
    await fill_cart(ann, "Earl Grey")
    await ann.says("/language")
    await ann.presses("Deutsch")
    await ann.says("/mydata")
    assert ann.has_seen("Was Corner Shop <&> Co über Sie speichert")
    assert ann.last.caption == "Dasselbe als JSON-Datei."


async def test_forgetme_erases_the_person_and_keeps_the_orders_anonymised_for_the_books(
    bot: RunningBot,
) -> None:
    story = await a_customer_with_history(bot)
    ann, bob, boss = story.ann, story.bob, story.boss
    report = await report_today(boss)
    tea_level = stock_of(bot, "TEA")
    await ann.says("/forgetme")
    question = ann.last
    assert "Erase your personal data?" in question.shown_text
    assert "Your orders stay in the shop's books" in question.shown_text
    [yes] = [b["callback_data"] for b in question.buttons if "Yes, erase" in b["text"]]
    # Bob forges Ann's confirmation on his own chat: nothing happens to anyone.
    await bob.says("/start")
    alert = await bob.presses_data(yes, on=bob.last)
    assert alert == "This button is not for you."
    await ann.says("/mydata")
    assert ann.has_seen(f"Phone number: {ANN_PHONE_SHOWN}")
    # Ann confirms, twice (a double tap): erased once, the same answer both times.
    await ann.presses("Yes, erase", on=question)
    assert "Your personal data is erased." in question.shown_text and not question.buttons
    again = await ann.presses_data(yes, on=question)
    assert again is None  # nothing more to say, and no error
    assert question.shown_text.startswith("Your personal data is erased.")
    await ann.says("/mydata")
    assert ann.screen == "The shop keeps no personal data about you."
    # The staff's view keeps the orders, anonymised, with their totals; the report is unchanged.
    await boss.says(f"/order {story.completed.code}")
    card = boss.screen
    assert "Personal data erased at the customer's request" in card
    assert ADDRESS not in card and ANN_PHONE_SHOWN not in card and "Ann" not in card
    assert "Total 9.50 EUR" in card
    assert await report_today(boss) == report
    assert stock_of(bot, "TEA") == tea_level
    with bot.shop.uow() as uow:
        tea = uow.products.get_by_sku("TEA")
        assert tea is not None and tea.id is not None
        assert uow.ledger.balance(tea.id) == tea_level
    # Bob keeps everything of his.
    await bob.says("/mydata")
    assert bob.has_seen(story.bobs.code) and bob.has_seen(BOBS_QUESTION)
    # Ann comes back as a new customer, with nothing behind her.
    await ann.says("/start")
    await fill_cart(ann, "Earl Grey")
    before = len(ann.chat.from_bot)
    await ann.says("/mydata")
    text = said_since(ann, before)
    assert story.completed.code not in text and QUESTION not in text
    assert "Phone number: none" in text


async def test_forgetme_is_refused_while_an_order_is_in_progress(bot: RunningBot) -> None:
    tea = sell(bot, 5, sku="TEA", name="Earl Grey")
    ann = someone(bot, "Ann")
    await fill_cart(ann, "Earl Grey")
    await ann.says("/forgetme")
    question = ann.last
    open_order = place_order(bot, ann, tea)  # meanwhile, from another device
    refusal = (
        f"You have an order in progress ({open_order.code}); it must be completed or "
        "cancelled before your personal data can be erased."
    )
    await ann.presses("Yes, erase", on=question)
    assert ann.toasts[-1] == refusal
    await ann.says("/forgetme")
    assert ann.screen == refusal and not ann.last.buttons
    assert orders.find_order(open_order.code, uow=bot.shop.uow()).phone  # nothing erased


async def test_keeping_the_data_or_answering_an_old_question_erases_nothing(
    bot: RunningBot,
) -> None:
    sell(bot, 5, sku="TEA", name="Earl Grey")
    ann = someone(bot, "Ann")
    await fill_cart(ann, "Earl Grey")
    await ann.says("/forgetme")
    await ann.presses("Keep my data")
    assert ann.screen == "Nothing was erased."
    stale = ForgetMe(ann.person.id, 1_000_000_000, Consent.YES).pack()
    assert await ann.presses_data(stale) == "This question has expired; send /forgetme again."
    await ann.says("/mydata")
    assert ann.has_seen("Earl Grey")
    nobody = someone(bot, "Nobody")
    await nobody.says("/forgetme")
    assert nobody.screen == "The shop keeps no personal data about you."


def test_the_log_check_finds_a_shared_phone_or_a_typed_address_in_a_record(
    double: LocalBotApi,
) -> None:
    ann = double.person("Ann")
    double.send_text(ann, "/checkout")
    asked = "Please type the delivery address (street and number, town)."
    with double.lock:
        double.chats[ann.id].messages.append(ChatMessage(10_000, ann, True, 0, text=asked))
    double.send_text(ann, "9 Rue Haute, Paris")
    double.share_contact(ann, "+33 6 12 34 56 78")
    given = personal_data_given([double])
    assert {"9 Rue Haute, Paris", "+33612345678", "+33 6 12 34 56 78"} <= given

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("bot.x", logging.INFO, __file__, 1, message, (), None)

    assert leaks([record("order for 9 Rue Haute, Paris")], given)
    assert leaks([record("calling +33612345678")], given)
    assert leaks([record("calling 06 12 34 56 78")], given)
    assert not leaks([record("update 42 handled")], given)
