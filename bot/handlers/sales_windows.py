"""The scheduled job that keeps the analytics' running totals up to date: after each local
midnight it sums the day that ended and moves the windows ("the last N days") on a day (one
worker does it; the others find it done); at a first start it builds them."""

from __future__ import annotations

import logging

from bot.domain.clock import utc_now
from bot.domain.services import sales, sales_windows
from bot.handlers.context import ShopContext

log = logging.getLogger(__name__)
JOB_NAME = "sales-windows"
# Until a window is moved after midnight, the analytics sum the lines themselves (slower,
# as exact): a minute at most, for one read of four rows a minute.
EVERY_SECONDS = 60


async def keep_up(context: ShopContext) -> None:
    now, timezone = utc_now(), context.shop.store.timezone
    while counted := await context.run(sales_windows.count_uncounted):
        log.info("%d orders completed by an older worker are now in the analytics", counted)
    if await context.run(sales_windows.close_days, now, timezone):
        log.info("the analytics' days that are over are summed through yesterday")
    for days in sales.WINDOW_DAYS:
        if await context.run(sales_windows.bring_up_to_date, days, now, timezone):
            log.info("the analytics' last %d days now start on their first day's midnight", days)
