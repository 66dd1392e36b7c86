"""What waits for the shop counts an order paid online only once a charge pays for it: money of
the wrong sum or currency leaves it unpaid, and nobody is asked to start on it (both
databases)."""

from __future__ import annotations

import dataclasses

from bot.domain.services import payments
from tests.integration.persistence.test_concurrency_matrix import receipt_for, unpaid_order
from tests.support.databases import UowFactory


def waiting_orders(new_uow: UowFactory) -> int:
    with new_uow() as uow:
        return uow.waiting.counts().orders


def test_an_order_paid_the_wrong_sum_does_not_wait_for_the_shop_and_the_right_sum_does(
    new_uow: UowFactory,
) -> None:
    who, order = unpaid_order(new_uow)
    assert waiting_orders(new_uow) == 0  # reserved, not paid: the shop does not start on it

    wrong = dataclasses.replace(receipt_for(order, "tg-wrong"), total_minor=1)
    payments.record_payment(who.telegram_user_id, wrong, uow=new_uow())
    assert waiting_orders(new_uow) == 0

    payments.record_payment(who.telegram_user_id, receipt_for(order, "tg-right"), uow=new_uow())
    assert waiting_orders(new_uow) == 1
