"""The analytics' windows: for each of the back office's periods ("the last N days", today
included), running sums of what sold since the period's first local midnight, per item and
per pair of items. Each completed order is added as it completes (bot.domain.services.orders)
and each local midnight a scheduled job moves every window on a day, taking off the day that
left it; the analytics read a window only while it starts where their period does, and sum
the lines themselves otherwise (exact either way, the window in milliseconds)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.ports import UnitOfWork
from bot.domain.services.retry import retry_on_conflict
from bot.domain.services.sales import Period, offset_stretches


def window_start(days: int, now: datetime, timezone: ZoneInfo) -> datetime:
    """Where the window of `days` starts at `now`: the first local midnight of its days."""
    return Period.last_days(days, today=now.astimezone(timezone).date(), timezone=timezone).start


@retry_on_conflict
def bring_up_to_date(days: int, now: datetime, timezone: ZoneInfo, *, uow: UnitOfWork) -> bool:
    """Move the window of `days` to start where its period starts at `now` (or build it):
    True if it had to. One worker at a time (the window's row is held); the others find it
    done. Moved by a day, it takes off that day's orders; further than its own length, or
    never built, it is summed again from the lines."""
    start = window_start(days, now, timezone)
    with uow:
        if uow.windows.start_of(days) == start:  # as on most minutes: nothing held
            return False
        held = uow.windows.hold(days)
        if held == start:
            return False
        if held is None or abs(start - held) > timedelta(days=days):
            uow.windows.rebuild(days, start)
        else:
            uow.windows.move(days, held, start)
        uow.commit()
        return True


@retry_on_conflict
def close_days(now: datetime, timezone: ZoneInfo, *, uow: UnitOfWork) -> bool:
    """Sum once, in the shop's time zone, each day that is over and not summed yet (all of
    them, the first time): no order is completed in a day once it is over, so the overview's
    year and the year before it read 730 rows. True if any day was summed."""
    zone, yesterday = timezone.key, now.astimezone(timezone).date() - timedelta(days=1)
    with uow:
        if (through := uow.orders.days_summed_through(zone)) is not None and through >= yesterday:
            return False
        through = uow.orders.hold_summed_days(zone)  # one worker sums them; the others wait
        if through is not None and through >= yesterday:
            return False
        if through is not None:
            first = through + timedelta(days=1)
        elif (earliest := uow.orders.first_completed()) is not None:
            first = earliest.astimezone(timezone).date()
        else:
            first = yesterday + timedelta(days=1)  # nothing sold yet: nothing to sum
        if first <= yesterday:
            days = Period(first, yesterday, timezone)
            uow.orders.sum_days(zone, offset_stretches(days), yesterday)
        else:
            uow.orders.sum_days(zone, [], yesterday)
        uow.commit()
        return True


def count_in_totals(uow: UnitOfWork, order_id: int, at: datetime) -> bool:
    """A completed order added to the running totals (its quarter hour, any day already
    summed, and the windows it falls in), unless it already was: whether it was added now.
    Inside the caller's transaction."""
    if not uow.orders.count_completed(order_id):
        return False
    uow.windows.count_completed(order_id, at)
    return True


# Orders counted late per transaction (a rolling upgrade leaves a few minutes' worth).
LATE_BATCH = 200


@retry_on_conflict
def count_uncounted(*, uow: UnitOfWork, limit: int = LATE_BATCH) -> int:
    """Count in the running totals the completed orders a worker of an older release
    completed without (during an upgrade, while 0042's migration had run and that worker had
    not restarted yet): how many. Each is counted once, whoever else tries."""
    with uow:
        late = uow.orders.uncounted_completed(limit)
        counted = sum(count_in_totals(uow, order_id, at) for order_id, at in late)
        uow.commit()
        return counted


@retry_on_conflict
def forget_windows(*, uow: UnitOfWork) -> None:
    """Every window to be built again: orders were written around the use cases."""
    with uow:
        uow.windows.forget()
        uow.commit()
