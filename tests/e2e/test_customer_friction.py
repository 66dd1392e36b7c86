"""What a customer of a French corner shop tripped on, end to end: the real bot, over HTTP, on
SQLite and MariaDB wherever it writes (cancellations, carts, watches)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, update

from bot.domain.catalogue import Unit
from bot.domain.opening_hours import DAYS
from bot.domain.orders import CancelReason, OrderStatus
from bot.domain.services import orders, staff, watches
from bot.domain.services.cart import view_cart
from bot.domain.services.customers import CustomerRef
from bot.handlers.button_kinds import UnwatchItem
from bot.persistence.models import StatusChangeRow
from bot.playground.bot_api.server import LocalBotApi
from tests.support.chat_person import ChatPerson
from tests.support.databases import sqlite_only
from tests.support.factories import FAST_HASHER
from tests.support.running_bot import RunningBot, running_bot
from tests.support.shop_factories import (
    STAFF_PASSWORD,
    checkout_for_pickup,
    fill_cart,
    logged_in_manager,
    place_order,
    sell,
    someone,
    staff_id_of,
)


def french(bot: RunningBot, name: str = "Léa") -> ChatPerson:
    return ChatPerson(bot.double, bot.double.person(name, language_code="fr"))


def french_manager(bot: RunningBot) -> ChatPerson:
    """A manager whose Telegram app speaks French, logged in from their own chat."""
    member = french(bot, "Margot")
    staff.create_manager("margot", STAFF_PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    staff.log_in(
        "margot",
        STAFF_PASSWORD,
        telegram_user_id=member.person.id,
        uow=bot.shop.uow(),
        hasher=FAST_HASHER,
    )
    return member


async def cancelled_by_a_french_manager(
    bot: RunningBot, reason: str
) -> tuple[ChatPerson, ChatPerson, str]:
    """Léa's order of a tea, cancelled by a French manager with this reason: Léa, the manager
    and the order's code."""
    tea = sell(bot, 5, sku="TEA", name="Earl Grey")
    lea = french(bot)
    await lea.says("/start")
    code = place_order(bot, lea, tea).code
    boss = french_manager(bot)
    orders.move_order(
        staff_id_of(bot, boss),
        code,
        OrderStatus.CANCELLED,
        reason=reason,
        store=bot.shop.store,
        uow=bot.shop.uow(),
    )
    return lea, boss, code


def kept_reasons(bot: RunningBot, code: str) -> list[str]:
    """The reasons the order's history holds, as stored."""
    order = orders.find_order(code, uow=bot.shop.uow())
    return [change.reason for change in order.history if change.reason]


# ------------------------------------------------------------------ cancellation reasons


async def test_a_french_customer_reads_why_their_order_was_cancelled_in_french(
    bot: RunningBot,
) -> None:
    tea = sell(bot, 5, sku="TEA", name="Earl Grey")
    lea = french(bot)
    await lea.says("/start")
    code = place_order(bot, lea, tea).code
    await lea.says("/myorders")
    await lea.presses(code)
    await lea.presses("Annuler la commande")
    await lea.presses("Oui, l’annuler")
    assert "Motif\u00a0: annulée par le client" in lea.screen
    assert "cancelled" not in lea.screen
    assert kept_reasons(bot, code) == [CancelReason.BY_CUSTOMER.value], "a code, not English"

    boss = french_manager(bot)
    await boss.says(f"/order {code}")
    assert "annulée par le client" not in boss.screen, "the history line already says who"
    assert "cancelled" not in boss.screen


async def test_a_reason_the_staff_typed_is_kept_and_shown_as_typed(
    bot: RunningBot,
) -> None:
    lea, _boss, typed = await cancelled_by_a_french_manager(bot, "Plus de thé, désolé <3")
    told = "Motif\u00a0: Plus de thé, désolé <3"
    await bot.double.wait_for(lambda: lea.has_seen(told), what="Léa told")
    assert kept_reasons(bot, typed) == ["Plus de thé, désolé <3"]


async def test_orders_cancelled_before_reasons_were_codes_still_read_in_the_readers_language(
    bot: RunningBot,
) -> None:
    lea, boss, code = await cancelled_by_a_french_manager(bot, "anything")
    await bot.double.wait_for(
        lambda: lea.has_seen(f"La commande {code} a été annulée"), what="told"
    )
    with bot.shop.engine.begin() as db:  # as an older version of the bot kept it
        db.execute(
            update(StatusChangeRow)
            .where(StatusChangeRow.reason == "anything")
            .values(reason="not paid in time")
        )
    await lea.says("/myorders")
    await lea.presses(code)
    assert "Motif\u00a0: non payée à temps" in lea.screen
    await boss.says(f"/order {code}")
    assert ": non payée à temps" in boss.screen and "not paid" not in boss.screen


