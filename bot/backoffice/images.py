"""Uploaded photos, made into what Telegram and a phone show well: a JPEG of at most 2560
pixels a side, turned as the camera held it, without the camera's metadata (a phone photo's
EXIF can hold where it was taken)."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from bot.domain.errors import InvalidInput
from bot.domain.text import said

MAX_SIDE = 2560
NOT_A_PHOTO = said("“{name}” is not a photo: upload a JPEG, PNG or WebP image.")


def as_jpeg(data: bytes, name: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # a truncated or forged file is refused here
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "PNG", "WEBP"):
                raise InvalidInput(NOT_A_PHOTO, name=name[:80])
            upright = ImageOps.exif_transpose(image) or image
            picture = upright.convert("RGB")
            picture.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            picture.save(out, "JPEG", quality=85, optimize=True)  # no EXIF written
            return out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput(NOT_A_PHOTO, name=name[:80]) from None
