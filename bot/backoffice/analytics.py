"""The business in figures, for managers: revenue, orders and the average basket against the
previous period; the range (ABC classes, slow sellers, stock running out with what to order);
sales by hour of the week; items bought together. Every table also comes down as CSV."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from aiohttp import web

from bot.backoffice.access import Route, member, shop, show, texts
from bot.backoffice.charts import bars, heat_map
from bot.backoffice.render import CSV, download
from bot.catalogue_csv import spreadsheet_csv
from bot.domain import permissions
from bot.domain.analytics import change_percent
from bot.domain.clock import utc_now
from bot.domain.services import analytics
from bot.domain.services.sales import Period

PERIODS = (7, 30, 90, 365)
MONDAY = date(2024, 1, 1)  # any Monday: the heat map's rows are named from it
WEEK_COLUMNS = [
    "week of",
    "first day",
    "last day",
    "orders",
    "revenue",
    "average basket",
    "first day before",
    "last day before",
    "orders before",
    "revenue before",
    "average basket before",
]


def _period(request: web.Request) -> Period:
    wanted = request.query.get("days", "30")
    days = int(wanted) if re.fullmatch(r"[0-9]{1,4}", wanted) and int(wanted) in PERIODS else 30
    store = shop(request).store
    today = utc_now().astimezone(store.timezone).date()
    return Period.last_days(days, today=today, timezone=store.timezone)


def _csv(name: str, rows: Iterable[Sequence[object]]) -> web.Response:
    """A table to download as CSV (an item may be called "=HYPERLINK(…)": shown as text)."""
    return download(spreadsheet_csv(rows), f"{name}.csv", CSV)


def _me(request: web.Request) -> int:
    staff_id = member(request).account.id
    assert staff_id is not None
    return staff_id


async def overview(request: web.Request) -> web.StreamResponse:
    run, t, period = shop(request), texts(request), _period(request)
    money = run.store.currency
    wanted = request.query.get("table") if request.query.get("format") == "csv" else None
    if wanted == "ratings":
        rated = await run.run(
            analytics.every_rating, period, requested_by=_me(request), uow=run.uow()
        )
        zone = run.store.timezone
        return _csv(
            "ratings",
            [
                ["order", "stars", "comment", "rated at"],
                *(
                    [
                        r.order_code,
                        r.stars,
                        r.comment,
                        f"{r.rated_at.astimezone(zone):%Y-%m-%d %H:%M:%S}",
                    ]
                    for r in rated
                ),
            ],
        )
    found = await run.run(analytics.overview, period, requested_by=_me(request), uow=run.uow())
    if wanted == "weeks":
        return _csv(
            "revenue-per-week",
            [
                WEEK_COLUMNS,
                *(
                    [
                        w.monday.isoformat(),
                        w.first.isoformat(),
                        w.last.isoformat(),
                        w.now.orders,
                        f"{money.to_major(w.now.revenue_minor)}",
                        f"{money.to_major(w.now.basket_minor)}",
                        w.then_first.isoformat(),
                        w.then_last.isoformat(),
                        w.then.orders,
                        f"{money.to_major(w.then.revenue_minor)}",
                        f"{money.to_major(w.then.basket_minor)}",
                    ]
                    for w in found.weeks
                ),
            ],
        )
    if request.query.get("format") == "csv":  # the days
        rows: list[Sequence[object]] = [
            ["day", "orders", "revenue", "day before", "revenue before"]
        ]
        for day, then in zip(found.days, found.before, strict=True):
            rows.append(
                [
                    day.day.isoformat(),
                    day.orders,
                    f"{money.to_major(day.revenue_minor)}",
                    then.day.isoformat(),
                    f"{money.to_major(then.revenue_minor)}",
                ]
            )
        return _csv("revenue-per-day", rows)
    chart = bars(
        t("Revenue per day"),
        t(
            "Revenue of completed orders each day from {first} to {last}; the line is the "
            "previous {n} days.",
            first=t.short_date(period.first),
            last=t.short_date(period.last),
            n=period.days,
        ),
        [(t.short_date(d.day), d.revenue_minor) for d in found.days],
        earlier=[d.revenue_minor for d in found.before],
        shown=lambda minor: t.money(minor, money),
        earlier_label=t("The previous period"),
    )
    return show(
        request,
        "analytics.html",
        tab="overview",
        period=period,
        periods=PERIODS,
        days=period.days,
        found=found,
        chart=chart,
        money=money,
        change=change_percent,
        zone=run.store.timezone,
    )


async def product_range(request: web.Request) -> web.StreamResponse:
    run, period = shop(request), _period(request)
    money = run.store.currency
    wanted = request.query.get("table") if request.query.get("format") == "csv" else None
    if wanted == "abc":
        classed = await run.run(
            analytics.every_class, period, requested_by=_me(request), uow=run.uow()
        )
        return _csv(
            "abc-classes",
            [
                ["sku", "name", "class", "revenue", "share %", "quantity"],
                *(
                    [
                        c.sales.sku,
                        c.sales.name,
                        c.klass,
                        f"{money.to_major(c.sales.revenue_minor)}",
                        analytics.share_text(c.share),
                        f"{c.sales.quantity.normalize():f}",
                    ]
                    for c in classed
                ),
            ],
        )
    if wanted == "slow":
        slow = await run.run(
            analytics.slow_sellers, period, requested_by=_me(request), uow=run.uow()
        )
        return _csv(
            "slow-sellers",
            [
                ["sku", "name", "unit", "quantity", "revenue"],
                *(
                    [
                        s.sku,
                        s.name,
                        s.unit,
                        f"{s.quantity.normalize():f}",
                        f"{money.to_major(s.revenue_minor)}",
                    ]
                    for s in slow
                ),
            ],
        )
    found = await run.run(analytics.product_range, period, requested_by=_me(request), uow=run.uow())
    if wanted == "short":
        return _csv(
            "running-out",
            [
                ["sku", "name", "stock", "sold per day", "days of cover", "to order"],
                *(
                    [
                        c.product.sku,
                        c.product.name,
                        f"{c.product.stock.normalize():f}",
                        f"{c.per_day.quantize(Decimal('0.01'))}",
                        f"{c.days}",
                        f"{c.reorder.normalize():f}",
                    ]
                    for c in found.short
                ),
            ],
        )
    return show(
        request,
        "analytics.html",
        tab="range",
        period=period,
        periods=PERIODS,
        days=period.days,
        found=found,
        counts=found.counts,
        money=money,
        top=analytics.TOP,
    )


async def hours(request: web.Request) -> web.StreamResponse:
    run, t, period = shop(request), texts(request), _period(request)
    grid = await run.run(analytics.week_hours, period, requested_by=_me(request), uow=run.uow())
    names = [t.weekday(MONDAY + timedelta(days=n)) for n in range(7)]
    money = run.store.currency
    if request.query.get("format") == "csv":
        return _csv(
            "orders-by-hour",
            [
                ["weekday", "hour", "orders", "revenue"],
                *(
                    [names[c.weekday], c.hour, c.orders, f"{money.to_major(c.revenue_minor)}"]
                    for row in grid
                    for c in row
                ),
            ],
        )
    chart = heat_map(
        t("Orders by hour of the week"),
        t(
            "Completed orders per hour of each weekday, {first} to {last}, in the shop's time.",
            first=t.short_date(period.first),
            last=t.short_date(period.last),
        ),
        grid,
        names,
        lambda c: t.plural("{n} order", "{n} orders", c.orders),
    )
    return show(
        request,
        "analytics.html",
        tab="hours",
        period=period,
        periods=PERIODS,
        days=period.days,
        grid=grid,
        names=names,
        chart=chart,
        money=money,
    )


async def together(request: web.Request) -> web.StreamResponse:
    run, period = shop(request), _period(request)
    pairs = await run.run(
        analytics.bought_together, period, requested_by=_me(request), uow=run.uow()
    )
    if request.query.get("format") == "csv":
        return _csv(
            "bought-together",
            [
                ["sku", "name", "with sku", "with name", "orders"],
                *(
                    [p.first_sku, p.first_name, p.second_sku, p.second_name, p.orders]
                    for p in pairs
                ),
            ],
        )
    return show(
        request,
        "analytics.html",
        tab="together",
        period=period,
        periods=PERIODS,
        days=period.days,
        pairs=pairs,
    )


ROUTES = [
    Route("GET", "/analytics", overview, permissions.REPORTS),
    Route("GET", "/analytics/range", product_range, permissions.REPORTS),
    Route("GET", "/analytics/hours", hours, permissions.REPORTS),
    Route("GET", "/analytics/together", together, permissions.REPORTS),
]
