"""The database stalls or drops the bot's connections in the middle of the day (MariaDB, the
production database, reached through a proxy the test pauses and cuts): everyone is answered
once it is back, or told politely to try again, and nothing is lost or applied twice."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, func, select, text
from sqlalchemy.engine import make_url

from bot.domain.errors import CANNOT_SAVE_NOW, OutcomeUnknown
from bot.domain.services import orders
from bot.domain.services.customers import CustomerRef
from bot.persistence.models import LedgerRow, OrderRow, OutboxRow
from bot.playground.bot_api.server import LocalBotApi
from tests.support.books import stock_matches_ledger
from tests.support.chat_person import ChatPerson
from tests.support.db_proxy import DatabaseProxy, proxied
from tests.support.running_bot import RunningBot, both_modes, running_bot
from tests.support.shop_factories import checkout_for_pickup, fill_cart, logged_in_manager, sell

SORRY = "Sorry, something went wrong on our side. Please try again in a moment."
STALL_SECONDS = 20


@pytest.fixture
def mariadb(engine: Engine, backend: str) -> Engine:
    if backend != "mariadb":
        pytest.skip("a stalled or cut network connection is a database server's fault")
    return engine


@pytest.fixture
def proxy(mariadb: Engine) -> Iterator[DatabaseProxy]:
    with proxied(mariadb.url.render_as_string(hide_password=False)) as relay:
        yield relay


def through(proxy: DatabaseProxy, engine: Engine) -> str:
    return proxy.url_for(engine.url.render_as_string(hide_password=False))


async def at_the_summary(bot: RunningBot, name: str, item: str) -> ChatPerson:
    person = ChatPerson(bot.double, bot.double.person(name))
    await fill_cart(person, item)
    await checkout_for_pickup(person)
    assert person.last.button_texts[0].startswith("✅ Confirm")
    return person


def press_now(person: ChatPerson, button: str) -> str:
    """Press without waiting for the answer (the database is away)."""
    return person.double.press(person.person, person.last, button)


def count(engine: Engine, row: type[OrderRow] | type[OutboxRow]) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(row)).scalar_one())


async def test_a_twenty_second_stall_mid_browsing_and_checkout_answers_everyone_once_back(
    double: LocalBotApi, mariadb: Engine, proxy: DatabaseProxy
) -> None:
    async with running_bot(double, through(proxy, mariadb)) as bot:
        sell(bot, sku="AVO", name="Avocado, ripe", stock=5, price_minor=120)
        sell(bot, sku="TEA", name="Earl Grey", stock=50, price_minor=250)
        boss = logged_in_manager(bot)
        ann = await at_the_summary(bot, "Ann", "Avocado")
        bob = await at_the_summary(bot, "Bob", "Earl Grey")
        carl = ChatPerson(bot.double, bot.double.person("Carl"))
        dana = ChatPerson(bot.double, bot.double.person("Dana"))
        await dana.says("/search tea")

        proxy.pause()
        presses = [press_now(ann, "✅ Confirm"), press_now(bob, "✅ Confirm")]
        presses.append(press_now(dana, "Earl Grey"))
        double.send_text(carl.person, "/search avocado")
        await asyncio.sleep(STALL_SECONDS)
        proxy.resume()
        await double.settle(timeout=60)

        assert all(double.callback_answer(query) is not None for query in presses)
        assert "Order" in ann.screen and "placed" in ann.screen
        assert "Order" in bob.screen and "placed" in bob.screen
        assert "Earl Grey" in dana.screen and "2.50" in dana.screen
        assert any("Avocado, ripe" in b for b in carl.last.button_texts)
        assert count(mariadb, OrderRow) == 2
        stock_matches_ledger(mariadb)
        codes = [
            order.code
            for person in (ann, bob)
            for order in orders.my_orders(CustomerRef(person.person.id, ""), uow=bot.shop.uow())
        ]
        await double.wait_for(
            lambda: all(boss.has_seen(code) for code in codes), what="the new-order alerts"
        )
        alerts = [m for m in boss.chat.from_bot if "New order" in m.shown_text]
        assert len(alerts) == 2


@both_modes  # an update whose record was cut: answered 503 to the webhook, or polled again
async def test_connections_cut_mid_transaction_lose_nothing_and_double_nothing(
    double: LocalBotApi, mariadb: Engine, proxy: DatabaseProxy, mode: str
) -> None:
    async with running_bot(double, through(proxy, mariadb), mode) as bot:
        sell(bot, sku="TEA", name="Earl Grey", stock=100, price_minor=250)
        boss = logged_in_manager(bot)
        people = [await at_the_summary(bot, f"Customer {n}", "Earl Grey") for n in range(12)]

        cutting = True

        async def keep_cutting() -> int:
            cut = 0
            while cutting:
                cut += proxy.cut_all()
                await asyncio.sleep(0.02)
            return cut

        cutter = asyncio.create_task(keep_cutting())
        presses = [press_now(person, "✅ Confirm") for person in people]
        await asyncio.sleep(1.5)
        cutting = False
        assert await cutter > 0, "no connection was cut: the test proved nothing"
        await double.settle(timeout=60)

        # Everyone heard something: the order, or the one sentence for "the database is away,
        # try again" (never the apology for a bug).
        answers = [double.callback_answer(query) for query in presses]
        assert all(answer is not None for answer in answers)
        assert not any(SORRY in (a or {}).get("text", "") for a in answers)
        placed = [p for p in people if "placed" in p.screen]
        told_sorry = [
            p
            for p, a in zip(people, answers, strict=True)
            if (a or {}).get("text", "") == CANNOT_SAVE_NOW
        ]
        # A connection cut during the COMMIT itself: nobody can tell whether it was saved.
        told_to_check = [
            p
            for p, a in zip(people, answers, strict=True)
            if (a or {}).get("text", "") == str(OutcomeUnknown())
        ]
        others = [
            (p.person.first_name, p.screen, a)
            for p, a in zip(people, answers, strict=True)
            if p not in placed and p not in told_sorry and p not in told_to_check
        ]
        assert not others, f"neither placed nor told to try again or to check: {others}"
        # Those told to try again do, and those told to check try again if they find no
        # order; nobody ends up with two orders, or none.
        for person in told_sorry + told_to_check:
            mine = orders.my_orders(CustomerRef(person.person.id, ""), uow=bot.shop.uow())
            if person in told_to_check and mine:
                continue
            if person.last.button_texts and person.last.button_texts[0].startswith("✅ Confirm"):
                await person.presses("✅ Confirm")
        for person in people:
            mine = orders.my_orders(CustomerRef(person.person.id, ""), uow=bot.shop.uow())
            assert len(mine) == 1, f"{person.person.first_name} has {len(mine)} orders"
        assert count(mariadb, OrderRow) == 12
        stock_matches_ledger(mariadb)
        with mariadb.connect() as connection:
            sales = connection.execute(
                select(func.count()).select_from(LedgerRow).where(LedgerRow.order_id.is_not(None))
            ).scalar_one()
        assert sales == 12
        # An alert whose claim was cut after it committed waits out its lease (60 s), then goes.
        await double.wait_for(
            lambda: sum("New order" in m.shown_text for m in boss.chat.from_bot) >= 12,
            timeout=90,
            what="twelve new-order alerts",
        )
        await asyncio.sleep(0.5)
        assert sum("New order" in m.shown_text for m in boss.chat.from_bot) == 12


async def test_an_idle_bot_past_the_servers_wait_timeout_answers_the_next_tap(
    double: LocalBotApi, mariadb: Engine
) -> None:
    url = make_url(mariadb.url.render_as_string(hide_password=False)).update_query_dict(
        {"init_command": "SET SESSION wait_timeout=2"}  # the server drops idle links after 2 s
    )
    async with running_bot(double, url.render_as_string(hide_password=False)) as bot:
        sell(bot, sku="TEA", name="Earl Grey", stock=5, price_minor=250)
        ann = ChatPerson(bot.double, bot.double.person("Ann"))
        await ann.says("/search tea")
        assert any("Earl Grey" in b for b in ann.last.button_texts)
        await asyncio.sleep(3)
        await ann.says("/search earl")
        assert ann.screen == "Found 1 for “earl”"
        assert not ann.has_seen(SORRY)


def _waiting_on_a_lock(engine: Engine) -> list[int]:
    """The connections whose statement waits to change the locked row (the bot's, here)."""
    with engine.connect() as look:
        rows = look.execute(
            text(
                "SELECT id FROM information_schema.processlist WHERE db = DATABASE() "
                "AND command = 'Query' AND info LIKE 'UPDATE products%'"
            )
        )
        return [int(thread) for (thread,) in rows]


async def _until_waiting(engine: Engine) -> list[int]:
    for _ in range(200):
        if waiting := _waiting_on_a_lock(engine):
            return waiting
        await asyncio.sleep(0.05)
    raise AssertionError("the bot never waited for the locked row")


def _hold_the_row(engine: Engine, sku: str) -> Connection:
    holder = engine.connect()
    holder.begin()
    holder.execute(text("SELECT id FROM products WHERE sku = :sku FOR UPDATE"), {"sku": sku})
    return holder


async def test_a_connection_killed_while_a_confirm_waits_is_run_again_and_places_one_order(
    double: LocalBotApi, mariadb: Engine
) -> None:
    """MySQL error 2013: the server killed the bot's connection mid-transaction (a restart,
    a KILL, a network cut). Nothing of that transaction was committed: the tap is run again."""
    async with running_bot(double, mariadb.url.render_as_string(hide_password=False)) as bot:
        sell(bot, sku="TEA", name="Earl Grey", stock=5, price_minor=250)
        ann = await at_the_summary(bot, "Ann", "Earl Grey")
        holder = _hold_the_row(mariadb, "TEA")
        try:
            press = press_now(ann, "✅ Confirm")
            waiting = await _until_waiting(mariadb)
            with mariadb.connect() as admin:
                for thread in waiting:
                    admin.execute(text(f"KILL CONNECTION {thread}"))
            # The bot runs the Confirm again and waits for the row once more.
            await _until_waiting(mariadb)
        finally:
            holder.rollback()
            holder.close()
        await double.settle(timeout=30)

        assert double.callback_answer(press) is not None
        assert not ann.has_seen(SORRY)
        assert "Order" in ann.screen and "placed" in ann.screen
        assert count(mariadb, OrderRow) == 1
        stock_matches_ledger(mariadb)
