"""Charts drawn on the server as SVG: nothing loaded from elsewhere, and each one readable
without seeing it (a title, a description, and every bar or cell named with its figure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from bot.domain.analytics import HourOfWeek, busiest, log_scale

WIDTH, HEIGHT, MARGIN = 720, 220, 28


def bars(
    title: str,
    description: str,
    points: Sequence[tuple[str, int]],
    *,
    earlier: Sequence[int] = (),
    shown: Callable[[int], str],
    earlier_label: str = "",
) -> Markup:
    """One bar per point (a day), and the previous period as a line over them."""
    top = max([v for _label, v in points] + list(earlier) + [1])
    step = (WIDTH - 2 * MARGIN) / max(len(points), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
        f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - MARGIN}" '
        f'y2="{HEIGHT - MARGIN}" class="axis"/>',
    ]
    usable = HEIGHT - 2 * MARGIN
    for n, (label, value) in enumerate(points):
        height = usable * value / top
        x = MARGIN + n * step + step * 0.15
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{HEIGHT - MARGIN - height:.1f}" '
            f'width="{step * 0.7:.1f}" height="{height:.1f}">'
            f"<title>{escape(label)}: {escape(shown(value))}</title></rect>"
        )
        if n % max(1, len(points) // 8) == 0:
            parts.append(f'<text class="tick" x="{x:.1f}" y="{HEIGHT - 8}">{escape(label)}</text>')
    if earlier:
        line = " ".join(
            f"{MARGIN + n * step + step / 2:.1f},{HEIGHT - MARGIN - usable * v / top:.1f}"
            for n, v in enumerate(earlier)
        )
        parts.append(
            f'<polyline class="earlier" points="{line}"><title>{escape(earlier_label)}</title>'
            "</polyline>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it is escaped above


def heat_map(
    title: str,
    description: str,
    grid: Sequence[Sequence[HourOfWeek]],
    day_names: Sequence[str],
    shown: Callable[[HourOfWeek], str],
) -> Markup:
    """7 rows (days) × 24 columns (hours); the darker, the more orders."""
    cell, left, head = 26, 44, 18
    width, height = left + 24 * cell, head + 7 * cell
    top = busiest(grid)
    parts = [
        f'<svg class="heat" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="heat-title heat-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="heat-title">{escape(title)}</title>',
        f'<desc id="heat-desc">{escape(description)}</desc>',
    ]
    for hour in range(0, 24, 3):
        parts.append(f'<text class="tick" x="{left + hour * cell + 2}" y="12">{hour:02d}</text>')
    for day, row in enumerate(grid):
        y = head + day * cell
        parts.append(f'<text class="tick" x="0" y="{y + 17}">{escape(day_names[day])}</text>')
        for slot in row:
            shade = log_scale(slot.orders, top)
            parts.append(
                f'<rect x="{left + slot.hour * cell}" y="{y}" width="{cell - 2}" '
                f'height="{cell - 2}" class="cell" fill-opacity="{0.06 + 0.94 * shade:.2f}">'
                f"<title>{escape(day_names[day])} {slot.hour:02d}:00: {escape(shown(slot))}"
                "</title></rect>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it is escaped above
