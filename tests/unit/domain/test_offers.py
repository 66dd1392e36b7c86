"""An item's price at a moment: its list price, or the lowest offer running then; and what a
manager types to set an offer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.money import Currency
from bot.domain.offers import Offer, boundaries, price_at, priced, read_offer
from tests.support.factories import make_product

NOON = datetime(2026, 12, 10, 11, 0, tzinfo=UTC)  # 12:00 in Paris
PARIS = ZoneInfo("Europe/Paris")
EUR = Currency("EUR")


def offer(
    *,
    product_id: int | None = None,
    category: str | None = None,
    percent: str | None = None,
    price_minor: int | None = None,
    starts: timedelta = timedelta(hours=-1),
    ends: timedelta = timedelta(hours=1),
) -> Offer:
    return Offer(
        product_id,
        category,
        Decimal(percent) if percent is not None else None,
        price_minor,
        NOON + starts,
        NOON + ends,
        id=1,
    )


def test_an_item_without_an_offer_costs_its_list_price() -> None:
    lemons = make_product(id=7, price_minor=400)
    assert price_at(lemons, [], NOON) is None
    assert priced([lemons], [], NOON)[0].price_now_minor == 400


def test_a_percentage_off_is_rounded_half_up_to_the_cent() -> None:
    lemons = make_product(id=7, price_minor=455)
    found = price_at(lemons, [offer(product_id=7, percent="30")], NOON)
    assert found is not None
    assert (found.price_minor, found.percent_off) == (319, 30)  # 318.5 rounds up


def test_the_lowest_of_the_item_and_its_category_offers_wins() -> None:
    bread = make_product(id=3, category="Bakery", price_minor=300)
    offers = [offer(category="Bakery", percent="50"), offer(product_id=3, price_minor=200)]
    found = price_at(bread, offers, NOON)
    assert found is not None and found.price_minor == 150


def test_an_offer_never_raises_a_price() -> None:
    bread = make_product(id=3, price_minor=300)
    assert price_at(bread, [offer(product_id=3, price_minor=350)], NOON) is None


def test_an_offer_runs_from_its_start_until_just_before_its_end() -> None:
    bread = make_product(id=3, price_minor=300)
    later = offer(product_id=3, percent="10", starts=timedelta(minutes=5), ends=timedelta(hours=1))
    assert price_at(bread, [later], NOON) is None
    assert price_at(bread, [later], NOON + timedelta(minutes=5)) is not None
    assert price_at(bread, [later], NOON + timedelta(hours=1)) is None


def test_an_offer_for_another_item_or_category_leaves_the_price_alone() -> None:
    bread = make_product(id=3, category="Bakery", price_minor=300)
    offers = [offer(product_id=4, percent="50"), offer(category="Dairy", percent="50")]
    assert price_at(bread, offers, NOON) is None


def test_prices_change_only_at_an_offers_start_or_end() -> None:
    one = offer(product_id=3, percent="10", starts=timedelta(0), ends=timedelta(hours=2))
    two = offer(product_id=4, percent="10", starts=timedelta(hours=1), ends=timedelta(hours=2))
    assert boundaries([one, two]) == [NOON, NOON + timedelta(hours=1), NOON + timedelta(hours=2)]


@pytest.mark.parametrize(
    ("fields", "refusal"),
    [
        ({"percent": "0"}, "A percentage off goes from 1 to 99."),
        ({"percent": "100"}, "A percentage off goes from 1 to 99."),
        ({"percent": "0.5"}, "A percentage off goes from 1 to 99."),
        ({"percent": "12.345"}, "A percentage off goes from 1 to 99."),
        ({"percent": "10", "price_minor": 100}, "Give a percentage off or a new price."),
        ({}, "Give a percentage off or a new price."),
        ({"percent": "10", "ends": timedelta(hours=-2)}, "An offer must end after it starts."),
        ({"percent": "10", "ends": timedelta(days=400)}, "An offer runs for a year at most"),
    ],
)
def test_an_offer_that_makes_no_sense_is_refused(fields: dict[str, object], refusal: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        offer(product_id=1, **fields)  # type: ignore[arg-type]
    assert str(refused.value).startswith(refusal)


def test_an_offer_is_for_one_item_or_one_category() -> None:
    with pytest.raises(InvalidInput, match="one item or one category"):
        offer(product_id=1, category="Bakery", percent="10")


# ------------------------------------------------------------------ /offer as typed


def test_a_time_alone_is_today_in_the_shops_time_while_it_is_still_to_come() -> None:
    terms = read_offer("LEMON 30% until 20:00", EUR, NOON, PARIS)
    assert (terms.target, terms.is_category) == ("LEMON", False)
    assert (terms.percent, terms.price_minor) == (Decimal(30), None)
    assert terms.starts_at == NOON
    assert terms.ends_at == datetime(2026, 12, 10, 19, 0, tzinfo=UTC)


def test_a_time_already_past_today_is_tomorrows() -> None:
    terms = read_offer("LEMON 30% until 9:30", EUR, NOON, PARIS)
    assert terms.ends_at == datetime(2026, 12, 11, 8, 30, tzinfo=UTC)


def test_a_new_price_from_a_start_until_an_end_on_a_date() -> None:
    terms = read_offer("LEMON 2,50 from 18:00 until 2026-12-12 20:00", EUR, NOON, PARIS)
    assert (terms.percent, terms.price_minor) == (None, 250)
    assert terms.starts_at == datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
    assert terms.ends_at == datetime(2026, 12, 12, 19, 0, tzinfo=UTC)


def test_an_end_typed_before_the_start_is_read_either_way() -> None:
    terms = read_offer("LEMON 10% until tomorrow 20:00 from 18:00", EUR, NOON, PARIS)
    assert terms.starts_at == datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
    assert terms.ends_at == datetime(2026, 12, 11, 19, 0, tzinfo=UTC)


def test_a_category_of_several_words() -> None:
    terms = read_offer("category Fruit & Veg 50% until 21:00", EUR, NOON, PARIS)
    assert (terms.target, terms.is_category, terms.percent) == ("Fruit & Veg", True, Decimal(50))


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        ("LEMON 30%", "Say when the offer ends"),
        ("30% until 20:00", "Write it like /offer LEMON 30% {until} 20:00"),
        ("LEMON 130% until 20:00", "A percentage off goes from 1 to 99."),
        ("LEMON 12.345% until 20:00", "A percentage off goes from 1 to 99."),
        ("LEMON 30% until 25:00", "Write a time like 20:00"),
        ("LEMON 30% until 20:75", "“{text}” is not a time."),
        ("LEMON 30% until 2026-02-30 10:00", "“{text}” is not a date."),
        ("LEMON 30% until soon", "Write a time like 20:00"),
        ("LEMON cheap until 20:00", "Write it like /offer LEMON 30% {until} 20:00"),
        ("LEMON 2,4x until 20:00", "“{text}” is not a price"),
    ],
)
def test_what_cannot_be_read_says_how_to_write_it(typed: str, refusal: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_offer(typed, EUR, NOON, PARIS)
    assert refused.value.words.template.startswith(refusal)


@pytest.mark.parametrize(
    "typed",
    [
        "CITRON 30% jusqu'à demain 20:00",
        "CITRON 30 % jusqua demain 20:00",
        "ZITRONE 30% bis morgen 20:00",
        "LIMÓN 30% hasta mañana 20:00",
        "ЛИМОН 30% до завтра 20:00",
    ],
)
def test_the_words_of_every_shipped_language_are_understood(typed: str) -> None:
    terms = read_offer(typed, EUR, NOON, PARIS)
    assert terms.percent == Decimal(30)
    assert terms.ends_at == datetime(2026, 12, 11, 19, 0, tzinfo=UTC)


def test_a_category_whose_name_holds_until_or_from_is_read_whole() -> None:
    terms = read_offer("category Cakes from Spain 20% from 18:00 until 21:00", EUR, NOON, PARIS)
    assert (terms.target, terms.percent) == ("Cakes from Spain", Decimal(20))
    assert terms.starts_at == datetime(2026, 12, 10, 17, 0, tzinfo=UTC)
