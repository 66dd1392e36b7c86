"""The concurrency matrix: every write use case run several times at once, invariant asserted.

Real threads, each with its own connection, released together by a barrier, on SQLite and on
MariaDB (READ COMMITTED, where a read-then-write race actually happens).
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

import pytest
from sqlalchemy import Engine, func, select

from bot.domain.catalogue import Unit
from bot.domain.errors import (
    AccountLocked,
    AuthenticationFailed,
    CartChanged,
    DomainError,
    StockChangedMeanwhile,
)
from bot.domain.notifications import Notification, NotificationKind
from bot.domain.offers import OfferTerms
from bot.domain.orders import Fulfilment, FulfilmentKind, Order, OrderStatus, StatusNews
from bot.domain.passwords import PasswordHasher
from bot.domain.payments import (
    MoneyTaken,
    PaymentMethod,
    PaymentOptions,
    PaymentReceipt,
    invoice_payload,
)
from bot.domain.promo_codes import Discount, PromoCode, PromoNoLongerApplies
from bot.domain.prompts import NewItemDraft, PromptKind
from bot.domain.questions import AlreadyAnswered, Question
from bot.domain.services import (
    catalogue,
    checkout,
    deliveries,
    favourites,
    housekeeping,
    item_prompts,
    languages,
    offers,
    orders,
    outbox,
    payments,
    pickups,
    promo_codes,
    prompts,
    questions,
    ratings,
    staff,
    stock,
    waiting,
)
from bot.domain.services.cart import set_cart_quantity, step_cart_line, view_cart
from bot.domain.services.customers import CustomerRef
from bot.domain.services.item_prompts import ItemStep
from bot.domain.services.orders import CheckoutDetails
from bot.domain.staff import Role, StaffAccount
from bot.domain.stock import StockReason
from bot.i18n import SHIPPED
from bot.persistence.models import CustomerRow, FavouriteRow, OrderRatingRow, OutboxRow
from bot.persistence.send_pauses import SqlPauseBook
from bot.persistence.send_ticks import SqlTickBook
from tests.integration.persistence.test_concurrency import _ledger_balance, _race
from tests.support.databases import UowFactory
from tests.support.factories import FAST_HASHER, STORE, customer, placed_order, stocked

AT_ONCE = 12
PASSWORD = "correct horse battery"
T = TypeVar("T")


class HeldAtTheCheck(PasswordHasher):
    """Counts the passwords checked. With `parties`, holds every attempt at the check until
    all have reached it: all are past the lock-out test at once, the worst case for counting
    (MariaDB only: SQLite runs one writing transaction at a time, so they never meet)."""

    def __init__(self, parties: int | None) -> None:
        super().__init__(rounds=4)
        self._barrier = threading.Barrier(parties, timeout=30) if parties else None
        self._lock = threading.Lock()
        self.checks = 0

    def verify(self, password: str, password_hash: str) -> bool:
        if self._barrier is not None:
            self._barrier.wait()
        with self._lock:
            self.checks += 1
        return super().verify(password, password_hash)


def successes(results: list[T | DomainError], kind: type[T]) -> list[T]:
    return [r for r in results if isinstance(r, kind)]


def ready_to_confirm(new_uow: UowFactory, product_id: int) -> CustomerRef:
    who = customer()
    set_cart_quantity(who, product_id, Decimal(1), uow=new_uow())
    checkout.start_checkout(who, store=STORE, uow=new_uow())
    checkout.choose_fulfilment(who, FulfilmentKind.DELIVERY, store=STORE, uow=new_uow())
    checkout.give_address(who, "1 Long Road, Springfield", store=STORE, uow=new_uow())
    checkout.give_phone(who, "+441234567890", store=STORE, uow=new_uow())
    checkout.give_note(who, "", store=STORE, uow=new_uow())
    return who


def test_one_checkout_confirmed_many_times_at_once_places_one_order(
    new_uow: UowFactory,
) -> None:
    tea = stocked(new_uow(), 10, sku="TEA")
    who = ready_to_confirm(new_uow, tea.id or 0)
    results = _race(AT_ONCE, lambda _: checkout.confirm_checkout(who, store=STORE, uow=new_uow()))
    assert len(successes(results, Order)) == 1
    assert catalogue.find_product("TEA", uow=new_uow()).stock == 9
    assert _ledger_balance(new_uow, tea.id or 0) == 9


def test_wrong_passwords_sent_at_once_all_count(new_uow: UowFactory, backend: str) -> None:
    staff.create_manager("boss", PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
    with pytest.raises(AuthenticationFailed):  # a first miss: the person's counter exists
        staff.log_in("boss", "a typo", telegram_user_id=66, uow=new_uow(), hasher=FAST_HASHER)
    hasher = HeldAtTheCheck(AT_ONCE if backend == "mariadb" else None)

    def guess(_: int) -> None:
        staff.log_in("boss", "a wrong guess", telegram_user_id=66, uow=new_uow(), hasher=hasher)

    results = list(_race(AT_ONCE, guess))
    assert all(isinstance(r, AuthenticationFailed | AccountLocked) for r in results)
    with new_uow() as uow:
        throttle = uow.throttles.get(66)
    assert throttle.failed_attempts == 1 + hasher.checks  # every checked password counted
    assert hasher.checks == (AT_ONCE if backend == "mariadb" else 4)
    assert throttle.locked_until is not None
    with pytest.raises(AccountLocked):
        staff.log_in("boss", PASSWORD, telegram_user_id=66, uow=new_uow(), hasher=FAST_HASHER)
    # The owner, from their own Telegram account, is not locked out.
    assert staff.log_in("boss", PASSWORD, telegram_user_id=1, uow=new_uow(), hasher=FAST_HASHER)


def test_twelve_logins_at_once_each_open_their_own_session(new_uow: UowFactory) -> None:
    staff.create_manager("boss", PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
    results = _race(
        AT_ONCE,
        lambda n: staff.log_in(
            "boss", PASSWORD, telegram_user_id=500 + n, uow=new_uow(), hasher=FAST_HASHER
        ),
    )
    assert len(successes(results, StaffAccount)) == AT_ONCE
    assert all(staff.current_staff(500 + n, uow=new_uow()) for n in range(AT_ONCE))


def test_an_invite_redeemed_at_once_makes_one_account(new_uow: UowFactory) -> None:
    boss = staff.create_manager("boss", PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
    invite = staff.create_invite(boss.id or 0, Role.STAFF, uow=new_uow())
    results = _race(
        AT_ONCE,
        lambda n: staff.sign_up(
            invite.code,
            f"clerk{n}",
            "Clerk",
            PASSWORD,
            telegram_user_id=700 + n,
            uow=new_uow(),
            hasher=FAST_HASHER,
        ),
    )
    assert len(successes(results, StaffAccount)) == 1
    assert len(staff.staff_accounts(boss.id or 0, uow=new_uow())) == 2


def test_one_update_delivered_to_many_workers_is_taken_once(new_uow: UowFactory) -> None:
    results = _race(AT_ONCE, lambda _: deliveries.first_delivery(4242, 7, uow=new_uow()))
    assert [r.fresh for r in successes(results, deliveries.Delivery)].count(True) == 1


def test_workers_recording_overlapping_batches_at_once_take_each_update_once(
    new_uow: UowFactory,
) -> None:
    # Each worker records eight of sixteen updates in one transaction, half of them in
    # reverse order: however the batches overlap, every update is fresh for exactly one.
    def batch(n: int) -> list[deliveries.Arrival]:
        ids = [9000 + (n + k) % 16 for k in range(8)]
        return [deliveries.Arrival(i, 700 + i % 3) for i in (ids[::-1] if n % 2 else ids)]

    batches = [batch(n) for n in range(AT_ONCE)]
    results = _race(AT_ONCE, lambda n: deliveries.first_deliveries(batches[n], uow=new_uow()))
    recorded = successes(results, list)
    assert len(recorded) == AT_ONCE
    fresh = [
        arrival.update_id
        for arrivals, taken in zip(batches, recorded, strict=True)
        for arrival, delivery in zip(arrivals, taken, strict=True)
        if delivery.fresh
    ]
    assert sorted(fresh) == list(range(9000, 9016))


def test_a_new_persons_first_updates_at_once_keep_their_app_language_once(
    new_uow: UowFactory,
) -> None:
    # Twelve workers each take one of a new person's updates: the insert-or-update of the app
    # language must neither fail on the duplicate key nor lose it.
    results = _race(AT_ONCE, lambda n: deliveries.first_delivery(5000 + n, 77, "de", uow=new_uow()))
    assert all(r.fresh for r in successes(results, deliveries.Delivery))
    assert len(successes(results, deliveries.Delivery)) == AT_ONCE
    with new_uow() as uow:
        assert uow.languages.readers({77}) == {77: "de"}


def test_senders_racing_for_the_outbox_deliver_each_message_once(new_uow: UowFactory) -> None:
    now = datetime.now(UTC)
    with new_uow() as uow:
        for chat in range(20):
            uow.outbox.add(Notification(chat, StatusNews("A", OrderStatus.READY), now))
        uow.commit()

    def send_round(_: int) -> list[int]:
        claimed = outbox.claim_due(limit=20, uow=new_uow()).to_send
        return [n.chat_id for n in claimed if outbox.delivered(n, uow=new_uow())]

    rounds = _race(4, send_round)
    delivered = [chat for r in rounds if isinstance(r, list) for chat in r]
    assert sorted(delivered) == list(range(20))  # each once, none twice


def test_senders_racing_for_messages_their_workers_died_sending_give_each_up_once(
    new_uow: UowFactory,
) -> None:
    # Ten messages whose first send died with its worker, ten whose second did: four workers
    # then claim at once. The first ten go once more, each to one worker; the others are
    # given up (and logged) by one worker each, never sent a third time.
    start = datetime.now(UTC) - timedelta(minutes=10)
    with new_uow() as uow:
        for chat in range(20):
            uow.outbox.add(Notification(chat, StatusNews("A", OrderStatus.READY), start))
        uow.commit()

    def killed_sending(chats: range, at: datetime) -> None:
        """Claimed by a worker then killed: each claim counts, and its lease runs out."""
        with new_uow() as uow:
            for n in uow.outbox.due(at, limit=20):
                if n.chat_id in chats:
                    assert uow.outbox.claim(n.id or 0, "killed", at, at + timedelta(minutes=1))
            uow.commit()

    killed_sending(range(20), start)
    killed_sending(range(10, 20), start + timedelta(minutes=2))

    def send_round(_: int) -> tuple[list[int], list[int]]:
        claimed = outbox.claim_due(limit=20, uow=new_uow())
        return [n.chat_id for n in claimed.to_send], [n.chat_id for n in claimed.given_up]

    rounds = [r for r in _race(4, send_round) if isinstance(r, tuple)]
    assert sorted(chat for sent, _ in rounds for chat in sent) == list(range(10))
    assert sorted(chat for _, gave_up in rounds for chat in gave_up) == list(range(10, 20))


def test_restocks_and_corrections_at_once_keep_stock_equal_to_its_ledger(
    new_uow: UowFactory,
) -> None:
    flour = stocked(new_uow(), 0, sku="FLOUR")

    def move(n: int) -> object:
        if n % 2:
            return stock.receive_stock("FLOUR", Decimal(3), actor="t", store=STORE, uow=new_uow())
        return stock.adjust_stock(
            "FLOUR", Decimal(-1), StockReason.DAMAGED, actor="t", store=STORE, uow=new_uow()
        )

    _race(AT_ONCE, move)
    level = catalogue.find_product("FLOUR", uow=new_uow()).stock
    assert level >= 0
    assert level == _ledger_balance(new_uow, flour.id or 0)


def test_a_suggested_restock_tapped_at_once_restocks_once(new_uow: UowFactory) -> None:
    milk = stocked(new_uow(), 24, sku="MILK-1L")
    results = _race(
        AT_ONCE,
        lambda _: stock.receive_stock(
            "MILK-1L",
            Decimal(12),
            expected_level=Decimal(24),
            actor="t",
            store=STORE,
            uow=new_uow(),
        ),
    )
    assert len(successes(results, stock.StockMove)) == 1
    assert all(isinstance(r, StockChangedMeanwhile) for r in results if isinstance(r, Exception))
    assert catalogue.find_product("MILK-1L", uow=new_uow()).stock == 36
    assert _ledger_balance(new_uow, milk.id or 0) == 36


def additem_draft() -> NewItemDraft:
    return NewItemDraft(
        name="Honey",
        sku="HONEY",
        category="Pantry",
        unit=Unit.PIECE,
        step=Decimal(1),
        price_minor=650,
        stock=Decimal(4),
    )


def skip_at_once(new_uow: UowFactory, step: ItemStep) -> item_prompts.ItemReply:
    """Tap /additem's Skip on `step` from many workers at once; the one answer taken."""
    prompts.ask(7, PromptKind.ADD_ITEM, step, additem_draft(), uow=new_uow())
    results = _race(
        AT_ONCE,
        lambda _: item_prompts.answer_add_item(
            7, step, text="skip", actor="t", store=STORE, uow=new_uow()
        ),
    )
    [taken] = successes(results, item_prompts.ItemReply)
    assert all(isinstance(r, item_prompts.QuestionPassed) for r in results if r is not taken)
    return taken


