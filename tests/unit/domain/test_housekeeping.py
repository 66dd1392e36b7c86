"""The daily clean-up removes what served its purpose, once a day whatever the workers."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.notifications import Notification
from bot.domain.orders import OrderStatus, StatusNews
from bot.domain.prompts import LoginDraft, Prompt, PromptKind
from bot.domain.services import housekeeping, outbox
from tests.support.factories import STORE, FixedClock
from tests.support.fakes import FakeUnitOfWork

IDLE = timedelta(hours=12)


def test_the_clean_up_runs_once_a_day_and_keeps_what_is_still_needed() -> None:
    uow, clock, store = FakeUnitOfWork(), FixedClock(), STORE
    with uow:
        uow.outbox.add(Notification(1, StatusNews("A", OrderStatus.READY), clock()))
        uow.outbox.add(Notification(2, StatusNews("B", OrderStatus.READY), clock()))
        uow.updates.take(41, "worker", clock(), clock(), None)
        uow.prompts.save(Prompt(5, PromptKind.LOGIN, "username", clock(), LoginDraft()))
        uow.commit()
    for sent in outbox.claim_due(uow=uow, clock=clock).to_send[:1]:
        outbox.delivered(sent, uow=uow, clock=clock)
    clock.advance(days=31)
    with uow:
        uow.updates.take(42, "worker", clock(), clock(), None)  # a recent one stays
        uow.commit()
    first = housekeeping.clean_up(store=store, idle_timeout=IDLE, uow=uow, clock=clock)
    assert first.ran
    assert first.removed["notifications"] == 1  # the delivered one; the other still waits
    assert first.removed["update_ids"] == 1
    assert first.removed["questions"] == 1
    assert not housekeeping.clean_up(store=store, idle_timeout=IDLE, uow=uow, clock=clock).ran
    with uow:
        assert not uow.updates.take(42, "worker", clock(), clock(), None).fresh
        assert len(uow.outbox.due(clock(), limit=10)) == 1
    clock.advance(days=1)
    assert housekeeping.clean_up(store=store, idle_timeout=IDLE, uow=uow, clock=clock).ran
