"""Each kind of notification is worded by the function its feature registered: every kind has
one, and rows queued before the facts were typed are worded as they were then."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.notifications import Notification, NotificationKind, Unreadable
from bot.domain.ratings import RatingRequest
from bot.domain.receipts import ReceiptDocument, ReceiptMessage
from bot.domain.store import Store
from bot.domain.stored_facts import FACTS, decode
from bot.handlers import notification_texts, notifications
from bot.handlers.notification_texts import CannotRender, Rendered, renders, unrendered
from bot.i18n import Catalogues, Texts
from tests.support.factories import STORE
from tests.support.old_outbox_rows import OLD_ROWS, WORDED_BEFORE, OldRow

ENGLISH = Catalogues().texts("en")


def test_every_kind_is_worded_by_its_feature_but_receipts_worded_from_their_order() -> None:
    assert unrendered(FACTS) == [ReceiptMessage, ReceiptDocument]


@pytest.mark.parametrize(
    "row", [row for row in OLD_ROWS if row.name in WORDED_BEFORE], ids=lambda row: row.name
)
def test_a_row_queued_before_the_facts_were_typed_is_worded_as_it_was(row: OldRow) -> None:
    queued = Notification(1, decode(row.kind, row.payload), datetime.now(UTC))
    text, keyboard = notifications.render(queued, STORE, ENGLISH)
    lines, buttons = WORDED_BEFORE[row.name]
    assert text.split("\n") == list(lines)
    pressed = (
        [b.callback_data for line in keyboard.inline_keyboard for b in line] if keyboard else []
    )
    assert tuple(pressed) == buttons


def test_facts_that_do_not_read_are_not_worded() -> None:
    unreadable = decode(NotificationKind.ORDER_STATUS, {"order_code": "K7"})
    assert isinstance(unreadable, Unreadable)
    with pytest.raises(CannotRender, match="order_status facts do not read"):
        notifications.render(Notification(1, unreadable, datetime.now(UTC)), STORE, ENGLISH)


def test_a_kind_is_worded_by_one_function_only() -> None:
    def again(t: Texts, facts: RatingRequest, store: Store) -> Rendered:
        return "twice", None

    with pytest.raises(ValueError, match="RatingRequest is rendered twice"):
        renders(RatingRequest)(again)
    assert notification_texts.render_facts(ENGLISH, RatingRequest("K7"), STORE)[0] != "twice"
