"""The chat's menu button opens the back office as a Mini App for logged-in staff (where it is
served over HTTPS, as Telegram requires), and is the plain one again after /logout."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import Engine

from bot.backoffice.init_data import signed
from bot.domain.clock import utc_now
from bot.domain.services import backoffice
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


async def test_a_mini_app_session_also_lives_in_telegram_webs_frame(
    https_shop: RunningBot,
) -> None:
    """Telegram Web shows a Mini App in a frame of web.telegram.org: its session cookie is
    SameSite=None and Partitioned there (a desktop link's stays SameSite=Strict), and only
    that site may frame the pages."""
    sam = logged_in_staff(https_shop)
    launch = signed({"id": sam.person.id, "first_name": "Sam"}, https_shop.double.token, utc_now())
    async with aiohttp.ClientSession() as http:
        async with http.post(
            https_shop.web_url + "/backoffice/app",
            data={"init_data": launch},
            allow_redirects=False,
        ) as entered:
            cookie = entered.headers["Set-Cookie"]
            assert entered.status == 303
            assert "SameSite=None" in cookie and "Secure" in cookie and "Partitioned" in cookie
            assert "HttpOnly" in cookie
        token = backoffice.issue_link(sam.person.id, uow=https_shop.shop.uow())
        async with http.post(
            https_shop.web_url + "/backoffice/enter", data={"link": token}, allow_redirects=False
        ) as linked:
            assert "SameSite=Strict" in linked.headers["Set-Cookie"]
        async with http.get(https_shop.web_url + "/backoffice/app") as page:
            policy = page.headers["Content-Security-Policy"]
            assert "frame-ancestors https://web.telegram.org;" in policy
