"""Category names can be long: buttons carry a short, stable digest of the name instead."""

from __future__ import annotations

import hashlib


def category_key(category: str) -> str:
    return hashlib.sha256(category.encode()).hexdigest()[:10]
