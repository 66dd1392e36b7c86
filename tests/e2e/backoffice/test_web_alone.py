"""`shopkeeps web`: the back office in a process of its own, sharing the bot's database."""

from __future__ import annotations

import aiohttp
from sqlalchemy import Engine

from bot.config import load_settings
from bot.domain.services import backoffice, staff
from bot.playground.bot_api.server import LocalBotApi
from bot.web.back_office_only import serving_back_office
from bot.wiring import build_shop
from tests.support.databases import sqlite_only
from tests.support.factories import FAST_HASHER
from tests.support.running_bot import free_port
from tests.support.shop_factories import STAFF_PASSWORD


@sqlite_only
async def test_the_back_office_alone_serves_its_pages_and_health(
    double: LocalBotApi, engine: Engine
) -> None:
    port = free_port()
    settings = load_settings(
        env_file=None,
        database_url=engine.url.render_as_string(hide_password=False),
        telegram_token=double.token,
        telegram_api_url=double.base_url,
        web_port=port,
        backoffice_url=f"http://127.0.0.1:{port}",
    )
    shop = build_shop(settings, hasher=FAST_HASHER)
    try:
        boss = double.person("Boss")
        staff.create_manager("boss", STAFF_PASSWORD, uow=shop.uow(), hasher=FAST_HASHER)
        staff.log_in(
            "boss", STAFF_PASSWORD, telegram_user_id=boss.id, uow=shop.uow(), hasher=FAST_HASHER
        )
        link = backoffice.issue_link(boss.id, uow=shop.uow())
        async with serving_back_office(settings, shop) as served:
            base = f"http://127.0.0.1:{served}"
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar) as http:
                async with http.get(base + "/healthz") as health:
                    assert health.status == 200
                async with http.post(base + "/backoffice/enter", data={"link": link}) as entered:
                    assert entered.status == 200 and "Items" in await entered.text()
                async with http.get(base + "/backoffice/team") as team:
                    page = await team.text()
                    assert team.status == 200
                    assert (
                        f"https://t.me/{double.bot_user['username']}" not in page
                    )  # no invite yet
                async with http.get(base + "/telegram-hook") as hook:
                    assert hook.status == 404  # no webhook here: the bot workers take updates
    finally:
        shop.close()
