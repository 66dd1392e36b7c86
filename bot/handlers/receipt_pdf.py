"""A receipt drawn as a PDF with Pillow (already a dependency: no PDF library to add).

The page is an image of the receipt, like a till roll: the text on the left, amounts on the
right. DejaVu Sans (Debian's fonts-dejavu-core) covers Latin and Cyrillic; without it Pillow's
own font is used, which draws Latin only (a Russian or Ukrainian receipt then shows boxes for
its letters, and a warning is logged once): install fonts-dejavu-core on such a server.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

FONT_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
)
WIDTH = 1000  # pixels: about 17 cm at the resolution below
RESOLUTION = 150.0  # dots per inch, as the PDF says its image should be printed
MARGIN = 60
SIZE = 26
LEADING = 40

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a receipt: words on the left, an amount (maybe none) on the right."""

    text: str
    amount: str = ""
    bold: bool = False
    item: bool = False  # an item sold (the message shows it with a bullet)
    detail: bool = False  # a detail of the row above (quantity × price), indented


@functools.cache
def _font(bold: bool) -> Font:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_FOLDERS:
        if (folder / name).is_file():
            return ImageFont.truetype(str(folder / name), SIZE)
    log.warning("%s not found (install fonts-dejavu-core): receipts use Latin letters only", name)
    return ImageFont.load_default(size=SIZE)


def _fitted(draw: ImageDraw.ImageDraw, text: str, font: Font, room: float) -> str:
    """The text, shortened with "…" if it would run into the amount."""
    if draw.textlength(text, font=font) <= room:
        return text
    while text and draw.textlength(text + "…", font=font) > room:
        text = text[:-1]
    return text + "…"


def receipt_pdf(rows: Sequence[Row]) -> bytes:
    """The rows on one page (as long as the receipt), as PDF bytes."""
    height = 2 * MARGIN + LEADING * max(len(rows), 1)
    page = Image.new("L", (WIDTH, height), 255)
    draw = ImageDraw.Draw(page)
    y = MARGIN
    for row in rows:
        font = _font(row.bold)
        left = MARGIN + (30 if row.detail else 0)
        amount_room = draw.textlength(row.amount, font=font) + 20 if row.amount else 0
        text = _fitted(draw, row.text, font, WIDTH - MARGIN - left - amount_room)
        draw.text((left, y), text, 0, font)
        if row.amount:
            draw.text((WIDTH - MARGIN, y), row.amount, 0, font, anchor="ra")
        y += LEADING
    out = io.BytesIO()
    page.save(out, "PDF", resolution=RESOLUTION)
    return out.getvalue()
