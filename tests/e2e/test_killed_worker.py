"""The bot killed outright (SIGKILL: no goodbye, no clean-up) in long polling, in the middle
of a checkout and of a burst of status changes, then started again, as systemd restarts it:
nothing is applied twice and nothing is lost (the real `shopkeeps run`, both databases)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, func, select, text

from bot.config import load_settings
from bot.domain.clock import utc_now
from bot.domain.orders import FulfilmentKind, OrderStatus
from bot.domain.payments import PaymentMethod
from bot.domain.services import catalogue, checkout, orders, outbox, staff
from bot.domain.services.cart import set_cart_quantity
from bot.domain.services.customers import CustomerRef
from bot.handlers.button_kinds import ConfirmOrder, MoveOrder
from bot.handlers.edge import BACKLOG
from bot.persistence.models import OutboxRow, StatusChangeRow
from bot.playground.bot_api.server import ChatMessage, LocalBotApi, Person
from bot.wiring import Shop, build_shop
from tests.support.books import stock_matches_ledger
from tests.support.factories import FAST_HASHER, make_product, placed_order
from tests.support.services import Service, shopkeeps_service
from tests.support.shop_factories import STAFF_PASSWORD

STORE_SETTINGS = {
    "STORE_NAME": "Corner Shop",
    "CURRENCY": "EUR",
    "TIMEZONE": "Europe/Paris",
    "OUTBOX_POLL_SECONDS": "0.2",
    "SEND_BUDGET": "false",
    "WEB_PORT": "0",
}

BURST = BACKLOG - 1  # button presses by one person at once


def settings_for(double: LocalBotApi, url: str) -> dict[str, str]:
    return STORE_SETTINGS | {
        "DATABASE_URL": url,
        "TELEGRAM_TOKEN": double.token,
        "TELEGRAM_API_URL": double.base_url,
    }


@contextmanager
def same_shop(double: LocalBotApi, url: str) -> Iterator[Shop]:
    """The shop as the worker sees it, to set the scene and check the books in this process."""
    values = {k.lower(): v for k, v in settings_for(double, url).items()}
    shop = build_shop(load_settings(None, **values), hasher=FAST_HASHER)
    try:
        yield shop
    finally:
        shop.close()


def worker(double: LocalBotApi, url: str, logs: Path) -> Service:
    return shopkeeps_service("worker", ["run"], logs, **settings_for(double, url))


async def polling(service: Service) -> None:
    """Until the worker is up and taking updates."""
    for _ in range(300):
        if "Application started" in service.log(20_000):
            return
        assert service.running, f"the worker exited:\n{service.log()}"
        await asyncio.sleep(0.1)
    raise AssertionError(f"the worker never started:\n{service.log()}")


async def answered(double: LocalBotApi, queries: list[str], service: Service) -> None:
    for _ in range(600):
        if all(double.callback_answer(q) is not None for q in queries):
            return
        assert service.running, f"the worker exited:\n{service.log()}"
        await asyncio.sleep(0.1)
    missing = [q for q in queries if double.callback_answer(q) is None]
    raise AssertionError(f"presses {missing} were never answered:\n{service.log()}")


async def bot_message_with(double: LocalBotApi, person: Person, button: str) -> ChatMessage:
    for _ in range(300):
        for message in reversed(double.chat(person).from_bot):
            if any(button in b for b in message.button_texts):
                return message
        await asyncio.sleep(0.1)
    raise AssertionError(f"no message with {button!r} for {person.first_name}")


async def test_killed_in_the_middle_of_a_checkout_the_order_is_placed_once_after_restart(
    double: LocalBotApi, engine: Engine, tmp_path: Path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    ann = double.person("Ann")
    who = CustomerRef(ann.id, "Ann")
    with same_shop(double, url) as shop:
        store = shop.store
        tea = catalogue.add_product(
            make_product(sku="TEA", name="Earl Grey", price_minor=250),
            initial_stock=Decimal(10),
            actor="test",
            store=store,
            uow=shop.uow(),
        )
        assert tea.id is not None
        set_cart_quantity(who, tea.id, Decimal(2), uow=shop.uow())
        checkout.start_checkout(who, store=store, uow=shop.uow())
        checkout.choose_fulfilment(who, FulfilmentKind.DELIVERY, store=store, uow=shop.uow())
        checkout.give_address(who, "1 Long Road, Springfield", store=store, uow=shop.uow())
        assert store.windows is not None  # delivery times are asked by default
        window = store.windows.slots(utc_now())[0]
        checkout.choose_window(who, window, store=store, uow=shop.uow())
        checkout.give_phone(who, "+44 20 7946 0958", store=store, uow=shop.uow())
        view = checkout.give_note(who, "", store=store, uow=shop.uow())
        draft_owner = view.draft.customer_id

    first = worker(double, url, tmp_path).start()
    try:
        await polling(first)
        double.send_text(ann, "/checkout")  # back to her order's summary
        summary = await bot_message_with(double, ann, "Confirm")
        # Hold Ann's checkout (another transaction has it) so the Confirm waits mid-way,
        # taken but not applied, when the worker dies.
        holder = engine.connect()
        hold = holder.begin()
        if engine.dialect.name == "sqlite":
            holder.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: every writer waits
        else:
            holder.execute(
                text("SELECT * FROM checkouts WHERE customer_id = :c FOR UPDATE"),
                {"c": draft_owner},
            )
        query = double.press_data(ann, summary, ConfirmOrder(PaymentMethod.ON_HANDOVER).pack())
        await asyncio.sleep(2)  # the worker took it and waits on the lock
        assert double.callback_answer(query) is None
        first.stop(signal.SIGKILL)
        hold.rollback()
        holder.close()
    finally:
        if first.running:
            first.stop(signal.SIGKILL)

    second = worker(double, url, tmp_path).start()
    try:
        await answered(double, [query], second)  # Telegram delivers the press again
        assert "placed" in (double.callback_answer(query) or {}).get("text", ""), second.log()
    finally:
        assert second.stop() == 0, second.log()
    with same_shop(double, url) as shop:
        [order] = orders.my_orders(who, uow=shop.uow())
        assert [line.quantity for line in order.lines] == [2]
    stock_matches_ledger(engine)


async def test_killed_in_a_burst_of_status_changes_each_order_moves_once_after_restart(
    double: LocalBotApi, engine: Engine, tmp_path: Path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    boss = double.person("Boss")
    # Presses within one person's backlog even while their /orders is still finishing: the
    # edge drops a flood's excess with a "slow down" (bot.handlers.edge.BACKLOG), and a
    # loaded machine finishes /orders after its card arrives.
    buyers = [double.person(f"Buyer {n}") for n in range(BURST)]
    with same_shop(double, url) as shop:
        jam = catalogue.add_product(
            make_product(sku="JAM", name="Strawberry jam", price_minor=390),
            initial_stock=Decimal(20),
            actor="test",
            store=shop.store,
            uow=shop.uow(),
        )
        codes = [
            placed_order(
                shop.uow(), CustomerRef(b.id, b.first_name), (jam, 1), store=shop.store
            ).code
            for b in buyers
        ]
        staff.create_manager("boss", STAFF_PASSWORD, uow=shop.uow(), hasher=FAST_HASHER)
        staff.log_in(
            "boss", STAFF_PASSWORD, telegram_user_id=boss.id, uow=shop.uow(), hasher=FAST_HASHER
        )

    first = worker(double, url, tmp_path).start()
    try:
        await polling(first)
        double.send_text(boss, "/orders")
        card = await bot_message_with(double, boss, "Accept")
        double.slow_down("answerCallbackQuery", 1.0)  # each press takes a second to answer
        presses = [
            double.press_data(
                boss, card, MoveOrder(code, OrderStatus.PLACED, OrderStatus.ACCEPTED).pack()
            )
            for code in codes
        ]
        for _ in range(100):  # until three presses are answered: mid-burst
            if sum(double.callback_answer(q) is not None for q in presses) >= 3:
                break
            await asyncio.sleep(0.1)
        first.stop(signal.SIGKILL)
        double.slow_down("answerCallbackQuery", 0)
    finally:
        if first.running:
            first.stop(signal.SIGKILL)
    before_restart = sum(double.callback_answer(q) is not None for q in presses)
    assert 3 <= before_restart < BURST, "the kill did not land mid-burst"

    def told_accepted(buyer: Person) -> bool:
        return any("was accepted" in m.shown_text for m in double.chat(buyer).from_bot)

    second = worker(double, url, tmp_path).start()
    try:
        rest = [q for q in presses if double.callback_answer(q) is None][1:]
        # Every press not yet taken is answered after the restart; the one the worker held
        # when it died was applied, or is applied now (its answer may be lost with it).
        await answered(double, rest, second)
        for _ in range(300):
            with engine.connect() as connection:
                accepted = connection.execute(
                    select(func.count())
                    .select_from(StatusChangeRow)
                    .where(StatusChangeRow.status == OrderStatus.ACCEPTED.value)
                ).scalar_one()
            if accepted >= BURST:
                break
            await asyncio.sleep(0.1)
        # Told while the worker runs: one stopped at once may not have sent the last ones yet.
        # A message the killed worker was sending may have reached Telegram: it goes once more
        # only when its lease has run out and a minute has passed (at most one duplicate).
        patience = (outbox.LEASE + outbox.UNANSWERED_WAIT).total_seconds() + 15
        await double.wait_for(
            lambda: all(told_accepted(b) for b in buyers), timeout=patience, what="every buyer told"
        )
    finally:
        assert second.stop() == 0, second.log()
    with engine.connect() as connection:
        moves = connection.execute(
            select(StatusChangeRow.order_id, func.count())
            .where(StatusChangeRow.status == OrderStatus.ACCEPTED.value)
            .group_by(StatusChangeRow.order_id)
        ).all()
        told = connection.execute(
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.kind == "order_status", OutboxRow.payload.like('%"accepted"%'))
        ).scalar_one()
    assert len(moves) == BURST and all(n == 1 for _, n in moves), moves  # each once, none twice
    assert told == BURST  # one message queued per customer, and each sent (above)
