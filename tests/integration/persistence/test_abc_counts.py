"""The ABC classes' counts are worked out in the database (bot.persistence.repositories.
ranking.starting_below): they are those of classing every item one by one, items of one
revenue split between two classes included (both databases)."""

from __future__ import annotations

import random
from decimal import Decimal

from sqlalchemy import delete, insert

from bot.domain.analytics import abc_classes, class_bounds, class_counts
from bot.domain.ports import ProductSales
from bot.persistence.repositories.ranking import starting_below
from bot.persistence.repositories.sales_windows import ITEMS
from bot.persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.support.databases import UowFactory


def test_items_of_one_revenue_can_fall_in_two_classes_as_when_classed_one_by_one(
    new_uow: UowFactory,
) -> None:
    randomly = random.Random(26)
    for _ in range(60):
        earned = [
            randomly.choice([0, 1, 2, 5, 5, 10, 30, 100]) for _ in range(randomly.randint(1, 40))
        ]
        one = Decimal(1)
        every = abc_classes(
            [ProductSales(n, f"I{n:02d}", "x", "pc", one, r) for n, r in enumerate(earned)]
        )
        with new_uow() as uow:
            assert isinstance(uow, SqlAlchemyUnitOfWork)
            connection = uow.session.connection()
            connection.execute(delete(ITEMS))
            rows = [
                {"days": 7, "product_id": n, "quantity": one, "revenue": r}
                for n, r in enumerate(earned)
            ]
            connection.execute(insert(ITEMS), rows)
            below = starting_below(
                connection, ITEMS, (ITEMS.c.days == 7,), class_bounds(sum(earned))
            )
        assert class_counts(len(earned), below) == {
            k: sum(1 for c in every if c.klass == k) for k in "ABC"
        }, earned
