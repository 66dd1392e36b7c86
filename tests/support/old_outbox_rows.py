"""Outbox rows exactly as the bot queued them before its notification facts were typed (one
or more of every kind, and the older shapes that version still read), with the typed facts
each reads as now. Rows queued before an upgrade are sent after it: these are the proof."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine, insert

from bot.domain.news import AnnouncementNews, CartReminder
from bot.domain.notifications import Facts, ItemAmount, NotificationKind
from bot.domain.orders import (
    FulfilmentKind,
    NewOrderAlert,
    OrderCancelledAlert,
    OrderMoney,
    OrderStatus,
    PaymentState,
    StatusNews,
)
from bot.domain.payments import RefundDueAlert
from bot.domain.picking import ChangeKind, LineNews, PickingNews
from bot.domain.questions import AnswerNews, QuestionAlert
from bot.domain.ratings import RatingRequest
from bot.domain.receipts import ReceiptDocument, ReceiptMessage
from bot.domain.services.backups import BackupWarning
from bot.domain.staff import SwitchedOffNews
from bot.domain.stock import BackInStockNews, LowLine, LowStockAlert, MorningDigest
from bot.domain.waiting import UnseenAlert, WaitingKind
from bot.persistence.models import OutboxRow


@dataclass(frozen=True)
class OldRow:
    name: str
    kind: NotificationKind
    payload: dict[str, str]  # as the previous version wrote it
    facts: Facts  # what it reads as now


CODE = "K7PQ2MXA"
AT = "2026-12-10T15:30:00+00:00"
AT_DATETIME = datetime(2026, 12, 10, 15, 30, tzinfo=UTC)
# The payment facts kept with new-order alerts and status messages (bot.domain.orders).
MONEY = {"payment": "on_handover", "fulfilment": "pickup", "total_minor": "1234", "currency": "EUR"}
AT_PICKUP = OrderMoney(PaymentState.ON_HANDOVER, FulfilmentKind.PICKUP, 1234, "EUR")

OLD_ROWS = [
    OldRow(
        "a new order to pick up",
        NotificationKind.ORDER_PLACED,
        {
            "order_code": CODE,
            **MONEY,
            "customer": "Ann",
            "items": "2.5 kg\tGala apples\n1 pc\tMilk 2.5% <fresh>",
            "note": "ring twice",
            "pickup_slot": AT,
        },
        NewOrderAlert(
            CODE,
            AT_PICKUP,
            "Ann",
            (
                ItemAmount(Decimal("2.5"), "kg", "Gala apples"),
                ItemAmount(Decimal(1), "pc", "Milk 2.5% <fresh>"),
            ),
            "ring twice",
            pickup_slot=AT_DATETIME,
        ),
    ),
    OldRow(
        "a new order to deliver, to pay in Telegram",
        NotificationKind.ORDER_PLACED,
        {
            "order_code": CODE,
            "payment": "online",
            "fulfilment": "delivery",
            "total_minor": "990",
            "currency": "EUR",
            "customer": "Bob",
            "items": "1 pc\tTea",
            "note": "",
            "address": "7 Quai Sud",
            "delivery_from": "2026-12-10T16:00:00+00:00",
            "delivery_until": "2026-12-10T18:00:00+00:00",
        },
        NewOrderAlert(
            CODE,
            OrderMoney(PaymentState.ONLINE, FulfilmentKind.DELIVERY, 990, "EUR"),
            "Bob",
            (ItemAmount(Decimal(1), "pc", "Tea"),),
            address="7 Quai Sud",
            delivery_from=datetime(2026, 12, 10, 16, tzinfo=UTC),
            delivery_until=datetime(2026, 12, 10, 18, tzinfo=UTC),
        ),
    ),
    OldRow(
        "a new order told as its payment arrived",
        NotificationKind.ORDER_PLACED,
        {"order_code": CODE, **MONEY, "payment": "paid", "customer": "", "items": "", "note": ""},
        NewOrderAlert(CODE, OrderMoney(PaymentState.PAID, FulfilmentKind.PICKUP, 1234, "EUR")),
    ),
    OldRow(
        "a new order queued before its customer and items were kept",
        NotificationKind.ORDER_PLACED,
        {"order_code": CODE, **MONEY},
        NewOrderAlert(CODE, AT_PICKUP),
    ),
    OldRow(
        "a new order queued before payments",
        NotificationKind.ORDER_PLACED,
        {"order_code": CODE},
        NewOrderAlert(CODE),
    ),
    OldRow(
        "an order ready, with its pickup code",
        NotificationKind.ORDER_STATUS,
        {"order_code": CODE, "status": "ready", **MONEY, "pickup_code": "AB12CD"},
        StatusNews(CODE, OrderStatus.READY, AT_PICKUP, pickup_code="AB12CD"),
    ),
    OldRow(
        "an order out for delivery, with the courier's code",
        NotificationKind.ORDER_STATUS,
        {
            "order_code": CODE,
            "status": "out_for_delivery",
            **MONEY,
            "fulfilment": "delivery",
            "delivery_code": "ZX98YW",
        },
        StatusNews(
            CODE,
            OrderStatus.OUT_FOR_DELIVERY,
            OrderMoney(PaymentState.ON_HANDOVER, FulfilmentKind.DELIVERY, 1234, "EUR"),
            delivery_code="ZX98YW",
        ),
    ),
    OldRow(
        "an order completed",
        NotificationKind.ORDER_STATUS,
        {"order_code": CODE, "status": "completed", **MONEY},
        StatusNews(CODE, OrderStatus.COMPLETED, AT_PICKUP),
    ),
    OldRow(
        "a paid order cancelled by the store",
        NotificationKind.ORDER_STATUS,
        {
            "order_code": CODE,
            "status": "cancelled",
            **MONEY,
            "payment": "paid",
            "reason": "not_paid_in_time",
        },
        StatusNews(
            CODE,
            OrderStatus.CANCELLED,
            OrderMoney(PaymentState.PAID, FulfilmentKind.PICKUP, 1234, "EUR"),
            "not_paid_in_time",
        ),
    ),
    OldRow(
        "an order's news queued before payments",
        NotificationKind.ORDER_STATUS,
        {"order_code": CODE, "status": "ready", "pickup_code": "AB12CD"},
        StatusNews(CODE, OrderStatus.READY, pickup_code="AB12CD"),
    ),
    OldRow(
        "a paid order picked lighter",
        NotificationKind.ORDER_PICKED,
        {
            "order_code": CODE,
            "changes": "picked\tGala apples\tkg\t1.500\t1.62\t\n"
            "missing\tMilk\tpc\t2\t0\t\n"
            "replaced\tGolden apples\tkg\t1.5\t1.5\tGala apples",
            "total_minor": "533",
            "placed_total_minor": "734",
            "refund_minor": "201",
            "collect_minor": "0",
            "paid": "yes",
            "fulfilment": "pickup",
            "currency": "EUR",
        },
        PickingNews(
            CODE,
            (
                LineNews(ChangeKind.PICKED, "Gala apples", "kg", Decimal("1.5"), Decimal("1.62")),
                LineNews(ChangeKind.MISSING, "Milk", "pc", Decimal(2), Decimal(0)),
                LineNews(
                    ChangeKind.REPLACED,
                    "Golden apples",
                    "kg",
                    Decimal("1.5"),
                    Decimal("1.5"),
                    "Gala apples",
                ),
            ),
            533,
            734,
            201,
            0,
            FulfilmentKind.PICKUP,
            "EUR",
            paid=True,
        ),
    ),
    OldRow(
        "an order to pay on delivery picked heavier",
        NotificationKind.ORDER_PICKED,
        {
            "order_code": CODE,
            "changes": "picked\tGala apples\tkg\t1.5\t1.62\t",
            "total_minor": "800",
            "placed_total_minor": "800",
            "refund_minor": "0",
            "collect_minor": "800",
            "paid": "",
            "fulfilment": "delivery",
            "currency": "EUR",
        },
        PickingNews(
            CODE,
            (LineNews(ChangeKind.PICKED, "Gala apples", "kg", Decimal("1.5"), Decimal("1.62")),),
            800,
            800,
            0,
            800,
            FulfilmentKind.DELIVERY,
            "EUR",
        ),
    ),
    OldRow(
        "an order its customer cancelled",
        NotificationKind.ORDER_CANCELLED,
        {"order_code": CODE, **MONEY, "customer": "Ann"},
        OrderCancelledAlert(CODE, "Ann"),
    ),
    OldRow(
        "an item low",
        NotificationKind.LOW_STOCK,
        {"sku": "SALT", "name": "Sea <salt>", "level": "2.5", "unit": "kg", "threshold": "3"},
        LowStockAlert("SALT", "Sea <salt>", Decimal("2.5"), "kg", Decimal(3)),
    ),
    OldRow(
        "an item sold out",
        NotificationKind.LOW_STOCK,
        {"sku": "SALT", "name": "Sea salt", "level": "0", "unit": "pc", "threshold": "3"},
        LowStockAlert("SALT", "Sea salt", Decimal(0), "pc", Decimal(3)),
    ),
    OldRow(
        "the morning digest",
        NotificationKind.DIGEST,
        {
            "day": "2026-12-10",
            "items": json.dumps(
                [
                    {
                        "sku": "SALT",
                        "name": "Salt",
                        "unit": "pc",
                        "stock": "0",
                        "cover": "",
                        "reorder": "6",
                    },
                    {
                        "sku": "RICE",
                        "name": "Rice",
                        "unit": "kg",
                        "stock": "1.5",
                        "cover": "2.5",
                        "reorder": "10",
                    },
                ]
            ),
            "more": "3",
            "yesterday_orders": "2",
            "yesterday_revenue_minor": "900",
            "open_orders": "2",
        },
        MorningDigest(
            date(2026, 12, 10),
            (
                LowLine("SALT", "Salt", "pc", Decimal(0), None, Decimal(6)),
                LowLine("RICE", "Rice", "kg", Decimal("1.5"), Decimal("2.5"), Decimal(10)),
            ),
            3,
            2,
            900,
            2,
        ),
    ),
    OldRow(
        "a morning digest queued before the day's trade was kept",
        NotificationKind.DIGEST,
        {"day": "2026-12-10", "items": "[]", "more": "0"},
        MorningDigest(date(2026, 12, 10), ()),
    ),
    OldRow(
        "an item back in stock",
        NotificationKind.BACK_IN_STOCK,
        {"product_id": "42", "name": "Earl <Grey>", "sku": "TEA"},
        BackInStockNews(42, "Earl <Grey>", "TEA"),
    ),
    OldRow(
        "a refund due",
        NotificationKind.REFUND_DUE,
        {"order_code": CODE, "amount_minor": "500", "currency": "USD", "reason": "paid twice"},
        RefundDueAlert(CODE, 500, "USD", "paid twice"),
    ),
    OldRow(
        "a question to the staff on duty",
        NotificationKind.QUESTION,
        {"question_id": "17", "name": "Ann", "text": "Open on <Sunday>?", "on_duty": "1"},
        QuestionAlert(17, "Ann", "Open on <Sunday>?", on_duty=True),
    ),
    OldRow(
        "an answer",
        NotificationKind.ANSWER,
        {"question": "Open on Sunday?", "answer": "Yes, 9 to 12", "by": "Clerk"},
        AnswerNews("Open on Sunday?", "Yes, 9 to 12", "Clerk"),
    ),
    OldRow(
        "a staff account switched off",
        NotificationKind.ACCOUNT_SWITCHED_OFF,
        {"username": "clerk"},
        SwitchedOffNews("clerk"),
    ),
    OldRow(
        "a failed backup",
        NotificationKind.BACKUP_FAILED,
        {"reason": "cannot write the backup"},
        BackupWarning("cannot write the backup"),
    ),
    OldRow(
        "an order nobody on duty saw",
        NotificationKind.UNSEEN,
        {"what": "order", "since": AT, "order_code": CODE, "customer": "Ann"},
        UnseenAlert(WaitingKind.ORDER, AT_DATETIME, CODE, "Ann"),
    ),
    OldRow(
        "a question nobody on duty saw",
        NotificationKind.UNSEEN,
        {"what": "question", "since": AT, "question_id": "17", "name": "Ann", "text": "Open?"},
        UnseenAlert(WaitingKind.QUESTION, AT_DATETIME, question_id=17, name="Ann", text="Open?"),
    ),
    OldRow(
        "a receipt",
        NotificationKind.RECEIPT,
        {"order_code": CODE},
        ReceiptMessage(CODE),
    ),
    OldRow(
        "a receipt as a PDF",
        NotificationKind.RECEIPT_PDF,
        {"order_code": CODE},
        ReceiptDocument(CODE),
    ),
    OldRow(
        "a rating asked for",
        NotificationKind.RATE_ORDER,
        {"order_code": CODE},
        RatingRequest(CODE),
    ),
    OldRow(
        "an announcement",
        NotificationKind.ANNOUNCEMENT,
        {"announcement_id": "3", "customer_id": "9", "text": "Strawberries are in!", "photo": ""},
        AnnouncementNews(3, 9, "Strawberries are in!"),
    ),
    OldRow(
        "an announcement with a photo",
        NotificationKind.ANNOUNCEMENT,
        {"announcement_id": "4", "customer_id": "9", "text": "Look!", "photo": "photo-straw"},
        AnnouncementNews(4, 9, "Look!", "photo-straw"),
    ),
    OldRow(
        "a cart reminder",
        NotificationKind.CART_REMINDER,
        {"items": "1 pc\tEarl Grey\n2.5 kg\tGala apples"},
        CartReminder(
            (
                ItemAmount(Decimal(1), "pc", "Earl Grey"),
                ItemAmount(Decimal("2.5"), "kg", "Gala apples"),
            )
        ),
    ),
]


# Each row (but the receipts, worded from their order when sent) as the previous version
# worded it in English, line by line, and the data of its buttons.
WORDED_BEFORE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "a new order to pick up": (
        (
            "🆕 New order <b>K7PQ2MXA</b> from <b>Ann</b>",
            "• Gala apples — 2.5 kg",
            "• Milk 2.5% &lt;fresh&gt; — 1 pc",
            "Total: 12.34 EUR",
            "🏪 Pickup Thu 10 Dec, 16:30",
            "📝 ring twice",
            "💶 To pay at pickup: 12.34 EUR.",
        ),
        ("so:K7PQ2MXA:placed:accepted", "so:K7PQ2MXA:placed:cancelled", "sod:K7PQ2MXA"),
    ),
    "a new order to deliver, to pay in Telegram": (
        (
            "🆕 New order <b>K7PQ2MXA</b> from <b>Bob</b>",
            "• Tea — 1 pc",
            "Total: 9.90 EUR",
            "🚚 Deliver to 7 Quai Sud",
            "🕐 Delivery time: Thu 10 Dec, 17:00–19:00",
            "💳 Not paid yet.",
        ),
        ("so:K7PQ2MXA:placed:accepted", "so:K7PQ2MXA:placed:cancelled", "sod:K7PQ2MXA"),
    ),
    "a new order told as its payment arrived": (
        (
            "🆕 New order <b>K7PQ2MXA</b>",
            "Total: 12.34 EUR",
            "💳 Paid in Telegram.",
        ),
        ("so:K7PQ2MXA:placed:accepted", "so:K7PQ2MXA:placed:cancelled", "sod:K7PQ2MXA"),
    ),
    "a new order queued before its customer and items were kept": (
        (
            "🆕 New order <b>K7PQ2MXA</b>",
            "Total: 12.34 EUR",
            "💶 To pay at pickup: 12.34 EUR.",
        ),
        ("so:K7PQ2MXA:placed:accepted", "so:K7PQ2MXA:placed:cancelled", "sod:K7PQ2MXA"),
    ),
    "a new order queued before payments": (
        ("🆕 New order <b>K7PQ2MXA</b>",),
        ("so:K7PQ2MXA:placed:accepted", "so:K7PQ2MXA:placed:cancelled", "sod:K7PQ2MXA"),
    ),
    "an order ready, with its pickup code": (
        (
            "📦 Order <b>K7PQ2MXA</b> is ready for pickup.",
            "🔑 Pickup code: <b>AB12CD</b> (show it, or its QR code, to the staff)",
            "💶 To pay at pickup: 12.34 EUR.",
        ),
        ("ord:v:K7PQ2MXA",),
    ),
    "an order out for delivery, with the courier's code": (
        (
            "📦 Order <b>K7PQ2MXA</b> is out for delivery.",
            (
                "🔑 Delivery code: <b>ZX98YW</b>. Please give it to the courier when your "
                "order arrives."
            ),
            "💶 To pay on delivery: 12.34 EUR.",
        ),
        ("ord:v:K7PQ2MXA",),
    ),
    "an order completed": (
        (
            "📦 Order <b>K7PQ2MXA</b> is completed. Thank you!",
            "💶 Paid at pickup",
        ),
        ("ord:v:K7PQ2MXA",),
    ),
    "a paid order cancelled by the store": (
        (
            "📦 Order <b>K7PQ2MXA</b> was cancelled.",
            "Reason: not paid in time",
            "↩️ The store will refund your payment.",
        ),
        ("ord:v:K7PQ2MXA",),
    ),
    "an order's news queued before payments": (
        (
            "📦 Order <b>K7PQ2MXA</b> is ready for pickup.",
            "🔑 Pickup code: <b>AB12CD</b> (show it, or its QR code, to the staff)",
        ),
        ("ord:v:K7PQ2MXA",),
    ),
    "a paid order picked lighter": (
        (
            "🧺 Your order <b>K7PQ2MXA</b> was picked with these changes:",
            "• Gala apples: 1.62 kg instead of 1.5 kg",
            "• Milk (2 pc): missing",
            "• Gala apples replaced by Golden apples (1.5 kg)",
            "<b>New total: 5.33 EUR</b> (was 7.34 EUR)",
            "↩️ 2.01 EUR will be refunded to you.",
        ),
        ("ord:v:K7PQ2MXA",),
    ),
    "an order to pay on delivery picked heavier": (
        (
            "🧺 Your order <b>K7PQ2MXA</b> was picked with these changes:",
            "• Gala apples: 1.62 kg instead of 1.5 kg",
            "<b>Total: 8.00 EUR</b>",
            "💶 To pay on delivery: 8.00 EUR.",
        ),
        ("ord:v:K7PQ2MXA",),
    ),
    "an order its customer cancelled": (
        ("❌ Order <b>K7PQ2MXA</b> was cancelled by Ann.",),
        (),
    ),
    "an item low": (
        (
            (
                "⚠️ Low stock: <b>Sea &lt;salt&gt;</b> (SALT) is down to 2.5 kg (threshold 3 "
                "kg). /restock SALT QTY when it arrives."
            ),
        ),
        (),
    ),
    "an item sold out": (
        ("🔴 Sold out: <b>Sea salt</b> (SALT). /restock SALT QTY when it arrives.",),
        (),
    ),
    "the morning digest": (
        (
            "<b>Good morning: Thursday 10 December</b>",
            "Yesterday: 2 orders, 9.00 EUR.",
            "Open orders: 2 (/orders).",
            "",
            "<b>Low stock</b>",
            "🔴 <code>SALT</code> Salt: 0 pc, no recent sales; reorder 6 pc",
            "🟠 <code>RICE</code> Rice: 1.5 kg, 2.5 days of cover; reorder 10 kg",
            "…and 3 more low items: /stock shows every item's level.",
        ),
        (),
    ),
    "a morning digest queued before the day's trade was kept": (
        (
            "<b>Good morning: Thursday 10 December</b>",
            "",
            "<b>Low stock</b>",
            "Nothing is low. 👍",
        ),
        (),
    ),
    "an item back in stock": (
        ("🔔 <b>Earl &lt;Grey&gt;</b> is back in stock.",),
        ("p:42:",),
    ),
    "a refund due": (
        (
            (
                "↩️ <b>Refund due: 5.00 USD</b> for order <b>K7PQ2MXA</b> (paid twice). "
                "Refund it in your payment provider's dashboard; the customer has been told "
                "the store will."
            ),
        ),
        (),
    ),
    "a question to the staff on duty": (
        (
            "💬 <b>Ann</b> asks:",
            "Open on &lt;Sunday&gt;?",
        ),
        ("qa:17",),
    ),
    "an answer": (
        (
            "💬 <b>The shop answers</b> (Clerk):",
            "Yes, 9 to 12",
            "",
            "<i>You asked: Open on Sunday?</i>",
        ),
        ("ask",),
    ),
    "a staff account switched off": (
        (
            (
                "Your staff account <b>clerk</b> was switched off by a manager: you are "
                "logged out. You can still order here as a customer."
            ),
        ),
        (),
    ),
    "a failed backup": (
        (
            "⚠️ <b>The daily backup failed:</b> cannot write the backup",
            (
                "The shop keeps running, but there is no fresh copy of its data until this "
                "is fixed: tell whoever looks after the server."
            ),
        ),
        (),
    ),
    "an order nobody on duty saw": (
        (
            (
                "⏰ Nobody on duty has seen order <b>K7PQ2MXA</b> from <b>Ann</b>, waiting "
                "since Thu 10 Dec, 16:30."
            ),
        ),
        ("so:K7PQ2MXA:placed:accepted", "so:K7PQ2MXA:placed:cancelled", "sod:K7PQ2MXA"),
    ),
    "a question nobody on duty saw": (
        (
            (
                "⏰ Nobody on duty has seen a question from <b>Ann</b>, waiting since Thu 10 "
                "Dec, 16:30:"
            ),
            "Open?",
        ),
        ("qa:17",),
    ),
    "a rating asked for": (
        (("⭐ How was your order <b>K7PQ2MXA</b>? Tap the stars: 1 is poor, 5 is excellent."),),
        ("rt:K7PQ2MXA:1", "rt:K7PQ2MXA:2", "rt:K7PQ2MXA:3", "rt:K7PQ2MXA:4", "rt:K7PQ2MXA:5"),
    ),
    "an announcement": (
        (
            "📣 <b>News from Corner Shop</b>",
            "",
            "Strawberries are in!",
        ),
        ("unsub:3",),
    ),
    "an announcement with a photo": (
        (
            "📣 <b>News from Corner Shop</b>",
            "",
            "Look!",
        ),
        ("unsub:4",),
    ),
    "a cart reminder": (
        (
            "🧺 <b>Your cart is waiting</b>",
            "You left these in your cart; they are still on sale:",
            "• Earl Grey — 1 pc",
            "• Gala apples — 2.5 kg",
        ),
        ("menu:cart", "unsub:0"),
    ),
}


def queue_as_before(engine: Engine, chat_id: int, kind: str, payload: dict[str, str]) -> None:
    """A row as the previous version wrote it, straight into the table, due an hour ago."""
    queued_at = datetime.now(UTC) - timedelta(hours=1)
    with engine.begin() as connection:
        connection.execute(
            insert(OutboxRow).values(
                chat_id=chat_id,
                kind=kind,
                payload=payload,
                created_at=queued_at,
                next_attempt_at=queued_at,
                attempts=0,
                last_error="",
            )
        )
