"""Uploaded photos become modest JPEGs; what is not a photo, or would take gigabytes to
decode, is refused before it is decoded."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.backoffice.images import MAX_SIDE, as_jpeg
from bot.domain.errors import InvalidInput


def png(size: tuple[int, int], mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def test_a_large_photo_becomes_a_jpeg_at_most_2560_pixels_a_side() -> None:
    jpeg = Image.open(io.BytesIO(as_jpeg(png((4000, 3000)), "big.png")))
    assert jpeg.format == "JPEG" and max(jpeg.size) == MAX_SIDE


def test_a_photo_of_too_many_pixels_is_refused_before_it_is_decoded() -> None:
    tiny_file = png((8_000, 8_000), mode="1")  # 64 megapixels in a few kB
    assert len(tiny_file) < 100_000
    with pytest.raises(InvalidInput, match="too many pixels"):
        as_jpeg(tiny_file, "bomb.png")


@pytest.mark.parametrize("data", [b"hello", b"\x89PNG\r\n\x1a\nbroken", b""])
def test_what_is_not_a_photo_is_said_so(data: bytes) -> None:
    with pytest.raises(InvalidInput, match="is not a photo"):
        as_jpeg(data, "x.png")
