"""A realistic small grocery, for trying the bot and for the playground."""

from __future__ import annotations

import random
from decimal import Decimal

from bot.domain.catalogue import Product, Unit
from bot.domain.services.catalogue import ImportRow

PC, KG = Unit.PIECE, Unit.KILOGRAM
# sku, name, category, unit, step, price (minor units), stock, threshold or None
_ITEMS: list[tuple[str, str, str, Unit, str, int, str, str | None]] = [
    ("APPLE-GALA", "Gala apples", "Fruit & Veg", KG, "0.25", 329, "18", "4"),
    ("BANANA", "Bananas", "Fruit & Veg", KG, "0.25", 189, "12.5", "3"),
    ("TOMATO-VINE", "Vine tomatoes", "Fruit & Veg", KG, "0.25", 449, "6", "2"),
    ("POTATO", "Potatoes", "Fruit & Veg", KG, "0.5", 149, "40", "10"),
    ("ONION-RED", "Red onions", "Fruit & Veg", KG, "0.25", 219, "8", "2"),
    ("CARROT", "Carrots", "Fruit & Veg", KG, "0.25", 129, "15", "3"),
    ("LEMON", "Lemons", "Fruit & Veg", PC, "1", 45, "60", "12"),
    ("AVOCADO", "Avocado, ripe", "Fruit & Veg", PC, "1", 129, "3", "6"),
    ("MILK-1L", "Whole milk 1 l", "Dairy & Eggs", PC, "1", 119, "24", "8"),
    ("MILK-SKIM", "Skimmed milk 1 l", "Dairy & Eggs", PC, "1", 109, "10", "6"),
    ("EGGS-6", "Free-range eggs ×6", "Dairy & Eggs", PC, "1", 289, "20", "6"),
    ("BUTTER-250", "Butter 250 g", "Dairy & Eggs", PC, "1", 259, "14", "5"),
    ("YOGHURT-GR", "Greek yoghurt 500 g", "Dairy & Eggs", PC, "1", 299, "0", "4"),
    ("CREME-FR", "Crème fraîche 200 ml", "Dairy & Eggs", PC, "1", 169, "9", None),
    ("COMTE", "Comté 18 months", "Dairy & Eggs", KG, "0.1", 2890, "2.4", "0.5"),
    ("BAGUETTE", "Baguette", "Bakery", PC, "1", 129, "30", "10"),
    ("SOURDOUGH", "Sourdough loaf", "Bakery", PC, "1", 449, "6", "3"),
    ("CROISSANT", "Butter croissant", "Bakery", PC, "1", 119, "18", "6"),
    ("RYE-BREAD", "Rye bread", "Bakery", PC, "1", 389, "2", "3"),
    ("RICE-1KG", "Basmati rice 1 kg", "Pantry", PC, "1", 349, "25", "6"),
    ("PASTA-500", "Spaghetti 500 g", "Pantry", PC, "1", 159, "40", "10"),
    ("FLOUR-1KG", "Plain flour 1 kg", "Pantry", PC, "1", 129, "16", "5"),
    ("OLIVE-OIL", "Extra virgin olive oil 750 ml", "Pantry", PC, "1", 899, "11", "4"),
    ("TOMATO-TIN", "Chopped tomatoes 400 g", "Pantry", PC, "1", 89, "48", "12"),
    ("LENTILS", "Red lentils (loose)", "Pantry", KG, "0.1", 399, "7.5", "2"),
    ("HONEY", "Wildflower honey 340 g", "Pantry", PC, "1", 649, "8", None),
    ("SALT-SEA", "Sea salt 250 g", "Pantry", PC, "1", 199, "22", "5"),
    ("COFFEE-BEAN", "Coffee beans 250 g", "Drinks", PC, "1", 749, "13", "4"),
    ("TEA-EARL", "Earl Grey tea ×40", "Drinks", PC, "1", 429, "9", "3"),
    ("WATER-6", "Still water 6×1.5 l", "Drinks", PC, "1", 299, "20", "6"),
    ("OJ-1L", "Orange juice 1 l", "Drinks", PC, "1", 279, "12", "4"),
    ("BEER-IPA", "Craft IPA 330 ml", "Drinks", PC, "1", 249, "36", "12"),
    ("WINE-RED", "Côtes du Rhône 75 cl 🍷", "Drinks", PC, "1", 1099, "10", "3"),
    ("CHOC-DARK", "Dark chocolate 70% 100 g", "Snacks", PC, "1", 229, "25", "6"),
    ("CRISPS", "Sea salt crisps 150 g", "Snacks", PC, "1", 189, "18", "6"),
    ("NUTS-MIX", "Mixed nuts (loose)", "Snacks", KG, "0.1", 1890, "3.2", "1"),
    ("SOAP-BAR", "Olive oil soap", "Household", PC, "1", 349, "12", "3"),
    ("DISH-LIQ", "Washing-up liquid 500 ml", "Household", PC, "1", 199, "15", "4"),
    ("TOILET-9", "Toilet roll ×9", "Household", PC, "1", 549, "10", "4"),
    ("BIN-BAGS", "Bin bags ×20", "Household", PC, "1", 279, "1", "3"),
]


