"""What /readyz and /metrics ask the database: is it there, is the schema current, is the
outbox moving. Read-only and quick: an index on (sent_at, next_attempt_at) serves the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from bot.persistence.models import OutboxRow


@dataclass(frozen=True)
class DatabaseHealth:
    reachable: bool
    problem: str = ""  # why it is not reachable, in one line without secrets
    revision: str | None = None
    head: str | None = None
    backlog: int = 0  # notifications not yet sent, due now or later
    oldest_due_seconds: float = 0.0  # how long the oldest due one has waited

    @property
    def schema_current(self) -> bool:
        return self.revision == self.head


def database_health(engine: Engine, now: datetime, head: str | None) -> DatabaseHealth:
    try:
        with engine.connect() as connection:
            # Read directly: Alembic's own reader logs two lines per call, every scrape.
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            waiting = (OutboxRow.sent_at.is_(None)) & (OutboxRow.failed_at.is_(None))
            backlog = connection.execute(select(func.count()).where(waiting)).scalar_one()
            oldest = connection.execute(
                select(func.min(OutboxRow.next_attempt_at)).where(
                    waiting & (OutboxRow.next_attempt_at <= now)
                )
            ).scalar_one()
    except SQLAlchemyError as error:
        reason = type(getattr(error, "orig", None) or error).__name__
        return DatabaseHealth(False, f"database unreachable ({reason})", head=head)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    waited = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return DatabaseHealth(True, "", revision, head, int(backlog), waited)
