"""/mydata's message and file: every kept text escaped, long histories split to Telegram's
limit between lines, the file complete and readable."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from bot.domain.customers import Customer
from bot.domain.orders import Fulfilment, Order, OrderLine, OrderStatus
from bot.domain.personal_data import CartEntry, Favourite, KeptAbout, Watched
from bot.domain.questions import Question
from bot.handlers.fit import MESSAGE, split, visible_text
from bot.handlers.personal_data import kept_json, kept_lines
from bot.i18n import Catalogues
from tests.support.factories import STORE

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
T = Catalogues().texts("en")


def _order(n: int, name: str = "Earl Grey") -> Order:
    line = OrderLine(1, "TEA", name, "pc", Decimal(2), 300, 600)
    return Order(
        code=f"ORDER{n:03d}",
        customer_id=1,
        lines=[line],
        fulfilment=Fulfilment.delivery("5 Rue <Neuve> & Co, Lyon", 350),
        phone="+447400123456",
        note="Ring <twice>",
        status=OrderStatus.COMPLETED,
        placed_at=AT,
        currency="EUR",
    )


def _kept(orders: int = 1) -> KeptAbout:
    return KeptAbout(
        Customer(7, "<b>Ann</b> & co", "ann_b", "+447400123456", 1),
        language="de",
        app_language="fr",
        last_address="5 Rue <Neuve> & Co, Lyon",
        orders=[_order(n, name="Tea <loose> " + "x" * 60) for n in range(orders)],
        questions=[Question(1, "Oat <milk>?", AT, 3, "Yes & no", AT, "Sam")],
        watches=[Watched("JAM", "Plum jam <homemade>", AT)],
        favourites=[Favourite("HONEY", "Honey <raw> & wild", AT)],
        cart=[CartEntry("TEA", "Earl Grey", "pc", Decimal("1.5"), 300)],
    )


def test_every_kept_text_is_escaped_and_shown_as_written() -> None:
    html = "\n".join(kept_lines(T, _kept(), STORE))
    assert "<b>Ann</b>" not in html and "&lt;b&gt;Ann&lt;/b&gt; &amp; co" in html
    shown = visible_text(html)
    for written in (
        "Name: <b>Ann</b> & co",
        "Telegram username: @ann_b",
        "Language: Deutsch (chosen with /language)",
        "Phone number: 07400 123456",
        "Delivery address: 5 Rue <Neuve> & Co, Lyon",
        "Ring <twice>",
        "Oat <milk>?",
        "Answer from Sam: Yes & no",
        "Plum jam <homemade> (JAM)",
        "Your favourites\n• Honey <raw> & wild (HONEY)",
        "Total: 9.50 EUR",
    ):
        assert written in shown, written


def test_a_long_history_is_split_between_lines_into_messages_telegram_accepts() -> None:
    lines = kept_lines(T, _kept(orders=120), STORE)
    messages = split(lines)
    assert len(messages) > 1
    for message in messages:
        assert len(visible_text(message).encode("utf-16-le")) // 2 <= MESSAGE
    assert [m for m in "\n".join(messages).split("\n") if m] == [line for line in lines if line]


def test_one_line_too_long_alone_is_shortened_not_lost() -> None:
    [message] = split(["<b>" + "a" * 5000 + "</b>"])
    assert message.endswith("…</b>")
    assert len(visible_text(message)) == MESSAGE


def test_the_file_holds_the_same_as_the_message_in_json() -> None:
    data = json.loads(kept_json(T, _kept(), STORE))
    assert data["customer"] == {
        "telegram_user_id": 7,
        "name": "<b>Ann</b> & co",
        "username": "ann_b",
        "language": "de",
        "telegram_app_language": "fr",
        "phone": "+447400123456",
        "last_delivery_address": "5 Rue <Neuve> & Co, Lyon",
    }
    [order] = data["orders"]
    assert (order["code"], order["status"], order["total"], order["delivery_fee"]) == (
        "ORDER000",
        "completed",
        "9.50",
        "3.50",
    )
    assert order["lines"][0]["quantity"] == "2" and order["lines"][0]["unit_price"] == "3.00"
    assert data["questions"][0]["answer"] == "Yes & no"
    assert data["cart"] == [
        {"sku": "TEA", "name": "Earl Grey", "unit": "pc", "quantity": "1.5", "unit_price": "3.00"}
    ]
    assert data["favourites"] == [
        {"sku": "HONEY", "name": "Honey <raw> & wild", "since": "2026-11-20T09:00:00+00:00"}
    ]
    assert data["checkout_in_progress"] is None
