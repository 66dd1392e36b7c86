"""Who gets into the back office, over real HTTP against the running bot: the chat's
single-use link, a Mini App's signed launch, the session cookie, CSRF, roles, and every way
a session ends (both databases: each way in writes)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import quote

import aiohttp
import pytest
from PIL import Image
from sqlalchemy import Engine, func, select, update

from bot.backoffice.access import COOKIE
from bot.backoffice.init_data import signed
from bot.domain.clock import utc_now
from bot.domain.orders import Fulfilment
from bot.domain.services import staff
from bot.domain.services.customers import CustomerRef
from bot.domain.services.orders import CheckoutDetails
from bot.domain.staff import Role
from bot.persistence.models import LedgerRow, StaffSessionRow, WebLinkRow, WebSessionRow
from bot.playground.bot_api.server import LocalBotApi
from tests.support.back_office import Browser, enters, link_from_chat, link_token, logged_in_staff
from tests.support.factories import FAST_HASHER, placed_order
from tests.support.running_bot import RunningBot, free_port, running_bot
from tests.support.shop_factories import (
    STAFF_PASSWORD,
    logged_in_manager,
    place_order,
    sell,
    someone,
    staff_id_of,
    stock_of,
    work_to_completed,
)


async def test_a_staff_members_link_opens_the_back_office_once(
    bot: RunningBot, browser: Browser
) -> None:
    sam = logged_in_staff(bot)
    sell(bot, sku="RICE-1KG", name="Basmati rice 1 kg")
    url = await link_from_chat(sam)
    assert "within 5 minutes" in sam.screen
    # Opening the link (as Telegram's preview would) spends nothing; its button does.
    await browser.get(url.removeprefix(bot.web_url))
    await browser.get(url.removeprefix(bot.web_url))
    assert browser.status == 200 and "Open the back office" in browser.page
    await browser.post("/backoffice/enter", {"link": link_token(url)})
    assert browser.status == 200 and "Basmati rice 1 kg" in browser.page
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        second = Browser(bot, http)
        await second.post("/backoffice/enter", {"link": link_token(url)})
        assert second.status == 403
        assert "expired or was used already" in second.page
        await second.get("/backoffice/items")
        assert second.status == 401 and "Basmati" not in second.page


async def test_a_link_older_than_five_minutes_opens_nothing(
    bot: RunningBot, browser: Browser, engine: Engine
) -> None:
    sam = logged_in_staff(bot)
    url = await link_from_chat(sam)
    with engine.begin() as db:
        db.execute(update(WebLinkRow).values(expires_at=utc_now() - timedelta(seconds=1)))
    await enters(browser, url)
    assert browser.status == 403 and "expired" in browser.page
    await browser.get("/backoffice/items")
    assert browser.status == 401


async def test_forged_links_and_no_cookie_are_turned_away_politely(browser: Browser) -> None:
    for link in ("", "x" * 43, "x" * 5000, "<script>alert(1)</script>"):
        await browser.post("/backoffice/enter", {"link": link})
        assert browser.status == 403, link
        assert "<script>alert" not in browser.page
    await browser.get("/backoffice/items")
    assert browser.status == 401 and "Send /backoffice in the chat" in browser.page
    await browser.get("/backoffice/no-such-page")
    assert browser.status == 404 and "Traceback" not in browser.page


async def test_a_group_chat_gets_no_link(bot: RunningBot) -> None:
    sam = logged_in_staff(bot)
    group = bot.double.group("Shop floor")
    bot.double.send_text_in(group, sam.person, "/backoffice")
    await bot.double.settle()
    shown = bot.double.chats[group.id].last_from_bot
    assert "private chat" in shown.shown_text
    assert not shown.inline_keyboard


async def test_a_customer_gets_no_link(bot: RunningBot) -> None:
    ann = someone(bot, "Ann")
    await ann.says("/backoffice")
    assert "This is for store staff" in ann.screen
    assert not ann.last.inline_keyboard


async def test_a_form_without_its_token_changes_nothing(bot: RunningBot, browser: Browser) -> None:
    sam = logged_in_staff(bot)
    sell(bot, sku="RICE-1KG", name="Basmati rice 1 kg", price_minor=379)
    await enters(browser, await link_from_chat(sam))
    await browser.get("/backoffice/items/RICE-1KG")
    good = browser.csrf
    form = {"move": "restock", "quantity": "5", "note": "delivery"}
    await browser.post("/backoffice/items/RICE-1KG/stock", form)
    assert browser.status == 403 and "out of date" in browser.page
    await browser.post("/backoffice/items/RICE-1KG/stock", form | {"csrf": good[:-1] + "x"})
    assert browser.status == 403
    assert stock_of(bot, "RICE-1KG") == 10
    await browser.post("/backoffice/items/RICE-1KG/stock", form | {"csrf": good})
    assert browser.status == 200 and "Stock moved" in browser.page
    assert stock_of(bot, "RICE-1KG") == 15


async def test_a_staff_member_is_kept_off_the_managers_pages(
    bot: RunningBot, browser: Browser
) -> None:
    sam = logged_in_staff(bot)
    await enters(browser, await link_from_chat(sam))
    await browser.get("/backoffice/team")
    assert browser.status == 403 and "for managers only" in browser.page
    assert "owner" not in browser.page
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        boss_browser = Browser(bot, http)
        boss = logged_in_manager(bot, "Maria")
        await enters(boss_browser, await link_from_chat(boss))
        await boss_browser.get("/backoffice/team")
        assert boss_browser.status == 200
        assert "sam" in boss_browser.page and "maria" in boss_browser.page


async def test_logging_out_in_the_chat_ends_the_browsers_session(
    bot: RunningBot, browser: Browser, engine: Engine
) -> None:
    sam = logged_in_staff(bot)
    await enters(browser, await link_from_chat(sam))
    await browser.get("/backoffice/items")
    assert browser.status == 200
    await sam.says("/logout")
    await browser.get("/backoffice/items")
    assert browser.status == 401
    # Logging in again is a new chat login: the old cookie stays dead.
    staff.log_in(
        "sam",
        STAFF_PASSWORD,
        telegram_user_id=sam.person.id,
        uow=bot.shop.uow(),
        hasher=FAST_HASHER,
    )
    await browser.get("/backoffice/items")
    assert browser.status == 401
    with engine.connect() as db:
        assert db.scalar(select(func.count()).select_from(WebSessionRow)) == 0


async def test_switching_an_account_off_ends_its_browsers_session(
    bot: RunningBot, browser: Browser
) -> None:
    sam = logged_in_staff(bot)
    await enters(browser, await link_from_chat(sam))
    boss = logged_in_manager(bot, "Maria")
    staff.set_staff_active(staff_id_of(bot, boss), staff_id_of(bot, sam), False, uow=bot.shop.uow())
    await browser.get("/backoffice/items")
    assert browser.status == 401


async def test_the_back_offices_own_log_out_ends_only_that_browser(
    bot: RunningBot, browser: Browser
) -> None:
    sam = logged_in_staff(bot)
    await enters(browser, await link_from_chat(sam))
    await browser.get("/backoffice/items")
    await browser.post("/backoffice/logout", {"csrf": browser.csrf})
    assert browser.status == 200 and "signed out" in browser.page
    await browser.get("/backoffice/items")
    assert browser.status == 401
    await sam.says("/stock")
    assert "This is for store staff" not in sam.screen


async def test_a_mini_app_launch_signed_by_telegram_opens_it_for_logged_in_staff(
    bot: RunningBot, browser: Browser
) -> None:
    sam = logged_in_staff(bot)
    sell(bot, sku="RICE-1KG", name="Basmati rice 1 kg")
    token = bot.double.token
    user = {"id": sam.person.id, "first_name": "Sam"}
    await browser.get("/backoffice/app")
    assert browser.status == 200
    await browser.post("/backoffice/app", {"init_data": signed(user, token, utc_now())})
    assert browser.status == 200 and "Basmati rice 1 kg" in browser.page


@pytest.mark.parametrize("case", ["forged", "expired", "customer", "logged out"])
async def test_a_mini_app_launch_that_cannot_be_trusted_opens_nothing(
    bot: RunningBot, browser: Browser, case: str
) -> None:
    sam = logged_in_staff(bot)
    ann = someone(bot, "Ann")
    await ann.says("/start")
    token, now = bot.double.token, utc_now()
    user = {"id": sam.person.id, "first_name": "Sam"}
    launch = {
        "forged": signed(user, "1:not-this-bot", now),
        "expired": signed(user, token, now - timedelta(hours=1, minutes=1)),
        "customer": signed({"id": ann.person.id, "first_name": "Ann"}, token, now),
        "logged out": signed(user, token, now),
    }[case]
    if case == "logged out":
        await sam.says("/logout")
    await browser.post("/backoffice/app", {"init_data": launch})
    assert browser.status == 403
    await browser.get("/backoffice/items")
    assert browser.status == 401


async def test_item_names_are_shown_as_text_on_every_page(
    bot: RunningBot, browser: Browser
) -> None:
    maria = logged_in_manager(bot, "Maria")
    xss = sell(bot, sku="XSS-1", name="<img src=x onerror=alert(1)>", category="<b>Tricks</b>")
    order = place_order(bot, someone(bot, "<script>Ann</script>"), xss)
    work_to_completed(bot, staff_id_of(bot, maria), order.code)
    place_order(bot, someone(bot, "<script>Bob</script>"), xss)
    await enters(browser, await link_from_chat(maria))
    tricks = quote("<b>Tricks</b>")
    for path in (
        "/backoffice/items",
        "/backoffice/items?q=img",
        "/backoffice/items/XSS-1",
        f"/backoffice/items?category={tricks}",
        "/backoffice/orders",
        f"/backoffice/prices?category={tricks}&how=percent&value=5",
        "/backoffice/analytics/range?days=7",
    ):
        await browser.get(path)
        assert browser.status == 200, path
        assert "<img src=x" not in browser.page and "<b>Tricks" not in browser.page, path
        assert "<script>" not in browser.page.replace('<script src="/backoffice', ""), path
        assert "&lt;img src=x onerror=alert(1)&gt;" in browser.page, path


def shown_as_text(page: str, *typed: str) -> bool:
    """Each typed text is on the page escaped, and nothing typed is on it as markup (a name
    made an SKU is in capitals: compared without case)."""
    lowered = page.lower()
    escaped = all(t.lower().replace("<", "&lt;").replace(">", "&gt;") in lowered for t in typed)
    return escaped and "<img src=x" not in lowered and "<b>tricks" not in lowered


async def test_typed_text_is_shown_as_text_on_the_pages_of_files_people_and_orders(
    bot: RunningBot, browser: Browser
) -> None:
    name, address, note, person = (f"<img src=x onerror=alert({n})>" for n in range(1, 5))
    maria = logged_in_manager(bot, "Maria")
    first = sell(bot, sku="XSS-1", name=name, category="<b>Tricks</b>")
    second = sell(bot, sku="XSS-2", name=name + " 2", category="<b>Tricks</b>")
    who = CustomerRef(someone(bot, "Ann").person.id, "<script>Ann</script>")
    both = placed_order(bot.shop.uow(), who, (first, 1), (second, 1), store=bot.shop.store)
    work_to_completed(bot, staff_id_of(bot, maria), both.code)
    delivery = CheckoutDetails(Fulfilment.delivery(address, 300), "+441234567890", note)
    placed_order(bot.shop.uow(), who, (first, 1), details=delivery, store=bot.shop.store)
    invite = staff.create_invite(staff_id_of(bot, maria), Role.STAFF, uow=bot.shop.uow())
    nia = someone(bot, "Nia")
    staff.sign_up(
        invite.code,
        "nia",
        person,
        STAFF_PASSWORD,
        telegram_user_id=nia.person.id,
        uow=bot.shop.uow(),
        hasher=FAST_HASHER,
    )
    await enters(browser, await link_from_chat(maria))
    pages: dict[str, tuple[str, ...]] = {}

    await browser.get("/backoffice/files")
    header = "sku,name,category,unit,step,price,stock,threshold,description\n"
    new_item = f'NEW-1,"{name}",<b>Tricks</b>,pc,1,2.00,3,,"{note}"\n'.encode()
    await browser.send_files(
        "/backoffice/files/preview", "file", [("c.csv", header.encode() + new_item)]
    )
    assert browser.status == 200 and "New items: 1" in browser.page
    pages["import preview"] = (browser.page, name)
    bad_price = f'NEW-1,Tea,Tea,pc,1,"{address}",3,,\n'.encode()
    await browser.send_files(
        "/backoffice/files/preview", "file", [("c.csv", header.encode() + bad_price)]
    )
    assert browser.status == 400 and "is not a price" in browser.page
    pages["import preview, a bad line"] = (browser.page,)

    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(picture, "PNG")
    await browser.send_files(
        "/backoffice/files/photos", "photos", [(f"{person}.png", picture.getvalue())]
    )
    assert browser.status == 400 and "is not a valid SKU" in browser.page
    pages["photo results"] = (browser.page, f"{person}.png")

    await browser.get("/backoffice/offers")
    tomorrow = (utc_now() + timedelta(days=1)).astimezone(bot.shop.store.timezone)
    offer = {"csrf": browser.csrf, "how": "percent", "value": "10", "starts": ""}
    offer["ends"] = f"{tomorrow:%Y-%m-%dT%H:%M}"
    await browser.post("/backoffice/offers", offer | {"kind": "item", "sku": "XSS-1"})
    await browser.post(
        "/backoffice/offers", offer | {"kind": "category", "category": "<b>Tricks</b>"}
    )
    assert browser.status == 200 and "Offer set." in browser.page
    pages["offers"] = (browser.page, name, "<b>Tricks</b>")

    for path, typed in {
        "/backoffice/analytics/together?days=7": (name, name + " 2"),
        "/backoffice/team": (person,),
        "/backoffice/orders": (name, address, note, "<script>Ann</script>"),
        "/backoffice/orders?fragment=1": (address, note),
    }.items():
        await browser.get(path)
        assert browser.status == 200, path
        pages[path] = (browser.page, *typed)

    for what, (page, *said) in pages.items():
        assert shown_as_text(page, *said), (what, page)
        assert "<script>" not in page.replace('<script src="/backoffice', ""), what


@pytest.mark.parametrize("backend", ["mariadb"], indirect=True)
async def test_one_link_opened_twice_at_once_opens_one_session(
    bot: RunningBot, engine: Engine
) -> None:
    sam = logged_in_staff(bot)
    url = await link_from_chat(sam)

    async def one_try() -> int:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            tab = Browser(bot, http)
            await tab.post("/backoffice/enter", {"link": link_token(url)})
            return tab.status

    statuses = await asyncio.gather(*(one_try() for _ in range(12)))
    assert sorted(statuses) == [200] + [403] * 11
    with engine.connect() as db:
        assert db.scalar(select(func.count()).select_from(WebSessionRow)) == 1
        assert db.scalar(select(func.count()).select_from(LedgerRow)) == 0


async def test_another_site_cannot_sign_a_browser_into_someone_elses_session(
    bot: RunningBot, browser: Browser
) -> None:
    sam = logged_in_staff(bot)
    url = await link_from_chat(sam)
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        async with browser.http.post(
            bot.web_url + "/backoffice/enter", data={"link": link_token(url)}, headers=headers
        ) as response:
            assert response.status == 403, headers
    same = {"Sec-Fetch-Site": "same-origin", "Origin": bot.web_url}
    async with browser.http.post(
        bot.web_url + "/backoffice/enter", data={"link": link_token(url)}, headers=same
    ) as response:
        assert response.status == 200  # the link was not spent by the refused tries


async def test_a_mini_app_speaks_the_language_telegram_says_the_app_uses(
    bot: RunningBot, browser: Browser
) -> None:
    sam = logged_in_staff(bot)
    user = {"id": sam.person.id, "first_name": "Sam", "language_code": "fr-FR"}
    await browser.post("/backoffice/app", {"init_data": signed(user, bot.double.token, utc_now())})
    assert browser.status == 200
    assert "<h1>Articles</h1>" in browser.page and "En stock" in browser.page
    await sam.says("/language")
    await sam.presses("Deutsch")  # a language chosen in the chat comes first
    await browser.get("/backoffice/items")
    assert "<h1>Artikel</h1>" in browser.page


@pytest.fixture
async def tls_bot(double: LocalBotApi, engine: Engine) -> AsyncIterator[RunningBot]:
    """A back office whose public address is HTTPS: TLS ends at the proxy in front of it, and
    the bot itself answers plain HTTP behind it (deploy/)."""
    url = engine.url.render_as_string(hide_password=False)
    async with running_bot(
        double, url, web_port=free_port(), backoffice_url="https://shop.example"
    ) as running:
        yield running


async def session_cookie(
    bot: RunningBot, path: str, form: dict[str, str], headers: dict[str, str] | None = None
) -> set[str]:
    """The attributes of the session cookie a way in sets ("httponly", "samesite=strict"…)."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(bot.web_url + path, data=form, headers=headers, allow_redirects=False) as answer,
    ):
        assert answer.status == 303, await answer.text()
        [cookie] = [c for c in answer.headers.getall("Set-Cookie") if c.startswith(COOKIE + "=")]
    return {part.strip().lower() for part in cookie.split(";")[1:]}


