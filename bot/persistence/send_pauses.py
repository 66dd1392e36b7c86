"""The shared flood-control pauses that `bot.send_pauses` reads and writes."""

from __future__ import annotations

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from bot.persistence.models import SendPauseRow
from bot.persistence.repositories.inserts import insert_unless_present


class SqlPauseBook:
    """A pause only ever grows: a conditional UPDATE lengthens it, the first one inserts its
    row; two workers pausing one chat at once keep the later end, with no read-then-write."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def pause(self, scope: str, until: float) -> None:
        until_ms = int(until * 1000)
        # Not there, or there and ending as late: insert. An insert that lost the race to a
        # twin's is followed by one more UPDATE, which lengthens that row if it ends earlier.
        for _ in range(2):
            with Session(self._engine) as session, session.begin():
                result = session.execute(
                    update(SendPauseRow)
                    .where(SendPauseRow.scope == scope, SendPauseRow.until_ms < until_ms)
                    .values(until_ms=until_ms)
                )
                if result.rowcount:  # type: ignore[attr-defined]
                    return
                table = SendPauseRow.__table__
                if insert_unless_present(session, table, scope=scope, until_ms=until_ms):  # type: ignore[arg-type]
                    return
        # Neither twice: the row is there and ends as late or later.

    def active(self, now: float) -> dict[str, float]:
        with Session(self._engine) as session:
            rows = session.execute(
                select(SendPauseRow.scope, SendPauseRow.until_ms).where(
                    SendPauseRow.until_ms > int(now * 1000)
                )
            )
            return {scope: until_ms / 1000 for scope, until_ms in rows}

    def forget_before(self, when: float) -> None:
        with Session(self._engine) as session, session.begin():
            session.execute(delete(SendPauseRow).where(SendPauseRow.until_ms < int(when * 1000)))
