"""Customers' questions to the shop and their answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.domain.questions import Question
from bot.persistence.models import QuestionRow


class SqlQuestionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, question: Question) -> Question:
        row = QuestionRow(
            customer_id=question.customer_id, text=question.text, asked_at=question.asked_at
        )
        self.session.add(row)
        self.session.flush()
        question.id = row.id
        return question

    def get(self, question_id: int) -> Question | None:
        row = self.session.get(QuestionRow, question_id, populate_existing=True)
        if row is None:
            return None
        return Question(
            row.customer_id,
            row.text,
            row.asked_at,
            row.id,
            row.answer,
            row.answered_at,
            row.answered_by,
        )

    def count_unanswered(self, customer_id: int) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(QuestionRow)
                .where(QuestionRow.customer_id == customer_id, QuestionRow.answer.is_(None))
            )
            or 0
        )

    def answer(self, question_id: int, text: str, at: datetime, by: str) -> bool:
        """A conditional UPDATE: of two staff answering at once, exactly one wins."""
        result = self.session.execute(
            update(QuestionRow)
            .where(QuestionRow.id == question_id, QuestionRow.answer.is_(None))
            .values(answer=text, answered_at=at, answered_by=by)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]