# ------------------------------------------------------------------ an order placed while closed


@pytest.fixture
async def closed_today(double: LocalBotApi, engine: Engine, mode: str) -> AsyncIterator[RunningBot]:
    """Open tomorrow only."""
    tomorrow = datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=1)
    url = engine.url.render_as_string(hide_password=False)
    hours = f"{DAYS[tomorrow.weekday()]} 09:00-18:00"
    async with running_bot(double, url, mode, opening_hours=hours) as running:
        yield running


async def test_an_order_placed_while_closed_says_when_the_shop_opens_wherever_it_is_shown(
    closed_today: RunningBot,
) -> None:
    bot = closed_today
    sell(bot, 5, sku="TEA", name="Earl Grey")
    logged_in_manager(bot)  # logged in, but the shop is closed
    ann = someone(bot, "Ann")
    await fill_cart(ann, "Earl Grey")
    await checkout_for_pickup(ann)
    await ann.presses("✅ Confirm")
    closed = "🌙 The shop is closed now; it opens "
    assert closed in ann.screen and "shortly" not in ann.screen
    code = ann.screen.split("Order ")[1].split()[0]
    await ann.says("/myorders")
    await ann.presses(code)
    assert closed in ann.screen and "shortly" not in ann.screen
    await ann.presses("Cancel order")
    await ann.presses("Keep it")
    assert closed in ann.screen and "shortly" not in ann.screen


# ------------------------------------------------------------------ prices per unit in lists


@sqlite_only
async def test_lists_search_results_and_the_cart_say_what_a_price_is_for(bot: RunningBot) -> None:
    sell(
        bot,
        sku="GALA",
        name="Gala apples",
        unit=Unit.KILOGRAM,
        step=Decimal("0.5"),
        price_minor=329,
        category="Fruit",
    )
    sell(bot, sku="KIWI", name="Kiwi", price_minor=45, category="Fruit")
    lea = french(bot)
    await lea.says("gala")
    assert "Gala apples · 3,29\u00a0€ / kg" in lea.last.button_texts
    await lea.says("/catalogue")
    await lea.presses("Fruit")
    assert "Gala apples · 3,29\u00a0€ / kg" in lea.last.button_texts
    assert "Kiwi · 0,45\u00a0€" in lea.last.button_texts, "a piece's price says enough"
    await lea.presses("Gala apples")
    await lea.presses("Ajouter")
    await lea.says("/cart")
    assert "Gala apples — 0,5 kg × 3,29\u00a0€ / kg = 1,65\u00a0€" in lea.screen


# ------------------------------------------------------------------ back in stock


def waits_for(bot: RunningBot, person: ChatPerson, product_id: int) -> bool:
    who = CustomerRef(person.person.id, person.person.first_name)
    return watches.is_watching(who, product_id, uow=bot.shop.uow())


async def test_a_sold_out_card_says_who_waits_for_it_undoes_and_shows_the_item_once_back(
    bot: RunningBot,
) -> None:
    jam = sell(bot, 0, sku="JAM", name="Plum jam")
    assert jam.id is not None
    ann = someone(bot, "Ann")
    await ann.says("/start p_JAM")
    card = ann.last
    await ann.presses("Tell me when it's back")
    assert ann.last.message_id == card.message_id, "the card itself changes"
    assert "🔔 We will tell you when it is back." in ann.screen
    assert "🔕 Don't tell me" in ann.last.button_texts
    assert ann.toasts[-1] == "We will tell you when Plum jam is back."
    assert waits_for(bot, ann, jam.id)

    await ann.presses("Don't tell me")
    assert "We will tell you" not in ann.screen
    assert "🔔 Tell me when it's back" in ann.last.button_texts
    assert ann.toasts[-1] == "We will not tell you when Plum jam is back."
    assert not waits_for(bot, ann, jam.id)
    # A second tap of an old "Don't tell me" (double tap, forged) changes nothing.
    again = await ann.presses_data(UnwatchItem(jam.id).pack())
    assert again == "We will not tell you when Plum jam is back."
    assert not waits_for(bot, ann, jam.id)

    await ann.presses("Tell me when it's back")
    clerk = logged_in_manager(bot, "Clerk")
    await clerk.says("/restock JAM 40")
    await bot.double.wait_for(lambda: ann.has_seen("Plum jam is back in stock."), what="Ann told")
    # The old card's button shows the item as it is now, not sold out.
    await ann.presses("Don't tell me", on=card)
    [now] = [m for m in ann.chat.from_bot if m.message_id == card.message_id]
    assert "✅ In stock" in now.shown_text and "Sold out" not in now.shown_text
    assert "to cart" in " ".join(now.button_texts)
    assert ann.toasts[-1] == "Plum jam is back in stock."


