"""The SQLAlchemy unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Self

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.domain.clock import utc_now
from bot.domain.errors import (
    ConcurrentUpdate,
    ConnectionLost,
    OutcomeUnknown,
    StoreUnavailable,
    UpdateTakenOver,
)
from bot.domain.services.deliveries import HANDLING, Handling
from bot.persistence.engine import READING
from bot.persistence.repositories import (
    SqlCartRepository,
    SqlCatalogueVersion,
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
    SqlSalesWindowRepository,
    SqlSessionRepository,
    SqlShieldRepository,
    SqlStaffRepository,
    SqlThrottleRepository,
    SqlWatchRepository,
)
from bot.persistence.repositories.catalogue import CHANGED as CATALOGUE_CHANGED
from bot.persistence.repositories.catalogue import KeptActiveCount
from bot.persistence.repositories.favourites import SqlFavouriteRepository
from bot.persistence.repositories.news import SqlAnnouncementRepository, SqlNewsRepository
from bot.persistence.repositories.notifications import OUTBOX_WRITTEN
from bot.persistence.repositories.offers import SqlOfferRepository
from bot.persistence.repositories.personal_data import SqlPersonalDataRepository
from bot.persistence.repositories.promo_codes import SqlPromoCodeRepository
from bot.persistence.repositories.ratings import SqlRatingRepository
from bot.persistence.repositories.waiting import SqlWaitingRepository
from bot.persistence.repositories.web_access import (
    SqlPhotoRepository,
    SqlStagedUploadRepository,
    SqlStoreDetailsRepository,
    SqlWebAccessRepository,
)

log = logging.getLogger(__name__)

# MySQL: 1213 deadlock, 1205 lock wait timeout, 1062 duplicate key (a concurrent insert won).
_MYSQL_RETRYABLE = {1213, 1205, 1062}
# MySQL client errors for a connection that broke: 2006 server gone away, 2013 lost during a
# query, 2055 lost with a system error; 1927 / 1053 the connection was killed / the server is
# shutting down. The transaction died with it (nothing was committed) unless it was the COMMIT.
_MYSQL_CONNECTION_LOST = {2006, 2013, 2055, 1927, 1053}


def _code(error: DBAPIError) -> int | None:
    args = getattr(error.orig, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def lost_connection(error: BaseException) -> bool:
    """The connection broke (killed, the server restarted, the network cut)."""
    if not isinstance(error, DBAPIError):
        return False
    return bool(error.connection_invalidated) or _code(error) in _MYSQL_CONNECTION_LOST


# Writes refused for a while, not a moment: 1021 disk full, 1114 table full, 3 error writing a
# file, 1290 / 1836 / 1792 read-only server or transaction; 2003 / 2005 / 1040 / 1203 no
# connection to be had (unreachable, too many connections).
_MYSQL_LASTING = {1021, 1114, 3, 1290, 1836, 1792}
_MYSQL_UNREACHABLE = {2003, 2005, 1040, 1203}
_SQLITE_LASTING = (
    "database or disk is full",
    "readonly database",
    "disk i/o error",
    "unable to open database file",
)


def unavailable(error: BaseException) -> StoreUnavailable | None:
    """The database cannot take writes now (or cannot be reached): what to tell the person."""
    if not isinstance(error, DBAPIError):
        return None
    code = _code(error)
    if code in _MYSQL_LASTING or any(m in str(error.orig).lower() for m in _SQLITE_LASTING):
        return StoreUnavailable(lasting=True)
    if code in _MYSQL_UNREACHABLE:
        return StoreUnavailable()
    return None


def _translated(error: DBAPIError) -> Exception | None:
    """A database error in the domain's terms: run again, or tell the person; None: a bug."""
    if lost_connection(error):
        return ConnectionLost(str(error))
    if is_retryable(error):
        return ConcurrentUpdate(str(error))
    return unavailable(error)


def is_retryable(error: BaseException) -> bool:
    """The database aborted the transaction (deadlock, lock wait, a concurrent insert won):
    running the whole use case again is safe. A broken connection is `lost_connection`
    (also run again, but counted as a database error, not a conflict)."""
    if not isinstance(error, DBAPIError):
        return False
    if _code(error) in _MYSQL_RETRYABLE:
        return True
    original = error.orig
    message = str(original).lower()
    if isinstance(error, OperationalError):
        return "database is locked" in message or "database table is locked" in message
    return isinstance(error, IntegrityError) and "unique constraint failed" in message


