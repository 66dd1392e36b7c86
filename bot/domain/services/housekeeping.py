"""The daily clean-up: what has served its purpose leaves the database, once across workers.

Every table that grows with use and is only needed for a while is trimmed here: delivered
notifications, abandoned checkouts, idle sessions, stale questions, old throttles, used or
expired invites, password shields, and the update ids kept to spot redeliveries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.domain.clock import Clock, utc_now
from bot.domain.ports import UnitOfWork
from bot.domain.prompts import PROMPT_LIFETIME
from bot.domain.services.retry import retry_on_conflict
from bot.domain.store import Store

CHORE = "housekeeping"
KEEP_NOTIFICATIONS = timedelta(days=30)
KEEP_CHECKOUTS = timedelta(days=30)  # a cart's checkout answers survive a long weekend
KEEP_INVITES = timedelta(days=30)
KEEP_STAGED = timedelta(days=1)  # an upload previewed and never confirmed
KEEP_UPDATE_IDS = timedelta(days=2)  # Telegram keeps an undelivered update for 24 hours
KEEP_THROTTLES = timedelta(days=1)
KEEP_DRAFTS = timedelta(days=1)  # an announcement previewed and never sent


@dataclass(frozen=True)
class Cleaned:
    ran: bool
    removed: dict[str, int] = field(default_factory=dict)


@retry_on_conflict
def clean_up(
    *, store: Store, idle_timeout: timedelta, uow: UnitOfWork, clock: Clock = utc_now
) -> Cleaned:
    """Run today's clean-up unless another worker already has; what was removed, by kind."""
    now = clock()
    with uow:
        if not uow.chores.first_today(CHORE, now.astimezone(store.timezone).date(), now):
            return Cleaned(ran=False)
        removed = {
            "notifications": uow.outbox.forget_sent_before(now - KEEP_NOTIFICATIONS),
            "checkouts": uow.checkouts.forget_before(now - KEEP_CHECKOUTS),
            "sessions": uow.sessions.forget_idle_before(now - idle_timeout),
            "web_access": uow.web.forget_before(now - idle_timeout),
            "staged_uploads": uow.staged.forget_before(now - KEEP_STAGED),
            "questions": uow.prompts.forget_before(now - PROMPT_LIFETIME),
            "throttles": uow.throttles.forget_before(now - KEEP_THROTTLES),
            "invites": uow.invites.forget_before(now - KEEP_INVITES),
            "shields": uow.shields.forget_before(now),
            "update_ids": uow.updates.forget_before(now - KEEP_UPDATE_IDS),
            "announcement_drafts": uow.announcements.forget_drafts_before(now - KEEP_DRAFTS),
        }
        uow.commit()
        return Cleaned(ran=True, removed=removed)
