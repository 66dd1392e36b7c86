"""Talk to the shop: a customer's question reaches the staff on duty, their answer comes back.

Both travel through the outbox, so they survive a restart and reach the person once.
"""

from __future__ import annotations

from bot.domain.clock import Clock, utc_now
from bot.domain.errors import DomainError, NotFound
from bot.domain.notifications import Notification
from bot.domain.ports import UnitOfWork
from bot.domain.questions import (
    AlreadyAnswered,
    AnswerNews,
    Question,
    QuestionAlert,
    clean_message,
)
from bot.domain.services.customers import CustomerRef, identify
from bot.domain.services.low_stock import manager_chats
from bot.domain.services.orders import ON_DUTY_WINDOW
from bot.domain.services.retry import retry_on_conflict
from bot.domain.services.staff import check_staff
from bot.domain.text import said

MAX_WAITING = 5  # unanswered questions one customer may have
QUOTE = 200  # how much of the question the answer repeats


class TooManyQuestions(DomainError):
    def __init__(self) -> None:
        super().__init__(
            said("You have {n} questions waiting for an answer; the shop will reply soon."),
            n=MAX_WAITING,
        )


class UnknownQuestion(NotFound):
    def __init__(self) -> None:
        super().__init__(said("That question is no longer there."))


@retry_on_conflict
def ask_shop(
    customer: CustomerRef, text: str, *, uow: UnitOfWork, clock: Clock = utc_now
) -> Question:
    """Store the question and tell the staff on duty (the managers, if nobody is)."""
    at = clock()
    cleaned = clean_message(
        text,
        empty=said("Please type your question"),
        too_long=said("That question has {length} characters; please keep it to {limit}"),
    )
    with uow:
        who = identify(uow, customer)
        assert who.id is not None
        if uow.questions.count_unanswered(who.id) >= MAX_WAITING:
            raise TooManyQuestions()
        question = uow.questions.add(Question(who.id, cleaned, at))
        assert question.id is not None
        chats = [s.telegram_user_id for s in uow.sessions.on_duty(since=at - ON_DUTY_WINDOW)]
        # Delivered to a member on duty, it is seen (bot.domain.waiting).
        alert = QuestionAlert(question.id, who.name, cleaned, on_duty=bool(chats))
        for chat_id in chats or manager_chats(uow):
            uow.outbox.add(Notification(chat_id, alert, at))
        uow.commit()
        return question


def open_question(staff_id: int, question_id: int, *, uow: UnitOfWork) -> Question:
    """The question a staff member is about to answer; refused if someone already did."""
    with uow:
        check_staff(uow, staff_id)
        question = uow.questions.get(question_id)
        if question is None:
            raise UnknownQuestion()
        if question.answered_by is not None:
            raise AlreadyAnswered(question.answered_by)
        return question


@retry_on_conflict
def answer_question(
    staff_id: int, question_id: int, text: str, *, uow: UnitOfWork, clock: Clock = utc_now
) -> Question:
    """The first answer wins (two staff may answer at once); the customer is told."""
    at = clock()
    cleaned = clean_message(
        text,
        empty=said("Please type your answer"),
        too_long=said("That answer has {length} characters; please keep it to {limit}"),
    )
    with uow:
        staff = check_staff(uow, staff_id)
        question = uow.questions.get(question_id)
        if question is None:
            raise UnknownQuestion()
        if not uow.questions.answer(question_id, cleaned, at, staff.display_name):
            fresh = uow.questions.get(question_id)
            raise AlreadyAnswered(fresh.answered_by if fresh and fresh.answered_by else "Someone")
        customer = uow.customers.get(question.customer_id)
        if customer is not None:
            news = AnswerNews(question.text[:QUOTE], cleaned, staff.display_name)
            uow.outbox.add(Notification(customer.telegram_user_id, news, at))
        uow.commit()
        question.answer, question.answered_at, question.answered_by = (
            cleaned,
            at,
            staff.display_name,
        )
        return question
