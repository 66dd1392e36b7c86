"""The shared count of messages per tick that `bot.send_budget` reserves against."""

from __future__ import annotations

from sqlalchemy import Engine, delete, update
from sqlalchemy.orm import Session

from bot.persistence.models import SendTickRow
from bot.persistence.repositories.inserts import insert_unless_present


class SqlTickBook:
    """A place is taken by a conditional UPDATE that only succeeds while the tick has room;
    concurrent workers queue on the row lock and each sees the others' committed count, so a
    tick is never overbooked. The tick's first place inserts its row instead. Each statement
    is its own short transaction: an INSERT that meets an existing row holds a shared lock,
    and upgrading it to UPDATE in the same transaction deadlocks against a twin on MariaDB."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def take(self, lane: str, tick: int, limit: int) -> bool:
        if limit < 1:
            return False
        return (
            self._add_one(lane, tick, limit)
            or self._open(lane, tick)
            or (self._add_one(lane, tick, limit))
        )

    def _add_one(self, lane: str, tick: int, limit: int) -> bool:
        with Session(self._engine) as session, session.begin():
            result = session.execute(
                update(SendTickRow)
                .where(
                    SendTickRow.lane == lane,
                    SendTickRow.tick == tick,
                    SendTickRow.used < limit,
                )
                .values(used=SendTickRow.used + 1)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def _open(self, lane: str, tick: int) -> bool:
        """The tick's first place: True if this call inserted its row."""
        with Session(self._engine) as session, session.begin():
            return insert_unless_present(
                session,
                SendTickRow.__table__,  # type: ignore[arg-type]
                lane=lane,
                tick=tick,
                used=1,
            )

    def forget_before(self, tick: int) -> None:
        with Session(self._engine) as session, session.begin():
            session.execute(delete(SendTickRow).where(SendTickRow.tick < tick))
