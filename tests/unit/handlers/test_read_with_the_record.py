"""What an update's record read for its reply (the catalogue's version, the sender's cart line,
whether the card's item is a favourite) is used only while nothing of the same person's came
before it: an earlier update, handled first, may change any of them meanwhile, and the reply
then reads them again."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from telegram import Update

from bot.domain.services.deliveries import Delivery
from bot.handlers import edge

READ = Delivery(True, "de", catalogue=41, in_cart=Decimal(2), favourite=True)


def a_press(update_id: int, person: int) -> Update:
    user = {"id": person, "is_bot": False, "first_name": "Ann"}
    chat = {"id": person, "type": "private"}
    message = {"message_id": 1, "date": 0, "chat": chat, "text": "card"}
    query = {"id": str(update_id), "from": user, "chat_instance": "1", "message": message}
    return Update.de_json({"update_id": update_id, "callback_query": query}, None)


async def recorded(_update: Update) -> Delivery:
    return READ


async def test_an_update_alone_in_its_persons_turn_keeps_what_its_record_read() -> None:
    queues = edge.PersonalQueues(recorded, worker="w1")
    seen: list[Delivery | None] = []

    async def reply() -> None:
        seen.append(queues.delivery_of(7))

    await queues.do_process_update(a_press(7, 501), reply())
    assert seen == [READ]


async def test_an_update_behind_the_same_persons_earlier_one_reads_again() -> None:
    queues = edge.PersonalQueues(recorded, worker="w1")
    first_may_end = asyncio.Event()
    seen: dict[int, Delivery | None] = {}

    async def first() -> None:  # adds to the cart, say, while the second waits its turn
        seen[7] = queues.delivery_of(7)
        await first_may_end.wait()

    async def second() -> None:
        seen[8] = queues.delivery_of(8)

    async def someone_else() -> None:
        seen[9] = queues.delivery_of(9)

    handling = [
        asyncio.create_task(queues.do_process_update(a_press(7, 501), first())),
        asyncio.create_task(queues.do_process_update(a_press(8, 501), second())),
        asyncio.create_task(queues.do_process_update(a_press(9, 502), someone_else())),
    ]
    await asyncio.sleep(0.01)
    first_may_end.set()
    await asyncio.gather(*handling)
    assert seen[7] == seen[9] == READ
    assert seen[8] == Delivery(True, "de", catalogue=None, in_cart=None)
