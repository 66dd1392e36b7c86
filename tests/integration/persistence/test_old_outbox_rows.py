"""Rows the version before typed notification facts queued, still waiting in the outbox after
an upgrade (both databases), are handed to the sender as typed facts; one that does not read
holds up no other."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.domain.notifications import NotificationKind, Unreadable
from bot.domain.services import outbox
from tests.support.databases import UowFactory
from tests.support.old_outbox_rows import OLD_ROWS, queue_as_before


def test_rows_queued_by_the_previous_version_are_claimed_as_typed_facts(
    new_uow: UowFactory, engine: Engine
) -> None:
    for chat_id, row in enumerate(OLD_ROWS, start=1):
        queue_as_before(engine, chat_id, row.kind.value, row.payload)
    claimed = outbox.claim_due(limit=100, uow=new_uow()).to_send
    assert {n.chat_id: n.facts for n in claimed} == {
        chat_id: row.facts for chat_id, row in enumerate(OLD_ROWS, start=1)
    }


def test_a_row_that_does_not_read_is_claimed_as_found_and_holds_up_no_other(
    new_uow: UowFactory, engine: Engine
) -> None:
    lost = {"order_code": "K7", "status": "lost in the post"}
    queue_as_before(engine, 1, NotificationKind.ORDER_STATUS.value, lost)
    [first, *_] = OLD_ROWS
    queue_as_before(engine, 2, first.kind.value, first.payload)
    claimed = {n.chat_id: n.facts for n in outbox.claim_due(uow=new_uow()).to_send}
    unreadable = claimed[1]
    assert isinstance(unreadable, Unreadable)
    assert (unreadable.kind, unreadable.stored) == (NotificationKind.ORDER_STATUS, lost)
    assert "is not a valid OrderStatus" in unreadable.problem
    assert claimed[2] == first.facts
