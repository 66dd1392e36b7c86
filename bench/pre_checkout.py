"""Customers paying at once: how fast does the real bot answer Telegram's pre-checkout query
(Telegram gives up after 10 s), and how fast does "Payment received" follow?

    .venv/bin/python -m bench.pre_checkout                       # SQLite file in a temp dir
    .venv/bin/python -m bench.pre_checkout --url mysql+pymysql://root@127.0.0.1:3306/test

Each customer has an online order waiting for payment (placed through the domain) and an
invoice for it in their chat; all tap Pay at the same moment. The real bot answers over HTTP
through the local Bot API, as in the e2e tests.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import statistics
import time
from decimal import Decimal

from sqlalchemy.engine import make_url

from bench.common import database, percentile
from bot.domain.payments import PaymentMethod, PaymentOptions, invoice_payload
from bot.domain.services import catalogue, orders
from bot.domain.services.cart import set_cart_quantity
from bot.domain.services.customers import CustomerRef
from bot.persistence import migrate
from bot.persistence.engine import build_engine, session_factory
from bot.persistence.unit_of_work import SqlAlchemyUnitOfWork
from bot.playground.bot_api.model import ChatMessage, Invoice
from bot.playground.bot_api.server import LocalBotApi, Person
from tests.support.factories import STORE, make_product, pickup_details
from tests.support.running_bot import running_bot

PROVIDER_TOKEN = "284685063:TEST:bench"
ONLINE = dataclasses.replace(STORE, payments=PaymentOptions(online=True))


async def pay_all(api: LocalBotApi, invoices: list[tuple[Person, ChatMessage]]) -> list[float]:
    started = time.monotonic()
    queries = [
        (person, message, api.start_payment(person, message)) for person, message in invoices
    ]
    answered: dict[str, float] = {}
    while len(answered) < len(queries):
        for _person, _message, query in queries:
            if query not in answered and api.callback_answer(query) is not None:
                answered[query] = time.monotonic() - started
        await asyncio.sleep(0.001)
    for person, message, query in queries:
        attempt = api.finish_payment(person, message, query)
        assert attempt.ok, attempt.error
    return list(answered.values())


async def bench(url: str, customers: int) -> None:
    engine = build_engine(url)
    migrate.upgrade(engine)
    sessions = session_factory(engine)

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(sessions)

    honey = catalogue.add_product(
        make_product(sku="HONEY", name="Honey"),
        initial_stock=Decimal(customers),
        actor="bench",
        store=STORE,
        uow=uow(),
    )
    with LocalBotApi(keep_calls=False) as api:
        async with running_bot(api, url, "polling", payment_provider_token=PROVIDER_TOKEN):
            invoices: list[tuple[Person, ChatMessage]] = []
            for n in range(customers):
                person = api.person(f"Customer {n}")
                who = CustomerRef(person.id, person.first_name)
                set_cart_quantity(who, honey.id or 0, Decimal(1), uow=uow())
                details = dataclasses.replace(pickup_details(), payment=PaymentMethod.ONLINE)
                order = orders.place_order(who, details, store=ONLINE, uow=uow())
                message = ChatMessage(
                    1_000_000 + n,
                    person,
                    True,
                    int(time.time()),
                    invoice=Invoice(
                        f"Order {order.code}",
                        "bench",
                        invoice_payload(order.code),
                        order.currency,
                        (("Honey × 1 pc", order.total_minor),),
                    ),
                )
                api.chat(person).messages.append(message)
                invoices.append((person, message))
            started = time.monotonic()
            answers = await pay_all(api, invoices)
            await api.wait_for(
                lambda: all(
                    any("Payment received" in m.shown_text for m in api.chat(p).from_bot)
                    for p, _ in invoices
                ),
                timeout=60,
                what="every payment to be confirmed",
            )
            confirmed = time.monotonic() - started
    engine.dispose()
    print(f"database: {make_url(url).get_backend_name()}, {customers} customers paying at once")
    print(
        f"pre-checkout answered: p50 {statistics.median(answers) * 1000:.0f} ms, "
        f"p99 {percentile(answers, 0.99) * 1000:.0f} ms, worst {max(answers) * 1000:.0f} ms "
        "(Telegram allows 10,000 ms)"
    )
    print(f"all {customers} payments recorded and confirmed in the chat after {confirmed:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a MySQL/MariaDB server URL (default: SQLite)")
    parser.add_argument("--customers", type=int, default=40)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with database(args.url) as url:
        asyncio.run(bench(url, args.customers))


if __name__ == "__main__":
    main()
