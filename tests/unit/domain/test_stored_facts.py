"""Notification facts as the outbox keeps them: typed in, the same JSON of strings the bot
always kept out, and rows queued by the version before the types read back."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from bot.domain.notifications import ItemAmount, NotificationKind, Unreadable
from bot.domain.orders import FulfilmentKind, NewOrderAlert, OrderStatus, StatusNews
from bot.domain.personal_data import PERSONAL_FACTS
from bot.domain.stock import LowLine, MorningDigest
from bot.domain.stored_facts import FACTS, FACTS_OF, decode, encode
from tests.support.old_outbox_rows import AT_PICKUP, CODE, OLD_ROWS, OldRow


def test_every_kind_is_read_as_a_facts_class_of_its_own() -> None:
    assert set(FACTS_OF) == set(NotificationKind)
    assert all(FACTS_OF[facts.KIND] is facts for facts in FACTS)


@pytest.mark.parametrize("row", OLD_ROWS, ids=lambda row: row.name)
def test_a_row_queued_before_the_facts_were_typed_reads_as_typed_facts(row: OldRow) -> None:
    assert decode(row.kind, row.payload) == row.facts


def test_the_old_rows_cover_every_kind() -> None:
    assert {row.kind for row in OLD_ROWS} == set(NotificationKind)


@pytest.mark.parametrize("row", OLD_ROWS, ids=lambda row: row.name)
def test_facts_read_back_as_they_were_kept(row: OldRow) -> None:
    assert decode(row.kind, encode(row.facts)) == row.facts


@pytest.mark.parametrize("row", OLD_ROWS, ids=lambda row: row.name)
def test_facts_are_kept_under_the_keys_the_bot_always_used(row: OldRow) -> None:
    """Nothing is kept under a new name (what a kind says nothing of is left out)."""
    assert set(encode(row.facts)) <= set(row.payload)


def test_what_a_kind_says_nothing_of_is_left_out_as_before() -> None:
    assert encode(StatusNews(CODE, OrderStatus.READY)) == {"order_code": CODE, "status": "ready"}
    assert encode(StatusNews(CODE, OrderStatus.READY, AT_PICKUP)) == {
        "order_code": CODE,
        "status": "ready",
        "payment": "on_handover",
        "fulfilment": FulfilmentKind.PICKUP.value,
        "total_minor": "1234",
        "currency": "EUR",
    }


def test_quantities_are_kept_plain_and_a_days_cover_unknown_as_empty() -> None:
    line = LowLine("SALT", "Salt", "kg", Decimal("2.500"), None, Decimal("1E+1"))
    kept = encode(MorningDigest(date(2026, 12, 10), (line,)))
    assert json.loads(kept["items"]) == [
        {"sku": "SALT", "name": "Salt", "unit": "kg", "stock": "2.5", "cover": "", "reorder": "10"}
    ]


def test_a_line_that_does_not_read_is_left_out_of_the_list() -> None:
    kept = {"order_code": CODE, "items": "2 pc\tTea\nnot a line\nx pc\tJam"}
    assert decode(NotificationKind.ORDER_PLACED, kept) == NewOrderAlert(
        CODE, items=(ItemAmount(Decimal(2), "pc", "Tea"),)
    )


@pytest.mark.parametrize(
    "kept",
    [
        {},  # no order code, no status
        {"order_code": CODE, "status": "lost in the post"},
        {"order_code": CODE, "status": "ready", "payment": "paid", "total_minor": "many"},
    ],
)
def test_a_row_that_does_not_read_is_kept_as_it_was_found(kept: dict[str, str]) -> None:
    facts = decode(NotificationKind.ORDER_STATUS, kept)
    assert isinstance(facts, Unreadable)
    assert facts.kind is NotificationKind.ORDER_STATUS
    assert encode(facts) == kept


# The kinds a message about an order is of: /forgetme takes a customer's name, address, note
# and words out of those (bot.domain.personal_data), and drops every message to them.
ABOUT_AN_ORDER = {
    NotificationKind.ORDER_PLACED,
    NotificationKind.ORDER_STATUS,
    NotificationKind.ORDER_PICKED,
    NotificationKind.ORDER_CANCELLED,
    NotificationKind.REFUND_DUE,
    NotificationKind.UNSEEN,
    NotificationKind.RECEIPT,
    NotificationKind.RECEIPT_PDF,
    NotificationKind.RATE_ORDER,
}


@pytest.mark.parametrize(
    "row", [row for row in OLD_ROWS if row.kind in ABOUT_AN_ORDER], ids=lambda row: row.name
)
def test_an_alert_whose_customer_was_forgotten_still_reads(row: OldRow) -> None:
    scrubbed = {key: value for key, value in row.payload.items() if key not in PERSONAL_FACTS}
    assert not isinstance(decode(row.kind, scrubbed), Unreadable)
