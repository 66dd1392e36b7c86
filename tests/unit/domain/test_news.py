"""News customers opt into: the rules on fakes (what storage narrows, the audiences by
purchase and absence, is tested on both databases in tests/integration)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import InvalidInput, NotAuthorised
from bot.domain.news import MAX_ANNOUNCEMENT, Audience, clean_announcement, gentle_hour
from bot.domain.notifications import NotificationKind
from bot.domain.services import announcements, news, outbox, staff
from bot.domain.services.cart import set_cart_quantity
from bot.domain.staff import Role
from bot.handlers.button_kinds import AnnounceAudience
from tests.support.factories import FAST_HASHER, STORE, FixedClock, customer, stocked
from tests.support.fakes import FakeUnitOfWork

PARIS = ZoneInfo("Europe/Paris")
PASSWORD = "correct horse battery"


def test_an_announcement_says_something_and_fits_a_photo_s_caption() -> None:
    with pytest.raises(InvalidInput):
        clean_announcement(" \n\u200b ")
    with pytest.raises(InvalidInput, match="keep it to"):
        clean_announcement("x" * (MAX_ANNOUNCEMENT + 1))
    assert clean_announcement("  Strawberries\nare in!\x07 ") == "Strawberries\nare in!"


def test_reminders_go_out_in_the_shop_s_daytime_only() -> None:
    def at(hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 12, 8, hour, minute, tzinfo=PARIS)

    assert not gentle_hour(at(9, 59), PARIS)
    assert gentle_hour(at(10), PARIS) and gentle_hour(at(18, 59), PARIS)
    assert not gentle_hour(at(19), PARIS) and not gentle_hour(at(3), PARIS)


def test_news_is_off_until_the_customer_says_yes_and_unsubscribing_twice_is_once() -> None:
    uow, ann = FakeUnitOfWork(), customer()
    assert not news.news_choice(ann, uow=uow).wants
    assert news.choose_news(ann, True, uow=uow).wants
    first = news.unsubscribe(ann, 0, uow=uow)
    second = news.unsubscribe(ann, 0, uow=uow)
    assert (first.was_on, second.was_on) == (True, False)
    assert not news.news_choice(ann, uow=uow).wants


def test_saying_yes_again_after_a_block_makes_the_person_reachable_again() -> None:
    uow, ann = FakeUnitOfWork(), customer()
    news.choose_news(ann, True, uow=uow)
    with uow:
        assert uow.news.mark_blocked(ann.telegram_user_id, datetime.now(UTC))
        uow.commit()
    assert not news.news_choice(ann, uow=uow).reachable
    assert news.choose_news(ann, True, uow=uow).reachable


def test_only_a_manager_may_send_an_announcement() -> None:
    uow = FakeUnitOfWork()
    boss = staff.create_manager("boss", PASSWORD, uow=uow, hasher=FAST_HASHER)
    invite = staff.create_invite(boss.id or 0, Role.STAFF, uow=uow)
    clerk = staff.sign_up(
        invite.code,
        "clerk",
        "Clerk",
        "clerk's long password",
        telegram_user_id=902,
        uow=uow,
        hasher=FAST_HASHER,
    )
    news.choose_news(customer(), True, uow=uow)
    announcements.begin_announcement(7, uow=uow)
    announcements.take_text(7, "Closed on Monday", uow=uow)
    announcements.take_photo(7, None, uow=uow)
    with pytest.raises(NotAuthorised):
        announcements.preview(clerk.id or 0, 7, Audience.EVERYONE, uow=uow)
    shown = announcements.preview(boss.id or 0, 7, Audience.EVERYONE, uow=uow)
    assert shown.people == 1 and shown.announcement.id is not None
    with pytest.raises(NotAuthorised):
        announcements.send_announcement(clerk.id or 0, shown.announcement.id, uow=uow)


def test_a_block_and_a_delivery_are_recorded_for_the_announcement_and_the_person() -> None:
    uow, clock = FakeUnitOfWork(), FixedClock()
    boss = staff.create_manager("boss", PASSWORD, uow=uow, hasher=FAST_HASHER)
    ann, bob = customer(), customer()
    for who in (ann, bob):
        news.choose_news(who, True, uow=uow)
    announcements.begin_announcement(7, uow=uow)
    announcements.take_text(7, "Closed on Monday", uow=uow)
    announcements.take_photo(7, None, uow=uow)
    draft = announcements.preview(boss.id or 0, 7, Audience.EVERYONE, uow=uow, clock=clock)
    announcements.send_announcement(boss.id or 0, draft.announcement.id or 0, uow=uow, clock=clock)
    claimed = {n.chat_id: n for n in outbox.claim_due(uow=uow, clock=clock).to_send}
    assert all(n.kind is NotificationKind.ANNOUNCEMENT for n in claimed.values())
    outbox.delivered(claimed[ann.telegram_user_id], uow=uow, clock=clock)
    outbox.give_up(claimed[bob.telegram_user_id], error="403", blocked=True, uow=uow)
    [counts] = announcements.latest_announcements(boss.id or 0, uow=uow)
    assert (counts.delivered, counts.blocked, counts.waiting) == (1, 1, 0)
    assert news.news_choice(bob, uow=uow).blocked_at is not None
    assert news.news_choice(ann, uow=uow).blocked_at is None


def test_a_cart_is_reminded_of_once_and_only_to_someone_who_asked_for_news() -> None:
    uow = FakeUnitOfWork()
    tea = stocked(uow, 5, name="Earl Grey")
    ann, bob = customer(), customer()
    news.choose_news(ann, True, uow=uow)
    for who in (ann, bob):
        set_cart_quantity(who, tea.id or 0, Decimal(1), uow=uow)
    noon = (datetime.now(UTC) + timedelta(days=2)).astimezone(STORE.timezone).replace(hour=12)
    assert news.remind_idle_carts(store=STORE, uow=uow, clock=lambda: noon) == 1
    assert news.remind_idle_carts(store=STORE, uow=uow, clock=lambda: noon) == 0


def test_an_audience_button_reads_only_as_an_audience_the_bot_offers() -> None:
    assert AnnounceAudience.unpack("ana:cat:0123456789") == AnnounceAudience(
        Audience.CATEGORY, "0123456789"
    )
    assert AnnounceAudience.unpack("ana:all:") == AnnounceAudience(Audience.EVERYONE)
    assert AnnounceAudience.unpack("ana:everyone:") is None
