"""What a completed order records of how its money was taken."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.payments import (
    ExtraNotRecorded,
    MoneyNotRecorded,
    MoneyTaken,
    Payment,
    PaymentMethod,
    Takings,
    money_taken,
)

PAID = Payment(PaymentMethod.ONLINE, paid_at=datetime(2026, 12, 6, tzinfo=UTC))
AT_HANDOVER = Payment(PaymentMethod.ON_HANDOVER)


def test_an_order_paid_in_telegram_in_full_is_telegram_money_whatever_was_pressed() -> None:
    assert money_taken(PAID, "K7", None) == Takings(MoneyTaken.TELEGRAM)
    assert money_taken(PAID, "K7", MoneyTaken.CASH) == Takings(MoneyTaken.TELEGRAM)


def test_what_the_picking_added_to_a_telegram_payment_is_taken_in_cash_or_by_card() -> None:
    with pytest.raises(ExtraNotRecorded):
        money_taken(PAID, "K7", None, extra_minor=39)
    with pytest.raises(ExtraNotRecorded):
        money_taken(PAID, "K7", MoneyTaken.TELEGRAM, extra_minor=39)
    assert money_taken(PAID, "K7", MoneyTaken.CARD, extra_minor=39) == Takings(
        MoneyTaken.TELEGRAM, MoneyTaken.CARD, 39
    )


def test_an_order_paid_at_the_hand_over_needs_cash_or_card_said() -> None:
    with pytest.raises(MoneyNotRecorded):
        money_taken(AT_HANDOVER, "K7", None)
    with pytest.raises(MoneyNotRecorded):
        money_taken(AT_HANDOVER, "K7", MoneyTaken.TELEGRAM)
    assert money_taken(AT_HANDOVER, "K7", MoneyTaken.CASH) == Takings(MoneyTaken.CASH)
