"""Messages the version before typed notification facts queued, still waiting when the bot is
upgraded, reach their readers as that version would have sent them: a ready order's code with
its QR image, an announcement's photo, a receipt worded from its order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert

from bot.domain.notifications import NotificationKind
from bot.domain.payments import MoneyTaken
from bot.domain.services.customers import CustomerRef
from bot.persistence.models import OutboxRow
from bot.playground.bot_api.spec import UploadedFile
from tests.support.chat_person import ChatPerson
from tests.support.factories import placed_order
from tests.support.old_outbox_rows import OLD_ROWS, WORDED_BEFORE, queue_as_before
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import (
    logged_in_manager,
    sell,
    someone,
    staff_id_of,
    work_to_completed,
)

QUEUED_AT = datetime.now(UTC) - timedelta(hours=1)


async def test_messages_queued_before_the_upgrade_are_sent_as_they_were_worded(
    bot: RunningBot, engine: Engine
) -> None:
    readers: list[ChatPerson] = []
    for number, row in enumerate(OLD_ROWS):
        if row.kind in (NotificationKind.RECEIPT, NotificationKind.RECEIPT_PDF):
            continue  # below: a receipt is worded from its order
        reader = someone(bot, f"Reader {number}")
        readers.append(reader)
        queue_as_before(engine, reader.person.id, row.kind.value, row.payload)
    await bot.double.wait_for(
        lambda: all(reader.chat.from_bot for reader in readers), what="every old message"
    )
    worded = [row for row in OLD_ROWS if row.name in WORDED_BEFORE]
    for reader, row in zip(readers, worded, strict=True):
        [message] = reader.chat.from_bot
        lines, buttons = WORDED_BEFORE[row.name]
        if row.kind is NotificationKind.ANNOUNCEMENT:  # under this shop's name
            assert message.shown_text.endswith("\n\n" + lines[-1])
        else:
            assert (message.text or message.caption) == "\n".join(lines), row.name
        assert tuple(button["callback_data"] for button in message.buttons) == buttons
    pairs = zip(readers, worded, strict=True)
    shown = {row.name: reader.chat.last_from_bot for reader, row in pairs}
    ready = shown["an order ready, with its pickup code"]
    assert ready.photo is not None and ready.text is None  # the code with its QR image
    assert shown["an order's news queued before payments"].photo is not None
    assert shown["an announcement with a photo"].photo == "photo-straw"
    assert shown["an announcement"].photo is None
    assert shown["an order completed"].photo is None


async def test_a_receipt_queued_before_the_upgrade_is_sent_from_its_order(
    bot: RunningBot, engine: Engine
) -> None:
    boss = logged_in_manager(bot)
    tea = sell(bot, sku="TEA", name="Earl Grey", price_minor=450)
    ann = someone(bot, "Ann")
    order = placed_order(
        bot.shop.uow(), CustomerRef(ann.person.id, "Ann"), (tea, 2), store=bot.shop.store
    )
    work_to_completed(bot, staff_id_of(bot, boss), order.code, MoneyTaken.CASH)
    await bot.double.wait_for(lambda: len(_pdfs(ann)) == 1, what="the receipt sent as it is")
    for kind in (NotificationKind.RECEIPT, NotificationKind.RECEIPT_PDF):
        with engine.begin() as connection:  # as the previous version queued it
            connection.execute(
                insert(OutboxRow).values(
                    chat_id=ann.person.id,
                    kind=kind.value,
                    payload={"order_code": order.code},
                    order_id=order.id,
                    created_at=QUEUED_AT,
                    next_attempt_at=QUEUED_AT,
                    attempts=0,
                    last_error="",
                )
            )
    await bot.double.wait_for(lambda: len(_pdfs(ann)) == 2, what="the old receipt's PDF")
    receipts = [m.shown_text for m in ann.chat.from_bot if m.shown_text.startswith("🧾")]
    assert len(receipts) == 2 and receipts[0] == receipts[1]
    assert f"Receipt for order {order.code}" in receipts[1]
    assert [pdf.filename for pdf in _pdfs(ann)] == [f"receipt-{order.code}.pdf"] * 2


def _pdfs(person: ChatPerson) -> list[UploadedFile]:
    return [m.document for m in person.chat.from_bot if isinstance(m.document, UploadedFile)]
