"""Conversations: open questions, password shields, and the update ids already handled."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime
from typing import cast

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Select,
    Table,
    bindparam,
    delete,
    literal,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from bot.domain.errors import ConcurrentUpdate
from bot.domain.ports import Languages, Take
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
    WorkerRow,
)
from bot.persistence.repositories.inserts import (
    ignoring_duplicates,
    insert_or_update,
    insert_unless_present,
)


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


def _languages_of_many() -> CompoundSelect[tuple[int | None, int, str | None]]:
    """Everyone's languages in one statement, each row (person, where from, language): 1 the
    staff account they are logged in as, 2 the customer, 3 the Telegram app."""
    users: BindParameter[list[int]] = bindparam("users", expanding=True)
    # On the tables, not the mapped classes: a plain statement, no ORM machinery per call.
    sessions, staff = StaffSessionRow.__table__.c, StaffRow.__table__.c
    customers, apps = CustomerRow.__table__.c, AppLanguageRow.__table__.c
    return union_all(
        select(sessions.telegram_user_id, literal(1), staff.language)
        .join_from(StaffSessionRow.__table__, StaffRow.__table__, sessions.staff_id == staff.id)
        .where(sessions.telegram_user_id.in_(users)),
        select(customers.telegram_user_id, literal(2), customers.language).where(
            customers.telegram_user_id.in_(users)
        ),
        select(apps.telegram_user_id, literal(3), apps.language).where(
            apps.telegram_user_id.in_(users)
        ),
    )


_LANGUAGES_OF_MANY = _languages_of_many()


class SqlLanguageRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of(self, telegram_user_id: int) -> Languages:
        row = self.session.execute(_LANGUAGES_OF, {"user": telegram_user_id}).one()
        return Languages(chosen=row[0] or row[1], app=row[2])

    def of_many(self, telegram_user_ids: Collection[int]) -> dict[int, Languages]:
        users = sorted(set(telegram_user_ids))
        if not users:
            return {}
        found: dict[int, dict[int, str | None]] = {user: {} for user in users}
        for user, source, language in self.session.execute(_LANGUAGES_OF_MANY, {"users": users}):
            found[user][source] = language
        return {
            user: Languages(chosen=kept.get(1) or kept.get(2), app=kept.get(3))
            for user, kept in found.items()
        }

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


_SQLITE_NOW = text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")
_MYSQL_NOW = text("SELECT UTC_TIMESTAMP(6)")


def _alive_workers(since: datetime) -> Select[tuple[str]]:
    return select(WorkerRow.worker_id).where(WorkerRow.beat_at >= since)


# Every update that changes something marks itself done with its work, and every record marks
# the updates handled since: built once, on the table (no ORM bulk-update machinery per call).
_updates = cast(Table, ProcessedUpdateRow.__table__)
_MARK_DONE = (
    update(_updates)
    .where(_updates.c.update_id == bindparam("of_update"))
    .where(_updates.c.taken_by == bindparam("by_worker"))
    .values(done_at=bindparam("done"), body=None)
)
_SEEN = select(_updates.c.update_id).where(
    _updates.c.update_id.in_(bindparam("ids", expanding=True))
)
_TAKE = ignoring_duplicates(_updates)
_FINISH = (
    update(_updates)
    .where(_updates.c.update_id.in_(bindparam("of_updates", expanding=True)))
    .where(_updates.c.taken_by == bindparam("by_worker"))
    .where(_updates.c.done_at.is_(None))
    .values(done_at=bindparam("done"), body=None)
)


class SqlProcessedUpdateRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def take(
        self, update_id: int, worker: str, at: datetime, alive_since: datetime, body: str | None
    ) -> Take:
        # The common case, a new update, is this one statement.
        if insert_unless_present(
            self.session,
            ProcessedUpdateRow.__table__,  # type: ignore[arg-type]
            update_id=update_id,
            processed_at=at,
            taken_by=worker,
            done_at=None,
            body=body,
        ):
            return Take(True)
        row = ProcessedUpdateRow
        alive = _alive_workers(alive_since)
        taken_over = self.session.execute(
            update(row)
            .where(
                row.update_id == update_id,
                row.done_at.is_(None),
                row.taken_by.is_not(None),
                row.taken_by != worker,
                row.taken_by.not_in(alive),
            )
            .values(taken_by=worker, processed_at=at)
            .execution_options(synchronize_session=False)
        )
        if taken_over.rowcount == 1:  # type: ignore[attr-defined]
            return Take(True)
        holder = self.session.execute(
            select(row.taken_by, row.done_at, WorkerRow.beat_at)
            .outerjoin(WorkerRow, WorkerRow.worker_id == row.taken_by)
            .where(row.update_id == update_id)
        ).one_or_none()
        if holder is None or holder.done_at is not None or holder.taken_by is None:
            return Take(False)
        if holder.taken_by == worker:
            return Take(False, mine=True)
        return Take(False, holder.beat_at or alive_since)

    def take_many(
        self,
        updates: Sequence[tuple[int, str | None]],
        worker: str,
        at: datetime,
        alive_since: datetime,
    ) -> list[Take]:
        """Those seen before go the way of `take`, one by one; the others (every update, but
        for a redelivery) are inserted together. Should another worker insert one of those
        meanwhile (both were sent the same update), fewer rows land than were new: which ones
        cannot be told, so the whole transaction runs again, and then finds theirs seen."""
        ids = list(dict.fromkeys(update_id for update_id, _ in updates))
        seen = set(self.session.scalars(_SEEN, {"ids": ids})) if ids else set()
        bodies = {update_id: body for update_id, body in reversed(updates)}  # the first's
        new = [update_id for update_id in ids if update_id not in seen]
        if new:
            rows = [
                {
                    "update_id": update_id,
                    "processed_at": at,
                    "taken_by": worker,
                    "done_at": None,
                    "body": bodies[update_id],
                }
                for update_id in new
            ]
            landed = self.session.execute(_TAKE, rows).rowcount  # type: ignore[attr-defined]
            if landed != len(new):
                raise ConcurrentUpdate(f"{len(new) - landed} updates taken by another worker")
        taken: list[Take] = []
        fresh, landed_now = set(new), set(new)
        for update_id, body in updates:
            if update_id in fresh:
                fresh.discard(update_id)
                taken.append(Take(True))
            elif update_id in landed_now:
                taken.append(Take(False, mine=True))  # twice in this batch: taken just now
            else:
                taken.append(self.take(update_id, worker, at, alive_since, body))
        return taken

    def mark_done(self, update_id: int, worker: str, at: datetime) -> bool:
        done = {"of_update": update_id, "by_worker": worker, "done": at}
        result = self.session.execute(_MARK_DONE, done)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def marked_done_at(self, update_id: int, worker: str) -> datetime | None:
        """When `worker` last marked the update done (None: never, or not its to mark). Read
        under the row's lock: a COMMIT whose connection broke may still be finishing on the
        server, and its answer is only known once it has let go of the row."""
        row = ProcessedUpdateRow
        done: datetime | None = self.session.execute(
            select(row.done_at)
            .where(row.update_id == update_id, row.taken_by == worker)
            .with_for_update()
        ).scalar_one_or_none()
        return done

    def finish(self, update_ids: Collection[int], worker: str, at: datetime) -> None:
        if not update_ids:
            return
        done = {"of_updates": sorted(update_ids), "by_worker": worker, "done": at}
        self.session.execute(_FINISH, done)

    def claim_abandoned(
        self, worker: str, alive_since: datetime, taken_since: datetime, limit: int
    ) -> dict[int, str]:
        row = ProcessedUpdateRow
        left = self.session.execute(
            select(row.update_id, row.taken_by, row.body)
            .where(
                row.done_at.is_(None),
                row.body.is_not(None),
                row.processed_at >= taken_since,
                row.taken_by.not_in(_alive_workers(alive_since)),
            )
            .order_by(row.update_id)
            .limit(limit)
        ).all()
        claimed: dict[int, str] = {}
        for update_id, holder, body in left:
            taken = self.session.execute(
                update(row)
                .where(row.update_id == update_id, row.taken_by == holder, row.done_at.is_(None))
                .values(taken_by=worker)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount == 1 and body is not None:  # type: ignore[attr-defined]
                claimed[update_id] = body
        return claimed

    def beat(self, worker: str, at: datetime) -> datetime:
        insert_or_update(
            self.session,
            WorkerRow.__table__,  # type: ignore[arg-type]
            {"worker_id": worker},
            beat_at=at,
        )
        return self._database_now()

    def gone(self, worker: str) -> None:
        self.session.execute(delete(WorkerRow).where(WorkerRow.worker_id == worker))

    def _database_now(self) -> datetime:
        if self.session.get_bind().dialect.name == "sqlite":
            text_now = self.session.execute(_SQLITE_NOW).scalar_one()
            return datetime.fromisoformat(text_now).replace(tzinfo=UTC)
        stamp: datetime = self.session.execute(_MYSQL_NOW).scalar_one()
        return stamp.replace(tzinfo=UTC)

    def forget_before(self, at: datetime) -> int:
        self.session.execute(delete(WorkerRow).where(WorkerRow.beat_at < at))
        result = self.session.execute(
            delete(ProcessedUpdateRow).where(ProcessedUpdateRow.processed_at < at)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
