"""The scheduled daily clean-up (the use case decides which worker does it)."""

from __future__ import annotations

import logging

from bot.domain.services import housekeeping
from bot.handlers.context import ShopContext

log = logging.getLogger(__name__)
JOB_NAME = "daily-housekeeping"


async def clean_up(context: ShopContext) -> None:
    shop = context.shop
    done = await context.run(
        housekeeping.clean_up, store=shop.store, idle_timeout=shop.settings.staff_idle_timeout
    )
    if done.ran:
        log.info("housekeeping removed %s", done.removed)
