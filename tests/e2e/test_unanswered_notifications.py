"""Telegram slower than the bot waits: a notification whose send got no answer may have
arrived, so it is sent once more at most, and not before a long wait; then it is given up on
with an ERROR line. At most one duplicate per message, never an endless repeat."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, select

from bot import app
from bot.config import Settings
from bot.domain.orders import Order
from bot.domain.services import catalogue, outbox
from bot.domain.services.customers import CustomerRef
from bot.handlers import notifications
from bot.persistence.models import OutboxRow
from bot.playground.bot_api.server import LocalBotApi
from bot.transport import AiohttpRequest
from tests.support.chat_person import ChatPerson
from tests.support.factories import delivery_details, make_product, placed_order
from tests.support.running_bot import RunningBot, running_bot
from tests.support.shop_factories import logged_in_manager

# The same story as in a shop, faster: the bot waits 1 s for an answer (not 5 s), Telegram
# takes 1.5 s to answer (and delivers the message all the same), and a message that got no
# answer goes again after 2 s (not a minute).
READ_TIMEOUT = 1.0
TELEGRAM_TAKES = 1.5
WAIT = timedelta(seconds=2)


@pytest.fixture
async def bot(
    double: LocalBotApi, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[RunningBot]:
    def impatient(settings: Settings, pool: int = 256) -> AiohttpRequest:
        return AiohttpRequest(connection_pool_size=pool, read_timeout=READ_TIMEOUT)

    monkeypatch.setattr(app, "transport", impatient)
    monkeypatch.setattr(outbox, "UNANSWERED_WAIT", WAIT)
    async with running_bot(double, engine.url.render_as_string(hide_password=False)) as running:
        yield running


def new_order(bot: RunningBot, customer: str = "Ann") -> Order:
    tea = catalogue.add_product(
        make_product(sku="TEA", name="Earl Grey", price_minor=250),
        initial_stock=Decimal(10),
        actor="test",
        store=bot.shop.store,
        uow=bot.shop.uow(),
    )
    ann = bot.double.person(customer)
    who = CustomerRef(ann.id, customer)
    return placed_order(
        bot.shop.uow(), who, (tea, 1), details=delivery_details(), store=bot.shop.store
    )


def alert_row(bot: RunningBot) -> OutboxRow:
    with bot.shop.engine.connect() as connection:
        row = connection.execute(select(OutboxRow).where(OutboxRow.kind == "order_placed")).one()
    return OutboxRow(**row._asdict())


def copies(clerk: ChatPerson, order: Order) -> int:
    return sum(f"New order {order.code}" in m.shown_text for m in clerk.chat.from_bot)


async def test_a_telegram_that_never_answers_in_time_gives_the_clerk_two_copies_then_an_error(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    clerk = logged_in_manager(bot, "Clerk")
    bot.double.slow_down("sendMessage", TELEGRAM_TAKES)
    order = new_order(bot)
    await bot.double.wait_for(
        lambda: alert_row(bot).failed_at is not None, timeout=15, what="the alert given up"
    )
    await bot.double.settle()  # the second copy lands after the bot stopped waiting for it
    await bot.another_sender_round()  # and nothing goes a third time
    assert copies(clerk, order) == 2
    row = alert_row(bot)
    assert row.sent_at is None and row.unsure_sends == 2
    sender = notifications.log.name
    given_up = [
        r.getMessage() for r in caplog.records if r.name == sender and r.levelno == logging.ERROR
    ]
    assert given_up == [
        f"notification {row.id} (order_placed to chat {clerk.person.id}) given up: 2 sends got "
        "no answer from Telegram and may have arrived; it is not sent again"
    ]
    metrics = bot.shop.metrics.exposition().decode()
    assert 'shopkeeps_notifications_given_up_total{reason="unanswered"} 1.0' in metrics
    assert "shopkeeps_notifications_unanswered_total 2.0" in metrics


async def test_after_a_send_with_no_answer_telegram_recovers_and_the_alert_is_marked_sent(
    bot: RunningBot,
) -> None:
    clerk = logged_in_manager(bot, "Clerk")
    bot.double.slow_down("sendMessage", TELEGRAM_TAKES)
    placed_at = datetime.now(UTC)
    order = new_order(bot)
    await bot.double.wait_for(
        lambda: alert_row(bot).attempts == 1, timeout=10, what="the first send to time out"
    )
    first_try = alert_row(bot)
    assert first_try.next_attempt_at >= placed_at + timedelta(seconds=READ_TIMEOUT) + WAIT
    assert first_try.unsure_sends == 1  # it may have arrived: counted
    bot.double.slow_down("sendMessage", 0)  # Telegram answers in time again
    await bot.double.wait_for(
        lambda: alert_row(bot).sent_at is not None, timeout=10, what="the alert marked sent"
    )
    await bot.double.settle()
    await bot.another_sender_round()
    # The first copy arrived after the bot had stopped waiting: the one duplicate allowed.
    assert copies(clerk, order) == 2
    assert alert_row(bot).failed_at is None


async def test_a_failure_before_anything_left_is_not_counted_as_a_possible_copy(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = logged_in_manager(bot, "Clerk")
    wording, broken = notifications.render, [KeyError("order_code")]

    def fails_once(*args: Any) -> Any:
        if broken:
            raise broken.pop()
        return wording(*args)

    monkeypatch.setattr(notifications, "render", fails_once)
    order = new_order(bot)
    await bot.double.wait_for(
        lambda: alert_row(bot).sent_at is not None, timeout=10, what="the alert sent"
    )
    row = alert_row(bot)
    assert (row.attempts, row.unsure_sends) == (1, 1)  # the failed try was taken back
    assert copies(clerk, order) == 1
