"""The shared book of send-tick blocks that `bot.send_budget` claims for bulk messages."""

from __future__ import annotations

from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from bot.persistence.models import SendTickRow
from bot.persistence.repositories.inserts import insert_unless_present


class SqlTickBook:
    """A block is claimed by inserting its row: the insert that meets an existing row does
    nothing, so of workers claiming one block at once exactly one gets it, in one statement
    and one short transaction per block (not per message)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def claim(self, lane: str, block: int) -> bool:
        with Session(self._engine) as session, session.begin():
            return insert_unless_present(
                session,
                SendTickRow.__table__,  # type: ignore[arg-type]
                lane=lane,
                tick=block,
                used=1,
            )

    def forget_before(self, block: int) -> None:
        with Session(self._engine) as session, session.begin():
            session.execute(delete(SendTickRow).where(SendTickRow.tick < block))
