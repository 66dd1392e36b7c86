"""📣 News customers opted into, as people use it: asked once after a first order, /news to
change it, a manager's announcement to a segment (one recipient blocked the bot, one
unsubscribes from its button), the counts the manager sees, and a cart left for a day
reminded of once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, update

from bot.domain.notifications import NotificationKind
from bot.domain.services import news
from bot.domain.services.customers import CustomerRef
from bot.handlers import news as news_handlers
from bot.handlers.button_kinds import SendAnnouncement
from bot.persistence.models import OutboxRow
from bot.playground.bot_api.server import ChatMessage
from tests.support.chat_person import ChatPerson
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import (
    checkout_for_pickup,
    fill_cart,
    logged_in_manager,
    place_order,
    sell,
    someone,
)

NEWS = "Strawberries are in: the first of the season, picked this morning."


def ref(person: ChatPerson) -> CustomerRef:
    return CustomerRef(person.person.id, person.person.first_name)


def queued(engine: Engine, kind: NotificationKind) -> list[int]:
    """The chats of every message of this kind ever queued, sent or not."""
    with engine.connect() as connection:
        return list(
            connection.scalars(
                select(OutboxRow.chat_id).where(OutboxRow.kind == kind.value).order_by(OutboxRow.id)
            )
        )


def all_sent_or_refused(engine: Engine) -> bool:
    with engine.connect() as connection:
        waiting = select(OutboxRow.id).where(
            OutboxRow.sent_at.is_(None), OutboxRow.failed_at.is_(None)
        )
        return connection.execute(waiting).first() is None


def due_now(engine: Engine) -> None:
    with engine.begin() as connection:
        earlier = datetime.now(UTC) - timedelta(minutes=1)
        connection.execute(update(OutboxRow).values(next_attempt_at=earlier))


def news_to(person: ChatPerson) -> list[ChatMessage]:
    """The announcements in their chat (each with its Unsubscribe button, until pressed)."""
    return [m for m in person.chat.from_bot if m.shown_text.startswith("📣 News from Corner")]


async def announces_to_fruit_buyers(boss: ChatPerson, text: str) -> None:
    await boss.says("/announce")
    assert "Write the announcement" in boss.screen
    await boss.says(text)
    await boss.presses("No photo")
    await boss.presses("Those who bought from a category")
    await boss.presses("Fruit")


async def test_an_announcement_reaches_buyers_of_a_category_who_asked_and_is_counted(
    bot: RunningBot, engine: Engine
) -> None:
    strawberries = sell(bot, 50, sku="STRAW", name="Strawberries", category="Fruit")
    bread = sell(bot, 50, sku="BREAD", name="Bread", category="Bakery")
    ann, bob, cleo, dan = (someone(bot, name) for name in ("Ann", "Bob", "Cleo", "Dan"))
    # Ann: asked after her first order, says yes.
    await fill_cart(ann, "Strawberries")
    await checkout_for_pickup(ann)
    await ann.presses("✅ Confirm")
    assert "placed" in ann.screen and "Would you like news from the shop" in ann.screen
    placed = ann.last
    await ann.presses("Yes, send me news")
    assert "News from the shop is on" in ann.screen
    assert "placed" in placed.shown_text and placed.button_texts[0] == "❌ Cancel order"
    # Bob: bought fruit, turned news on with /news, then blocked the bot.
    place_order(bot, bob, strawberries)
    await bob.says("/news")
    assert "News from the shop is off" in bob.screen
    await bob.presses("Turn news on")
    assert "News from the shop is on" in bob.screen
    bot.double.blocks_bot(bob.person)
    # Cleo bought fruit and was never asked; Dan wants news but bought only bread.
    place_order(bot, cleo, strawberries)
    place_order(bot, dan, bread)
    news.choose_news(ref(dan), True, uow=bot.shop.uow())

    boss = logged_in_manager(bot, "Boss")
    await announces_to_fruit_buyers(boss, NEWS)
    preview = boss.chat.from_bot[-2]
    assert NEWS in preview.shown_text and "News from" in preview.shown_text
    assert preview.button_texts == ["🔕 Unsubscribe"]  # as customers will see it
    assert "It goes to 2 people who asked for news." in boss.screen
    assert queued(engine, NotificationKind.ANNOUNCEMENT) == []  # nothing before confirming
    confirm = boss.last
    send = confirm.buttons[0]["callback_data"]
    await boss.presses("Send to 2 people")
    assert "Sent to 2 people" in boss.screen
    again = await boss.presses_data(send, on=confirm)  # a double tap
    assert again == "This announcement was already sent."
    assert sorted(queued(engine, NotificationKind.ANNOUNCEMENT)) == sorted(
        [ann.person.id, bob.person.id]
    )
    await bot.double.wait_for(lambda: all_sent_or_refused(engine), what="the news to go out")
    [told] = news_to(ann)
    assert NEWS in told.shown_text
    assert news_to(bob) == [] and news_to(cleo) == [] and news_to(dan) == []

    unsubscribe = told.buttons[0]["callback_data"]
    await ann.presses("Unsubscribe", on=told)
    assert "you will get no more news from the shop" in ann.screen
    assert told.button_texts == []  # nothing stale left to tap
    again = await ann.presses_data(unsubscribe, on=told)  # a stale copy of the button
    assert again == "News is already off for you."
    await boss.says("/announcements")
    assert "buyers of Fruit (2 people)" in boss.screen
    assert "1 delivered · 🚫 1 blocked the bot · 🔕 1 unsubscribed" in boss.screen

    # The next announcement, to everyone who asked: neither Bob (blocked) nor Ann (no more).
    await boss.says("/announce")
    await boss.says("Closed on Monday.")
    await boss.presses("No photo")
    await boss.presses("Everyone who asked for news")
    assert "It goes to 1 person who asked for news." in boss.screen
    await boss.presses("Send to 1 person")
    assert queued(engine, NotificationKind.ANNOUNCEMENT)[-1] == dan.person.id
    assert len(queued(engine, NotificationKind.ANNOUNCEMENT)) == 3


async def test_the_news_question_comes_with_the_first_order_only_and_no_thanks_is_kept(
    bot: RunningBot,
) -> None:
    sell(bot, 50, sku="TEA", name="Earl Grey")
    ann = someone(bot, "Ann")
    await fill_cart(ann, "Earl Grey")
    await checkout_for_pickup(ann)
    await ann.presses("✅ Confirm")
    await ann.presses("No thanks")
    assert "News from the shop is off" in ann.screen
    await fill_cart(ann, "Earl Grey")
    await checkout_for_pickup(ann)
    await ann.presses("✅ Confirm")
    assert "placed" in ann.screen and "Would you like news" not in ann.screen
    await ann.says("/news")
    assert "News from the shop is off" in ann.screen
    await ann.presses("Turn news on")  # changed in place
    assert "News from the shop is on" in ann.screen and ann.last.button_texts == [
        "🔕 Turn news off"
    ]


async def test_a_photo_announcement_is_previewed_and_sent_with_its_photo(
    bot: RunningBot,
) -> None:
    ann = someone(bot, "Ann")
    news.choose_news(ref(ann), True, uow=bot.shop.uow())
    boss = logged_in_manager(bot, "Boss")
    await boss.says("/announce")
    bot.double.send_photo(boss.person, caption="New: <b>sourdough</b> on Fridays")
    await bot.double.settle()
    assert "Who is it for?" in boss.screen  # text and photo in one message
    await boss.presses("Everyone who asked for news")
    preview = boss.chat.from_bot[-2]
    assert preview.photo == "user-photo-1"
    assert "New: <b>sourdough</b> on Fridays" in preview.shown_text  # as typed, not as HTML
    await boss.presses("Send to 1 person")
    await bot.double.wait_for(lambda: bool(news_to(ann)), what="the photo to arrive")
    assert news_to(ann)[0].photo == "user-photo-1"


async def test_bad_input_and_forged_buttons_while_announcing_are_refused_politely(
    bot: RunningBot,
) -> None:
    boss = logged_in_manager(bot, "Boss")
    await boss.says("/announce")
    await boss.says("x" * 901)
    assert "please keep it to 900. Please try again, or /cancel." in boss.screen
    await boss.says("Fresh bread at 7.")
    await boss.says("not a photo")
    assert "Please send a photo, or tap No photo" in boss.screen
    await boss.presses("No photo")
    await boss.presses("Everyone who asked for news")
    assert "Nobody in this audience has asked for news yet." in boss.screen
    assert "Send to" not in " ".join(boss.last.button_texts)
    alert = await boss.presses_data(SendAnnouncement(999).pack())
    assert alert == "That announcement is no longer there."
    ann = someone(bot, "Ann")
    await ann.says("/start")
    alert = await ann.presses_data(SendAnnouncement(1).pack())
    assert alert is not None and "log in" in alert.lower()


async def test_a_cart_left_for_a_day_is_reminded_of_once_with_what_is_still_on_sale(
    bot: RunningBot, engine: Engine
) -> None:
    sell(bot, 10, sku="TEA", name="Earl Grey")
    sell(bot, 10, sku="JAM", name="Strawberry jam")
    ann, bob = someone(bot, "Ann"), someone(bot, "Bob")
    await ann.says("/news")
    await ann.presses("Turn news on")
    for who in (ann, bob):  # Bob never said yes
        await fill_cart(who, "Earl Grey")
        await fill_cart(who, "Strawberry jam")
    boss = logged_in_manager(bot, "Boss")
    await boss.says("/archive JAM")
    assert bot.application.job_queue is not None
    [job] = bot.application.job_queue.get_jobs_by_name(news_handlers.REMIND_JOB)
    await job.run(bot.application)  # today: nothing is a day old
    assert queued(engine, NotificationKind.CART_REMINDER) == []
    day = (datetime.now(UTC) + timedelta(days=2)).astimezone(bot.shop.store.timezone)
    later = day.replace(hour=12, minute=0)
    for _ in range(2):  # the job's next rounds, a day on (twice: two workers)
        news.remind_idle_carts(store=bot.shop.store, uow=bot.shop.uow(), clock=lambda: later)
    assert queued(engine, NotificationKind.CART_REMINDER) == [ann.person.id]
    due_now(engine)  # queued "a day on": that day has come
    await bot.another_sender_round()

    def reminders() -> list[ChatMessage]:
        return [m for m in ann.chat.from_bot if "Your cart is waiting" in m.shown_text]

    await bot.double.wait_for(lambda: bool(reminders()), what="the reminder")
    await bot.another_sender_round()  # nothing more to send
    assert len(reminders()) == 1
    [reminder] = reminders()
    assert "Earl Grey — 1 pc" in reminder.shown_text
    assert "Strawberry jam" not in reminder.shown_text  # archived: left out
    assert not bob.has_seen("Your cart is waiting")
    await ann.presses("Cart", on=reminder)
    assert "Your cart" in ann.screen
