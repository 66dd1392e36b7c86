"""Nothing waits unseen: what waits is shown to each member at login (with buttons that open
it) and by /questions; a customer is told when the shop will see what they sent; the managers
hear of an order or question nobody on duty has seen (the unseen check, a repeating job).

What "waiting" and "seen" mean: bot.domain.waiting.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from html import escape as esc

from telegram import InlineKeyboardMarkup, Update

from bot.domain.clock import utc_now
from bot.domain.errors import ConcurrentUpdate, StoreUnavailable
from bot.domain.orders import OrderStatus
from bot.domain.services import waiting
from bot.domain.staff import Role
from bot.domain.store import Store
from bot.domain.waiting import (
    Attention,
    UnseenAlert,
    Waiting,
    WaitingKind,
    WhenSeen,
    when_seen,
)
from bot.handlers.access import signed_in
from bot.handlers.button_kinds import AnswerQuestion, OpenQuestions, WaitingOrders
from bot.handlers.context import ShopContext
from bot.handlers.notification_texts import Rendered, renders
from bot.handlers.order_queue import card, new_order_keyboard, order_keyboard
from bot.handlers.routes import Command, Feature, Press
from bot.handlers.screens import polite, say
from bot.handlers.views import STATUS_LINES, button
from bot.i18n import Texts, said

log = logging.getLogger(__name__)
UNSEEN_JOB = "unseen-check"
CHECK_EVERY_SECONDS = 60
PAGE = 5

# What the customer is told once an order is placed or a question sent: one wording for each
# outcome, whatever the path (on duty: a member was alerted just now).
SEEN_NOTICES = {
    WaitingKind.ORDER: {
        Attention.ON_DUTY: STATUS_LINES[OrderStatus.PLACED],
        Attention.CLOSED: (
            "🌙",
            said("The shop is closed now; it opens {when} and will see your order then."),
        ),
        Attention.NOBODY: (
            "⏳",
            said(
                "Nobody is at the shop's phones right now; we will see your order as soon as "
                "someone is."
            ),
        ),
    },
    WaitingKind.QUESTION: {
        Attention.ON_DUTY: ("✉️", said("Sent to the shop. You will get the answer in this chat.")),
        Attention.CLOSED: (
            "🌙",
            said(
                "Sent to the shop, which is closed now; it opens {when} and will see your "
                "question then. You will get the answer in this chat."
            ),
        ),
        Attention.NOBODY: (
            "⏳",
            said(
                "Sent to the shop. Nobody is at the shop's phones right now; we will see your "
                "question as soon as someone is. You will get the answer in this chat."
            ),
        ),
    },
}
# Closed, with no opening within a month.
CLOSED_FOR_NOW = {
    WaitingKind.ORDER: said("The shop is closed for now; it will see your order when it reopens."),
    WaitingKind.QUESTION: said(
        "Sent to the shop, which is closed for now; it will see your question when it reopens. "
        "You will get the answer in this chat."
    ),
}


async def honest_notice(context: ShopContext, t: Texts, what: WaitingKind) -> str:
    """When the shop will see what was just sent (closed, nobody logged in, or now). What was
    sent is saved already: if the database cannot say who is on duty, the opening hours
    alone decide, rather than the reply failing."""
    store = context.shop.store
    try:
        when = await context.run(waiting.shop_attention, store=store)
    except (ConcurrentUpdate, StoreUnavailable):
        log.warning("who is on duty could not be read; told by the opening hours alone")
        when = when_seen(store, utc_now(), on_duty=True)
    return seen_notice(t, when, what)


def seen_notice(t: Texts, when: WhenSeen, what: WaitingKind) -> str:
    """When the shop will see the order or question just sent, as the customer reads it."""
    mark, words = SEEN_NOTICES[what][when.attention]
    if when.attention is Attention.CLOSED:
        if when.opens is None:
            return f"{mark} {t(CLOSED_FOR_NOW[what])}"
        return f"{mark} {t(words, when=t.moment(when.opens))}"
    return f"{mark} {t(words)}"


def summary(t: Texts, what: Waiting) -> tuple[str, InlineKeyboardMarkup | None]:
    """At login: what waits for the shop, with a button for each kind."""
    if not what.anything:
        return t("No orders or questions are waiting."), None
    if what.orders and what.questions:
        text = t(
            "{orders} and {questions} are waiting.",
            orders=t.plural("{n} order", "{n} orders", what.orders),
            questions=t.plural("{n} question", "{n} questions", what.questions),
        )
    elif what.orders:
        text = t.plural("{n} order is waiting.", "{n} orders are waiting.", what.orders)
    else:
        text = t.plural("{n} question is waiting.", "{n} questions are waiting.", what.questions)
    row = []
    if what.orders:
        row.append(button("📦 " + t("Waiting orders"), WaitingOrders(0)))
    if what.questions:
        row.append(button("💬 " + t("Open questions"), OpenQuestions(0)))
    return f"⏳ {text}", InlineKeyboardMarkup([row])


@polite
async def list_waiting_orders(update: Update, context: ShopContext) -> str | None:
    """The summary's orders button: each order waiting for the shop, with its buttons."""
    account = await signed_in(update, context)
    assert account.id is not None
    offset = WaitingOrders.of(update).offset
    found = await context.run(waiting.waiting_orders, account.id, limit=PAGE + 1, offset=offset)
    t = context.texts(update)
    if not found and offset == 0:
        await say(update, t("No orders are waiting right now.") + " 🎉")
        return None
    for order in found[:PAGE]:
        await say(update, card(update, context, order), order_keyboard(t, order))
    if len(found) > PAGE:
        more = InlineKeyboardMarkup([[button(t("Show more"), WaitingOrders(offset + PAGE))]])
        await say(update, t("More orders are waiting."), more)
    return None


