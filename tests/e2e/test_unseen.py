"""Nothing waits unseen: a customer is told honestly when the shop will see what they sent; a
member who logs in is shown what waits, with buttons that open it; /questions lists the open
questions; and what nobody on duty has seen is told to the managers, once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select, update

from bot.domain.notifications import NotificationKind
from bot.domain.opening_hours import DAYS
from bot.domain.services import questions, staff
from bot.domain.services.customers import CustomerRef
from bot.domain.staff import Role
from bot.handlers import waiting
from bot.persistence.models import OrderRow, OutboxRow, QuestionRow
from bot.playground.bot_api.server import LocalBotApi
from tests.support.chat_person import ChatPerson
from tests.support.factories import FAST_HASHER
from tests.support.running_bot import RunningBot, running_bot
from tests.support.shop_factories import (
    STAFF_PASSWORD,
    checkout_for_pickup,
    fill_cart,
    logged_in_manager,
    place_order,
    sell,
    someone,
    staff_id_of,
)

PAST_THE_ALERT = timedelta(minutes=11)  # the alert comes after 10 minutes of opening hours


def midday_zone() -> str:
    """A time zone where it is about noon now: a shop open 06:00-18:00 every day is open for
    hours either side of the test, whenever the test runs."""
    offset = (12 - datetime.now(UTC).hour) % 24
    if offset > 14:  # the Etc zones run from UTC-12 to UTC+14
        offset -= 24
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"  # POSIX: Etc/GMT-3 is UTC+3


@pytest.fixture
async def open_shop(double: LocalBotApi, engine: Engine, mode: str) -> AsyncIterator[RunningBot]:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(
        double, url, mode, timezone=midday_zone(), opening_hours="mon-sun 06:00-18:00"
    ) as running:
        yield running


@pytest.fixture
async def closed_today(double: LocalBotApi, engine: Engine, mode: str) -> AsyncIterator[RunningBot]:
    """Open tomorrow only."""
    tomorrow = datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=1)
    url = engine.url.render_as_string(hide_password=False)
    hours = f"{DAYS[tomorrow.weekday()]} 09:00-18:00"
    async with running_bot(double, url, mode, opening_hours=hours) as running:
        yield running


def manager_gone_home(bot: RunningBot, name: str = "Boss") -> ChatPerson:
    """A manager who has used the bot from their chat, and is logged out now."""
    boss = someone(bot, name)
    staff.create_manager(name.lower(), STAFF_PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    user = boss.person.id
    staff.log_in(
        name.lower(), STAFF_PASSWORD, telegram_user_id=user, uow=bot.shop.uow(), hasher=FAST_HASHER
    )
    staff.log_out(user, uow=bot.shop.uow())
    return boss


def clerk_account(bot: RunningBot) -> ChatPerson:
    """A staff member (username clerk) invited by the owner (a manager, username owner), both
    logged out."""
    clerk = someone(bot, "Clerk")
    boss = staff.create_manager("owner", STAFF_PASSWORD, uow=bot.shop.uow(), hasher=FAST_HASHER)
    assert boss.id is not None
    invite = staff.create_invite(boss.id, Role.STAFF, uow=bot.shop.uow())
    staff.sign_up(
        invite.code,
        "clerk",
        "Clerk",
        STAFF_PASSWORD,
        telegram_user_id=clerk.person.id,
        uow=bot.shop.uow(),
        hasher=FAST_HASHER,
    )
    staff.log_out(clerk.person.id, uow=bot.shop.uow())
    return clerk


async def logs_in(member: ChatPerson, username: str) -> None:
    await member.says("/login")
    await member.says(username)
    await member.says(STAFF_PASSWORD)


def asks(bot: RunningBot, person: ChatPerson, text: str) -> int:
    """A question sent to the shop as 💬 Ask the shop sends it."""
    who = CustomerRef(person.person.id, person.person.first_name)
    question = questions.ask_shop(who, text, uow=bot.shop.uow())
    assert question.id is not None
    return question.id


def time_passes(bot: RunningBot, by: timedelta = PAST_THE_ALERT) -> None:
    """Everything waiting arrived `by` earlier."""
    with bot.shop.engine.begin() as db:
        for order_id, at in db.execute(select(OrderRow.id, OrderRow.placed_at)).all():
            db.execute(update(OrderRow).where(OrderRow.id == order_id).values(placed_at=at - by))
        for question_id, at in db.execute(select(QuestionRow.id, QuestionRow.asked_at)).all():
            earlier = update(QuestionRow).where(QuestionRow.id == question_id)
            db.execute(earlier.values(asked_at=at - by))


async def unseen_checks_run(bot: RunningBot) -> None:
    """The repeating job, twice at once (as two workers would) and once more; then whatever
    it queued is sent."""
    assert bot.application.job_queue is not None
    [job] = bot.application.job_queue.get_jobs_by_name(waiting.UNSEEN_JOB)
    await asyncio.gather(job.run(bot.application), job.run(bot.application))
    await job.run(bot.application)
    await bot.another_sender_round()


def all_sent(bot: RunningBot) -> bool:
    with bot.shop.engine.connect() as db:
        return not db.scalar(select(func.count(OutboxRow.id)).where(OutboxRow.sent_at.is_(None)))


def alerts_to(member: ChatPerson) -> list[str]:
    return [m.shown_text for m in member.chat.from_bot if "Nobody on duty has seen" in m.shown_text]


async def test_what_is_sent_while_nobody_is_logged_in_is_told_honestly_and_shown_at_login(
    open_shop: RunningBot,
) -> None:
    bot = open_shop
    clerk = clerk_account(bot)
    sell(bot, 5, sku="TEA", name="Earl Grey")
    ann = someone(bot, "Ann")
    await ann.says("/start")
    await ann.presses("💬 Ask the shop")
    await ann.says("Do you have oat milk?")
    assert ann.screen == (
        "⏳ Sent to the shop. Nobody is at the shop's phones right now; we will see your "
        "question as soon as someone is. You will get the answer in this chat."
    )
    await fill_cart(ann, "Earl Grey")
    await checkout_for_pickup(ann)
    await ann.presses("✅ Confirm")
    assert (
        "⏳ Nobody is at the shop's phones right now; we will see your order as soon as "
        "someone is." in ann.screen
    )
    assert "confirm it shortly" not in ann.screen
    code = ann.screen.split("Order ")[1].split()[0]

    await logs_in(clerk, "clerk")
    assert "Welcome, Clerk!" in clerk.screen
    assert clerk.screen.endswith("⏳ 1 order and 1 question are waiting.")
    welcome = clerk.last
    assert welcome.button_texts == ["📦 Waiting orders", "💬 Open questions"]
    await clerk.presses("📦 Waiting orders")
    assert f"Order {code}" in clerk.screen and "Earl Grey (TEA) — 1 pc" in clerk.screen
    await clerk.presses("✅ Accept")
    assert "· Accepted" in clerk.screen
    await clerk.presses("💬 Open questions", on=welcome)
    assert "Ann asked" in clerk.screen and "Do you have oat milk?" in clerk.screen
    await clerk.presses("✍️ Answer")
    await clerk.says("Yes, two kinds.")
    assert "Answer sent to the customer." in clerk.screen
    await bot.double.wait_for(
        lambda: ann.has_seen("The shop answers (Clerk):\nYes, two kinds."), what="the answer"
    )
    owner = someone(bot, "Owner")
    await logs_in(owner, "owner")
    assert owner.screen.endswith("No orders or questions are waiting."), "all was done"


async def test_a_question_sent_while_the_shop_is_closed_says_when_it_opens(
    closed_today: RunningBot,
) -> None:
    ann = someone(closed_today, "Ann")
    await ann.says("/ask")
    await ann.says("Are you open on Sunday?")
    assert ann.screen.startswith("🌙 Sent to the shop, which is closed now; it opens ")
    assert ann.screen.endswith(
        "09:00 and will see your question then. You will get the answer in this chat."
    )


async def test_questions_lists_the_open_questions_each_with_its_answer_button(
    open_shop: RunningBot,
) -> None:
    bot = open_shop
    clerk = logged_in_manager(bot, "Clerk")
    await clerk.says("/questions")
    assert clerk.screen == "No open questions right now. 🎉"
    ann, bob = someone(bot, "Ann"), someone(bot, "Bob")
    answered = asks(bot, ann, "Is the bakery open?")
    asks(bot, bob, "Do you sell <stamps>?")
    await bot.double.wait_for(
        lambda: clerk.has_seen("Ann asks:") and clerk.has_seen("Bob asks:"),
        what="the clerk on duty told of both questions, before the screens this test reads",
    )
    questions.answer_question(staff_id_of(bot, clerk), answered, "Yes.", uow=bot.shop.uow())
    await clerk.says("/questions")
    listed = [m for m in clerk.chat.from_bot if " asked " in m.shown_text]
    assert len(listed) == 1
    assert "Bob asked" in listed[0].shown_text and "Do you sell <stamps>?" in listed[0].shown_text
    assert listed[0].button_texts == ["✍️ Answer"]
    await clerk.presses("✍️ Answer", on=listed[0])
    await clerk.says("No, sorry.")
    await bot.double.wait_for(lambda: bob.has_seen("No, sorry."), what="the answer to Bob")
    await clerk.says("/questions")
    assert clerk.screen == "No open questions right now. 🎉"


async def test_what_nobody_on_duty_has_seen_is_told_to_the_managers_once(
    open_shop: RunningBot,
) -> None:
    bot = open_shop
    boss = manager_gone_home(bot)
    ann = someone(bot, "Ann")
    order = place_order(bot, ann, sell(bot, 5, sku="TEA", name="Earl Grey"))
    asks(bot, ann, "Do you have oat milk?")
    await unseen_checks_run(bot)
    assert alerts_to(boss) == []  # not yet: ten minutes have not passed
    time_passes(bot)
    await unseen_checks_run(bot)
    await bot.double.wait_for(lambda: len(alerts_to(boss)) == 2, what="the two alerts")
    [about_order] = [a for a in alerts_to(boss) if "seen order" in a]
    [about_question] = [a for a in alerts_to(boss) if "seen a question" in a]
    assert about_order.startswith(f"⏰ Nobody on duty has seen order {order.code} from Ann")
    assert about_question.startswith("⏰ Nobody on duty has seen a question from Ann")
    assert about_question.endswith(":\nDo you have oat milk?")
    await unseen_checks_run(bot)
    assert len(alerts_to(boss)) == 2, "each is told once"
    with bot.shop.engine.connect() as db:
        told = db.scalar(
            select(func.count(OutboxRow.id)).where(OutboxRow.kind == NotificationKind.UNSEEN.value)
        )
    assert told == 2


async def test_an_alert_delivered_to_a_member_on_duty_counts_as_seen(open_shop: RunningBot) -> None:
    bot = open_shop
    boss = manager_gone_home(bot)
    clerk = logged_in_manager(bot, "Clerk")
    ann = someone(bot, "Ann")
    order = place_order(bot, ann, sell(bot, 5, sku="TEA", name="Earl Grey"))
    asks(bot, ann, "Do you have oat milk?")
    await bot.double.wait_for(
        lambda: clerk.has_seen(f"New order {order.code}") and clerk.has_seen("Ann asks:"),
        what="the alerts to the clerk on duty",
    )
    await bot.double.wait_for(lambda: all_sent(bot), what="their delivery to be recorded")
    time_passes(bot)
    await unseen_checks_run(bot)
    assert alerts_to(boss) == [] and alerts_to(clerk) == []
    with bot.shop.engine.connect() as db:
        assert db.scalar(select(OrderRow.seen_at)) is not None
        assert db.scalar(select(QuestionRow.seen_at)) is not None


async def test_orders_and_questions_listed_to_a_member_count_as_seen(open_shop: RunningBot) -> None:
    bot = open_shop
    boss = manager_gone_home(bot)
    ann = someone(bot, "Ann")
    order = place_order(bot, ann, sell(bot, 5, sku="TEA", name="Earl Grey"))
    asks(bot, ann, "Do you have oat milk?")
    clerk = logged_in_manager(bot, "Clerk")  # logged in after both arrived: no alert reached them
    await clerk.says("/orders")
    assert clerk.has_seen(f"Order {order.code}")
    await clerk.says("/questions")
    assert clerk.has_seen("Do you have oat milk?")
    time_passes(bot)
    await unseen_checks_run(bot)
    assert alerts_to(boss) == [] and alerts_to(clerk) == []
