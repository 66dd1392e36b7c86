"""/report: figures of completed orders, a PNG chart of daily revenue, and on request a CSV of
the period's item sales that adds up to the figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from bot.domain.catalogue import Unit
from bot.domain.orders import Order, OrderStatus
from bot.domain.payments import MoneyTaken
from bot.domain.services import catalogue, orders, staff
from bot.domain.services.cart import set_cart_quantity
from bot.domain.services.customers import CustomerRef
from bot.domain.services.orders import CheckoutDetails
from bot.playground.bot_api.spec import UploadedFile
from tests.support.chat_person import ChatPerson
from tests.support.databases import sqlite_only
from tests.support.factories import (
    FAST_HASHER,
    FixedClock,
    delivery_details,
    handed_over,
    make_product,
    pickup_details,
)
from tests.support.running_bot import RunningBot

PASSWORD = "correct horse battery"


def sell(bot: RunningBot, **fields: Any) -> int:
    product = catalogue.add_product(
        make_product(**fields),
        initial_stock=Decimal(100),
        actor="test",
        store=bot.shop.store,
        uow=bot.shop.uow(),
    )
    return product.id or 0


def clerk_id(bot: RunningBot) -> int:
    """The member at the counter who hands orders over (made on first use)."""
    with bot.shop.uow() as uow:
        found = uow.staff.get_by_username("clerk")
    if found is None:
        found = staff.create_manager("clerk", PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    assert found.id is not None
    return found.id


def buy(
    bot: RunningBot,
    product_id: int,
    quantity: int | Decimal,
    days_ago: int,
    *,
    at_noon: bool = False,
    details: CheckoutDetails | None = None,
    taken: MoneyTaken | None = MoneyTaken.CASH,
) -> Order:
    """An order placed `days_ago` days ago (5 minutes before now, or at the store's noon) and
    handed over then, its money taken as said; `taken=None`: still waiting to be collected."""
    shopper = bot.double.person("Shopper")
    who = CustomerRef(shopper.id, shopper.first_name)
    set_cart_quantity(who, product_id, Decimal(quantity), uow=bot.shop.uow())
    at = datetime.now(UTC) - timedelta(days=days_ago, minutes=5)
    if (
        at_noon
    ):  # the store's day, counted from now (not from 5 minutes ago: a minute past midnight)
        at = (datetime.now(bot.shop.store.timezone) - timedelta(days=days_ago)).replace(
            hour=12, minute=0
        )
    order = orders.place_order(
        who,
        details or pickup_details(),
        store=bot.shop.store,
        uow=bot.shop.uow(),
        clock=FixedClock(at),
    )
    if taken is None:
        return order
    return handed_over(
        bot.shop.uow, order, clerk_id(bot), taken=taken, clock=FixedClock(at), store=bot.shop.store
    )


async def test_report_sums_the_period_ranks_best_sellers_and_sends_chart_and_csv_on_request(
    bot: RunningBot,
) -> None:
    tea = sell(bot, sku="TEA", name="Earl Grey", price_minor=300)
    wine = sell(bot, sku="WINE", name="Red wine", price_minor=1500)
    sell(bot, sku="SOAP", name="Olive soap")
    buy(bot, tea, 4, days_ago=0)
    buy(bot, wine, 1, days_ago=1, taken=MoneyTaken.CARD)
    cancelled = buy(bot, wine, 5, days_ago=1, taken=None)
    buy(bot, wine, 3, days_ago=0, taken=None)  # pay at pickup, not collected: no revenue yet
    buy(bot, tea, 9, days_ago=30)  # outside a week
    boss_account = staff.create_manager("boss", PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    orders.move_order(
        boss_account.id or 0,
        cancelled.code,
        OrderStatus.CANCELLED,
        reason="x",
        store=bot.shop.store,
        uow=bot.shop.uow(),
    )
    boss = ChatPerson(bot.double, bot.double.person("Boss"))
    staff.log_in(
        "boss", PASSWORD, telegram_user_id=boss.person.id, uow=bot.shop.uow(), hasher=FAST_HASHER
    )
    await boss.says("/report")
    figures = next(m for m in boss.chat.from_bot if m.shown_text.startswith("Sales "))
    text = figures.shown_text
    assert "Goods revenue: 27.00 EUR\nDelivery fees: 0.00 EUR\nTaken in all: 27.00 EUR" in text
    assert "💶 Cash: 12.00 EUR\n💳 Card: 15.00 EUR\n" in text
    assert "Completed orders: 2" in text
    assert "Average basket: 13.50 EUR" in text
    assert "Best sellers\n1. Red wine — 15.00 EUR (1 pc)\n2. Earl Grey — 12.00 EUR (4 pc)" in text
    assert "Did not sell: Olive soap" in text
    photo = next(m for m in boss.chat.from_bot if m.photo is not None)
    assert photo.caption == "Daily revenue, last 7 days (EUR)"
    uploads = [c.params["photo"] for c in bot.double.calls_to("sendPhoto")]
    assert isinstance(uploads[0], UploadedFile)
    assert uploads[0].content.startswith(b"\x89PNG")
    assert not bot.double.calls_to("sendDocument"), "the spreadsheet waits until asked for"

    await boss.presses("📄 Item sales (CSV)", on=figures)
    document = boss.last.document
    assert isinstance(document, UploadedFile)
    assert document.content.decode().splitlines() == [
        "sku,name,unit,quantity,revenue_EUR",
        "WINE,Red wine,pc,1,15.00",
        "TEA,Earl Grey,pc,4,12.00",
    ]


async def test_a_year_is_charted_and_its_spreadsheet_names_every_item_sold(
    bot: RunningBot,
) -> None:
    ids = [sell(bot, sku=f"ITEM{n}", name=f"Item {n}", price_minor=100 + n) for n in range(12)]
    for n, product_id in enumerate(ids):
        buy(bot, product_id, n + 1, days_ago=n * 30)
    boss = logged_in_manager(bot)
    await boss.says("/report 365")
    figures = next(m for m in boss.chat.from_bot if m.shown_text.startswith("Sales "))
    assert "1. Item 11 — 13.32 EUR (12 pc)" in figures.shown_text
    assert boss.last.caption == "Daily revenue, last 365 days (EUR)"
    await boss.presses("📄 Item sales (CSV)", on=figures)
    document = boss.last.document
    assert isinstance(document, UploadedFile)
    lines = document.content.decode().splitlines()
    assert len(lines) == 1 + 12
    assert lines[1] == "ITEM11,Item 11,pc,12,13.32"


async def test_a_quiet_periods_spreadsheet_still_comes_and_says_nothing_sold(
    bot: RunningBot,
) -> None:
    boss = logged_in_manager(bot)
    await boss.says("/report 3")
    figures = next(m for m in boss.chat.from_bot if m.shown_text.startswith("Sales "))
    await boss.presses("📄 Item sales (CSV)", on=figures)
    assert boss.last.caption is not None and boss.last.caption.endswith("(CSV): nothing sold")
    document = boss.last.document
    assert isinstance(document, UploadedFile)
    assert document.content.decode().splitlines() == ["sku,name,unit,quantity,revenue_EUR"]


@sqlite_only
async def test_a_forged_report_button_names_no_impossible_period(bot: RunningBot) -> None:
    boss = logged_in_manager(bot)
    await boss.says("/report")
    for forged in ("rit:9:3", "rit:0:5", "rit:700000:701000", "rit:1:99999999"):
        alert = await boss.presses_data(forged)
        assert alert == "That report button is not valid any more; send /report again."
    assert not bot.double.calls_to("sendDocument")


def logged_in_manager(bot: RunningBot) -> ChatPerson:
    staff.create_manager("boss", PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    boss = ChatPerson(bot.double, bot.double.person("Boss"))
    staff.log_in(
        "boss", PASSWORD, telegram_user_id=boss.person.id, uow=bot.shop.uow(), hasher=FAST_HASHER
    )
    return boss


@sqlite_only
async def test_report_takes_named_periods_and_calls_one_day_today(bot: RunningBot) -> None:
    boss = logged_in_manager(bot)
    await boss.says("/report today")
    figures = next(m for m in boss.chat.from_bot if m.shown_text.startswith("Sales "))
    assert figures.shown_text.startswith("Sales today, ")
    assert boss.last.caption == "Revenue today (EUR): no sales"
    await boss.says("/report Month")  # the calendar month so far, not the last 30 days
    month = datetime.now(bot.shop.store.timezone).strftime("%B %Y")
    assert boss.last.caption == f"Daily revenue, {month} (EUR): no sales"
    assert boss.has_seen(f"Sales {month}")


async def test_report_yesterday_gives_yesterday_alone_by_name(bot: RunningBot) -> None:
    tea = sell(bot, sku="TEA", name="Earl Grey", price_minor=300)
    wine = sell(bot, sku="WINE", name="Red wine", price_minor=1500)
    buy(bot, tea, 4, days_ago=0, at_noon=True)
    buy(bot, wine, 2, days_ago=1, at_noon=True)
    buy(bot, tea, 1, days_ago=2, at_noon=True)
    boss = logged_in_manager(bot)
    await boss.says("/report yesterday")
    figures = next(m for m in boss.chat.from_bot if m.shown_text.startswith("Sales "))
    yesterday = datetime.now(bot.shop.store.timezone).date() - timedelta(days=1)
    assert figures.shown_text.startswith(f"Sales yesterday, {yesterday:%a %d %b %Y}\n")
    assert "Goods revenue: 30.00 EUR\n" in figures.shown_text
    assert "Completed orders: 1\n" in figures.shown_text
    assert "Best sellers\n1. Red wine — 30.00 EUR (2 pc)\n" in figures.shown_text
    assert figures.shown_text.endswith("Did not sell: Earl Grey")
    assert boss.last.caption == "Revenue yesterday (EUR)"


@sqlite_only
async def test_report_refuses_a_bad_number_of_days(bot: RunningBot) -> None:
    boss = logged_in_manager(bot)
    await boss.says("/report lots")
    assert (
        "Usage: /report [DAYS | today | yesterday | week | month | year | November | YYYY-MM]"
        in (boss.screen)
    )
    await boss.says("/report 0")
    assert "A report covers 1 to 366 days" in boss.screen


def csv_revenue(document: UploadedFile) -> Decimal:
    rows = document.content.decode().splitlines()[1:]
    return sum((Decimal(row.rsplit(",", 1)[1]) for row in rows), Decimal(0))


def figure(text: str, label: str) -> Decimal:
    """The amount on the report's line starting with `label` ("Goods revenue: 18.26 EUR")."""
    [line] = [line for line in text.splitlines() if line.startswith(label)]
    return Decimal(line.removeprefix(label).split()[0])


async def test_report_week_counts_what_was_taken_and_matches_its_spreadsheet_to_the_cent(
    bot: RunningBot,
) -> None:
    # The week the issue saw: a pay-at-pickup order nobody collected yet and a delivery fee
    # inside "Revenue 18.26 EUR" while the CSV added up to 13.36.
    apples = sell(
        bot,
        sku="GALA",
        name="Gala apples",
        price_minor=329,
        unit=Unit.KILOGRAM,
        step=Decimal("0.25"),
    )
    bread = sell(bot, sku="BREAD", name="Baguette", price_minor=115)
    buy(bot, apples, Decimal("1.5"), days_ago=2, taken=MoneyTaken.CARD)
    buy(bot, bread, 3, days_ago=1)
    delivery = delivery_details(fee_minor=490)
    buy(bot, apples, Decimal("2.25"), days_ago=0, details=delivery, taken=MoneyTaken.CASH)
    buy(bot, bread, 4, days_ago=0, taken=None)  # placed, not collected: not revenue
    boss = logged_in_manager(bot)
    await boss.says("/report week")
    figures = next(m for m in boss.chat.from_bot if m.shown_text.startswith("Sales "))
    text = figures.shown_text
    goods = figure(text, "Goods revenue:")
    assert goods == Decimal("4.94") + Decimal("3.45") + Decimal("7.40")
    assert figure(text, "Delivery fees:") == Decimal("4.90")
    assert figure(text, "Taken in all:") == goods + Decimal("4.90")
    assert figure(text, "💶 Cash:") + figure(text, "💳 Card:") == goods + Decimal("4.90")
    assert "Completed orders: 3" in text
    assert "(1.5 kg)" not in text and "Gala apples — 12.34 EUR (3.75 kg)" in text
    await boss.presses("📄 Item sales (CSV)", on=figures)
    document = boss.last.document
    assert isinstance(document, UploadedFile)
    assert csv_revenue(document) == goods


async def test_a_french_manager_asks_for_the_week_and_the_month_in_french(
    bot: RunningBot,
) -> None:
    tea = sell(bot, sku="TEA", name="Earl Grey", price_minor=300)
    buy(bot, tea, 2, days_ago=0)
    staff.create_manager("patronne", PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    claire = ChatPerson(bot.double, bot.double.person("Claire", language_code="fr"))
    staff.log_in(
        "patronne",
        PASSWORD,
        telegram_user_id=claire.person.id,
        uow=bot.shop.uow(),
        hasher=FAST_HASHER,
    )
    await claire.says("/report semaine")
    assert "6,00\xa0€" in claire.chat.from_bot[-2].shown_text  # the figures, then the chart
    assert claire.last.photo is not None
    await claire.says("/report Mois")
    today = datetime.now(bot.shop.store.timezone).date()
    assert f"{today.year}" in claire.chat.from_bot[-2].shown_text.splitlines()[0]
    assert "6,00\xa0€" in claire.chat.from_bot[-2].shown_text
    await claire.says("/report bientôt")
    assert "aujourd'hui | hier | semaine | mois | année | novembre" in claire.screen