def demo_rows() -> list[ImportRow]:
    return [
        ImportRow(
            n,
            Product(
                sku=sku,
                name=name,
                category=category,
                unit=unit,
                step=Decimal(step),
                price_minor=price,
                low_stock_threshold=Decimal(t) if t is not None else None,
            ),
            Decimal(stock),
        )
        for n, (sku, name, category, unit, step, price, stock, t) in enumerate(_ITEMS, start=1)
    ]


# A supermarket's worth of items, made up from these words (for `demo-data --items N` and
# the benchmarks): every item has a unique SKU and a name people would search for.
_AISLES: dict[str, list[str]] = {
    "Fruit & Veg": ["apples", "pears", "tomatoes", "carrots", "onions", "lettuce", "peppers"],
    "Dairy & Eggs": ["milk", "yoghurt", "butter", "cheese", "cream", "eggs", "kefir"],
    "Bakery": ["bread", "baguette", "croissants", "muffins", "bagels", "rolls", "brioche"],
    "Pantry": ["rice", "pasta", "flour", "lentils", "beans", "oats", "couscous", "sugar"],
    "Drinks": ["coffee", "tea", "juice", "water", "lemonade", "cola", "cider", "beer"],
    "Snacks": ["crisps", "chocolate", "biscuits", "nuts", "popcorn", "crackers", "pretzels"],
    "Household": ["soap", "detergent", "sponges", "bin bags", "candles", "napkins"],
    "Frozen": ["peas", "pizza", "ice cream", "chips", "spinach", "berries", "fish fingers"],
    "Meat & Fish": ["chicken", "beef mince", "salmon", "sausages", "ham", "tuna", "bacon"],
    "Baby & Care": ["shampoo", "toothpaste", "nappies", "wipes", "lotion", "deodorant"],
}
_KINDS = [
    "organic",
    "classic",
    "wholegrain",
    "smoked",
    "spicy",
    "sweet",
    "salted",
    "fresh",
    "creamy",
    "light",
    "extra",
    "mild",
    "strong",
    "family",
    "premium",
    "local",
    "golden",
    "green",
    "red",
    "wild",
    "honey",
    "lemon",
    "vanilla",
    "garlic",
    "herb",
    "sea salt",
]
_BRANDS = [
    "Alba",
    "Borea",
    "Casa Nova",
    "Dorset",
    "Elmwood",
    "Fjord",
    "Granja",
    "Hollis",
    "Isola",
    "Juniper",
    "Kestrel",
    "Lindholm",
    "Maris",
    "Northway",
    "Orchard",
    "Pemberton",
    "Quayside",
    "Rivera",
    "Solano",
    "Thornbury",
]
_SIZES = ["250 g", "500 g", "1 kg", "330 ml", "1 l", "×6", "×12", "400 g", "750 ml", "2 kg"]


def generated_rows(count: int, *, seed: int = 7) -> list[ImportRow]:
    """`count` made-up items across ten aisles, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 -- made-up demo data, nothing secret
    aisles = list(_AISLES.items())
    rows: list[ImportRow] = []
    for n in range(1, count + 1):
        category, nouns = aisles[n % len(aisles)]
        noun = rng.choice(nouns)
        name = f"{rng.choice(_BRANDS)} {rng.choice(_KINDS)} {noun} {rng.choice(_SIZES)}"
        by_weight = category == "Fruit & Veg" and n % 3 == 0
        rows.append(
            ImportRow(
                n,
                Product(
                    sku=f"GEN-{n:06d}",
                    name=name,
                    category=category,
                    unit=KG if by_weight else PC,
                    step=Decimal("0.25") if by_weight else Decimal(1),
                    price_minor=rng.randrange(49, 2999),
                    low_stock_threshold=Decimal(rng.choice((2, 4, 6))) if n % 4 else None,
                ),
                Decimal(rng.randrange(0, 80)),
            )
        )
    return rows
