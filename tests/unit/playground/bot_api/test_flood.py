"""The double's flood rule answers 429 as Telegram does: per chat, per group, and per bot for
bulk notifications; replies to a person's own action are paced only by their chat."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from telegram import Bot
from telegram.error import RetryAfter
from telegram.request import HTTPXRequest

from bot.playground.bot_api.flood import PAID_PER_SECOND, REPLY_WINDOW_SECONDS
from bot.playground.bot_api.server import TOKEN, LocalBotApi, Person


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def double(clock: Clock) -> LocalBotApi:
    """A double answered directly through `call`, no HTTP: the rule alone."""
    return LocalBotApi(clock=clock)


def say(double: LocalBotApi, chat: Person | str, **extra: Any) -> tuple[int, dict[str, Any]]:
    chat_id = chat if isinstance(chat, str) else chat.id
    return double.call("sendMessage", {"chat_id": chat_id, "text": "Hello", **extra})


def too_many(seconds: int) -> dict[str, Any]:
    """Telegram's answer, word for word."""
    return {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {seconds}",
        "parameters": {"retry_after": seconds},
    }


def quiet_people(double: LocalBotApi, count: int) -> list[Person]:
    """People who never wrote to the bot: whatever it sends them is bulk."""
    return [double.person(f"Watcher {n}") for n in range(count)]


def test_nothing_is_refused_until_a_test_asks(double: LocalBotApi) -> None:
    ann = double.person("Ann")
    assert all(say(double, ann)[0] == 200 for _ in range(100))
    assert double.flood_refusals == 0


def test_a_person_s_chat_takes_a_burst_then_one_message_a_second(
    double: LocalBotApi, clock: Clock
) -> None:
    double.enforce_flood_limit(30)
    ann = double.person("Ann")
    assert [say(double, ann)[0] for _ in range(20)] == [200] * 20
    assert say(double, ann) == (429, too_many(1))
    clock.advance(1)
    assert say(double, ann)[0] == 200
    assert say(double, ann) == (429, too_many(1))
    assert double.flood_refusals == 2
    assert double.flood_refusals_by_rule == {"chat": 2}


def test_retry_after_is_the_whole_seconds_until_the_chat_takes_the_message(
    double: LocalBotApi, clock: Clock
) -> None:
    double.enforce_flood_limit(30, chat_burst=2, chat_per_second=0.25)
    ann = double.person("Ann")
    say(double, ann), say(double, ann)
    assert say(double, ann) == (429, too_many(4))
    clock.advance(3.5)
    assert say(double, ann) == (429, too_many(1))  # 0.5 s left: rounded up
    clock.advance(0.5)
    assert say(double, ann)[0] == 200


def test_a_refused_call_uses_up_nothing(double: LocalBotApi, clock: Clock) -> None:
    double.enforce_flood_limit(30, chat_burst=1)
    ann = double.person("Ann")
    say(double, ann)
    for _ in range(5):
        assert say(double, ann)[0] == 429
    clock.advance(1)
    assert say(double, ann)[0] == 200  # the five refusals did not drain the refill
    refused = [c for c in double.calls if c.status == 429]
    assert len(refused) == 5 and all(c.injected for c in refused)


def test_edits_count_as_messages_in_the_chat(double: LocalBotApi) -> None:
    double.enforce_flood_limit(30, chat_burst=3)
    ann = double.person("Ann")
    sent = say(double, ann)[1]["result"]["message_id"]
    for text in ("one", "two"):
        edit = {"chat_id": ann.id, "message_id": sent, "text": text}
        assert double.call("editMessageText", edit)[0] == 200
    edit = {"chat_id": ann.id, "message_id": sent, "text": "three"}
    assert double.call("editMessageText", edit) == (429, too_many(1))


def test_a_group_takes_twenty_messages_a_minute(double: LocalBotApi, clock: Clock) -> None:
    double.enforce_flood_limit(30)
    staff = double.group("Staff")
    assert [say(double, str(staff.id))[0] for _ in range(20)] == [200] * 20
    assert say(double, str(staff.id)) == (429, too_many(3))  # 20 a minute: one per 3 s
    assert double.flood_refusals_by_rule == {"group": 1}
    clock.advance(3)
    assert say(double, str(staff.id))[0] == 200


def test_the_31st_bulk_message_in_a_second_is_refused_for_the_whole_bot(
    double: LocalBotApi, clock: Clock
) -> None:
    double.enforce_flood_limit(30)
    watchers = quiet_people(double, 31)
    assert [say(double, p)[0] for p in watchers[:30]] == [200] * 30
    assert say(double, watchers[30]) == (429, too_many(1))
    assert double.flood_refusals_by_rule == {"bot": 1}
    assert double.peak_bulk_per_second == 30
    clock.advance(1)
    assert say(double, watchers[30])[0] == 200


