"""Factories for end-to-end tests: items on sale, people in chats, staff already logged in."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.domain.catalogue import Product
from bot.domain.orders import Order, OrderStatus
from bot.domain.payments import MoneyTaken
from bot.domain.services import catalogue, orders, staff
from bot.domain.services.customers import CustomerRef
from tests.support.chat_person import ChatPerson
from tests.support.factories import FAST_HASHER, make_product, placed_order
from tests.support.running_bot import RunningBot

STAFF_PASSWORD = "correct horse battery"
# The command menu every customer (and anyone not logged in) sees, in order.
CUSTOMER_MENU = [
    "start",
    "catalogue",
    "search",
    "cart",
    "myorders",
    "favourites",
    "buyagain",
    "cancel",
    "info",
    "ask",
    "help",
    "language",
    "mydata",
    "forgetme",
    "news",
]


PROVIDER_TOKEN = "284685063:TEST:provider-token"  # a test payment provider


def sell(bot: RunningBot, stock: int | str = 10, **fields: Any) -> Product:
    """Put an item on sale in the running bot's store, its stock entered through the ledger."""
    return catalogue.add_product(
        make_product(**fields),
        initial_stock=Decimal(stock),
        actor="test",
        store=bot.shop.store,
        uow=bot.shop.uow(),
    )


def someone(bot: RunningBot, name: str) -> ChatPerson:
    return ChatPerson(bot.double, bot.double.person(name))


def logged_in_manager(bot: RunningBot, name: str = "Boss") -> ChatPerson:
    """A manager (username: the name in lower case) logged in from their own chat."""
    member = someone(bot, name)
    staff.create_manager(name.lower(), STAFF_PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    staff.log_in(
        name.lower(),
        STAFF_PASSWORD,
        telegram_user_id=member.person.id,
        uow=bot.shop.uow(),
        hasher=FAST_HASHER,
    )
    return member


def staff_id_of(bot: RunningBot, member: ChatPerson) -> int:
    """The account id of a member logged in from this chat."""
    account = staff.current_staff(member.person.id, uow=bot.shop.uow())
    assert account is not None and account.id is not None, "not logged in"
    return account.id


def work_to_completed(
    bot: RunningBot, staff_id: int, code: str, taken: MoneyTaken = MoneyTaken.CASH
) -> Order:
    """Accept, ready, and hand over with the pickup code, as staff would (`taken`: how an
    order paid at the hand-over was paid; one paid in Telegram is already paid)."""
    store, uow = bot.shop.store, bot.shop.uow
    for status in (OrderStatus.ACCEPTED, OrderStatus.READY):
        order = orders.move_order(staff_id, code, status, store=store, uow=uow())
    assert order.pickup_code is not None
    return orders.hand_over(staff_id, order.pickup_code, taken=taken, store=store, uow=uow())


def stock_of(bot: RunningBot, sku: str) -> Decimal:
    return catalogue.find_product(sku, uow=bot.shop.uow(), include_archived=True).stock


async def fill_cart(ann: ChatPerson, product_name: str, presses_of_plus: int = 0) -> None:
    """Find the item by searching, pick an amount, put it in the cart."""
    await ann.says(f"/search {product_name}")
    await ann.presses(product_name)
    for _ in range(presses_of_plus):
        await ann.presses("➕")
    await ann.presses("to cart")


async def checkout_for_pickup(ann: ChatPerson) -> None:
    """From the cart to the summary: pickup at the first time offered, phone shared."""
    await ann.says("/cart")
    await ann.presses("Checkout")
    await ann.presses("Pickup")
    slot = ann.last.button_texts[0]
    await ann.presses(slot)
    assert ann.chat.reply_keyboard is not None  # the share-contact button
    await ann.shares_phone("+44 20 7946 0958")
    assert ann.chat.reply_keyboard is None
    await ann.presses("Skip")


async def picks_first_delivery_time(person: ChatPerson) -> None:
    """At the delivery time question (after the address): the first window offered."""
    assert "When should we deliver?" in person.screen
    await person.presses(person.last.button_texts[0])


def place_order(bot: RunningBot, person: ChatPerson, product: Product, quantity: int = 1) -> Order:
    """An order for pickup placed for this person (as checkout would), straight through the
    use cases: for tests about what follows."""
    who = CustomerRef(person.person.id, person.person.first_name)
    return placed_order(bot.shop.uow(), who, (product, quantity), store=bot.shop.store)
