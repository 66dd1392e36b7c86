"""Files uploaded to the back office, kept between their preview and its confirmation."""

from __future__ import annotations

from bot.domain.backoffice import new_secret, secret_hash
from bot.domain.clock import Clock, utc_now
from bot.domain.errors import NotFound
from bot.domain.ports import StagedUpload, UnitOfWork
from bot.domain.services.retry import retry_on_conflict
from bot.domain.text import said

GONE = said("This preview is no longer kept: upload the file again.")


@retry_on_conflict
def stage(upload: StagedUpload, *, uow: UnitOfWork, clock: Clock = utc_now) -> str:
    """Keep the file; the token its confirmation names."""
    token = new_secret()
    with uow:
        uow.staged.add(secret_hash(token), upload, clock())
        uow.commit()
    return token


def staged(token: str, staff_id: int, *, uow: UnitOfWork) -> StagedUpload:
    """The file a member previewed (another member's token opens nothing)."""
    with uow.reading():
        found = uow.staged.get(secret_hash(token))
    if found is None or found.staff_id != staff_id:
        raise NotFound(GONE)
    return found
