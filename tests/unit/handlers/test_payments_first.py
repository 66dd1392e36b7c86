"""Payments first: Telegram's payment updates skip their sender's queue (and the wait for a free
worker), yet are still recorded before they are acknowledged and handled once; the answer to a
pre-checkout query waits for no other send."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from telegram import Update
from telegram.error import RetryAfter

from bot.domain.services.deliveries import Delivery
from bot.handlers import edge
from bot.send_budget import SendBudget

ANN = {"id": 1, "is_bot": False, "first_name": "Ann"}
CHARGE = {"currency": "EUR", "total_amount": 1520, "invoice_payload": "order:K7Q2MZ4P"}


def message_from_ann(update_id: int, **content: Any) -> Update:
    chat = {"id": ANN["id"], "type": "private"}
    body = {"message_id": update_id, "date": 0, "chat": chat, "from": ANN, **content}
    return Update.de_json({"update_id": update_id, "message": body}, None)


def pre_checkout_query(update_id: int) -> Update:
    query = {"id": f"pc{update_id}", "from": ANN, **CHARGE}
    return Update.de_json({"update_id": update_id, "pre_checkout_query": query}, None)


def successful_payment(update_id: int) -> Update:
    charge = CHARGE | {"telegram_payment_charge_id": "c-1", "provider_payment_charge_id": "p-1"}
    return message_from_ann(update_id, successful_payment=charge)


class Recorder:
    def __init__(self, delivery: Delivery) -> None:
        self.delivery = delivery
        self.recorded: list[int] = []

    async def __call__(self, update: Update) -> Delivery:
        self.recorded.append(update.update_id)
        return self.delivery


async def handled_times(queues: edge.PersonalQueues, update: Update) -> int:
    ran = 0

    async def handler() -> None:
        nonlocal ran
        ran += 1

    kept = queues.expect(update.update_id)
    # A guard against hanging when the update waits its turn after all, not a timing.
    await asyncio.wait_for(queues.do_process_update(update, handler()), timeout=5)
    assert kept.done() and kept.exception() is None  # Telegram may be told it arrived
    return ran


@pytest.mark.parametrize("payment", [pre_checkout_query, successful_payment])
async def test_a_payment_is_handled_while_its_senders_earlier_message_is_still_in_hand(
    payment: Any,
) -> None:
    recorder = Recorder(Delivery(True))
    queues = edge.PersonalQueues(recorder, worker="w1", workers=1)
    started, release = asyncio.Event(), asyncio.Event()

    async def slow_reply() -> None:
        started.set()
        await release.wait()  # Telegram is slow to take the reply

    earlier = asyncio.create_task(
        queues.do_process_update(message_from_ann(1, text="/cart"), slow_reply())
    )
    await started.wait()  # Ann's turn and the only worker are both taken
    assert await handled_times(queues, payment(2)) == 1
    assert recorder.recorded == [1, 2]
    release.set()
    await earlier


@pytest.mark.parametrize("payment", [pre_checkout_query, successful_payment])
async def test_a_payment_delivered_again_is_not_handled_again(payment: Any) -> None:
    queues = edge.PersonalQueues(Recorder(Delivery(False)), worker="w1")
    assert await handled_times(queues, payment(3)) == 0


def test_only_payment_updates_go_first() -> None:
    assert edge.goes_first(pre_checkout_query(1))
    assert edge.goes_first(successful_payment(2))
    assert not edge.goes_first(message_from_ann(3, text="/cart"))


async def test_a_pre_checkout_answer_does_not_wait_out_a_flood_control_pause() -> None:
    budget = SendBudget(None)
    flooded = asyncio.Event()

    async def refused() -> bool:
        flooded.set()
        raise RetryAfter(30)

    async def answered() -> bool:
        return True

    async def send(callback: Any, endpoint: str, data: dict[str, Any]) -> Any:
        return await budget.process_request(callback, (), {}, endpoint, data, None)

    pausing = asyncio.create_task(send(refused, "sendMessage", {"chat_id": 7}))
    await flooded.wait()  # every other send now waits 30 s
    answer = send(answered, "answerPreCheckoutQuery", {"pre_checkout_query_id": "pc1"})
    assert await asyncio.wait_for(answer, timeout=5) is True  # a guard, not a timing
    pausing.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await pausing
