"""The payment line of a customer's status message, from the facts its payload holds."""

from __future__ import annotations

import pytest

from bot.domain.orders import FulfilmentKind, OrderStatus
from bot.domain.payments import PaymentMethod
from bot.handlers.payment_views import payment_note
from bot.i18n import Catalogues
from tests.support.factories import STORE


def _facts(status: OrderStatus, fulfilment: FulfilmentKind) -> dict[str, str]:
    return {
        "status": status.value,
        "payment": PaymentMethod.ON_HANDOVER.value,
        "fulfilment": fulfilment.value,
        "total_minor": "533",
        "currency": "EUR",
    }


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
    assert payment_note(t, _facts(OrderStatus.READY, fulfilment), STORE) == before
    assert payment_note(t, _facts(OrderStatus.COMPLETED, fulfilment), STORE) == after
