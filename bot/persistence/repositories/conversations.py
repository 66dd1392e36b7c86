"""Conversations: open questions, password shields, and the update ids already handled."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import BindParameter, Select, bindparam, delete, select, update
from sqlalchemy.orm import Session

from bot.domain.ports import Languages
from bot.domain.prompts import Prompt, PromptKind
from bot.persistence.drafts import draft_from_json, draft_to_json
from bot.persistence.models import (
    AppLanguageRow,
    ChoreRunRow,
    CustomerRow,
    PasswordShieldRow,
    ProcessedUpdateRow,
    PromptRow,
    StaffRow,
    StaffSessionRow,
)
from bot.persistence.repositories.inserts import insert_or_update, insert_unless_present


class SqlPromptRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, telegram_user_id: int, *, for_update: bool = False) -> Prompt | None:
        row = self.session.get(
            PromptRow, telegram_user_id, populate_existing=True, with_for_update=for_update
        )
        if row is None:
            return None
        kind = PromptKind(row.kind)
        return Prompt(
            row.telegram_user_id, kind, row.step, row.updated_at, draft_from_json(kind, row.data)
        )

    def save(self, prompt: Prompt) -> None:
        row = self.session.get(PromptRow, prompt.telegram_user_id)
        if row is None:
            row = PromptRow(telegram_user_id=prompt.telegram_user_id)
            self.session.add(row)
        row.kind, row.step = prompt.kind.value, prompt.step
        row.data, row.updated_at = draft_to_json(prompt.draft), prompt.updated_at
        self.session.flush()

    def delete(self, telegram_user_id: int) -> None:
        self.session.execute(
            delete(PromptRow).where(PromptRow.telegram_user_id == telegram_user_id)
        )

    def forget_before(self, at: datetime) -> int:
        result = self.session.execute(delete(PromptRow).where(PromptRow.updated_at < at))
        return int(result.rowcount)  # type: ignore[attr-defined]


class SqlChoreRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def first_today(self, name: str, day: date, at: datetime) -> bool:
        return insert_unless_present(
            self.session,
            ChoreRunRow.__table__,  # type: ignore[arg-type]
            name=name,
            day=day,
            ran_at=at,
        )


class SqlShieldRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def set_until(self, telegram_user_id: int, until: datetime) -> None:
        row = self.session.get(PasswordShieldRow, telegram_user_id)
        if row is None:
            self.session.add(PasswordShieldRow(telegram_user_id=telegram_user_id, until=until))
        else:
            row.until = until
        self.session.flush()

    def until(self, telegram_user_id: int) -> datetime | None:
        row = self.session.get(PasswordShieldRow, telegram_user_id, populate_existing=True)
        return row.until if row else None

    def lower(self, telegram_user_id: int) -> None:
        self.session.execute(
            delete(PasswordShieldRow).where(PasswordShieldRow.telegram_user_id == telegram_user_id)
        )

    def forget_before(self, at: datetime) -> int:
        result = self.session.execute(delete(PasswordShieldRow).where(PasswordShieldRow.until < at))
        return int(result.rowcount)  # type: ignore[attr-defined]


def _languages_of() -> Select[tuple[str | None, str | None, str | None]]:
    """One statement of three lookups by key, in the transaction that records the update:
    the staff account's choice, the customer's, and the Telegram app's language."""
    user: BindParameter[int] = bindparam("user")
    staff = (
        select(StaffRow.language)
        .join(StaffSessionRow, StaffSessionRow.staff_id == StaffRow.id)
        .where(StaffSessionRow.telegram_user_id == user)
        .scalar_subquery()
    )
    customer = select(CustomerRow.language).where(CustomerRow.telegram_user_id == user)
    app = select(AppLanguageRow.language).where(AppLanguageRow.telegram_user_id == user)
    return select(staff, customer.scalar_subquery(), app.scalar_subquery())


# Built once: every update runs it, and building it cost more than running it.
_LANGUAGES_OF = _languages_of()


class SqlLanguageRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of(self, telegram_user_id: int) -> Languages:
        row = self.session.execute(_LANGUAGES_OF, {"user": telegram_user_id}).one()
        return Languages(chosen=row[0] or row[1], app=row[2])

    def note_app(self, telegram_user_id: int, language: str) -> None:
        insert_or_update(
            self.session,
            AppLanguageRow.__table__,  # type: ignore[arg-type]
            {"telegram_user_id": telegram_user_id},
            language=language,
        )

    def readers(self, telegram_user_ids: Collection[int]) -> dict[int, str]:
        ids = list(telegram_user_ids)
        if not ids:
            return {}
        found: dict[int, str] = dict(
            self.session.execute(
                select(AppLanguageRow.telegram_user_id, AppLanguageRow.language).where(
                    AppLanguageRow.telegram_user_id.in_(ids)
                )
            )
            .tuples()
            .all()
        )
        chosen: list[Select[tuple[int | None, str | None]] | Select[tuple[int, str | None]]] = [
            select(CustomerRow.telegram_user_id, CustomerRow.language).where(
                CustomerRow.telegram_user_id.in_(ids), CustomerRow.language.is_not(None)
            ),
            select(StaffSessionRow.telegram_user_id, StaffRow.language)
            .join(StaffRow, StaffSessionRow.staff_id == StaffRow.id)
            .where(StaffSessionRow.telegram_user_id.in_(ids), StaffRow.language.is_not(None)),
        ]
        for query in chosen:  # a choice outranks the app; a staff account's, the customer's
            found.update((user, language) for user, language in self.session.execute(query))
        return found

    def choose_for_customer(self, customer_id: int, language: str) -> None:
        self.session.execute(
            update(CustomerRow).where(CustomerRow.id == customer_id).values(language=language)
        )

    def choose_for_staff(self, staff_id: int, language: str) -> None:
        self.session.execute(
            update(StaffRow).where(StaffRow.id == staff_id).values(language=language)
        )


class SqlProcessedUpdateRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def first_time(self, update_id: int, at: datetime) -> bool:
        return insert_unless_present(
            self.session,
            ProcessedUpdateRow.__table__,  # type: ignore[arg-type]
            update_id=update_id,
            processed_at=at,
        )

    def forget_before(self, at: datetime) -> int:
        result = self.session.execute(
            delete(ProcessedUpdateRow).where(ProcessedUpdateRow.processed_at < at)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
