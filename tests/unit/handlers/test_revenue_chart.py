"""The /report chart: one bar per day, as tall as its revenue, on a round scale."""

from __future__ import annotations

import io
import itertools

import pytest
from PIL import Image

from bot.handlers.revenue_chart import (
    BAR,
    BOTTOM,
    FONT_SIZE,
    HEIGHT,
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    bar_chart,
    chart_font,
    label_slots,
    nice_step,
)


@pytest.mark.parametrize(
    ("top", "step"),
    [(1, 0.25), (7, 2), (95, 25), (1000, 250), (123_456, 50_000), (0.03, 0.01)],
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


def day_labels(days: int) -> list[str]:
    return [f"{n % 28 + 1:02d}/{n // 28 % 12 + 1:02d}" for n in range(days)]


@pytest.mark.parametrize("days", [1, 7, 31])
def test_one_day_a_week_and_a_month_each_draw_a_bar_per_day_with_sales(days: int) -> None:
    values = [float(n % 5) for n in range(1, days + 1)]
    heights = bar_heights(bar_chart(day_labels(days), values), days)
    assert [h > 0 for h in heights] == [v > 0 for v in values]


def test_the_image_is_sized_for_a_phone_with_large_text() -> None:
    assert WIDTH <= 800 and HEIGHT >= 0.8 * WIDTH  # shown about 330 points wide in a chat
    assert FONT_SIZE * 330 / WIDTH >= 13  # points, once shrunk to the chat's width


@pytest.mark.parametrize("days", [1, 2, 7, 14, 31, 90, 366])
def test_date_labels_never_overlap_and_stay_in_the_image(days: int) -> None:
    labels = day_labels(days)
    plot = WIDTH - LEFT - RIGHT
    shown = label_slots(labels, plot)
    assert shown[0] == 0 and 2 <= len(shown) <= 8 if days > 1 else shown == [0]
    font, slot = chart_font(), plot / days
    boxes = []
    for n in shown:
        centre, half = LEFT + (n + 0.5) * slot, font.getlength(labels[n]) / 2
        boxes.append((centre - half, centre + half))
    assert all(right < next_left for (_, right), (next_left, _) in itertools.pairwise(boxes))
    assert boxes[0][0] >= 0 and boxes[-1][1] <= WIDTH
