"""The rules behind the back office's figures: ABC classes, stock cover and reorders, hours of
the week in the shop's time, comparisons with the previous period."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from bot.domain.analytics import (
    abc_classes,
    change_percent,
    class_bounds,
    class_counts,
    classed_top,
    cover,
    per_week,
    short_of_stock,
    totals,
)
from bot.domain.ports import DayTotal, ProductSales
from tests.support.factories import make_kg_product, make_product


def sale(sku: str, revenue: int, quantity: int = 1) -> ProductSales:
    return ProductSales(1, sku, sku.title(), "pc", Decimal(quantity), revenue)


def test_items_earning_the_first_80_percent_are_class_a_the_next_15_b_the_rest_c() -> None:
    classed = abc_classes([sale("D", 50), sale("A", 700), sale("C", 100), sale("B", 150)])
    assert [(c.sales.sku, c.klass) for c in classed] == [
        ("A", "A"),  # 0 % before it
        ("B", "A"),  # 70 % before it
        ("C", "B"),  # 85 %
        ("D", "C"),  # 95 %
    ]
    assert sum(c.share for c in classed) == 1


def test_stock_cover_and_what_to_order_for_two_weeks() -> None:
    rice = make_kg_product(sku="RICE", step=Decimal("0.5"), stock=Decimal(3))
    found = cover(rice, Decimal(30), 30)  # one a day
    assert found.days == Decimal("3.0")
    assert found.reorder == Decimal(11)  # 14 days' worth less the 3 on hand, in steps of 0.5
    unsold = cover(rice, Decimal(0), 30)
    assert unsold.days is None and unsold.reorder == 0
    plenty = cover(make_product(sku="TEA", stock=Decimal(100)), Decimal(30), 30)
    assert short_of_stock([plenty, found, unsold]) == [found]


def test_a_change_against_nothing_is_not_a_percentage() -> None:
    assert change_percent(150, 100) == Decimal("50.0")
    assert change_percent(0, 0) is None and change_percent(5, 0) is None
    assert totals([DayTotal(datetime(2026, 1, 1).date(), 3, 900)]).basket_minor == 300
    assert totals([]).basket_minor == 0


def test_the_pages_counts_and_top_classes_agree_with_classing_every_item() -> None:
    sales = [sale(f"I{n:02d}", revenue) for n, revenue in enumerate([5, 700, 40, 100, 150, 5])]
    every = abc_classes(sales)
    assert class_bounds(1000) == (800, 950)
    # 700 and 150 start below 800; 700, 150 and 100 below 950 (as the database counts them).
    assert (
        class_counts(6, (2, 3))
        == {k: sum(1 for c in every if c.klass == k) for k in "ABC"}
        == {"A": 2, "B": 1, "C": 3}
    )
    top = [c.sales for c in every[:3]]
    assert [c.klass for c in classed_top(top, 1000)] == [c.klass for c in every[:3]]


def test_each_week_of_the_period_is_set_against_the_same_days_of_the_previous_one() -> None:
    # Ten days from Wednesday 4 to Friday 13 November, against 25 October to 3 November.
    first, before = date(2026, 11, 4), date(2026, 10, 25)
    days = [DayTotal(first + timedelta(days=n), 1, 100 * (n + 1)) for n in range(10)]
    earlier = [DayTotal(before + timedelta(days=n), 2, 50) for n in range(10)]
    weeks = per_week(days, earlier)
    assert [(w.monday, w.first, w.last) for w in weeks] == [
        (date(2026, 11, 2), date(2026, 11, 4), date(2026, 11, 8)),  # Wednesday to Sunday
        (date(2026, 11, 9), date(2026, 11, 9), date(2026, 11, 13)),
    ]
    assert [(w.then_first, w.then_last) for w in weeks] == [
        (date(2026, 10, 25), date(2026, 10, 29)),  # the same five days, ten days earlier
        (date(2026, 10, 30), date(2026, 11, 3)),
    ]
    assert [(w.now.orders, w.now.revenue_minor, w.now.basket_minor) for w in weeks] == [
        (5, 1500, 300),
        (5, 4000, 800),
    ]
    assert [(w.then.orders, w.then.revenue_minor, w.then.basket_minor) for w in weeks] == [
        (10, 250, 25),
        (10, 250, 25),
    ]
