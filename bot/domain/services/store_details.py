"""The shop's own details set by managers in the back office (bot.domain.store_details)."""

from __future__ import annotations

import dataclasses

from bot.domain.clock import Clock, utc_now
from bot.domain.ports import UnitOfWork
from bot.domain.services.retry import retry_on_conflict
from bot.domain.services.staff import check_manager
from bot.domain.store_details import StoreDetails, checked


def store_details(*, uow: UnitOfWork) -> StoreDetails | None:
    with uow.reading():
        return uow.store_details.get()


@retry_on_conflict
def change_store_details(
    manager_id: int, details: StoreDetails, *, uow: UnitOfWork, clock: Clock = utc_now
) -> StoreDetails:
    """Set them all at once (None: back to the environment's), as this manager."""
    clean = checked(details)
    with uow:
        manager = check_manager(uow, manager_id)
        stamped = dataclasses.replace(
            clean, changed_at=clock(), changed_by=f"staff:{manager.username}"
        )
        uow.store_details.put(stamped)
        uow.commit()
        return stamped
