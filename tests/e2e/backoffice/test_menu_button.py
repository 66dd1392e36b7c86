"""The chat's menu button opens the back office as a Mini App for logged-in staff (where it is
served over HTTPS, as Telegram requires), and is the plain one again after /logout."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Engine

from bot.playground.bot_api.server import LocalBotApi
from tests.support.back_office import logged_in_staff
from tests.support.chat_person import ChatPerson
from tests.support.running_bot import RunningBot, free_port, running_bot
from tests.support.shop_factories import STAFF_PASSWORD, someone


@pytest.fixture
async def https_shop(double: LocalBotApi, engine: Engine) -> AsyncIterator[RunningBot]:
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(
        double, url, web_port=free_port(), backoffice_url="https://shop.example/"
    ) as running:
        yield running


async def logs_in(member: ChatPerson, username: str) -> None:
    await member.says("/login")
    await member.says(username)
    await member.says(STAFF_PASSWORD)


async def test_a_logged_in_member_gets_the_back_office_button_until_logging_out(
    https_shop: RunningBot,
) -> None:
    sam = logged_in_staff(https_shop)
    await sam.says("/logout")
    await logs_in(sam, "sam")
    assert https_shop.double.menu_button_of(sam.person.id) == {
        "type": "web_app",
        "text": "🗂 Back office",
        "web_app": {"url": "https://shop.example/backoffice/app"},
    }
    await sam.says("/language")
    await sam.presses("Français")
    assert https_shop.double.menu_button_of(sam.person.id)["text"] == "🗂 Espace de gestion"
    await sam.says("/logout")
    assert https_shop.double.menu_button_of(sam.person.id) == {"type": "default"}
    ann = someone(https_shop, "Ann")
    await ann.says("/start")
    assert https_shop.double.menu_button_of(ann.person.id) == {"type": "default"}


async def test_without_https_there_is_no_mini_app_button(bot: RunningBot) -> None:
    sam = logged_in_staff(bot)
    await sam.says("/logout")
    await logs_in(sam, "sam")
    assert "Welcome" in sam.screen
    assert bot.double.menu_button_of(sam.person.id) == {"type": "default"}


def test_the_double_refuses_a_mini_app_button_that_is_not_https(double: LocalBotApi) -> None:
    from bot.playground.bot_api.errors import ApiError

    button = {"type": "web_app", "text": "Shop", "web_app": {"url": "http://shop.example/"}}
    with pytest.raises(ApiError, match="Only HTTPS links are allowed"):
        double._set_menu_button({"chat_id": 42, "menu_button": button})
    with pytest.raises(ApiError, match="private chats"):
        double._set_menu_button(
            {"chat_id": -42, "menu_button": dict(button, web_app={"url": "https://x"})}
        )
