"""💬 Ask the shop: a customer's question reaches the staff on duty, and their answer comes
back to the customer's chat; everything in between lives in the database."""

from __future__ import annotations

from sqlalchemy import select

from bot.persistence.models import QuestionRow
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import logged_in_manager, someone


async def test_a_question_to_the_shop_is_answered_in_the_customers_chat(bot: RunningBot) -> None:
    clerk = logged_in_manager(bot, "Clerk")
    ann = someone(bot, "Ann")
    await ann.says("/start")
    await ann.presses("💬 Ask the shop")
    assert "What would you like to ask the shop?" in ann.screen
    await ann.says("Hello, do you deliver today?")
    assert "Sent to the shop" in ann.screen
    await bot.double.wait_for(
        lambda: clerk.has_seen("Ann asks:\nHello, do you deliver today?"),
        what="the question to reach the clerk",
    )
    await clerk.presses("✍️ Answer")
    assert "Type your answer to “Hello, do you deliver today?”" in clerk.screen
    await clerk.says("Yes, until 18:00 <today>")
    assert "Answer sent to the customer." in clerk.screen
    await bot.double.wait_for(
        lambda: ann.has_seen("The shop answers (clerk):\nYes, until 18:00 <today>"),
        what="the answer to reach Ann",
    )
    assert "You asked: Hello, do you deliver today?" in ann.screen
    with bot.shop.engine.connect() as db:
        stored = db.execute(select(QuestionRow.text, QuestionRow.answer)).one()
    assert tuple(stored) == ("Hello, do you deliver today?", "Yes, until 18:00 <today>")
    # A second tap on the same Answer button, after it was answered, says so.
    question = next(m for m in clerk.chat.from_bot if "Ann asks" in m.shown_text)
    await clerk.presses("✍️ Answer", on=question)
    query = bot.double.calls_to("answerCallbackQuery")[-1]
    assert query.params.get("text") == "clerk already answered this question."


async def test_a_search_that_finds_nothing_offers_to_ask_the_shop(bot: RunningBot) -> None:
    ann = someone(bot, "Ann")
    await ann.says("Hello, do you deliver today?")
    assert "Nothing found" in ann.screen
    await ann.presses("💬 Ask the shop")
    await ann.says("   ")  # nothing but spaces: the question stays open
    await ann.says("x" * 1001)
    assert "has 1001 characters; please keep it to 1000" in ann.screen
    await ann.says("/cancel")
    assert "Stopped. Nothing was changed." in ann.screen
    with bot.shop.engine.connect() as db:
        assert db.execute(select(QuestionRow.id)).first() is None


async def test_staff_answer_buttons_are_refused_to_customers(bot: RunningBot) -> None:
    ann = someone(bot, "Ann")
    await ann.says("/start")
    alert = await ann.presses_data("qa:1")
    assert alert is not None and alert.startswith("This is for store staff.")
