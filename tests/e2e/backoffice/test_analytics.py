"""Analytics pages for managers: figures, charts a screen reader can read, CSV downloads, and
names shown as text (both databases: the orders are written through the use cases)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from bot.domain.clock import utc_now
from bot.domain.services import ratings
from bot.domain.services.customers import CustomerRef
from tests.support.back_office import Browser, enters, link_from_chat, logged_in_staff
from tests.support.factories import FixedClock, handed_over, placed_order
from tests.support.running_bot import RunningBot
from tests.support.shop_factories import (
    logged_in_manager,
    place_order,
    sell,
    someone,
    staff_id_of,
    work_to_completed,
)


async def downloaded(browser: Browser, path: str) -> list[list[str]]:
    await browser.get(path)
    assert browser.status == 200, path
    return list(csv.reader(io.StringIO(browser.page.lstrip("\ufeff"))))


async def test_a_manager_reads_each_page_and_downloads_its_tables(
    bot: RunningBot, browser: Browser
) -> None:
    maria = logged_in_manager(bot, "Maria")
    tea = sell(bot, 50, sku="TEA", name="Green <b>tea</b>", price_minor=400)
    mint = sell(bot, 1, sku="MINT", name="Mint tea", price_minor=250)
    ann = someone(bot, "Ann")
    order = place_order(bot, ann, tea, 3)
    work_to_completed(bot, staff_id_of(bot, maria), order.code)
    second = place_order(bot, someone(bot, "Bob"), mint, 1)
    work_to_completed(bot, staff_id_of(bot, maria), second.code)
    await enters(browser, await link_from_chat(maria))

    page = await browser.get("/backoffice/analytics?days=7")
    assert browser.status == 200
    assert "14.50" in page  # 3 × 4.00 + 2.50
    assert "No order completed in this period was rated yet." in page
    ann_ref = CustomerRef(ann.person.id, "Ann")
    ratings.rate_order(ann_ref, order.code, 4, uow=bot.shop.uow())
    ratings.comment_order(ann_ref, order.code, "<script>x</script> fine", uow=bot.shop.uow())
    page = await browser.get("/backoffice/analytics?days=7")
    assert "★ 4.0 from 1 rated order" in page
    assert "&lt;script&gt;x&lt;/script&gt; fine" in page and "<script>x" not in page
    assert '<svg class="chart"' in page and '<title id="chart-title">Revenue per day' in page
    assert "2 new, 0 returning" in page
    await browser.get("/backoffice/analytics?days=7&format=csv")
    rows = list(csv.reader(io.StringIO(browser.page.lstrip("\ufeff"))))
    assert rows[0][:3] == ["day", "orders", "revenue"] and rows[-1][1:3] == ["2", "14.50"]

    page = await browser.get("/backoffice/analytics/range?days=7")
    assert "Green &lt;b&gt;tea&lt;/b&gt;" in page and "<b>tea" not in page
    assert "MINT" in page.split("Running out", 1)[1].split("</table>", 1)[0]  # none left
    await browser.get("/backoffice/analytics/range?days=7&table=abc&format=csv")
    abc = list(csv.reader(io.StringIO(browser.page.lstrip("\ufeff"))))
    assert [r[:3] for r in abc[1:]] == [
        ["TEA", "Green <b>tea</b>", "A"],
        ["MINT", "Mint tea", "B"],
    ]  # 83 % before it

    page = await browser.get("/backoffice/analytics/hours?days=7")
    assert '<svg class="heat"' in page
    cells = [int(n) for n in re.findall(r": (\d+) orders?</title>", page)]
    assert len(cells) == 7 * 24 and sum(cells) == 2
    page = await browser.get("/backoffice/analytics/together?days=365")
    assert "No two items were bought together" in page
    await browser.get("/backoffice/analytics?days=999")  # an odd period: the default
    assert browser.status == 200 and "last 30 days" in browser.page


async def test_staff_are_kept_off_the_analytics(bot: RunningBot, browser: Browser) -> None:
    await enters(browser, await link_from_chat(logged_in_staff(bot)))
    for path in ("/backoffice/analytics", "/backoffice/analytics/range?format=csv"):
        await browser.get(path)
        assert browser.status == 403 and "for managers only" in browser.page


async def test_the_overview_sets_each_figure_and_week_against_the_previous_period(
    bot: RunningBot, browser: Browser
) -> None:
    maria = logged_in_manager(bot, "Maria")
    await enters(browser, await link_from_chat(maria))
    await maria.says("/language")
    await maria.presses("Français")  # the back office follows
    tea = sell(bot, 50, sku="TEA", name="Green tea", price_minor=400)
    sell(bot, 5, sku="MINT", name="Mint tea", price_minor=250)  # on sale, never sold
    ann, bob = someone(bot, "Ann"), someone(bot, "Bob")
    now = place_order(bot, ann, tea, 3)
    work_to_completed(bot, staff_id_of(bot, maria), now.code)
    week_ago = FixedClock(utc_now() - timedelta(days=8))  # in the 7 days before the last 7
    uow, store = bot.shop.uow, bot.shop.store
    then = placed_order(uow(), CustomerRef(bob.person.id, "Bob"), (tea, 2), store=store)
    handed_over(uow, then, staff_id_of(bot, maria), clock=week_ago, store=store)
    ann_ref = CustomerRef(ann.person.id, "Ann")
    ratings.rate_order(ann_ref, now.code, 5, uow=uow())
    ratings.comment_order(ann_ref, now.code, '=HYPERLINK("x") lovely', uow=uow())

    page = await browser.get("/backoffice/analytics?days=7")
    # 12,00 € against 8,00 €; one order against one; a basket of 12,00 € against 8,00 €.
    assert "+50,0\u00a0% par rapport à la période précédente" in page
    assert "+0,0\u00a0% par rapport à la période précédente" in page
    assert "La période précédente\u00a0: 8,00\u00a0€" in page
    assert "La période précédente\u00a0: 1<" in page
    weeks = page.split('<table class="weeks">', 1)[1].split("</table>", 1)[0]
    cells = [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in weeks.split("<tr>")[3:]]
    assert sum(int(c[1]) for c in cells) == 1 and sum(int(c[4]) for c in cells) == 1
    # Eight days ago is set against yesterday: in today's week, unless today is a Monday.
    monday = utc_now().astimezone(store.timezone).weekday() == 0
    assert cells[-1][2:4] == ["12,00\u00a0€", "12,00\u00a0€"]
    assert cells[-1][7] == ("—" if monday else "+50,0\u00a0%")

    weekly = await downloaded(browser, "/backoffice/analytics?days=7&table=weeks&format=csv")
    assert weekly[0][:6] == [
        "week of",
        "first day",
        "last day",
        "orders",
        "revenue",
        "average basket",
    ]
    assert sum(int(r[3]) for r in weekly[1:]) == 1 and sum(int(r[8]) for r in weekly[1:]) == 1
    assert {r[4] for r in weekly[1:]} <= {"0.00", "12.00"}
    assert {r[9] for r in weekly[1:]} <= {"0.00", "8.00"}
    assert (
        weekly[1][6]
        == (utc_now().astimezone(store.timezone).date() - timedelta(days=13)).isoformat()
    )

    rated = await downloaded(browser, "/backoffice/analytics?days=7&table=ratings&format=csv")
    assert [r[:3] for r in rated] == [
        ["order", "stars", "comment"],
        [now.code, "5", '\'=HYPERLINK("x") lovely'],  # shown as text, never run
    ]
    slow = await downloaded(browser, "/backoffice/analytics/range?days=7&table=slow&format=csv")
    assert [r[:4] for r in slow] == [
        ["sku", "name", "unit", "quantity"],
        ["MINT", "Mint tea", "pc", "0"],
        ["TEA", "Green tea", "pc", "3"],
    ]
    page = await browser.get("/backoffice/analytics/range?days=7")
    assert "100,0\u00a0%" in page  # the tea's share of the revenue, in French
