"""The SQLAlchemy unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.domain.clock import utc_now
from bot.domain.errors import ConcurrentUpdate, UpdateTakenOver
from bot.domain.services.deliveries import HANDLING
from bot.persistence.repositories import (
    SqlCartRepository,
    SqlCheckoutRepository,
    SqlChoreRepository,
    SqlCustomerRepository,
    SqlDigestRepository,
    SqlInviteRepository,
    SqlLanguageRepository,
    SqlLedgerRepository,
    SqlOrderRepository,
    SqlOutboxRepository,
    SqlProcessedUpdateRepository,
    SqlProductRepository,
    SqlPromptRepository,
    SqlQuestionRepository,
    SqlSessionRepository,
    SqlShieldRepository,
    SqlStaffRepository,
    SqlThrottleRepository,
    SqlWatchRepository,
)
from bot.persistence.repositories.notifications import OUTBOX_WRITTEN
from bot.persistence.repositories.personal_data import SqlPersonalDataRepository

# MySQL: 1213 deadlock, 1205 lock wait timeout, 1062 duplicate key (a concurrent insert won).
_MYSQL_RETRYABLE = {1213, 1205, 1062}


def is_retryable(error: BaseException) -> bool:
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    args = getattr(original, "args", ())
    if args and isinstance(args[0], int) and args[0] in _MYSQL_RETRYABLE:
        return True
    message = str(original).lower()
    if isinstance(error, OperationalError):
        return "database is locked" in message or "database table is locked" in message
    return isinstance(error, IntegrityError) and "unique constraint failed" in message


class SqlAlchemyUnitOfWork:
    """Use one instance per use-case call: it holds the session of the transaction in progress."""

    session: Session

    def __init__(
        self, sessions: sessionmaker[Session], *, outbox_written: Callable[[], None] | None = None
    ) -> None:
        """`outbox_written` is called after a commit that queued notifications: the sender of
        this process sends them at once instead of at its next poll."""
        self._sessions = sessions
        self._open = False
        self._outbox_written = outbox_written

    def __enter__(self) -> Self:
        if self._open:
            raise RuntimeError("this unit of work is already in a transaction")
        self._open = True
        self.session = self._sessions()
        self.products = SqlProductRepository(self.session)
        self.ledger = SqlLedgerRepository(self.session)
        self.customers = SqlCustomerRepository(self.session)
        self.carts = SqlCartRepository(self.session)
        self.orders = SqlOrderRepository(self.session)
        self.staff = SqlStaffRepository(self.session)
        self.sessions = SqlSessionRepository(self.session)
        self.invites = SqlInviteRepository(self.session)
        self.outbox = SqlOutboxRepository(self.session)
        self.checkouts = SqlCheckoutRepository(self.session)
        self.prompts = SqlPromptRepository(self.session)
        self.throttles = SqlThrottleRepository(self.session)
        self.digests = SqlDigestRepository(self.session)
        self.shields = SqlShieldRepository(self.session)
        self.chores = SqlChoreRepository(self.session)
        self.watches = SqlWatchRepository(self.session)
        self.questions = SqlQuestionRepository(self.session)
        self.updates = SqlProcessedUpdateRepository(self.session)
        self.languages = SqlLanguageRepository(self.session)
        self.personal_data = SqlPersonalDataRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
            self._open = False
        if exc is not None and is_retryable(exc):
            raise ConcurrentUpdate(str(exc)) from exc

    def commit(self) -> None:
        handling = HANDLING.get()
        try:
            # Work for an update commits with its mark, so a worker that takes the update
            # over (this one seemed gone) never applies it a second time.
            if handling is not None and not self.updates.mark_done(
                handling.update_id, handling.worker, utc_now()
            ):
                self.rollback()
                raise UpdateTakenOver(f"update {handling.update_id} was taken over")
            self.session.commit()
        except DBAPIError as error:
            if is_retryable(error):
                raise ConcurrentUpdate(str(error)) from error
            raise
        if self.session.info.pop(OUTBOX_WRITTEN, False) and self._outbox_written is not None:
            self._outbox_written()

    def rollback(self) -> None:
        self.session.rollback()
        self.session.info.pop(OUTBOX_WRITTEN, None)