async def test_a_desktop_session_cookie_is_http_only_and_strict_and_not_secure_over_http(
    bot: RunningBot,
) -> None:
    link = link_token(await link_from_chat(logged_in_staff(bot)))
    # Secure follows SHOPKEEPS_BACKOFFICE_URL alone: a request claiming HTTPS changes nothing.
    spoofed = {"X-Forwarded-Proto": "https"}
    cookie = await session_cookie(bot, "/backoffice/enter", {"link": link}, spoofed)
    assert {"httponly", "samesite=strict", "path=/backoffice"} <= cookie
    assert "secure" not in cookie  # a browser on http:// would drop a Secure cookie


async def test_a_session_cookie_is_secure_when_the_back_office_is_served_over_https(
    tls_bot: RunningBot,
) -> None:
    sam = logged_in_staff(tls_bot)
    link = link_token(await link_from_chat(sam))
    cookie = await session_cookie(tls_bot, "/backoffice/enter", {"link": link})
    assert {"httponly", "secure", "samesite=strict", "path=/backoffice"} <= cookie
    user = {"id": sam.person.id, "first_name": "Sam"}
    launch = {"init_data": signed(user, tls_bot.double.token, utc_now())}
    in_telegram = await session_cookie(tls_bot, "/backoffice/app", launch)
    # Telegram Web frames the Mini App: a cookie of that frame alone, still HttpOnly and Secure.
    assert {"httponly", "secure", "samesite=none", "partitioned"} <= in_telegram


async def test_a_back_office_session_ends_when_the_staff_login_goes_idle(
    bot: RunningBot, browser: Browser, engine: Engine
) -> None:
    sam = logged_in_staff(bot)
    await enters(browser, await link_from_chat(sam))
    idle = bot.settings.staff_idle_timeout

    def last_seen(ago: timedelta) -> None:
        with engine.begin() as db:
            db.execute(update(StaffSessionRow).values(last_seen_at=utc_now() - ago))

    last_seen(idle - timedelta(minutes=5))
    await browser.get("/backoffice/items")
    assert browser.status == 200  # and the page kept the chat login from going idle:
    with engine.connect() as db:
        seen = db.scalar(select(StaffSessionRow.last_seen_at))
    assert seen is not None and utc_now() - seen < timedelta(minutes=1)
    last_seen(idle + timedelta(minutes=1))
    await browser.get("/backoffice/items")
    assert browser.status == 401 and "Send /backoffice in the chat" in browser.page
    with engine.connect() as db:
        assert db.scalar(select(func.count()).select_from(WebSessionRow)) == 0
        assert db.scalar(select(func.count()).select_from(StaffSessionRow)) == 0
