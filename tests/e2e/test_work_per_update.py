"""The database work one update costs, watched on the real bot's engine (SQLite and MariaDB).

Besides the once-only record of the update and the send budget's ticks (infrastructure every
update pays), a plain text is one read transaction, and no screen asks the same thing twice.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.engine.interfaces import CacheStats

from tests.support.chat_person import ChatPerson
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import sell, someone
from tests.support.transactions import Transaction, screen_work, transactions, updates_alone


@contextmanager
def compilations(engine: Engine) -> Iterator[list[tuple[str, CacheStats]]]:
    """Every statement run meanwhile, with whether SQLAlchemy took it from its cache."""
    seen: list[tuple[str, CacheStats]] = []

    def ran(_conn: object, _cursor: object, sql: str, _p: object, context: Any, _m: bool) -> None:
        if not sql.startswith("BEGIN"):
            seen.append((sql, context.cache_hit))

    event.listen(engine, "before_cursor_execute", ran)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", ran)


def _records_an_update(sql: str) -> bool:
    return sql.lstrip().upper().startswith("INSERT") and "processed_updates" in sql


def asked_twice(seen: list[Transaction]) -> list[str]:
    asked = [s for t in screen_work(seen) for s in t.statements]
    return [sql for sql, params in set(asked) if asked.count((sql, params)) > 1]


@pytest.mark.parametrize("mode", ["polling"])
async def test_a_plain_text_search_is_one_read_transaction(bot: RunningBot) -> None:
    sell(bot, sku="HONEY", name="Acacia honey")
    ann = someone(bot, "Ann")
    await ann.says("/start")
    with updates_alone(bot) as seen:
        await ann.says("honey")
    assert any("Acacia honey" in label for label in ann.last.button_texts)
    work = screen_work(seen)
    assert len(work) == 1, [t.statements[0][0][:120] for t in work]
    [read] = work
    assert not read.writes
    assert asked_twice(seen) == []


@pytest.mark.parametrize("mode", ["polling"])
async def test_a_text_too_short_to_search_reads_only_what_it_might_answer(
    bot: RunningBot,
) -> None:
    ann = someone(bot, "Ann")
    await ann.says("/start")
    with updates_alone(bot) as seen:
        await ann.says("h")
    assert "Type at least 2 letters to search" in ann.screen
    assert len(screen_work(seen)) == 1


@pytest.mark.parametrize("mode", ["polling"])
async def test_browsing_to_an_item_and_adding_it_asks_nothing_twice(bot: RunningBot) -> None:
    sell(bot, sku="HONEY", name="Acacia honey", category="Pantry")
    ann = someone(bot, "Ann")
    await ann.says("/catalogue")
    for step in ("Pantry", "Acacia honey", "to cart"):
        with updates_alone(bot) as seen:
            await ann.presses(step)
        assert asked_twice(seen) == [], step
    assert "In your cart: 1 pc" in ann.screen


@pytest.mark.parametrize("mode", ["polling"])
async def test_a_tap_on_a_card_is_answered_from_its_record_alone(bot: RunningBot) -> None:
    # The card shows the cart and the ⭐ as the update's record read them: ➕ on a card this
    # worker has drawn before asks the database nothing more.
    sell(bot, sku="HONEY", name="Acacia honey", category="Pantry")
    ann = someone(bot, "Ann")
    await ann.says("/start p_HONEY")
    await ann.presses("☆ Favourite")
    await ann.presses("➕")  # 2 pc: this worker keeps the item now
    for step in ("➖", "➕"):
        with updates_alone(bot) as seen:
            await ann.presses(step)
        assert screen_work(seen) == [], step
    assert "⭐ Favourite" in ann.last.button_texts


@pytest.mark.parametrize("mode", ["polling"])
async def test_a_second_customer_browsing_compiles_no_statement_again(bot: RunningBot) -> None:
    # Each update's record, the language lookup and the browse run from SQLAlchemy's
    # statement cache: compiling them again would cost more than running them.
    sell(bot, sku="HONEY", name="Acacia honey", category="Pantry")
    people = [someone(bot, name) for name in ("Ann", "Bob")]
    for person in people:
        await person.says("/start")  # first contact: their language is noted once
    passes = []
    for person in people:
        with compilations(bot.shop.engine) as seen:
            await person.says("/catalogue")
            for step in ("Pantry", "Acacia honey", "to cart"):
                await person.presses(step)
        assert "In your cart: 1 pc" in person.screen
        passes.append(seen)
    first, second = passes
    uncacheable = {CacheStats.NO_CACHE_KEY, CacheStats.CACHING_DISABLED}
    assert [sql for sql, hit in first + second if hit in uncacheable] == []
    asked_before = {sql for sql, _ in first}
    again = [sql for sql, hit in second if hit is CacheStats.CACHE_MISS and sql in asked_before]
    assert again == []
    assert len(second) >= 10  # the browse was watched


@pytest.mark.parametrize("mode", ["polling"])
async def test_a_burst_of_updates_is_recorded_in_fewer_transactions_than_updates(
    bot: RunningBot,
) -> None:
    # Group commit: updates arriving while one record is written share the next transaction.
    people = [someone(bot, f"Person {n}") for n in range(12)]
    with transactions(bot.shop.engine) as seen:
        for person in people:
            bot.double.send_text(person.person, "/start")
        await bot.double.settle()
    assert all("Corner Shop" in person.screen for person in people)
    records = [t for t in seen if any(_records_an_update(sql) for sql, _ in t.statements)]
    recorded = sum(  # the new updates of a batch go in one statement, a row each
        rows
        for t in records
        for (sql, _), rows in zip(t.statements, t.rows, strict=True)
        if _records_an_update(sql)
    )
    assert recorded == len(people)  # each update recorded once
    assert 1 <= len(records) < len(people)


@pytest.mark.parametrize("mode", ["polling"])
async def test_database_work_runs_on_the_shops_few_threads_never_on_the_event_loop(
    bot: RunningBot,
) -> None:
    sell(bot, sku="HONEY", name="Acacia honey", category="Pantry")
    threads: set[str] = set()

    def ran(*_: object) -> None:
        threads.add(threading.current_thread().name)

    async def browse(person: ChatPerson) -> None:
        await person.says("/catalogue")
        for step in ("Pantry", "Acacia honey", "to cart"):
            await person.presses(step)

    people = [someone(bot, name) for name in ("Ann", "Bob", "Cleo", "Dan", "Eve", "Fay")]
    event.listen(bot.shop.engine, "before_cursor_execute", ran)
    try:
        await asyncio.gather(*(browse(person) for person in people))
    finally:
        event.remove(bot.shop.engine, "before_cursor_execute", ran)
    assert all("In your cart: 1 pc" in person.screen for person in people)
    assert threads and all(name.startswith("database") for name in threads), threads
    assert len(threads) <= bot.settings.database_threads == 2


async def test_what_start_up_built_is_out_of_the_collectors_sight_while_the_bot_runs(
    bot: RunningBot,
) -> None:
    # A full collection walks only what came since start-up: no 70 ms pause on a big heap.
    assert gc.get_freeze_count() > 10_000
