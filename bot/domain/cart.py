"""A customer's cart: one per customer, kept in the database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.domain.catalogue import Product
from bot.domain.errors import TooMuchForOneOrder
from bot.domain.text import Amount

# The most of one item one order may hold, counted in the item's steps (SHOPKEEPS_MAX_PER_ITEM).
DEFAULT_MAX_PER_ITEM = 20


@dataclass(frozen=True, slots=True)
class CartLine:
    product_id: int
    quantity: Decimal
    # The unit price the customer saw when adding; checkout compares it with today's.
    seen_price_minor: int


def most_per_order(product: Product, max_per_item: int) -> Decimal:
    """The most of one item a single order may hold, so that no one customer can hold (or
    hoard) a shelf: `max_per_item` steps of it, never more than half of the whole steps on
    hand (rounded up), and never less than one step.

    Steps, not units: a step is what one ➕ adds (1 pc, a 0.25 kg portion, a 100 g bag), so
    "20" means twenty portions of anything; twenty of the unit would be 20 g of saffron
    sold by the 100 g, or 20 kg of apples sold by the 0.25 kg.

    Half of what is on hand: while two steps or more are left, one customer can never take
    them all, so the next one still finds some (10 left: at most 5 each; 3 left: 2; 2 left:
    1). Rounded up, and at least one step, so the last step still sells, and a customer
    who wants one of anything the store has can always have it. It is worked out on the
    stock as it is when the line is set, and again when the order is confirmed.
    """
    steps_on_hand = max(product.stock // product.step, Decimal(0))
    share = (steps_on_hand + 1) // 2
    steps = max(min(Decimal(max_per_item), share), Decimal(1))
    return steps * product.step


def over_the_limit(product: Product, most: Decimal) -> TooMuchForOneOrder:
    """What a customer who asked for more than `most` of this item is told."""
    return TooMuchForOneOrder(product.name, Amount(most, product.unit.value))