def test_an_additem_question_answered_at_once_is_answered_once(new_uow: UowFactory) -> None:
    assert skip_at_once(new_uow, ItemStep.DESCRIPTION).ask is ItemStep.UNIT


def test_the_last_additem_answer_tapped_at_once_adds_the_item_once(
    new_uow: UowFactory,
) -> None:
    added = skip_at_once(new_uow, ItemStep.PHOTO).product
    assert added is not None and added.sku == "HONEY"
    honey = catalogue.find_product("HONEY", uow=new_uow())
    assert honey.stock == 4 == _ledger_balance(new_uow, honey.id or 0)


def test_a_new_customers_language_chosen_at_once_makes_one_customer(
    new_uow: UowFactory,
) -> None:
    who = customer()  # never seen before: each attempt would create the customer row
    choices = ["de", "fr"] * (AT_ONCE // 2)
    results = _race(
        AT_ONCE,
        lambda n: languages.choose_language(who, choices[n], shipped=SHIPPED, uow=new_uow()),
    )
    assert [r for r in results if isinstance(r, DomainError)] == []
    with new_uow() as uow:
        assert uow.customers.get_by_telegram_id(who.telegram_user_id) is not None
        assert uow.languages.of(who.telegram_user_id).chosen in ("de", "fr")
        rows = uow.session.scalar(
            select(func.count())
            .select_from(CustomerRow)
            .where(CustomerRow.telegram_user_id == who.telegram_user_id)
        )
    assert rows == 1


def test_plus_pressed_at_once_in_two_workers_counts_every_press(new_uow: UowFactory) -> None:
    jam = stocked(new_uow(), 100, sku="JAM")
    who = customer()
    set_cart_quantity(who, jam.id or 0, Decimal(1), uow=new_uow())
    _race(AT_ONCE, lambda _: step_cart_line(who, jam.id or 0, 1, uow=new_uow()))
    assert view_cart(who, uow=new_uow()).quantity_of(jam.id or 0) == 1 + AT_ONCE


def test_the_daily_clean_up_runs_once_across_workers(new_uow: UowFactory) -> None:
    results = _race(
        4,
        lambda _: (
            housekeeping.clean_up(
                store=STORE, idle_timeout=staff.DEFAULT_IDLE_TIMEOUT, uow=new_uow()
            ).ran
        ),
    )
    assert results.count(True) == 1


def test_restocks_racing_from_sold_out_tell_each_watcher_once(new_uow: UowFactory) -> None:
    gone = stocked(new_uow(), 0, sku="GONE")
    watchers = [customer() for _ in range(3)]
    for who in watchers:
        stock.watch_product(who, gone.id or 0, uow=new_uow())
    _race(
        AT_ONCE,
        lambda _: stock.receive_stock("GONE", Decimal(1), actor="t", store=STORE, uow=new_uow()),
    )
    with new_uow() as uow:
        told = [
            n.chat_id
            for n in uow.outbox.due(datetime.now(UTC) + timedelta(minutes=1), limit=100)
            if n.kind is NotificationKind.BACK_IN_STOCK
        ]
    assert sorted(told) == sorted(w.telegram_user_id for w in watchers)


def favourite_rows(new_uow: UowFactory, product_id: int) -> int:
    with new_uow() as uow:
        return (
            uow.session.scalar(
                select(func.count())
                .select_from(FavouriteRow)
                .where(FavouriteRow.product_id == product_id)
            )
            or 0
        )


def test_a_star_pressed_at_once_in_many_workers_keeps_one_favourite(
    new_uow: UowFactory,
) -> None:
    tea = stocked(new_uow(), 5, sku="TEA")
    who = customer()  # never seen before: each press would also create the customer row
    results = _race(
        AT_ONCE, lambda _: favourites.set_favourite(who, tea.id or 0, True, uow=new_uow())
    )
    assert [r for r in results if isinstance(r, DomainError)] == []
    starred = successes(results, favourites.Starred)
    assert all(s.favourite for s in starred) and len(starred) == AT_ONCE
    assert sum(s.changed for s in starred) == 1  # one press added it; the rest found it there
    assert favourite_rows(new_uow, tea.id or 0) == 1
    assert favourites.is_favourite(who, tea.id or 0, uow=new_uow())


def test_stars_set_and_unset_at_once_leave_one_row_or_none_and_refuse_nobody(
    new_uow: UowFactory,
) -> None:
    tea = stocked(new_uow(), 5, sku="TEA")
    who = customer()
    favourites.set_favourite(who, tea.id or 0, True, uow=new_uow())
    results = _race(
        AT_ONCE,
        lambda n: favourites.set_favourite(who, tea.id or 0, n % 2 == 0, uow=new_uow()),
    )
    assert [r for r in results if isinstance(r, DomainError)] == []
    rows = favourite_rows(new_uow, tea.id or 0)
    assert rows in (0, 1)
    assert favourites.is_favourite(who, tea.id or 0, uow=new_uow()) is (rows == 1)


# ------------------------------------------------------------------ payments, hand-over, questions

ONLINE_STORE = dataclasses.replace(STORE, payments=PaymentOptions(online=True))


def unpaid_order(new_uow: UowFactory) -> tuple[CustomerRef, Order]:
    tea = stocked(new_uow(), 10, sku="TEA")
    who = ready_to_confirm(new_uow, tea.id or 0)
    order = checkout.confirm_checkout(who, PaymentMethod.ONLINE, store=ONLINE_STORE, uow=new_uow())
    return who, order


def receipt_for(order: Order, charge: str = "tg-charge-1") -> PaymentReceipt:
    return PaymentReceipt(
        invoice_payload(order.code), order.currency, order.total_minor, charge, "provider-1"
    )


def queued(new_uow: UowFactory, kind: NotificationKind) -> list[dict[str, str]]:
    """The payloads of every queued notification of this kind, sent or not."""
    with new_uow() as uow:
        return list(
            uow.session.scalars(select(OutboxRow.payload).where(OutboxRow.kind == kind.value))
        )


def test_one_payment_delivered_to_many_workers_at_once_is_recorded_once(
    new_uow: UowFactory,
) -> None:
    staff.create_manager("boss", PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
    staff.log_in("boss", PASSWORD, telegram_user_id=77, uow=new_uow(), hasher=FAST_HASHER)
    who, order = unpaid_order(new_uow)
    results = _race(
        AT_ONCE,
        lambda _: payments.record_payment(who.telegram_user_id, receipt_for(order), uow=new_uow()),
    )
    outcomes = successes(results, payments.PaymentOutcome)
    assert len(outcomes) == AT_ONCE
    assert sum(o.first for o in outcomes) == 1
    paid = orders.find_order(order.code, uow=new_uow())
    assert paid.payment.is_paid and paid.payment.refund_due_minor == 0
    assert len(queued(new_uow, NotificationKind.ORDER_PLACED)) == 1  # staff told once


def test_an_expiring_order_racing_its_payment_is_either_paid_or_refunded(
    new_uow: UowFactory,
) -> None:
    staff.create_manager("boss", PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
    who, order = unpaid_order(new_uow)
    assert order.id is not None
    with new_uow() as uow:
        uow.orders.set_pay_by(order.id, datetime.now(UTC) - timedelta(seconds=1))
        uow.commit()

    def either(n: int) -> object:
        if n == 0:
            return payments.record_payment(who.telegram_user_id, receipt_for(order), uow=new_uow())
        return payments.release_unpaid(order.code, store=ONLINE_STORE, uow=new_uow())

    _race(AT_ONCE, either)
    final = orders.find_order(order.code, uow=new_uow())
    assert final.payment.is_paid
    if final.status is OrderStatus.CANCELLED:  # released first: the money must go back
        assert final.payment.refund_due_minor == final.total_minor
        assert catalogue.find_product("TEA", uow=new_uow()).stock == 10
    else:
        assert final.status is OrderStatus.PLACED and final.payment.refund_due_minor == 0
        assert catalogue.find_product("TEA", uow=new_uow()).stock == 9
    tea = catalogue.find_product("TEA", uow=new_uow())
    assert _ledger_balance(new_uow, tea.id or 0) == tea.stock


@pytest.mark.parametrize("right_payment_too", [False, True])
def test_an_expiring_order_racing_a_payment_of_the_wrong_sum_refunds_each_charge_once(
    new_uow: UowFactory, right_payment_too: bool
) -> None:
    # 12 at once: the wrong charge delivered to several workers, the expiry job on as many,
    # and (second case) the right charge too. The wrong sum never pays: the order is released
    # unless the right charge came first; every charge that paid for nothing is refunded once.
    staff.create_manager("boss", PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
    staff.log_in("boss", PASSWORD, telegram_user_id=77, uow=new_uow(), hasher=FAST_HASHER)
    who, order = unpaid_order(new_uow)
    assert order.id is not None
    with new_uow() as uow:
        uow.orders.set_pay_by(order.id, datetime.now(UTC) - timedelta(seconds=1))
        uow.commit()
    wrong = dataclasses.replace(receipt_for(order, "tg-wrong"), total_minor=1)
    kinds = 3 if right_payment_too else 2

    def one_of_them(n: int) -> object:
        if n % kinds == 0:
            return payments.record_payment(who.telegram_user_id, wrong, uow=new_uow())
        if n % kinds == 1:
            return payments.release_unpaid(order.code, store=ONLINE_STORE, uow=new_uow())
        right = receipt_for(order, "tg-right")
        return payments.record_payment(who.telegram_user_id, right, uow=new_uow())

    results = _race(AT_ONCE, one_of_them)
    assert not [r for r in results if isinstance(r, Exception)]
    final = orders.find_order(order.code, uow=new_uow())
    refunds = sorted(int(p["amount_minor"]) for p in queued(new_uow, NotificationKind.REFUND_DUE))
    released = final.status is OrderStatus.CANCELLED
    tea = catalogue.find_product("TEA", uow=new_uow())
    assert _ledger_balance(new_uow, tea.id or 0) == tea.stock
    if not right_payment_too:
        assert released and not final.payment.is_paid and tea.stock == 10
        assert refunds == [1] and final.payment.refund_due_minor == 1
    elif released:  # the right money came too late: it goes back as well
        assert tea.stock == 10
        assert refunds == [1, final.total_minor]
        assert final.payment.refund_due_minor == 1 + final.total_minor
    else:
        assert final.status is OrderStatus.PLACED and final.payment.is_paid and tea.stock == 9
        assert refunds == [1] and final.payment.refund_due_minor == 1


def test_one_pickup_code_handed_over_many_times_at_once_completes_once(
    new_uow: UowFactory,
) -> None:
    # Clerks tap "cash" and "card" on the same order at once: one completes it, and the way
    # recorded is that one's.
    boss = staff.create_manager("boss", PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
    tea = stocked(new_uow(), 10, sku="TEA")
    who = ready_to_confirm(new_uow, tea.id or 0)
    order = checkout.confirm_checkout(who, store=STORE, uow=new_uow())
    coded = dataclasses.replace(STORE, delivery_code=True)  # a delivery's code: the courier's
    for status in (OrderStatus.ACCEPTED, OrderStatus.OUT_FOR_DELIVERY):
        order = orders.move_order(boss.id or 0, order.code, status, store=coded, uow=new_uow())
    assert order.pickup_code is not None
    code = order.pickup_code
    ways = [MoneyTaken.CASH, MoneyTaken.CARD]
    results = _race(
        AT_ONCE,
        lambda n: orders.hand_over(
            boss.id or 0, code, taken=ways[n % 2], store=coded, uow=new_uow()
        ),
    )
    [winner] = successes(results, Order)
    assert all(isinstance(r, orders.CannotHandOver) for r in results if r is not winner)
    final = orders.find_order(order.code, uow=new_uow())
    assert final.money_taken is winner.money_taken and final.money_taken in ways
    told = queued(new_uow, NotificationKind.ORDER_STATUS)
    assert [payload["status"] for payload in told].count("completed") == 1


def test_one_question_answered_by_many_staff_at_once_gets_one_answer(
    new_uow: UowFactory,
) -> None:
    members = [
        staff.create_manager(f"boss{n}", PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
        for n in range(AT_ONCE)
    ]
    asked = questions.ask_shop(customer(), "Do you deliver today?", uow=new_uow())
    assert asked.id is not None
    question_id = asked.id
    results = _race(
        AT_ONCE,
        lambda n: questions.answer_question(
            members[n].id or 0, question_id, f"Yes ({n})", uow=new_uow()
        ),
    )
    assert len(successes(results, Question)) == 1
    assert len([r for r in results if isinstance(r, AlreadyAnswered)]) == AT_ONCE - 1
    assert len(queued(new_uow, NotificationKind.ANSWER)) == 1


def test_workers_claiming_one_block_of_send_ticks_at_once_give_it_to_one(engine: Engine) -> None:
    book = SqlTickBook(engine)
    results = _race(AT_ONCE, lambda _: book.claim("bulk", 4242))
    assert results.count(True) == 1
    assert book.claim("paid", 4242)  # another lane has its own blocks


def test_workers_pausing_one_chat_at_once_keep_the_latest_end(engine: Engine) -> None:
    book = SqlPauseBook(engine)
    ends = [1_000_000.0 + n for n in range(AT_ONCE)]
    _race(AT_ONCE, lambda n: book.pause("chat:7", ends[n]))
    book.pause("chat:7", 999_999.0)  # an earlier end never shortens a pause
    assert book.active(999_000.0) == {"chat:7": max(ends)}
    assert book.active(max(ends)) == {}


# ------------------------------------------------------------------ pickups nobody collects


def test_an_uncollected_pickup_racing_its_hand_over_is_either_handed_over_or_released(
    new_uow: UowFactory,
) -> None:
    # Six ready pay-at-pickup orders from last week: six workers run the release job while
    # the counter hands each order over, all at once. Each order ends one way, never both.
    boss = staff.create_manager("boss", PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
    tea = stocked(new_uow(), 40, sku="TEA")
    last_week = CheckoutDetails(
        Fulfilment.pickup(datetime.now(UTC) - timedelta(days=7)), "+441234567890"
    )
    ready = []
    for _ in range(AT_ONCE // 2):
        order = placed_order(new_uow(), customer(), (tea, 2), details=last_week)
        for status in (OrderStatus.ACCEPTED, OrderStatus.READY):
            order = orders.move_order(boss.id or 0, order.code, status, store=STORE, uow=new_uow())
        ready.append(order)
    pickup_codes = [order.pickup_code or "" for order in ready]

    def either(n: int) -> object:
        if n % 2:
            due = pickups.uncollected_orders(store=STORE, uow=new_uow())
            return [pickups.release_uncollected(code, store=STORE, uow=new_uow()) for code in due]
        return orders.hand_over(
            boss.id or 0,
            pickup_codes[n // 2],
            taken=MoneyTaken.CASH,
            store=STORE,
            uow=new_uow(),
        )

    _race(AT_ONCE, either)
    finals = [orders.find_order(order.code, uow=new_uow()) for order in ready]
    endings = (OrderStatus.COMPLETED, OrderStatus.CANCELLED)
    for final in finals:
        assert final.status in endings
        assert [c.status for c in final.history if c.status in endings] == [final.status]
    handed_over = sum(final.status is OrderStatus.COMPLETED for final in finals)
    level = catalogue.find_product("TEA", uow=new_uow()).stock
    assert level == 40 - 2 * handed_over
    assert level == _ledger_balance(new_uow, tea.id or 0)
    told = queued(new_uow, NotificationKind.ORDER_STATUS)
    for final in finals:  # each customer hears how it ended, once
        heard = [p["status"] for p in told if p["order_code"] == final.code]
        assert [status for status in heard if status in endings] == [final.status.value]


def test_the_unseen_check_run_by_many_workers_at_once_tells_the_managers_once_per_item(
    new_uow: UowFactory,
) -> None:
    # Nobody is logged in: an order and a question wait, unseen, 11 minutes into opening
    # hours; 12 workers run the check at that same instant. Each item is told once.
    staff.create_manager("boss", PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
    staff.log_in("boss", PASSWORD, telegram_user_id=77, uow=new_uow(), hasher=FAST_HASHER)
    staff.log_out(77, uow=new_uow())
    monday_ten = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Paris: open
    who, tea = customer(), stocked(new_uow(), 10, sku="TEA")
    placed_order(new_uow(), who, (tea, 1), clock=lambda: monday_ten)
    questions.ask_shop(who, "Oat milk?", uow=new_uow(), clock=lambda: monday_ten)
    later = monday_ten + timedelta(minutes=11)
    results = _race(
        AT_ONCE,
        lambda _: waiting.alert_unseen(
            after=timedelta(minutes=10), store=STORE, uow=new_uow(), clock=lambda: later
        ),
    )
    assert [r for r in results if isinstance(r, DomainError)] == []
    assert sum(r for r in results if isinstance(r, int)) == 2
    told = queued(new_uow, NotificationKind.UNSEEN)
    assert sorted(p["what"] for p in told) == ["order", "question"]


def _half_off(new_uow: UowFactory, sku: str, minutes: int = 60) -> int:
    now = datetime.now(UTC)
    terms = OfferTerms(sku, False, Decimal(50), None, now, now + timedelta(minutes=minutes))
    started = offers.start_offer(terms, "staff:boss", uow=new_uow())
    assert started.offer.id is not None
    return started.offer.id


def test_an_offer_ended_by_many_managers_at_once_ends_once(new_uow: UowFactory) -> None:
    stocked(new_uow(), 10, sku="TEA")
    offer_id = _half_off(new_uow, "TEA")
    results = _race(AT_ONCE, lambda _: offers.end_offer(offer_id, uow=new_uow()))
    assert sorted(results, key=str) == [False] * (AT_ONCE - 1) + [True]
    assert offers.offers_not_ended(uow=new_uow()) == []


def test_checkouts_racing_an_offers_end_each_pay_the_price_they_confirmed(
    new_uow: UowFactory,
) -> None:
    """Twelve carts filled at half price; the offer ends while they confirm: every order
    placed is at one price its line was confirmed at, and a cart that saw the other price is
    corrected and told, never charged a price it was not shown."""
    tea = stocked(new_uow(), 100, sku="TEA", price_minor=400)
    offer_id = _half_off(new_uow, "TEA")
    buyers = [ready_to_confirm(new_uow, tea.id or 0) for _ in range(AT_ONCE - 1)]

    def confirm(n: int) -> Order | bool:
        if n == 0:
            return offers.end_offer(offer_id, uow=new_uow())
        return checkout.confirm_checkout(buyers[n - 1], store=STORE, uow=new_uow())

    results = _race(AT_ONCE, confirm)
    assert results[0] is True
    placed = [r for r in results[1:] if isinstance(r, Order)]
    # Each confirmed on a summary at 200: placed at 200, or told the price moved.
    assert all(line.unit_price_minor == 200 for o in placed for line in o.lines)
    corrected = [r for r in results[1:] if isinstance(r, CartChanged)]
    assert len(placed) + len(corrected) == AT_ONCE - 1
    assert all("now costs" in str(r) for r in corrected)
    for who in buyers:  # a corrected cart confirms at the list price next time
        if view_cart(who, uow=new_uow()).items:
            order = checkout.confirm_checkout(who, store=STORE, uow=new_uow())
            assert [line.unit_price_minor for line in order.lines] == [400]


def test_stars_tapped_many_times_at_once_keep_one_rating(new_uow: UowFactory) -> None:
    tea = stocked(new_uow(), 10, sku="TEA")
    who = customer()
    order = placed_order(new_uow(), who, (tea, 1), store=STORE)
    boss = staff.create_manager("boss", PASSWORD, uow=new_uow(), hasher=FAST_HASHER)
    assert boss.id is not None
    for status in (OrderStatus.ACCEPTED, OrderStatus.READY):
        order = orders.move_order(boss.id, order.code, status, store=STORE, uow=new_uow())
    assert order.pickup_code is not None
    orders.hand_over(boss.id, order.pickup_code, taken=MoneyTaken.CASH, store=STORE, uow=new_uow())
    results = _race(
        AT_ONCE, lambda n: ratings.rate_order(who, order.code, 1 + n % 5, uow=new_uow())
    )
    assert all(not isinstance(r, DomainError) for r in results), results
    with new_uow() as uow:
        assert order.id is not None
        kept = uow.ratings.get(order.id)
        count = uow.session.scalar(select(func.count()).select_from(OrderRatingRow))
    assert kept is not None and 1 <= kept.stars <= 5 and count == 1


def _promo_code(new_uow: UowFactory, code: str, **fields: object) -> PromoCode:
    wanted = PromoCode(code, Discount(None, 100), min_basket_minor=200, **fields)  # type: ignore[arg-type]
    return promo_codes.add_promo_code(wanted, uow=new_uow())


def _with_promo(new_uow: UowFactory, who: CustomerRef, code: str) -> None:
    view = checkout.give_promo_code(who, code, store=STORE, uow=new_uow())
    assert view.discount_minor == 100


def test_twelve_customers_confirming_at_once_for_a_codes_last_use_get_one_discount(
    new_uow: UowFactory,
) -> None:
    tea = stocked(new_uow(), 100, sku="TEA", price_minor=400)
    _promo_code(new_uow, "LAST-ONE", max_uses=1)
    buyers = [ready_to_confirm(new_uow, tea.id or 0) for _ in range(AT_ONCE)]
    for who in buyers:
        _with_promo(new_uow, who, "LAST-ONE")
    results = _race(
        AT_ONCE, lambda n: checkout.confirm_checkout(buyers[n], store=STORE, uow=new_uow())
    )
    placed = successes(results, Order)
    refused = [r for r in results if isinstance(r, PromoNoLongerApplies)]
    assert [o.discount_minor for o in placed] == [100]
    assert len(refused) == AT_ONCE - 1, results
    assert all("Promo code LAST-ONE has been used up." in str(r) for r in refused)
    with new_uow() as uow:
        assert uow.promo_codes.get_by_code("LAST-ONE") is not None
        kept = uow.promo_codes.get_by_code("LAST-ONE")
        assert kept is not None and kept.used == 1
    # The others' summaries are without the code now: they confirm at the full price.
    for who in buyers:
        if view_cart(who, uow=new_uow()).items:
            order = checkout.confirm_checkout(who, store=STORE, uow=new_uow())
            assert (order.discount_minor, order.total_minor) == (0, 400 + STORE.delivery_fee_minor)


def test_one_customers_double_confirm_with_a_code_for_one_order_each_places_one(
    new_uow: UowFactory,
) -> None:
    tea = stocked(new_uow(), 100, sku="TEA", price_minor=400)
    _promo_code(new_uow, "ONCE-EACH")
    who = ready_to_confirm(new_uow, tea.id or 0)
    _with_promo(new_uow, who, "ONCE-EACH")
    results = _race(AT_ONCE, lambda _: checkout.confirm_checkout(who, store=STORE, uow=new_uow()))
    assert [o.discount_minor for o in successes(results, Order)] == [100]
    with new_uow() as uow:
        kept = uow.promo_codes.get_by_code("ONCE-EACH")
        assert kept is not None and kept.used == 1


def test_cancellations_and_redemptions_at_once_count_every_use_once(
    new_uow: UowFactory,
) -> None:
    """Six orders placed with a code are cancelled while six more customers redeem it: its
    count of uses ends at the orders that kept it, on both databases (no deadlock either:
    cancelling gives the use back before the stock, the lock order of placing)."""
    tea = stocked(new_uow(), 100, sku="TEA", price_minor=400)
    _promo_code(new_uow, "SPRING", max_uses=50)
    first = [ready_to_confirm(new_uow, tea.id or 0) for _ in range(AT_ONCE // 2)]
    placed = []
    for who in first:
        _with_promo(new_uow, who, "SPRING")
        placed.append((who, checkout.confirm_checkout(who, store=STORE, uow=new_uow())))
    later = [ready_to_confirm(new_uow, tea.id or 0) for _ in range(AT_ONCE // 2)]
    for who in later:
        _with_promo(new_uow, who, "SPRING")

    def act(n: int) -> object:
        if n % 2:
            who, order = placed[n // 2]
            return orders.cancel_my_order(who, order.code, store=STORE, uow=new_uow())
        return checkout.confirm_checkout(later[n // 2], store=STORE, uow=new_uow())

    results = _race(AT_ONCE, act)
    assert not [r for r in results if isinstance(r, DomainError)], results
    with new_uow() as uow:
        kept = uow.promo_codes.get_by_code("SPRING")
        assert kept is not None and kept.used == AT_ONCE // 2


def test_twelve_managers_giving_out_one_code_name_at_once_make_one_code(
    new_uow: UowFactory,
) -> None:
    results = _race(AT_ONCE, lambda n: _promo_code(new_uow, "SAME-NAME", max_uses=n + 1))
    [made] = successes(results, PromoCode)
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == AT_ONCE - 1
    assert all("There is a promo code SAME-NAME already" in str(r) for r in refused)
    with new_uow() as uow:
        kept = uow.promo_codes.get_by_code("SAME-NAME")
    assert kept is not None and kept.max_uses == made.max_uses
