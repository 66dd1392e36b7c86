"""The scheduled daily clean-up (the use case decides which worker does it), and the release
of pay-at-pickup orders nobody came for."""

from __future__ import annotations

import logging

from bot.domain.services import housekeeping, pickups
from bot.handlers.context import ShopContext

log = logging.getLogger(__name__)
JOB_NAME = "daily-housekeeping"
UNCOLLECTED_JOB = "release-uncollected"
# A missed pickup is released hours after the store's day: a few minutes more are nothing,
# and the first round waits one interval too (a worker starting needs no hurry for it).
UNCOLLECTED_EVERY_SECONDS = 600


async def clean_up(context: ShopContext) -> None:
    shop = context.shop
    done = await context.run(
        housekeeping.clean_up, store=shop.store, idle_timeout=shop.settings.staff_idle_timeout
    )
    if done.ran:
        log.info("housekeeping removed %s", done.removed)


async def release_uncollected(context: ShopContext) -> None:
    """A repeating job: pay-at-pickup orders not collected by the end of their pickup day and
    the store's grace are cancelled and their items go back on sale. Each in its own
    transaction; another worker doing the same is harmless."""
    store = context.shop.store
    for code in await context.run(pickups.uncollected_orders, store=store):
        if await context.run(pickups.release_uncollected, code, store=store):
            log.info("order %s was not picked up in time and was released", code)
