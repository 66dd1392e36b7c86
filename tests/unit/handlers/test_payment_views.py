"""The payment line of a customer's status message, from the facts it keeps."""

from __future__ import annotations

import pytest

from bot.domain.orders import FulfilmentKind, OrderMoney, OrderStatus, PaymentState
from bot.handlers.payment_views import payment_note
from bot.i18n import Catalogues


def _money(fulfilment: FulfilmentKind) -> OrderMoney:
    return OrderMoney(PaymentState.ON_HANDOVER, fulfilment, 533, "EUR")


@pytest.mark.parametrize(
    ("fulfilment", "before", "after"),
    [
        (FulfilmentKind.PICKUP, "💶 To pay at pickup: 5.33 EUR.", "💶 Paid at pickup"),
        (FulfilmentKind.DELIVERY, "💶 To pay on delivery: 5.33 EUR.", "💶 Paid on delivery"),
    ],
)
def test_an_order_paid_at_the_hand_over_is_to_pay_until_it_is_completed(
    fulfilment: FulfilmentKind, before: str, after: str
) -> None:
    t = Catalogues().texts("en")
    assert payment_note(t, _money(fulfilment), OrderStatus.READY) == before
    assert payment_note(t, _money(fulfilment), OrderStatus.COMPLETED) == after
