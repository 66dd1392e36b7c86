"""Uploaded photos, made into what Telegram and a phone show well: a JPEG of at most 2560
pixels a side, turned as the camera held it, without the camera's metadata (a phone photo's
EXIF can hold where it was taken)."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from bot.domain.errors import InvalidInput
from bot.domain.text import said

MAX_SIDE = 2560
# A phone's photo is 12–50 million pixels; past this, decoding alone would take gigabytes.
MAX_PIXELS = 60_000_000
TOO_BIG = said("“{name}” has too many pixels: send a photo of at most 60 megapixels.")
NOT_A_PHOTO = said("“{name}” is not a photo: upload a JPEG, PNG or WebP image.")


def as_jpeg(data: bytes, name: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # a truncated or forged file is refused here
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG", "WEBP"):
                raise InvalidInput(NOT_A_PHOTO, name=name[:80])
            if image.width * image.height > MAX_PIXELS:  # known before any pixel is decoded
                raise InvalidInput(TOO_BIG, name=name[:80])
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # a JPEG decodes at the size wanted
            upright = ImageOps.exif_transpose(image) or image
            picture = upright.convert("RGB")
            picture.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            picture.save(out, "JPEG", quality=85, optimize=True)  # no EXIF written
            return out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput(NOT_A_PHOTO, name=name[:80]) from None
