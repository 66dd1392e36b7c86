"""A completed order rated by its customer (SQLite and MariaDB): five stars under a question
sent after the receipt, a comment if they wish, and the manager reads both in /report."""

from __future__ import annotations

from bot.domain.services.customers import CustomerRef
from bot.handlers.button_kinds import RateOrder
from tests.support.chat_person import ChatPerson
from tests.support.factories import placed_order
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import (
    logged_in_manager,
    sell,
    someone,
    staff_id_of,
    work_to_completed,
)

ASKED = "How was your order"


def rating_question(person: ChatPerson) -> list[str]:
    return [m.shown_text for m in person.chat.from_bot if ASKED in m.shown_text]


async def test_a_customer_rates_a_completed_order_and_the_manager_reads_it(
    bot: RunningBot,
) -> None:
    tea = sell(bot, sku="TEA", name="Green tea", price_minor=400)
    boss, ann = logged_in_manager(bot), someone(bot, "Ann")
    order = placed_order(
        bot.shop.uow(), CustomerRef(ann.person.id, "Ann"), (tea, 1), store=bot.shop.store
    )
    await ann.says("/start")
    assert rating_question(ann) == []  # not before the order is in hand
    work_to_completed(bot, staff_id_of(bot, boss), order.code)
    await bot.double.wait_for(lambda: len(rating_question(ann)) == 1, what="the question")
    question = next(m for m in ann.chat.from_bot if ASKED in m.shown_text)
    assert question.button_texts == ["1 ⭐", "2 ⭐", "3 ⭐", "4 ⭐", "5 ⭐"]

    await ann.presses("4 ⭐", on=question)
    assert f"Thank you! Order {order.code}: ★★★★☆" in ann.screen
    assert ann.toasts[-1] == "Thanks for rating!"
    await ann.presses("5 ⭐")  # a second thought: the latest tap counts
    assert "★★★★★" in ann.screen
    await ann.presses("Add a comment")
    assert "Type your comment on order" in ann.screen
    await ann.says("x" * 501)
    assert "at most 500 characters; this one has 501" in ann.screen  # and it may try again
    await ann.says("Lovely tea, <b>quick</b> pickup!")
    assert "Thank you, the shop will read it." in ann.screen
    await ann.says("hello")  # the comment is taken: what follows is a message again
    assert "Thank you, the shop will read it." not in ann.screen

    await boss.says("/report today")
    assert boss.has_seen("★ 5.0 from 1 rated order")
    assert boss.has_seen(f"★★★★★ Lovely tea, <b>quick</b> pickup! ({order.code})")
    # Asked once: the one question became the thanks, and no other came.
    assert sum("Thank you! Order" in m.shown_text for m in ann.chat.from_bot) == 1
    assert rating_question(ann) == []


async def test_a_forged_or_early_rating_is_refused_politely(bot: RunningBot) -> None:
    tea = sell(bot, sku="TEA", name="Green tea", price_minor=400)
    ann, bob = someone(bot, "Ann"), someone(bot, "Bob")
    placed = placed_order(
        bot.shop.uow(), CustomerRef(ann.person.id, "Ann"), (tea, 1), store=bot.shop.store
    )
    await ann.says("/start")
    await bob.says("/start")
    early = await ann.presses_data(RateOrder(placed.code, 5).pack())
    assert early == "An order can be rated once you have it."
    boss = logged_in_manager(bot)
    work_to_completed(bot, staff_id_of(bot, boss), placed.code)
    someone_elses = await bob.presses_data(RateOrder(placed.code, 1).pack())
    assert someone_elses is not None and placed.code in someone_elses
    too_many = await ann.presses_data(RateOrder(placed.code, 9).pack())
    assert too_many == "Choose from one to five stars."
    await boss.says("/report today")
    assert boss.has_seen("Completed orders: 1") and not boss.has_seen("rated order")
