"""Nothing waits unseen: what waits is shown to members, customers are told when the shop will
see what they sent, and managers hear of what nobody on duty has seen (bot.domain.waiting says
what "waiting" and "seen" mean)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain.clock import Clock, utc_now
from bot.domain.notifications import Notification
from bot.domain.orders import Order, OrderStatus
from bot.domain.ports import OpenQuestion, UnitOfWork
from bot.domain.services.low_stock import manager_chats
from bot.domain.services.orders import ON_DUTY_WINDOW
from bot.domain.services.retry import retry_on_conflict
from bot.domain.services.staff import check_staff
from bot.domain.store import Store
from bot.domain.waiting import (
    Unseen,
    UnseenAlert,
    Waiting,
    WaitingKind,
    WhenSeen,
    alert_due,
    when_seen,
)

UNSEEN_BATCH = 100  # items weighed per run of the check; more wait for the next run


@retry_on_conflict
def shop_attention(*, store: Store, uow: UnitOfWork, clock: Clock = utc_now) -> WhenSeen:
    """When the shop will see what a customer sent just now: the same members who were just
    alerted (those on duty) decide it, and the opening hours."""
    at = clock()
    with uow:
        on_duty = bool(uow.sessions.on_duty(since=at - ON_DUTY_WINDOW))
    return when_seen(store, at, on_duty=on_duty)


@retry_on_conflict
def at_login(staff_id: int, *, uow: UnitOfWork, clock: Clock = utc_now) -> Waiting:
    """What waits for the member who just logged in; told to them, it is seen."""
    with uow:
        check_staff(uow, staff_id)
        waiting = uow.waiting.counts()
        if waiting.anything:
            uow.waiting.mark_all_seen(clock())
            uow.commit()
        return waiting


@retry_on_conflict
def waiting_orders(
    staff_id: int, *, limit: int, offset: int = 0, uow: UnitOfWork, clock: Clock = utc_now
) -> list[Order]:
    """Orders waiting for the shop, oldest first; shown to the member, they are seen."""
    with uow:
        check_staff(uow, staff_id)
        found = uow.waiting.orders(limit=limit, offset=offset)
        _seen(uow, WaitingKind.ORDER, [o.id for o in found if o.id is not None], clock)
        return found


@retry_on_conflict
def open_questions(
    staff_id: int, *, limit: int, offset: int = 0, uow: UnitOfWork, clock: Clock = utc_now
) -> list[OpenQuestion]:
    """Unanswered questions, oldest first; shown to the member, they are seen."""
    with uow:
        check_staff(uow, staff_id)
        found = uow.waiting.questions(limit=limit, offset=offset)
        ids = [q.question.id for q in found if q.question.id is not None]
        _seen(uow, WaitingKind.QUESTION, ids, clock)
        return found


@retry_on_conflict
def order_queue(
    *, limit: int, offset: int = 0, uow: UnitOfWork, clock: Clock = utc_now
) -> list[Order]:
    """/orders: open orders, oldest first; the waiting ones among them are seen."""
    with uow:
        found = uow.orders.open_orders(limit=limit, offset=offset)
        waiting = [
            o.id
            for o in found
            if o.id is not None and o.status is OrderStatus.PLACED and not o.payment.awaits_payment
        ]
        _seen(uow, WaitingKind.ORDER, waiting, clock)
        return found


def _seen(uow: UnitOfWork, kind: WaitingKind, ids: list[int], clock: Clock) -> None:
    if ids:
        uow.waiting.mark_seen(kind, ids, clock())
        uow.commit()


@retry_on_conflict
def alert_unseen(
    *,
    after: timedelta,
    store: Store,
    uow: UnitOfWork,
    clock: Clock = utc_now,
    limit: int = UNSEEN_BATCH,
) -> int:
    """The unseen check (a repeating job, run by every worker): each item still waiting and
    unseen after `after` of opening hours is told to the managers, even those not logged in,
    once. An item whose alert reached a member on duty is recorded as seen instead. Which
    worker tells is decided by a conditional UPDATE of the item's alerted mark, never by what
    a worker read. How many items the managers were told of."""
    now = clock()
    with uow:
        candidates = uow.waiting.unseen(now - after, limit=limit)
        due = [item for item in candidates if alert_due(store, item.since, after) <= now]
        if not due:
            return 0
        delivered = uow.waiting.delivered(due)
        for kind in WaitingKind:
            uow.waiting.mark_seen(kind, [i.id for i in delivered if i.kind is kind], now)
        seen = {(i.kind, i.id) for i in delivered}
        chats = manager_chats(uow)
        told = 0
        for item in due:
            if (item.kind, item.id) in seen or not uow.waiting.mark_alerted(item, now):
                continue
            told += 1
            for notification in _alerts(uow, item, chats, now):
                uow.outbox.add(notification)
        uow.commit()
        return told


def _alerts(uow: UnitOfWork, item: Unseen, chats: list[int], at: datetime) -> list[Notification]:
    """The managers' alert about one item: what it is, who sent it, since when."""
    order_id = None
    if item.kind is WaitingKind.ORDER:
        order = uow.orders.get(item.id)
        if order is None:
            return []
        order_id = order.id
        alert = UnseenAlert(item.kind, item.since, order.code, order.customer_name)
    else:
        question = uow.questions.get(item.id)
        if question is None:
            return []
        customer = uow.customers.get(question.customer_id)
        name = customer.name if customer else ""
        alert = UnseenAlert(
            item.kind, item.since, question_id=item.id, name=name, text=question.text
        )
    return [Notification(chat, alert, at, order_id) for chat in chats]
