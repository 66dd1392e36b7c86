"""News customers opted into, through the real repositories on SQLite and MariaDB: who an
announcement reaches, sent once and counted, the cart reminder once per cart, and presses at
once (twelve confirmations, twelve unsubscribes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bot.domain.catalogue import category_key
from bot.domain.news import AlreadyAnnounced, Audience, NobodyToTell
from bot.domain.notifications import NotificationKind
from bot.domain.prompts import PromptKind
from bot.domain.services import (
    announcements,
    catalogue,
    news,
    orders,
    outbox,
    personal_data,
    staff,
)
from bot.domain.services.cart import set_cart_quantity
from bot.domain.services.customers import CustomerRef
from bot.persistence.models import (
    AnnouncementRecipientRow,
    CartActivityRow,
    NewsChoiceRow,
    OutboxRow,
)
from tests.integration.persistence.test_concurrency import _race
from tests.support.databases import UowFactory
from tests.support.factories import FAST_HASHER, STORE, customer, placed_order, stocked

AT_ONCE = 12


def manager(new_uow: UowFactory) -> int:
    boss = staff.create_manager("boss", "correct horse battery", uow=new_uow(), hasher=FAST_HASHER)
    assert boss.id is not None
    return boss.id


def opted_in(new_uow: UowFactory) -> CustomerRef:
    who = customer()
    news.choose_news(who, True, uow=new_uow())
    return who


def written(
    new_uow: UowFactory,
    boss: int,
    audience: Audience = Audience.EVERYONE,
    key: str | None = None,
    text: str = "Strawberries are in!",
) -> announcements.Preview:
    """An announcement written by chat, up to its preview (kept as a draft)."""
    chat = 9_000 + boss
    announcements.begin_announcement(chat, uow=new_uow())
    announcements.take_text(chat, text, uow=new_uow())
    announcements.take_photo(chat, None, uow=new_uow())
    return announcements.preview(boss, chat, audience, key, uow=new_uow())


def queued(new_uow: UowFactory, kind: NotificationKind) -> list[int]:
    with new_uow() as uow:
        return list(
            uow.session.scalars(
                select(OutboxRow.chat_id).where(OutboxRow.kind == kind.value).order_by(OutboxRow.id)
            )
        )


def daytime_after(days: int) -> datetime:
    """Noon in the shop, `days` days from now (reminders go out in the shop's daytime)."""
    day = (datetime.now(UTC) + timedelta(days=days)).astimezone(STORE.timezone)
    return day.replace(hour=12, minute=0, second=0, microsecond=0)


def test_nobody_gets_news_without_saying_yes_and_a_no_or_a_block_keeps_them_out(
    new_uow: UowFactory,
) -> None:
    boss = manager(new_uow)
    yes, no, never, blocked = opted_in(new_uow), customer(), customer(), opted_in(new_uow)
    news.choose_news(no, False, uow=new_uow())
    placed_order(new_uow(), never, (stocked(new_uow(), 5), 1))  # a customer, never asked
    with new_uow() as uow:
        assert uow.news.mark_blocked(blocked.telegram_user_id, datetime.now(UTC))
        assert not uow.news.mark_blocked(blocked.telegram_user_id, datetime.now(UTC))
        uow.commit()
    preview = written(new_uow, boss)
    assert preview.people == 1
    assert preview.announcement.id is not None
    sent = announcements.send_announcement(boss, preview.announcement.id, uow=new_uow())
    assert sent.recipients == 1
    assert queued(new_uow, NotificationKind.ANNOUNCEMENT) == [yes.telegram_user_id]
    news.choose_news(blocked, True, uow=new_uow())  # back, and saying yes again
    assert written(new_uow, boss).people == 2


def test_an_audience_narrows_to_buyers_of_a_category_or_to_those_not_seen_for_30_days(
    new_uow: UowFactory,
) -> None:
    boss = manager(new_uow)
    fruit = stocked(new_uow(), 20, category="Fruit")
    bread = stocked(new_uow(), 20, category="Bakery")
    stocked(new_uow(), 20, category="Dairy")
    fruit_buyer, bread_buyer, cancelled = (opted_in(new_uow) for _ in range(3))
    quiet = customer()
    long_ago = datetime.now(UTC) - timedelta(days=40)
    news.choose_news(quiet, True, uow=new_uow(), clock=lambda: long_ago)
    placed_order(new_uow(), fruit_buyer, (fruit, 1))
    placed_order(new_uow(), bread_buyer, (bread, 1))
    gone = placed_order(new_uow(), cancelled, (fruit, 1))
    orders.cancel_my_order(cancelled, gone.code, uow=new_uow(), store=STORE)
    fruit_buyers = written(new_uow, boss, Audience.CATEGORY, category_key("Fruit"))
    assert fruit_buyers.people == 1  # a cancelled order bought nothing
    away = written(new_uow, boss, Audience.ABSENT)
    assert away.people == 1
    assert away.announcement.id is not None
    announcements.send_announcement(boss, away.announcement.id, uow=new_uow())
    assert queued(new_uow, NotificationKind.ANNOUNCEMENT) == [quiet.telegram_user_id]
    nobody = written(new_uow, boss, Audience.CATEGORY, category_key("Dairy"))
    assert nobody.people == 0 and nobody.announcement.id is not None
    with pytest.raises(NobodyToTell):
        announcements.send_announcement(boss, nobody.announcement.id, uow=new_uow())
    with pytest.raises(announcements.UnknownCategory):
        written(new_uow, boss, Audience.CATEGORY, category_key("Nothing"))


def test_the_news_question_is_asked_once_and_never_of_someone_who_chose_already(
    new_uow: UowFactory,
) -> None:
    ann, bob = customer(), opted_in(new_uow)
    item = stocked(new_uow(), 10)
    placed_order(new_uow(), ann, (item, 1))
    placed_order(new_uow(), bob, (item, 1))
    assert news.ask_about_news(ann, uow=new_uow())
    assert not news.ask_about_news(ann, uow=new_uow())
    assert not news.ask_about_news(bob, uow=new_uow())
    assert not news.news_choice(ann, uow=new_uow()).wants  # asked is not yes
    assert news.news_choice(bob, uow=new_uow()).wants


def test_delivered_blocked_and_unsubscribed_are_counted_once_each(new_uow: UowFactory) -> None:
    boss = manager(new_uow)
    ann, bob, cleo = (opted_in(new_uow) for _ in range(3))
    preview = written(new_uow, boss)
    assert preview.announcement.id is not None
    announcement = preview.announcement.id
    announcements.send_announcement(boss, announcement, uow=new_uow())
    with pytest.raises(AlreadyAnnounced):
        announcements.send_announcement(boss, announcement, uow=new_uow())
    claimed = outbox.claim_due(uow=new_uow()).to_send
    by_chat = {n.chat_id: n for n in claimed}
    outbox.delivered(by_chat[ann.telegram_user_id], uow=new_uow())
    outbox.delivered(by_chat[cleo.telegram_user_id], uow=new_uow())
    outbox.give_up(by_chat[bob.telegram_user_id], error="403", blocked=True, uow=new_uow())
    for _ in range(2):
        news.unsubscribe(cleo, announcement, uow=new_uow())
    [counts] = announcements.latest_announcements(boss, uow=new_uow())
    assert (counts.delivered, counts.blocked, counts.unsubscribed, counts.waiting) == (2, 1, 1, 0)
    assert counts.announcement.recipients == 3
    assert not news.news_choice(cleo, uow=new_uow()).wants
    assert news.news_choice(bob, uow=new_uow()).blocked_at is not None
    assert written(new_uow, boss).people == 1  # Ann alone: blocked and unsubscribed are out


def test_a_cart_left_for_a_day_is_reminded_of_once_with_only_what_is_still_on_sale(
    new_uow: UowFactory,
) -> None:
    tea = stocked(new_uow(), 5, name="Earl Grey")
    jam = stocked(new_uow(), 5, name="Jam")
    old = stocked(new_uow(), 5, name="Old biscuits")
    ann, bob = opted_in(new_uow), customer()
    for who in (ann, bob):
        for item in (tea, jam, old):
            set_cart_quantity(who, item.id or 0, Decimal(1), uow=new_uow())
    catalogue.set_active(old.sku, False, uow=new_uow())
    with new_uow() as uow:
        uow.products.change_stock(jam.id or 0, Decimal(-5))
        uow.commit()
    tomorrow = daytime_after(2)
    assert news.remind_idle_carts(store=STORE, uow=new_uow(), clock=lambda: tomorrow) == 1
    assert news.remind_idle_carts(store=STORE, uow=new_uow(), clock=lambda: tomorrow) == 0
    assert queued(new_uow, NotificationKind.CART_REMINDER) == [ann.telegram_user_id]
    with new_uow() as uow:
        [facts] = uow.session.scalars(
            select(OutboxRow.payload).where(OutboxRow.kind == NotificationKind.CART_REMINDER.value)
        )
    assert facts["items"] == "1 pc\tEarl Grey"
    set_cart_quantity(ann, tea.id or 0, Decimal(2), uow=new_uow())  # a new cart
    with new_uow() as uow:  # not left for a day yet
        assert uow.news.idle_carts(datetime.now(UTC) - timedelta(hours=1), limit=10) == []
    assert news.remind_idle_carts(store=STORE, uow=new_uow(), clock=lambda: tomorrow) == 1
    assert queued(new_uow, NotificationKind.CART_REMINDER) == [ann.telegram_user_id] * 2
    set_cart_quantity(ann, tea.id or 0, Decimal(3), uow=new_uow())
    night = daytime_after(3).replace(hour=23)  # left for days, but not a time to buzz
    assert news.remind_idle_carts(store=STORE, uow=new_uow(), clock=lambda: night) == 0


def test_an_announcement_confirmed_twelve_times_at_once_is_queued_once(
    new_uow: UowFactory,
) -> None:
    boss = manager(new_uow)
    people = [opted_in(new_uow) for _ in range(3)]
    preview = written(new_uow, boss)
    assert preview.announcement.id is not None
    announcement = preview.announcement.id
    results = _race(
        AT_ONCE, lambda _: announcements.send_announcement(boss, announcement, uow=new_uow())
    )
    sent = [r for r in results if not isinstance(r, AlreadyAnnounced)]
    assert len(sent) == 1, results
    assert sorted(queued(new_uow, NotificationKind.ANNOUNCEMENT)) == sorted(
        p.telegram_user_id for p in people
    )
    with new_uow() as uow:
        count = select(func.count()).select_from(AnnouncementRecipientRow)
        assert uow.session.scalar(count) == 3


def test_unsubscribe_pressed_twelve_times_at_once_turns_news_off_and_counts_once(
    new_uow: UowFactory,
) -> None:
    boss = manager(new_uow)
    ann = opted_in(new_uow)
    preview = written(new_uow, boss)
    assert preview.announcement.id is not None
    announcement = preview.announcement.id
    announcements.send_announcement(boss, announcement, uow=new_uow())
    results = _race(AT_ONCE, lambda _: news.unsubscribe(ann, announcement, uow=new_uow()))
    assert [r.was_on for r in results if isinstance(r, news.Unsubscribed)].count(True) == 1
    assert len(results) == AT_ONCE and all(isinstance(r, news.Unsubscribed) for r in results)
    [counts] = announcements.latest_announcements(boss, uow=new_uow())
    assert counts.unsubscribed == 1
    assert not news.news_choice(ann, uow=new_uow()).wants


def test_an_unfinished_announcement_asks_for_its_next_step(new_uow: UowFactory) -> None:
    boss = manager(new_uow)
    announcements.begin_announcement(9_001, uow=new_uow())
    with pytest.raises(announcements.NotWriting):
        announcements.preview(boss, 9_001, Audience.EVERYONE, uow=new_uow())
    with new_uow() as uow:
        prompt = uow.prompts.get(9_001)
        assert prompt is not None and prompt.kind is PromptKind.ANNOUNCE


def test_forgetting_a_customer_forgets_their_news_and_their_cart_s_dates(
    new_uow: UowFactory,
) -> None:
    ann = opted_in(new_uow)
    set_cart_quantity(ann, stocked(new_uow(), 5).id or 0, Decimal(1), uow=new_uow())
    personal_data.forget_me(ann.telegram_user_id, uow=new_uow())
    with new_uow() as uow:
        for table in (NewsChoiceRow, CartActivityRow):
            assert uow.session.scalar(select(func.count()).select_from(table)) == 0


def test_workers_reminding_at_once_remind_of_a_cart_once(new_uow: UowFactory) -> None:
    tea = stocked(new_uow(), 5, name="Earl Grey")
    people = [opted_in(new_uow) for _ in range(3)]
    for who in people:
        set_cart_quantity(who, tea.id or 0, Decimal(1), uow=new_uow())
    tomorrow = daytime_after(2)
    results = _race(
        4,
        lambda _: news.remind_idle_carts(store=STORE, uow=new_uow(), clock=lambda: tomorrow),
    )
    assert sum(r for r in results if isinstance(r, int)) == 3
    assert sorted(queued(new_uow, NotificationKind.CART_REMINDER)) == sorted(
        p.telegram_user_id for p in people
    )
