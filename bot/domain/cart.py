"""A customer's cart: one per customer, kept in the database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class CartLine:
    product_id: int
    quantity: Decimal
    # The unit price the customer saw when adding; checkout compares it with today's.
    seen_price_minor: int