class SqlAlchemyUnitOfWork:
    """Use one instance per use-case call: it holds the session of the transaction in progress."""

    session: Session

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        outbox_written: Callable[[], None] | None = None,
        kept: KeptActiveCount | None = None,
    ) -> None:
        """`outbox_written` is called after a commit that queued notifications: the sender of
        this process sends them at once instead of at its next poll. `kept`: the worker's
        count of items on sale at a catalogue version (one per worker, across its units)."""
        self._sessions = sessions
        self._open = False
        self._reading = False
        self._outbox_written = outbox_written
        self._kept = kept

    def reading(self) -> Self:
        """For the next `with`: this use case only reads (it may not commit). On SQLite its
        transaction takes no write lock, so writers are not held behind a long read. On
        MariaDB it stays READ COMMITTED: REPEATABLE READ made a report's INSERT ... SELECT
        lock every line it summed (a year's report 100-150 ms slower, and writers held), so
        each statement reads its own moment there."""
        if self._open:
            raise RuntimeError("this unit of work is already in a transaction")
        self._reading = True
        return self

    def __enter__(self) -> Self:
        if self._open:
            raise RuntimeError("this unit of work is already in a transaction")
        self._open = True
        self.session = self._sessions()
        self.products = SqlProductRepository(self.session, self._kept)
        self.catalogue = SqlCatalogueVersion(self.session)
        self.ledger = SqlLedgerRepository(self.session)
        self.customers = SqlCustomerRepository(self.session)
        self.carts = SqlCartRepository(self.session)
        self.orders = SqlOrderRepository(self.session)
        self.staff = SqlStaffRepository(self.session)
        self.sessions = SqlSessionRepository(self.session)
        self.invites = SqlInviteRepository(self.session)
        self.web = SqlWebAccessRepository(self.session)
        self.staged = SqlStagedUploadRepository(self.session)
        self.photos = SqlPhotoRepository(self.session)
        self.store_details = SqlStoreDetailsRepository(self.session)
        self.offers = SqlOfferRepository(self.session)
        self.promo_codes = SqlPromoCodeRepository(self.session)
        self.ratings = SqlRatingRepository(self.session)
        self.outbox = SqlOutboxRepository(self.session)
        self.checkouts = SqlCheckoutRepository(self.session)
        self.prompts = SqlPromptRepository(self.session)
        self.throttles = SqlThrottleRepository(self.session)
        self.digests = SqlDigestRepository(self.session)
        self.windows = SqlSalesWindowRepository(self.session)
        self.shields = SqlShieldRepository(self.session)
        self.chores = SqlChoreRepository(self.session)
        self.watches = SqlWatchRepository(self.session)
        self.favourites = SqlFavouriteRepository(self.session)
        self.news = SqlNewsRepository(self.session)
        self.announcements = SqlAnnouncementRepository(self.session)
        self.questions = SqlQuestionRepository(self.session)
        self.updates = SqlProcessedUpdateRepository(self.session)
        self.languages = SqlLanguageRepository(self.session)
        self.personal_data = SqlPersonalDataRepository(self.session)
        self.waiting = SqlWaitingRepository(self.session)
        if self._reading:  # its transaction begins now, as one that only reads
            try:
                self.session.connection(execution_options={READING: True})
            except BaseException as failed:
                self.__exit__(type(failed), failed, failed.__traceback__)  # translated
                raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        except DBAPIError as broken:
            # The connection broke under the closing ROLLBACK: the server drops what that
            # connection held when it goes, so nothing is left half done. What the use case
            # read or raised stands; the connection never returns to the pool.
            log.info("the connection broke during ROLLBACK: %s", broken.orig)
            self.session.invalidate()
        finally:
            self.session.close()
            self._open = False
            self._reading = False
        if isinstance(exc, DBAPIError) and (translated := _translated(exc)) is not None:
            raise translated from exc

    def commit(self) -> None:
        if self._reading:
            raise RuntimeError("a unit of work opened for reading commits nothing")
        handling = HANDLING.get()
        stamp = utc_now()
        try:
            # Work for an update commits with its mark, so a worker that takes the update
            # over (this one seemed gone) never applies it a second time.
            if handling is not None and not self.updates.mark_done(
                handling.update_id, handling.worker, stamp
            ):
                self.rollback()
                raise UpdateTakenOver(f"update {handling.update_id} was taken over")
            self.catalogue.move()  # last: its row is held only for the commit
        except DBAPIError as error:
            if (translated := _translated(error)) is not None:
                raise translated from error
            raise
        try:
            self.session.commit()
        except DBAPIError as error:
            if not lost_connection(error):
                if (translated := _translated(error)) is not None:
                    raise translated from error
                raise
            if not self._committed_after_all(handling, stamp):
                raise ConnectionLost(str(error)) from error
        if self.session.info.pop(OUTBOX_WRITTEN, False) and self._outbox_written is not None:
            self._outbox_written()

    def _committed_after_all(self, handling: Handling | None, stamp: datetime) -> bool:
        """The connection broke during COMMIT, which the server may or may not have carried
        out. An update's work commits with its done mark, stamped with this commit's time: the
        stamp found means it was saved (go on as committed), not found means it was not (run
        it again). Without an update to look at, nobody can tell: the person is asked to look."""
        if handling is None:
            raise OutcomeUnknown
        with contextlib.suppress(DBAPIError):
            self.session.rollback()  # whatever the broken transaction still holds, let go
        try:
            with self._sessions() as session:
                marked = SqlProcessedUpdateRepository(session).marked_done_at(
                    handling.update_id, handling.worker
                )
        except DBAPIError as still_away:
            raise OutcomeUnknown from still_away
        landed = marked is not None and _same_moment(marked, stamp)
        log.warning(
            "update %s: the connection broke during COMMIT; it %s",
            handling.update_id,
            "had committed" if landed else "had not committed, running it again",
        )
        return landed

    def rollback(self) -> None:
        self.session.rollback()
        self.session.info.pop(OUTBOX_WRITTEN, None)
        self.session.info.pop(CATALOGUE_CHANGED, None)


def _same_moment(stored: datetime, stamp: datetime) -> bool:
    """SQLite gives the time back as written; MariaDB's DATETIME(6) without its zone."""
    return stored.replace(tzinfo=None) == stamp.replace(tzinfo=None)
