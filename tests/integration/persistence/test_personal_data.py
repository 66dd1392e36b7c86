"""/mydata and /forgetme through the real repositories, on SQLite and MariaDB: what is kept
about a customer, and erasing it in one transaction with the orders kept for the books."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bot.domain.catalogue import Product
from bot.domain.notifications import Notification
from bot.domain.orders import Order, OrderStatus, StatusNews
from bot.domain.payments import MoneyTaken
from bot.domain.personal_data import PERSONAL_FACTS, Erasure, OrderInProgress
from bot.domain.services import (
    catalogue,
    favourites,
    languages,
    orders,
    questions,
    ratings,
    staff,
    stock,
)
from bot.domain.services.cart import set_cart_quantity
from bot.domain.services.checkout import choose_fulfilment, give_address, start_checkout
from bot.domain.services.customers import CustomerRef
from bot.domain.services.personal_data import check_erasable, forget_me, what_is_kept
from bot.i18n import SHIPPED
from bot.persistence.models import Base, FavouriteRow, OrderRatingRow, OutboxRow
from tests.integration.persistence.test_concurrency import _ledger_balance, _race
from tests.support.databases import UowFactory
from tests.support.factories import (
    FAST_HASHER,
    STORE,
    delivery_details,
    pickup_details,
    placed_order,
    stocked,
)

PASSWORD = "correct horse battery"
BOSS_CHAT = 900
ANN = CustomerRef(424_242, "Annabel Quist", "annabelq")
BOB = CustomerRef(535_353, "Bobby Tables", "bobbyt")
ANN_ADDRESS = "5 Rue Neuve, Lyon"
ANN_PHONE = "+33612345678"
ANN_NOTE = "Ring twice at the blue door"
ANN_QUESTION = "Do you sell oat milk?"
ANN_COMMENT = "Lovely tea; the courier Ann met at the gate was kind"
BOB_PHONE = "+447700900123"
AT_ONCE = 12


@dataclass
class Shop:
    boss_id: int
    tea: Product
    jam: Product
    completed: Order
    cancelled: Order
    bobs: Order


def _a_shop_with_history(new_uow: UowFactory) -> Shop:
    """Ann: a delivery completed, a pickup cancelled, a question, a watch, a favourite, a cart,
    a checkout under way, German chosen. Bob: an order, a question and a favourite of his own.
    The boss is on duty."""
    boss = staff.create_manager("boss", PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
    assert boss.id is not None
    staff.log_in("boss", PASSWORD, telegram_user_id=BOSS_CHAT, uow=new_uow(), hasher=FAST_HASHER)
    tea = stocked(new_uow(), 20, sku="TEA", name="Earl Grey")
    jam = stocked(new_uow(), 0, sku="JAM", name="Plum jam")
    delivery = delivery_details(ANN_ADDRESS)
    delivery = type(delivery)(delivery.fulfilment, ANN_PHONE, ANN_NOTE)
    completed = placed_order(new_uow(), ANN, (tea, 2), details=delivery)
    for status in (OrderStatus.ACCEPTED, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.COMPLETED):
        completed = orders.move_order(
            boss.id, completed.code, status, taken=MoneyTaken.CASH, store=STORE, uow=new_uow()
        )
    ratings.rate_order(ANN, completed.code, 4, uow=new_uow())
    ratings.comment_order(ANN, completed.code, ANN_COMMENT, uow=new_uow())
    cancelled = placed_order(new_uow(), ANN, (tea, 1), details=pickup_details(ANN_PHONE))
    cancelled = orders.cancel_my_order(ANN, cancelled.code, store=STORE, uow=new_uow())
    questions.ask_shop(ANN, ANN_QUESTION, uow=new_uow())
    assert jam.id is not None and tea.id is not None
    stock.watch_product(ANN, jam.id, uow=new_uow())
    favourites.set_favourite(ANN, tea.id, True, uow=new_uow())
    set_cart_quantity(ANN, tea.id, Decimal(3), uow=new_uow())
    start_checkout(ANN, store=STORE, uow=new_uow())
    choose_fulfilment(ANN, delivery.fulfilment.kind, store=STORE, uow=new_uow())
    give_address(ANN, "7 Quai Sud, Lyon", store=STORE, uow=new_uow())
    languages.choose_language(ANN, "de", shipped=SHIPPED.keys(), uow=new_uow())
    bobs = placed_order(new_uow(), BOB, (tea, 1), details=pickup_details(BOB_PHONE))
    questions.ask_shop(BOB, "Open on Sunday?", uow=new_uow())
    favourites.set_favourite(BOB, tea.id, True, uow=new_uow())
    return Shop(boss.id, tea, jam, completed, cancelled, bobs)


def _everything_stored(new_uow: UowFactory) -> str:
    """Every value of every column, as text: what a leaked database would show."""
    with new_uow() as uow:
        return "\n".join(
            str(value)
            for table in Base.metadata.sorted_tables
            for row in uow.session.execute(select(table))
            for value in row
        )


def test_what_is_kept_shows_everything_about_the_customer_and_nothing_of_another(
    new_uow: UowFactory,
) -> None:
    shop = _a_shop_with_history(new_uow)
    kept = what_is_kept(ANN.telegram_user_id, uow=new_uow())
    assert kept is not None
    assert (kept.customer.name, kept.customer.username) == ("Annabel Quist", "annabelq")
    assert kept.customer.phone == ANN_PHONE
    assert kept.language == "de"
    assert kept.last_address == ANN_ADDRESS
    assert [o.code for o in kept.orders] == [shop.cancelled.code, shop.completed.code]
    assert [o.status for o in kept.orders] == [OrderStatus.CANCELLED, OrderStatus.COMPLETED]
    assert kept.orders[1].note == ANN_NOTE
    assert [q.text for q in kept.questions] == [ANN_QUESTION]
    assert [(w.sku, w.name) for w in kept.watches] == [("JAM", "Plum jam")]
    assert [(f.sku, f.name) for f in kept.favourites] == [("TEA", "Earl Grey")]
    assert [(r.order_code, r.stars, r.comment) for r in kept.ratings] == [
        (shop.completed.code, 4, ANN_COMMENT)
    ]
    assert [(c.sku, c.quantity) for c in kept.cart] == [("TEA", Decimal(3))]
    assert kept.checkout is not None and kept.checkout.address == "7 Quai Sud, Lyon"
    assert shop.bobs.code not in {o.code for o in kept.orders}
    assert what_is_kept(777, uow=new_uow()) is None  # never a customer


def test_forgetting_erases_the_person_and_keeps_the_orders_for_the_books_without_them(
    new_uow: UowFactory,
) -> None:
    shop = _a_shop_with_history(new_uow)
    assert shop.tea.id is not None
    level = catalogue.find_product("TEA", uow=new_uow()).stock
    with new_uow() as uow:
        ann_id = uow.customers.get_by_telegram_id(ANN.telegram_user_id)
        assert ann_id is not None and ann_id.id is not None
        status = StatusNews(shop.completed.code, OrderStatus.COMPLETED)
        at = shop.completed.placed_at
        # A message to Ann not yet sent.
        uow.outbox.add(Notification(ANN.telegram_user_id, status, at))
        uow.commit()

    assert check_erasable(ANN.telegram_user_id, uow=new_uow())
    assert forget_me(ANN.telegram_user_id, uow=new_uow()) == Erasure(True, orders_kept=2)

    assert what_is_kept(ANN.telegram_user_id, uow=new_uow()) is None
    stored = _everything_stored(new_uow)
    for personal in (
        "Annabel Quist",
        "annabelq",
        ANN_PHONE,
        ANN_ADDRESS,
        ANN_NOTE,
        ANN_QUESTION,
        ANN_COMMENT,
        "7 Quai Sud",
        str(ANN.telegram_user_id),
    ):
        assert personal not in stored, personal
    for order in (shop.completed, shop.cancelled):
        kept = orders.find_order(order.code, uow=new_uow())
        assert (kept.phone, kept.note, kept.customer_name) == ("", "", "")
        assert kept.fulfilment.address is None
        assert (kept.status, kept.total_minor, kept.lines) == (
            order.status,
            order.total_minor,
            order.lines,
        )
        assert kept.placed_at == order.placed_at
    assert catalogue.find_product("TEA", uow=new_uow()).stock == level
    assert _ledger_balance(new_uow, shop.tea.id) == level
    with new_uow() as uow:
        messages = list(uow.session.scalars(select(OutboxRow)))
        assert all(m.chat_id != ANN.telegram_user_id for m in messages)
        about_ann = [m for m in messages if m.order_id in (shop.completed.id, shop.cancelled.id)]
        assert about_ann, "the staff's alerts about Ann's orders are kept, facts taken out"
        assert all(not set(PERSONAL_FACTS) & set(m.payload) for m in about_ann)
        assert [m.payload.get("text") for m in messages if m.kind == "question"] == [
            "Open on Sunday?"
        ]
    bob = what_is_kept(BOB.telegram_user_id, uow=new_uow())
    assert bob is not None and bob.customer.phone == BOB_PHONE
    assert [o.code for o in bob.orders] == [shop.bobs.code]
    assert [q.text for q in bob.questions] == ["Open on Sunday?"]
    assert [f.sku for f in bob.favourites] == ["TEA"]
    with new_uow() as uow:  # Ann's favourite went with her; only Bob's is left
        assert uow.session.scalar(select(func.count()).select_from(FavouriteRow)) == 1
        assert uow.session.scalar(select(func.count()).select_from(OrderRatingRow)) == 0
    # Ann comes back: a new customer, who has nothing yet.
    set_cart_quantity(ANN, shop.tea.id, Decimal(1), uow=new_uow())
    again = what_is_kept(ANN.telegram_user_id, uow=new_uow())
    assert again is not None and again.customer.id != ann_id.id
    assert (again.orders, again.questions, again.watches, again.language) == ([], [], [], None)
    assert again.favourites == []
    assert again.last_address is None and again.customer.phone is None


def test_forgetting_is_refused_while_an_order_is_in_progress_and_changes_nothing(
    new_uow: UowFactory,
) -> None:
    shop = _a_shop_with_history(new_uow)
    open_order = placed_order(new_uow(), ANN, (shop.tea, 1), details=pickup_details(ANN_PHONE))
    before = what_is_kept(ANN.telegram_user_id, uow=new_uow())
    with pytest.raises(OrderInProgress) as refused:
        check_erasable(ANN.telegram_user_id, uow=new_uow())
    assert refused.value.codes == [open_order.code]
    with pytest.raises(OrderInProgress, match=open_order.code):
        forget_me(ANN.telegram_user_id, uow=new_uow())
    assert what_is_kept(ANN.telegram_user_id, uow=new_uow()) == before


def test_forgetting_twice_or_someone_never_known_is_harmless(new_uow: UowFactory) -> None:
    _a_shop_with_history(new_uow)
    assert forget_me(ANN.telegram_user_id, uow=new_uow()).erased
    stored = _everything_stored(new_uow)
    assert forget_me(ANN.telegram_user_id, uow=new_uow()) == Erasure(False)
    assert forget_me(31337, uow=new_uow()) == Erasure(False)
    assert not check_erasable(ANN.telegram_user_id, uow=new_uow())
    assert _everything_stored(new_uow) == stored


def test_a_forget_me_confirmed_many_times_at_once_erases_once(new_uow: UowFactory) -> None:
    shop = _a_shop_with_history(new_uow)
    results = _race(AT_ONCE, lambda _: forget_me(ANN.telegram_user_id, uow=new_uow()))
    assert sorted(r == Erasure(True, orders_kept=2) for r in results) == [False] * (AT_ONCE - 1) + [
        True
    ], results
    assert all(isinstance(r, Erasure) for r in results), results
    assert what_is_kept(ANN.telegram_user_id, uow=new_uow()) is None
    kept = orders.find_order(shop.completed.code, uow=new_uow())
    assert (kept.phone, kept.total_minor) == ("", shop.completed.total_minor)
