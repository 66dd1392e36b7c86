"""A customer's question to the shop ("💬 Ask the shop") and the answer staff give."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.notifications import Facts, NotificationKind
from bot.domain.text import said, without_controls

MAX_QUESTION = 1000


@dataclass(slots=True)
class Question:
    customer_id: int
    text: str
    asked_at: datetime
    id: int | None = None
    answer: str | None = None
    answered_at: datetime | None = None
    answered_by: str | None = None


def clean_message(text: str, *, empty: str, too_long: str) -> str:
    """A question or an answer: someone reads it, so it says something and stays short."""
    cleaned = without_controls(text, keep_newlines=True).strip()
    if not cleaned:
        raise InvalidInput(empty)
    if len(cleaned) > MAX_QUESTION:
        raise InvalidInput(too_long, length=len(cleaned), limit=MAX_QUESTION)
    return cleaned


class AlreadyAnswered(DomainError):
    def __init__(self, by: str) -> None:
        super().__init__(said("{by} already answered this question."), by=by)
        self.by = by


@dataclass(frozen=True, slots=True)
class QuestionAlert(Facts):
    """To the staff on duty (the managers, if nobody is): a customer's question, to answer."""

    KIND: ClassVar[NotificationKind] = NotificationKind.QUESTION
    question_id: int
    name: str = ""  # the customer's
    text: str = ""
    # Sent to members logged in: delivered, it was seen (bot.domain.waiting). The managers'
    # copy, sent because nobody was logged in, is not.
    on_duty: bool = False


@dataclass(frozen=True, slots=True)
class AnswerNews(Facts):
    """To the customer: the shop's answer, under the start of their question."""

    KIND: ClassVar[NotificationKind] = NotificationKind.ANSWER
    question: str = ""
    answer: str = ""
    by: str = ""  # the staff member's name
