"""The /report chart: one bar per day, as tall as its revenue, on a round scale."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.handlers.revenue_chart import (
    BAR,
    BOTTOM,
    HEIGHT,
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    bar_chart,
    nice_step,
)


@pytest.mark.parametrize(
    ("top", "step"),
    [(1, 0.2), (7, 2), (95, 20), (1000, 200), (123_456, 25_000), (0.03, 0.01)],
)
def test_the_scale_steps_are_round_numbers(top: float, step: float) -> None:
    assert nice_step(top) == pytest.approx(step)


def bar_heights(png: bytes, days: int) -> list[int]:
    """How many pixels of bar colour each day's column holds, measured in its middle."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    slot = (WIDTH - RIGHT - LEFT) / days
    columns = [round(LEFT + (n + 0.5) * slot) for n in range(days)]
    return [
        sum(1 for y in range(TOP, HEIGHT - BOTTOM + 1) if image.getpixel((x, y)) == BAR)
        for x in columns
    ]


def test_each_day_has_a_bar_as_tall_as_its_revenue() -> None:
    heights = bar_heights(bar_chart(["a", "b", "c", "d"], [800, 0, 400, 200]), 4)
    assert heights[1] == 0  # no sales, no bar
    assert (
        heights[0] == pytest.approx(2 * heights[2], abs=2) == pytest.approx(4 * heights[3], abs=4)
    )


def test_a_year_of_days_fits_one_chart() -> None:
    heights = bar_heights(bar_chart(["x"] * 365, [100.0] * 365), 365)
    assert len(set(heights)) == 1 and heights[0] > 0
