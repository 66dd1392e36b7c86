"""The double must refuse what Telegram refuses, so a green e2e run means valid calls."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.request import HTTPXRequest

from bot.playground.bot_api.html_entities import visible_text
from bot.playground.bot_api.server import TOKEN, LocalBotApi


@pytest.fixture
async def api() -> AsyncIterator[tuple[LocalBotApi, Bot]]:
    with LocalBotApi() as double:
        bot = Bot(TOKEN, base_url=double.base_url, request=HTTPXRequest())
        async with bot:
            yield double, bot


async def test_unknown_methods_get_404(api: tuple[LocalBotApi, Bot]) -> None:
    double, _ = api
    status, body = double.call("sendTelepathy", {"chat_id": "1"})
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_unknown_and_missing_parameters_are_bad_requests(
    api: tuple[LocalBotApi, Bot],
) -> None:
    double, _ = api
    ann = double.person("Ann")
    assert (
        double.call("sendMessage", {"chat_id": str(ann.id), "text": "hi", "colour": "red"})[1][
            "description"
        ]
        == 'Bad Request: unknown parameter "colour"'
    )
    assert double.call("sendMessage", {"chat_id": str(ann.id)})[1]["description"] == (
        'Bad Request: parameter "text" is required'
    )
    assert double.call("sendMessage", {"chat_id": "[1]", "text": "x"})[0] == 400


async def test_a_wrong_token_is_unauthorised() -> None:
    with LocalBotApi() as double, pytest.raises(InvalidToken):
        async with Bot("999:wrong", base_url=double.base_url):
            pass


async def test_texts_over_4096_characters_are_too_long(api: tuple[LocalBotApi, Bot]) -> None:
    double, bot = api
    ann = double.person("Ann")
    await bot.send_message(ann.id, "x" * 4096)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ann.id, "x" * 4097)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ann.id, "🍷" * 2049)  # emoji count as two UTF-16 units
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.send_photo(ann.id, "photo-file-id", caption="x" * 1025)


async def test_callback_data_must_be_1_to_64_bytes(api: tuple[LocalBotApi, Bot]) -> None:
    double, bot = api
    ann = double.person("Ann")
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="é" * 32)]])
    await bot.send_message(ann.id, "fits", reply_markup=ok)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="é" * 33)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(ann.id, "too long", reply_markup=too_long)


@pytest.mark.parametrize(
    "html", ["<blink>x</blink>", "<b>open", "1 < 2", "fish & chips", "<b><i>x</b></i>"]
)
async def test_unparsable_html_is_refused(api: tuple[LocalBotApi, Bot], html: str) -> None:
    double, bot = api
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(double.person("Ann").id, html, parse_mode=ParseMode.HTML)


def test_escaped_html_reads_as_plain_text() -> None:
    assert visible_text("<b>Milk 2.5% &lt;fresh&gt;</b> &amp; eggs &#127863;") == (
        "Milk 2.5% <fresh> & eggs 🍷"
    )


async def test_editing_to_the_same_content_is_not_modified(
    api: tuple[LocalBotApi, Bot],
) -> None:
    double, bot = api
    ann = double.person("Ann")
    sent = await bot.send_message(ann.id, "one")
    await bot.edit_message_text("two", ann.id, sent.message_id)
    assert double.chat(ann).last_from_bot.shown_text == "two"
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("two", ann.id, sent.message_id)


async def test_a_callback_query_is_answered_once(api: tuple[LocalBotApi, Bot]) -> None:
    double, bot = api
    ann = double.person("Ann")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    sent = await bot.send_message(ann.id, "press", reply_markup=keyboard)
    query = double.press(ann, double.chat(ann).last_from_bot, "Go")
    assert sent.message_id == double.chat(ann).last_from_bot.message_id
    await bot.answer_callback_query(query, "done")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("never-sent")


async def test_deleted_messages_disappear_and_cannot_be_deleted_twice(
    api: tuple[LocalBotApi, Bot],
) -> None:
    double, bot = api
    ann = double.person("Ann")
    sent = await bot.send_message(ann.id, "secret")
    assert await bot.delete_message(ann.id, sent.message_id)
    assert double.chat(ann).visible == []
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(ann.id, sent.message_id)


async def test_flood_control_and_server_errors_can_be_injected(
    api: tuple[LocalBotApi, Bot],
) -> None:
    double, bot = api
    ann = double.person("Ann")
    double.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(ann.id, "hi")
    assert flood.value.retry_after == 7
    double.fail_next("sendMessage", 502)
    with pytest.raises(NetworkError):
        await bot.send_message(ann.id, "hi")
    await bot.send_message(ann.id, "hi")
    assert double.invalid_calls == []  # injected faults are not the bot's fault


async def test_a_person_who_blocked_the_bot_cannot_be_messaged_until_they_unblock_it(
    api: tuple[LocalBotApi, Bot],
) -> None:
    double, bot = api
    ann, bob = double.person("Ann"), double.person("Bob")
    double.blocks_bot(ann)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ann.id, "hi")
    with pytest.raises(Forbidden):
        await bot.send_photo(ann.id, "photo-1")
    await bot.send_message(bob.id, "hi")  # nobody else is affected
    assert double.chat(ann).from_bot == []
    double.blocks_bot(ann, False)
    await bot.send_message(ann.id, "hi again")
    assert [m.shown_text for m in double.chat(ann).from_bot] == ["hi again"]
    assert double.invalid_calls == []  # the person's doing, not the bot's fault


async def test_the_command_menu_is_kept_per_chat(api: tuple[LocalBotApi, Bot]) -> None:
    from telegram import BotCommand, BotCommandScopeChat

    double, bot = api
    ann, bob = double.person("Ann"), double.person("Bob")
    await bot.set_my_commands([BotCommand("start", "Main menu")])
    await bot.set_my_commands(
        [BotCommand("stock", "Stock levels")], scope=BotCommandScopeChat(bob.id)
    )
    assert double.commands_for(ann) == ["start"]
    assert double.commands_for(bob) == ["stock"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "nope")])


async def test_uploaded_documents_are_kept_for_the_test_to_read(
    api: tuple[LocalBotApi, Bot],
) -> None:
    double, bot = api
    ann = double.person("Ann")
    await bot.send_document(
        ann.id, b"sku,name\nTEA,Tea\n", filename="report.csv", caption="Your report"
    )
    sent = double.chat(ann).last_from_bot
    assert sent.shown_text == "Your report"
    assert getattr(sent.document, "content", None) == b"sku,name\nTEA,Tea\n"