def test_replies_to_people_who_just_acted_are_not_bulk(double: LocalBotApi) -> None:
    double.enforce_flood_limit(30)
    for watcher in quiet_people(double, 30):
        say(double, watcher)
    customers = [double.person(f"Customer {n}") for n in range(10)]
    for customer in customers:
        double.send_text(customer, "/start")
    assert [say(double, c)[0] for c in customers] == [200] * 10
    replies = [c for c in double.calls if c.params["chat_id"] in {p.id for p in customers}]
    assert not any(c.bulk for c in replies)
    assert double.peak_bulk_per_second == 30
    assert double.peak_per_second == 40  # every message to a chat counts here
    assert double.flood_refusals == 0


def send_menu(double: LocalBotApi, person: Person) -> int:
    """A message with one button, Tea; the call's status."""
    keyboard = {"inline_keyboard": [[{"text": "Tea", "callback_data": "tea"}]]}
    params = {"chat_id": person.id, "text": "Menu", "reply_markup": keyboard}
    return double.call("sendMessage", params)[0]


def test_a_button_press_makes_the_answer_a_reply_for_thirty_seconds(
    double: LocalBotApi, clock: Clock
) -> None:
    double.enforce_flood_limit(1)
    ann, watcher = double.person("Ann"), double.person("Watcher")
    assert send_menu(double, ann) == 200  # she never wrote: the second's one bulk message
    double.press(ann, double.chat(ann).last_from_bot, "Tea")
    assert say(double, ann)[0] == 200  # a reply to her press: not held by the bulk limit
    assert say(double, watcher) == (429, too_many(1))
    clock.advance(REPLY_WINDOW_SECONDS + 1)
    assert say(double, watcher)[0] == 200
    assert say(double, ann) == (429, too_many(1))  # she went quiet: bulk again
    assert double.flood_refusals_by_rule == {"bot": 2}


def test_callback_answers_and_typing_are_never_refused(double: LocalBotApi) -> None:
    double.enforce_flood_limit(1, chat_burst=1)
    ann = double.person("Ann")
    send_menu(double, ann)
    query = double.press(ann, double.chat(ann).last_from_bot, "Tea")
    assert say(double, ann)[0] == 429  # her chat's bucket is empty
    assert double.call("sendChatAction", {"chat_id": ann.id, "action": "typing"})[0] == 200
    assert double.call("answerCallbackQuery", {"callback_query_id": query})[0] == 200


def test_paid_broadcasts_have_their_own_thousand_a_second(double: LocalBotApi) -> None:
    double.enforce_flood_limit(30)
    watchers = quiet_people(double, PAID_PER_SECOND + 31)
    for watcher in watchers[:30]:
        say(double, watcher)
    paid = [say(double, p, allow_paid_broadcast=True)[0] for p in watchers[30:]]
    assert paid == [200] * PAID_PER_SECOND + [429]
    assert double.flood_refusals_by_rule == {"bot": 1}
    assert double.peak_bulk_per_second == 30
    assert not any(c.bulk for c in double.calls if c.params.get("allow_paid_broadcast"))


def test_each_call_records_when_it_was_taken_and_whether_it_was_bulk(
    double: LocalBotApi, clock: Clock
) -> None:
    ann, watcher = double.person("Ann"), double.person("Watcher")
    double.send_text(ann, "hi")
    say(double, ann)
    clock.advance(0.25)
    say(double, watcher)
    assert [(c.at, c.bulk) for c in double.calls] == [(1000.0, False), (1000.25, True)]


def test_reset_peak_starts_both_peaks_again(double: LocalBotApi, clock: Clock) -> None:
    for watcher in quiet_people(double, 5):
        say(double, watcher)
    assert (double.peak_per_second, double.peak_bulk_per_second) == (5, 5)
    clock.advance(1)
    double.reset_peak()
    assert (double.peak_per_second, double.peak_bulk_per_second) == (0, 0)


def test_calls_on_many_threads_never_pass_the_limit_together(double: LocalBotApi) -> None:
    double.enforce_flood_limit(30)
    watchers = quiet_people(double, 80)
    statuses: list[int] = []

    def send(people: list[Person]) -> None:
        statuses.extend(say(double, p)[0] for p in people)

    threads = [threading.Thread(target=send, args=(watchers[n::8],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 30 + [429] * 50
    assert double.peak_bulk_per_second == 30


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_python_telegram_bot_reads_the_retry_time_over_http() -> None:
    with LocalBotApi() as double:
        double.enforce_flood_limit(30)
        staff = double.group("Staff")
        async with Bot(TOKEN, base_url=double.base_url, request=HTTPXRequest()) as bot:
            for _ in range(20):
                await bot.send_message(staff.id, "New order")
            with pytest.raises(RetryAfter) as refused:
                await bot.send_message(staff.id, "New order")
    assert refused.value.retry_after in (3, datetime.timedelta(seconds=3))