@sqlite_only
async def test_a_forged_dont_tell_me_button_for_no_item_is_refused_politely(
    bot: RunningBot,
) -> None:
    ann = someone(bot, "Ann")
    await ann.says("/start")
    assert await ann.presses_data(UnwatchItem(987654).pack()) == "There is no item 987654."
    stale = "This button is no longer valid. Send /start for a fresh menu."
    assert await ann.presses_data("uw:-1") == stale
    assert await ann.presses_data("uw:1:2") == stale


# ------------------------------------------------------------------ amounts typed on a card


def in_cart(bot: RunningBot, person: ChatPerson, product_id: int) -> Decimal:
    who = CustomerRef(person.person.id, person.person.first_name)
    return view_cart(who, uow=bot.shop.uow()).quantity_of(product_id)


def apples(bot: RunningBot, stock: int | str = 20) -> int:
    product = sell(
        bot,
        stock,
        sku="GALA",
        name="Gala apples",
        unit=Unit.KILOGRAM,
        step=Decimal("0.25"),
        price_minor=329,
    )
    assert product.id is not None
    return product.id


async def test_an_amount_typed_right_after_an_item_card_is_that_items_quantity_in_the_cart(
    bot: RunningBot,
) -> None:
    gala = apples(bot)
    ann = someone(bot, "Ann")
    await ann.says("/start p_GALA")  # a shelf QR code
    assert "✍️ Or type how much you want, e.g. 1.5 kg" in ann.screen
    await ann.says("1,5 kg")
    assert in_cart(bot, ann, gala) == Decimal("1.5")
    await ann.says("gala")
    await ann.presses("Gala apples")  # a card from a search's list
    for typed, kept in [
        ("1,5 kg", "1.5"),
        ("1.5 KG", "1.5"),  # set, not added
        ("500 g", "0.5"),
        ("  2  ", "2"),
        ("1,75kg", "1.75"),
    ]:
        await ann.says(typed)
        assert in_cart(bot, ann, gala) == Decimal(kept), typed
        assert "In your cart: " + kept.rstrip("0").rstrip(".") + " kg" in ann.screen, typed
    assert ann.has_seen("🧺 1.75 kg of Gala apples in your cart.")
    await ann.says("gala")  # words are still a search
    assert ann.screen.startswith("Found 1")


async def test_an_odd_amount_typed_on_a_card_is_refused_and_the_cart_kept(bot: RunningBot) -> None:
    gala = apples(bot, stock=8)
    ann = someone(bot, "Ann")
    await ann.says("gala")
    await ann.presses("Gala apples")
    await ann.says("1 kg")
    again = "Type another amount, or use ➖ and ➕ on the card."
    for typed, refusal in [
        ("0", "Type an amount above zero; to take Gala apples out of your cart, use 🗑 in /cart."),
        ("-1", "Type an amount above zero; to take Gala apples out of your cart, use 🗑 in /cart."),
        ("1.3", "This item is sold in steps of 0.25 kg."),
        ("2 l", "Gala apples is sold by the kg: type how much, e.g. 2 kg."),
        ("1.0001 kg", "Quantities have at most 3 decimal places."),
    ]:
        await ann.says(typed)
        assert ann.screen == f"{refusal} {again}", typed
        assert in_cart(bot, ann, gala) == 1, typed
    await ann.says("999 kg")  # more than one order may hold: the most it may, said so
    assert ann.has_seen("You can take at most 4 kg of Gala apples per order.")
    assert in_cart(bot, ann, gala) == 4


async def test_an_amount_typed_with_no_item_card_before_it_is_not_put_in_any_cart(
    bot: RunningBot,
) -> None:
    gala = apples(bot)
    ann = someone(bot, "Ann")
    await ann.says("/start")
    await ann.says("1,5 kg")
    assert "in your cart" not in ann.screen
    assert in_cart(bot, ann, gala) == 0


async def test_one_and_a_half_kilos_take_two_taps_not_five(bot: RunningBot) -> None:
    gala = apples(bot)
    ann = someone(bot, "Ann")
    await ann.says("/start p_GALA")
    assert ann.last.button_texts[3:7] == ["0.5 kg", "1 kg", "1.5 kg", "2 kg"]
    await ann.presses("1.5 kg")
    assert "✓ 1.5 kg" in ann.last.button_texts
    await ann.presses("Add 1.5 kg to cart")
    assert in_cart(bot, ann, gala) == Decimal("1.5")


@sqlite_only
async def test_items_sold_by_the_piece_keep_their_plain_picker(bot: RunningBot) -> None:
    sell(bot, sku="KIWI", name="Kiwi", price_minor=45)
    ann = someone(bot, "Ann")
    await ann.says("/start p_KIWI")
    assert "✍️" not in ann.screen
    assert ann.last.button_texts[:3] == ["➖", "1 pc", "➕"]
    assert ann.last.button_texts[3].startswith("Add 1 pc to cart")
