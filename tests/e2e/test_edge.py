"""The edge, end to end: each input someone hurried or hostile sent, and what they get now.

Every test runs the real bot over HTTP against the local Bot API, on SQLite and MariaDB.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import Engine, text

from bot.domain.clock import utc_now
from bot.domain.orders import Order, OrderStatus
from bot.domain.services import orders
from bot.domain.services.customers import CustomerRef
from bot.handlers.edge import BACKLOG, EDITS_NOT_APPLIED, SLOW_DOWN
from tests.support.chat_person import ChatPerson
from tests.support.running_bot import RunningBot, both_modes
from tests.support.shop_factories import (
    STAFF_PASSWORD,
    checkout_for_pickup,
    fill_cart,
    logged_in_manager,
    picks_first_delivery_time,
    sell,
    someone,
    staff_id_of,
    stock_of,
)


def ref(person: ChatPerson) -> CustomerRef:
    return CustomerRef(person.person.id, person.person.first_name, None)


def placed(bot: RunningBot, person: ChatPerson) -> list[Order]:
    return orders.my_orders(ref(person), uow=bot.shop.uow())


async def an_order(bot: RunningBot) -> tuple[ChatPerson, Order]:
    """Ann orders one Earl Grey for pickup, through the chat."""
    sell(bot, 10, sku="TEA", name="Earl Grey")
    ann = someone(bot, "Ann")
    await fill_cart(ann, "Earl Grey")
    await checkout_for_pickup(ann)
    await ann.presses("✅ Confirm")
    [order] = placed(bot, ann)
    return ann, order


def age(engine: Engine, table: str, column: str, minutes: int) -> None:
    """Make every row of a table look `minutes` older (a question left, a step abandoned)."""
    with engine.begin() as connection:
        connection.execute(
            text(f"UPDATE {table} SET {column} = :at"),
            {"at": (utc_now() - timedelta(minutes=minutes)).replace(tzinfo=None)},
        )


def no_errors_logged(caplog: pytest.LogCaptureFixture) -> bool:
    return not [r for r in caplog.records if r.levelno >= logging.ERROR]


# ------------------------------------------------------------------ commands as people type them


async def test_a_look_alike_command_reaches_the_same_guard_and_the_same_command(
    bot: RunningBot,
) -> None:
    boss = logged_in_manager(bot)
    await boss.says("/report.")
    assert boss.has_seen("Daily revenue")
    await boss.says("/REPORT")
    assert len(bot.double.calls_to("sendPhoto")) == 2  # both reached /report, for a manager
    stranger = someone(bot, "Stranger")
    for spelling in ("/report.", "/lowstock,", "/staff.", "/REPORT", "/report@shopkeeps_test_bot"):
        await stranger.says(spelling)
        assert "This is for store staff" in stranger.screen, spelling
    assert len(bot.double.calls_to("sendPhoto")) == 2


async def test_an_edited_command_is_not_applied_again(bot: RunningBot) -> None:
    sell(bot, 10, sku="TEA", name="Earl Grey")
    clerk = logged_in_manager(bot, "Clerk")
    sent = bot.double.send_text(clerk.person, "/restock TEA 5")
    await bot.double.settle()
    assert stock_of(bot, "TEA") == 15
    bot.double.edit_text(clerk.person, sent, "/restock TEA 6")
    await bot.double.settle()
    assert stock_of(bot, "TEA") == 15
    assert EDITS_NOT_APPLIED in clerk.screen


@pytest.mark.parametrize("mode", ["webhook"])  # Telegram redelivers to a webhook
async def test_a_redelivered_update_is_applied_once_and_its_press_answered_once(
    bot: RunningBot,
) -> None:
    sell(bot, 10, sku="TEA", name="Earl Grey")
    clerk = logged_in_manager(bot, "Clerk")
    await clerk.says("/restock TEA 5")
    bot.double.redeliver(bot.double.last_update_id())
    await bot.double.settle()
    assert stock_of(bot, "TEA") == 15
    assert sum("Restocked" in m.shown_text for m in clerk.chat.from_bot) == 1

    ann = someone(bot, "Ann")
    await ann.says("/search earl")
    await ann.presses("Earl Grey")
    query = bot.double.press(ann.person, ann.last, "to cart")
    bot.double.redeliver(bot.double.last_update_id())
    await bot.double.settle()
    answers = [
        c
        for c in bot.double.calls_to("answerCallbackQuery")
        if c.params.get("callback_query_id") == query
    ]
    assert len(answers) == 1
    assert "In your cart: 1 pc" in ann.screen


# ------------------------------------------------------------------ checkout


async def test_confirm_tapped_twice_places_one_order(bot: RunningBot) -> None:
    sell(bot, 10, sku="TEA", name="Earl Grey")
    ann = someone(bot, "Ann")
    await fill_cart(ann, "Earl Grey")
    await checkout_for_pickup(ann)
    summary = ann.last
    first = bot.double.press(ann.person, summary, "✅ Confirm")
    second = bot.double.press(ann.person, summary, "✅ Confirm")
    await bot.double.settle()
    assert len(placed(bot, ann)) == 1
    assert stock_of(bot, "TEA") == 9
    alerts = [bot.double.callback_answer(q) or {} for q in (first, second)]
    assert alerts[0].get("text") == "Order placed!"
    assert "already placed" in (alerts[1].get("text") or "")


async def test_a_stale_skip_from_an_earlier_checkout_does_not_skip_the_phone(
    bot: RunningBot,
) -> None:
    sell(bot, 10, sku="TEA", name="Earl Grey")
    ann = someone(bot, "Ann")
    await fill_cart(ann, "Earl Grey")
    await ann.says("/checkout")
    await ann.presses("Pickup")
    await ann.presses(ann.last.button_texts[0])
    await ann.shares_phone("+44 20 7946 0958")
    old_note_question = ann.last
    stale_skip = old_note_question.buttons[0]["callback_data"]  # the message is edited later
    await ann.presses("Skip")
    await ann.presses("✅ Confirm")
    await fill_cart(ann, "Earl Grey")
    await ann.says("/checkout")
    await ann.presses("Delivery")
    await ann.says("12 Rue de la Paix, Paris")
    await picks_first_delivery_time(ann)
    assert "share your phone number" in ann.screen
    alert = await ann.presses_data(stale_skip, on=old_note_question)
    assert alert == "That question was already answered. Please use the latest message."
    await ann.shares_phone("+33 6 12 34 56 78")
    await ann.presses("Skip")
    assert "📞 +33 6 12 34 56 78" in ann.screen


async def test_text_after_an_abandoned_step_is_a_search_with_a_way_back(
    bot: RunningBot, engine: Engine
) -> None:
    sell(bot, 10, sku="CROI", name="Croissant")
    ann = someone(bot, "Ann")
    await fill_cart(ann, "Croissant")
    await ann.says("/checkout")
    await ann.says("hello?")  # at pickup-or-delivery: asked again, not searched
    assert "Please answer with the buttons below" in ann.chat.from_bot[-2].shown_text
    assert "How would you like to get your order?" in ann.screen
    await ann.presses("Pickup")
    await ann.presses(ann.last.button_texts[0])
    await ann.says("croissant")  # a fresh phone question: a clear error
    assert "phone number" in ann.screen
    age(engine, "checkouts", "updated_at", minutes=30)
    await ann.says("croissant")
    assert "Found 1" in ann.screen and "/checkout to continue" in ann.screen
    await ann.says("/checkout")
    assert "share your phone number" in ann.screen  # where it stopped


async def test_a_customer_cannot_pile_up_orders_the_store_has_not_accepted(
    bot: RunningBot,
) -> None:
    sell(bot, 50, sku="TEA", name="Earl Grey")
    ann = someone(bot, "Ann")
    for _ in range(3):
        await fill_cart(ann, "Earl Grey")
        await checkout_for_pickup(ann)
        await ann.presses("✅ Confirm")
    await fill_cart(ann, "Earl Grey")
    await ann.says("/checkout")
    assert "already have 3 orders waiting" in ann.screen
    assert len(placed(bot, ann)) == 3


# ------------------------------------------------------------------ passwords


async def test_a_password_sent_after_its_question_expired_is_deleted_unread(
    bot: RunningBot, engine: Engine
) -> None:
    logged_in_manager(bot)  # the account "boss"
    boss = someone(bot, "Boss again")
    await boss.says("/login")
    await boss.says("boss")
    age(engine, "prompts", "updated_at", minutes=20)
    late = bot.double.send_text(boss.person, STAFF_PASSWORD)
    await bot.double.settle()
    assert late.deleted
    assert "I deleted that message in case it held a password" in boss.screen
    assert not boss.has_seen("Nothing found")


async def test_passwords_sent_several_at_once_are_all_deleted_and_none_is_echoed(
    bot: RunningBot,
) -> None:
    logged_in_manager(bot)
    boss = someone(bot, "Boss on a phone")
    await boss.says("/login")
    await boss.says("boss")
    sent = [bot.double.send_text(boss.person, STAFF_PASSWORD) for _ in range(3)]
    await bot.double.settle()
    assert all(m.deleted for m in sent)
    assert boss.has_seen("Welcome, Boss on a phone!")
    assert not any(STAFF_PASSWORD in m.shown_text for m in boss.chat.from_bot)
    assert not boss.has_seen("Nothing found")


async def test_a_password_over_72_bytes_is_just_a_wrong_password(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    logged_in_manager(bot)
    mallory = someone(bot, "Mallory")
    for username in ("boss", "nobody"):
        await mallory.says("/login")
        await mallory.says(username)
        await mallory.says("é" * 40)
        assert "Wrong username or password" in mallory.screen, username
    assert no_errors_logged(caplog)


# ------------------------------------------------------------------ limits


async def test_a_long_cancel_reason_is_refused_before_anything_changes(
    bot: RunningBot,
) -> None:
    ann, order = await an_order(bot)
    boss = logged_in_manager(bot)
    await boss.says(f"/order {order.code}")
    await boss.presses("Cancel")
    assert "at most 500 characters" in boss.screen
    for length in (600, 4000):
        await boss.says("x" * length)
        assert f"That reason has {length} characters; please keep it to 500" in boss.screen
        assert orders.find_order(order.code, uow=bot.shop.uow()).status is OrderStatus.PLACED
    await boss.says("We ran out of tea, sorry")
    assert orders.find_order(order.code, uow=bot.shop.uow()).status is OrderStatus.CANCELLED
    await bot.double.wait_for(
        lambda: ann.has_seen("Reason: We ran out of tea, sorry"), what="the customer told"
    )
    assert not boss.has_seen("Nothing found")


async def test_forged_buttons_of_every_shape_get_a_polite_answer(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    tea = sell(bot, 10, sku="TEA", name="Earl Grey")
    ann = someone(bot, "Ann")
    await ann.says("/start")
    for forged in (
        f"add:{tea.id}:1e999",
        f"add:{tea.id}:NaN",
        f"p:{tea.id}:-Infinity",
        f"cl:+:{'9' * 30}",
        "so:X:placed:nowhere",
        "co" + "x" * 70,
    ):
        alert = await ann.presses_data(forged[:64])
        assert alert == "This button is no longer valid. Send /start for a fresh menu.", forged
    assert no_errors_logged(caplog)


@both_modes  # polling hands a flood over in batches of 100, a webhook one update a request
async def test_a_flood_from_one_person_delays_nobody_else(bot: RunningBot) -> None:
    # As Telegram: the flooder's chat takes a burst, then about a message a second (429s).
    bot.double.enforce_flood_limit(30)
    sell(bot, 10, sku="TEA", name="Earl Grey")
    flooder, ann = someone(bot, "Flooder"), someone(bot, "Ann")
    for n in range(150):
        bot.double.send_text(flooder.person, f"tea {n}")
    bot.double.send_text(ann.person, "/start")
    await bot.double.settle(timeout=60)
    assert ann.has_seen("Welcome to")
    assert flooder.has_seen(SLOW_DOWN)
    replies = [m for m in flooder.chat.from_bot if m.shown_text != SLOW_DOWN]
    if not bot.settings.use_webhook:
        # Long polling hands the flood over in batches of 100: what is answered is what was
        # queued when each batch came in. A webhook gets one update per request: the bot
        # drains them as fast as Telegram takes the replies, then its backlog fills.
        assert len(replies) <= 2 * BACKLOG
    assert len(replies) < 150 // 2  # most of the flood was dropped, in either mode
    assert bot.double.flood_refusals_by_rule["bot"] == 0  # replies are not bulk
    order = [int(c.params["chat_id"]) for c in bot.double.calls_to("sendMessage")]
    last_to_flooder = max(i for i, chat in enumerate(order) if chat == flooder.person.id)
    assert order.index(ann.person.id) < last_to_flooder  # Ann did not wait for the backlog


async def test_staff_commands_in_a_group_point_to_a_private_chat(bot: RunningBot) -> None:
    await an_order(bot)  # with a phone number that must not reach the group
    boss = logged_in_manager(bot)
    team = bot.double.group("Shop team")
    for command in ("/orders", "/orders@shopkeeps_test_bot", "/report", "/start", "/cart"):
        bot.double.send_text_in(team, boss.person, command)
    bot.double.send_text_in(team, boss.person, "/orders@another_bot")
    bot.double.send_text_in(team, boss.person, "see you at noon")
    await bot.double.settle()
    said = [m.shown_text for m in bot.double.chats[team.id].from_bot]
    assert len(said) == 5
    assert all("I work in private chats only" in s for s in said)
    assert not any("+44" in s or "Order " in s for s in said)


async def test_a_notification_telegram_refuses_as_malformed_is_an_error_in_the_log(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    _, order = await an_order(bot)
    boss = logged_in_manager(bot)
    bot.double.fail_next("sendMessage", 400)  # "Bad Request": not a chat that is gone
    orders.move_order(
        staff_id_of(bot, boss),
        order.code,
        OrderStatus.ACCEPTED,
        store=bot.shop.store,
        uow=bot.shop.uow(),
    )

    def refused() -> list[logging.LogRecord]:
        return [r for r in caplog.records if "refused as malformed" in r.getMessage()]

    await bot.double.wait_for(lambda: bool(refused()), what="the refusal to be logged")
    assert refused()[0].levelno == logging.ERROR