@polite
async def list_questions(update: Update, context: ShopContext) -> str | None:
    """/questions: unanswered questions, oldest first, each with its Answer button."""
    account = await signed_in(update, context)
    assert account.id is not None
    pressed = OpenQuestions.unpack(update.callback_query.data if update.callback_query else None)
    offset = pressed.offset if pressed else 0
    found = await context.run(waiting.open_questions, account.id, limit=PAGE + 1, offset=offset)
    t, store = context.texts(update), context.shop.store
    if not found and offset == 0:
        await say(update, t("No open questions right now.") + " 🎉")
        return None
    for open_question in found[:PAGE]:
        question = open_question.question
        assert question.id is not None
        asked = t(
            "<b>{name}</b> asked {when}:",
            name=esc(open_question.asker or t("A customer")),
            when=t.moment(question.asked_at.astimezone(store.timezone)),
        )
        answer = InlineKeyboardMarkup([[button(t("✍️ Answer"), AnswerQuestion(question.id))]])
        await say(update, f"💬 {asked}\n{esc(question.text)}", answer)
    if len(found) > PAGE:
        more = InlineKeyboardMarkup([[button(t("Show more"), OpenQuestions(offset + PAGE))]])
        await say(update, t("More questions are waiting."), more)
    return None


@renders(UnseenAlert)
def unseen_text(t: Texts, alert: UnseenAlert, store: Store) -> Rendered:
    """The managers' alert: an order or a question nobody on duty has seen."""
    since = t.moment(alert.since.astimezone(store.timezone))
    if alert.what is WaitingKind.ORDER:
        code = alert.order_code
        seen = (
            t(
                "Nobody on duty has seen order <b>{code}</b> from <b>{name}</b>, waiting since "
                "{when}.",
                code=esc(code),
                name=esc(alert.customer),
                when=since,
            )
            if alert.customer
            else t(
                "Nobody on duty has seen order <b>{code}</b>, waiting since {when}.",
                code=esc(code),
                when=since,
            )
        )
        return f"⏰ {seen}", new_order_keyboard(t, code)
    seen = t(
        "Nobody on duty has seen a question from <b>{name}</b>, waiting since {when}:",
        name=esc(alert.name or t("A customer")),
        when=since,
    )
    answer = AnswerQuestion(alert.question_id)
    return (
        f"⏰ {seen}\n{esc(alert.text)}",
        InlineKeyboardMarkup([[button(t("✍️ Answer"), answer)]]),
    )


async def check_unseen(context: ShopContext) -> None:
    """The repeating job: every worker runs it; the use case tells the managers once."""
    shop = context.shop
    after = timedelta(minutes=shop.settings.unseen_alert_minutes)
    told = await context.run(waiting.alert_unseen, after=after, store=shop.store)
    if told:
        log.info("managers told of %s waiting item(s) nobody on duty has seen", told)


FEATURE = Feature(
    commands=[
        Command(
            "questions",
            list_questions,
            Role.STAFF,
            said("Open questions"),
            said("/questions – customers' questions not answered yet, each with its button"),
        ),
    ],
    presses=[
        Press(WaitingOrders, list_waiting_orders, Role.STAFF),
        Press(OpenQuestions, list_questions, Role.STAFF),
    ],
)
