"""Paying an order: what the pre-checkout says, and a payment recorded once per charge."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from bot.domain.errors import UnknownOrder
from bot.domain.notifications import NotificationKind
from bot.domain.orders import CancelReason, OrderStatus
from bot.domain.payments import (
    PAYING_GRACE,
    CannotPay,
    PaymentMethod,
    PaymentOptions,
    PaymentReceipt,
    invoice_payload,
    order_code_in,
)
from bot.domain.services import payments
from bot.domain.services.staff import create_manager
from bot.domain.stored_facts import encode
from tests.support.factories import (
    FAST_HASHER,
    STORE,
    FixedClock,
    customer,
    pickup_details,
    placed_order,
    stocked,
)
from tests.support.fakes import FakeUnitOfWork

ONLINE = dataclasses.replace(STORE, payments=PaymentOptions(online=True))


def online_order(uow: FakeUnitOfWork, clock: FixedClock) -> tuple[int, str, int]:
    """(the customer's Telegram id, the order code, its total)"""
    ann = customer()
    tea = stocked(uow, 5)
    details = dataclasses.replace(pickup_details(), payment=PaymentMethod.ONLINE)
    order = placed_order(uow, ann, (tea, 1), details=details, store=ONLINE, clock=clock)
    return ann.telegram_user_id, order.code, order.total_minor


def a_manager_in_chat(uow: FakeUnitOfWork, chat: int) -> None:
    """A manager logged in from this chat: refunds due are announced there."""
    create_manager("boss", "correct horse battery", uow=uow, hasher=FAST_HASHER)
    with uow:
        boss = uow.staff.get_by_username("boss")
        assert boss is not None
        boss.telegram_user_id = chat
        uow.staff.update(boss)
        uow.commit()


def receipt(code: str, total: int, charge: str = "c-1") -> PaymentReceipt:
    return PaymentReceipt(invoice_payload(code), "EUR", total, charge, "p-1")


def test_an_invoice_payload_names_its_order_and_nothing_else() -> None:
    assert order_code_in(invoice_payload("K7Q2MZ4P")) == "K7Q2MZ4P"
    assert order_code_in("order:K7Q2' OR 1=1") is None
    assert order_code_in("something else") is None


def test_the_pre_checkout_says_yes_and_keeps_the_order_while_the_card_is_charged() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    chat, code, total = online_order(uow, clock)
    clock.advance(minutes=29)  # one minute before the deadline
    order = payments.check_pre_checkout(
        chat, invoice_payload(code), "EUR", total, uow=uow, clock=clock
    )
    kept = uow.committed.orders[order.id or 0].payment.pay_by
    assert kept == clock() + PAYING_GRACE


@pytest.mark.parametrize(
    ("currency", "total_change", "why"),
    [("USD", 0, "no longer matches"), ("EUR", -1, "no longer matches")],
)
def test_the_pre_checkout_says_no_to_a_changed_invoice(
    currency: str, total_change: int, why: str
) -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    chat, code, total = online_order(uow, clock)
    with pytest.raises(CannotPay, match=why):
        payments.check_pre_checkout(
            chat, invoice_payload(code), currency, total + total_change, uow=uow, clock=clock
        )


def test_the_pre_checkout_says_no_once_the_time_to_pay_ran_out() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    chat, code, total = online_order(uow, clock)
    clock.advance(minutes=31)
    with pytest.raises(CannotPay, match=r"time to pay .* has run out"):
        payments.check_pre_checkout(chat, invoice_payload(code), "EUR", total, uow=uow, clock=clock)


def test_a_payment_is_recorded_once_per_charge_and_a_second_charge_is_a_refund_due() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    a_manager_in_chat(uow, 555)
    chat, code, total = online_order(uow, clock)
    first = payments.record_payment(chat, receipt(code, total), uow=uow, clock=clock)
    again = payments.record_payment(chat, receipt(code, total), uow=uow, clock=clock)
    assert (first.first, again.first) == (True, False)
    assert first.order.payment.is_paid and not first.refund_due
    twice = payments.record_payment(chat, receipt(code, total, "c-2"), uow=uow, clock=clock)
    assert twice.refund_due and twice.order.payment.refund_due_minor == total
    refunds = [n for n in uow.committed.outbox.values() if n.kind is NotificationKind.REFUND_DUE]
    assert [(n.chat_id, encode(n.facts)["reason"]) for n in refunds] == [(555, "paid twice")]


def test_money_for_an_order_that_does_not_exist_is_refused_loudly() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(UnknownOrder):
        payments.record_payment(1, receipt("NOSUCH12", 100), uow=uow)


def test_only_an_unpaid_order_past_its_deadline_is_released() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    _chat, code, _total = online_order(uow, clock)
    assert not payments.release_unpaid(code, store=ONLINE, uow=uow, clock=clock)
    clock.advance(minutes=30, seconds=1)
    assert payments.unpaid_past_deadline(uow=uow, clock=clock) == [code]
    assert payments.release_unpaid(code, store=ONLINE, uow=uow, clock=clock)
    assert not payments.release_unpaid(code, store=ONLINE, uow=uow, clock=clock)
    [order] = uow.committed.orders.values()
    assert order.status is OrderStatus.CANCELLED
    assert order.history[-1].reason == CancelReason.NOT_PAID_IN_TIME
    assert timedelta(0) < clock() - (order.payment.pay_by or clock())


@pytest.mark.parametrize(("currency", "change"), [("USD", 0), ("EUR", -1), ("EUR", +1)])
def test_a_payment_that_is_not_the_orders_total_pays_for_nothing_and_is_refunded(
    currency: str, change: int
) -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    a_manager_in_chat(uow, 555)
    chat, code, total = online_order(uow, clock)
    wrong = dataclasses.replace(receipt(code, total + change), currency=currency)
    outcome = payments.record_payment(chat, wrong, uow=uow, clock=clock)
    assert outcome.first and outcome.refund_due and outcome.mismatched
    assert not outcome.order.payment.is_paid and outcome.order.status is OrderStatus.PLACED
    [order] = uow.committed.orders.values()
    assert not order.payment.is_paid
    # What the order owes back is in its own currency; another currency's is only announced.
    assert order.payment.refund_due_minor == (total + change if currency == "EUR" else 0)
    told = list(uow.committed.outbox.values())
    [refund] = [n for n in told if n.kind is NotificationKind.REFUND_DUE]
    assert refund.chat_id == 555
    assert encode(refund.facts)["amount_minor"] == str(total + change)
    assert encode(refund.facts)["currency"] == currency
    assert encode(refund.facts)["reason"] == "the payment did not match the order's total"
    assert NotificationKind.ORDER_PLACED not in [n.kind for n in told]  # nobody prepares it
    # Unpaid, it is still released at its deadline; the right sum still pays for it before.
    clock.advance(minutes=31)
    assert payments.unpaid_past_deadline(uow=uow, clock=clock) == [code]
    right = payments.record_payment(chat, receipt(code, total, "c-2"), uow=uow, clock=clock)
    assert right.order.payment.is_paid and not right.refund_due


def test_money_for_an_order_paid_at_the_hand_over_does_not_settle_it_and_is_refunded() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    a_manager_in_chat(uow, 555)
    ann, tea = customer(), stocked(uow, 5)
    order = placed_order(uow, ann, (tea, 1), store=ONLINE, clock=clock)
    assert order.payment.method is PaymentMethod.ON_HANDOVER
    forged = receipt(order.code, order.total_minor)  # the right sum, but never invoiced
    outcome = payments.record_payment(ann.telegram_user_id, forged, uow=uow, clock=clock)
    assert outcome.mismatched and outcome.refund_due
    [kept] = uow.committed.orders.values()
    assert not kept.payment.is_paid  # still collected at the hand-over
    assert kept.payment.refund_due_minor == order.total_minor
