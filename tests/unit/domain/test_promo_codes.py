"""Promo codes: what one takes off, why one does not apply, what a manager types, and the VAT
of an order that used one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.money import Currency
from bot.domain.promo_codes import (
    Discount,
    PromoCode,
    PromoRefused,
    UnknownPromoCode,
    normalise_code,
    read_promo,
)
from bot.domain.receipts import less_discount

NOON = datetime(2026, 12, 10, 11, 0, tzinfo=UTC)  # 12:00 in Paris
PARIS = ZoneInfo("Europe/Paris")
EUR = Currency("EUR")


def ten_percent(**fields: object) -> PromoCode:
    return PromoCode("SPRING-10", Discount(Decimal(10), None), **fields)  # type: ignore[arg-type]


def refusal(promo: PromoCode, items_minor: int = 3000, used_by_them: int = 0) -> str:
    with pytest.raises(PromoRefused) as refused:
        promo.check(NOON, items_minor, EUR, used_by_them)
    return str(refused.value)


def test_a_percentage_takes_its_share_of_the_items_rounded_half_up() -> None:
    assert Discount(Decimal(10), None).off(1525) == 153
    assert Discount(Decimal("12.5"), None).off(1000) == 125


def test_an_amount_off_never_takes_more_than_the_items_cost() -> None:
    assert Discount(None, 500).off(2000) == 500
    assert Discount(None, 500).off(320) == 320  # picked lighter than the amount


def test_a_code_applies_within_its_dates_uses_and_minimum() -> None:
    ten_percent(
        min_basket_minor=2000,
        starts_at=NOON - timedelta(days=1),
        ends_at=NOON + timedelta(days=1),
        max_uses=10,
        used=9,
        per_customer=2,
    ).check(NOON, 2000, EUR, used_by_them=1)


def test_a_code_that_does_not_apply_says_why() -> None:
    assert refusal(ten_percent(ends_at=NOON)) == "Promo code SPRING-10 has expired."
    assert refusal(ten_percent(ended_at=NOON - timedelta(hours=1))) == (
        "Promo code SPRING-10 has expired."
    )
    assert refusal(ten_percent(starts_at=NOON + timedelta(hours=1))) == (
        "Promo code SPRING-10 is not valid yet."
    )
    assert refusal(ten_percent(max_uses=5, used=5)) == "Promo code SPRING-10 has been used up."
    assert refusal(ten_percent(), used_by_them=1) == "You have already used promo code SPRING-10."
    assert refusal(ten_percent(min_basket_minor=2000), items_minor=1450) == (
        "Promo code SPRING-10 is for baskets of 20.00 EUR or more: add 5.50 EUR."
    )


def test_an_amount_off_needs_a_minimum_above_it_so_no_order_is_free() -> None:
    with pytest.raises(InvalidInput, match="minimum basket above it"):
        PromoCode("WELCOME", Discount(None, 500), min_basket_minor=500)
    PromoCode("WELCOME", Discount(None, 500), min_basket_minor=501)


@pytest.mark.parametrize(
    "code", ["AB", "SPRING 10", "-SPRING", "SPRING-", "X" * 25, "<b>HI</b>", "ÉTÉ"]
)
def test_a_code_is_letters_and_digits_with_a_dash_or_underscore_inside(code: str) -> None:
    with pytest.raises(InvalidInput, match="3 to 24 letters and digits"):
        ten_percent().__class__(code, Discount(Decimal(10), None))


def test_what_a_customer_types_is_read_in_any_case_and_width() -> None:
    assert normalise_code("  spring-10 ") == "SPRING-10"
    assert normalise_code("ＳＰＲＩＮＧ") == "SPRING"  # full-width letters, as some keyboards type


def test_an_unknown_code_is_named_only_when_it_looks_like_one() -> None:
    assert str(UnknownPromoCode("NOPE")) == (
        "There is no promo code NOPE. Please check how it is written."
    )
    assert "like SPRING-10" in str(UnknownPromoCode("<script>"))
    assert "<script>" not in str(UnknownPromoCode("<script>"))


def test_a_manager_types_a_percentage_a_minimum_an_end_and_uses() -> None:
    promo = read_promo("spring-10 10% min 20 until 2026-12-31 uses 100 each 2", EUR, NOON, PARIS)
    assert promo.code == "SPRING-10"
    assert promo.discount == Discount(Decimal(10), None)
    assert promo.min_basket_minor == 2000
    assert promo.starts_at is None
    # "until" a day: through that day, in the shop's time.
    assert promo.ends_at == datetime(2027, 1, 1, tzinfo=PARIS).astimezone(UTC)
    assert (promo.max_uses, promo.per_customer) == (100, 2)


def test_a_manager_may_type_the_words_in_their_own_language() -> None:
    promo = read_promo("WELCOME 5,00 mindestens 25 ab morgen 08:00 je 1", EUR, NOON, PARIS)
    assert promo.discount == Discount(None, 500)
    assert promo.min_basket_minor == 2500
    assert promo.starts_at == datetime(2026, 12, 11, 8, 0, tzinfo=PARIS).astimezone(UTC)
    assert (promo.ends_at, promo.max_uses, promo.per_customer) == (None, None, 1)


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("SPRING", "Write it like /promo SPRING-10 10%"),
        ("SPRING until 20:00", "Say how much it takes off"),
        ("SPRING 150%", "A percentage off goes from 1 to 99."),
        ("SPRING 10% uses 0", "Uses go from 1 to 1000000."),
        ("SPRING 10% uses many", "Uses go from 1 to 1000000."),
        ("SPRING 10% until 2026-12-01", "That end has passed already."),
        ("SPRING 10% whenever", "Write it like /promo SPRING-10 10%"),
        ("SPRING 10% from 2026-12-20 until 2026-12-19", "must end after it starts"),
    ],
)
def test_what_a_manager_mistypes_is_refused_with_how_to_write_it(typed: str, said: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_promo(typed, EUR, NOON, PARIS)
    assert said in str(refused.value)


def test_the_vat_is_on_what_was_paid_after_the_discount_shared_by_line() -> None:
    full, reduced = Decimal(20), Decimal("5.5")
    # 301 of 3001: 100.3, 200.6 and 0.1 of it; the cent left goes to the largest part left.
    shared = less_discount([(full, 1000), (reduced, 2000), (full, 1)], 301)
    assert shared == [(full, 900), (reduced, 1799), (full, 1)]
    assert sum(amount for _rate, amount in shared) == 3001 - 301
    assert less_discount([(full, 999)], 0) == [(full, 999)]


def test_an_amount_off_follows_the_items_once_they_are_picked_lighter() -> None:
    five_off = Discount(None, 500)
    assert five_off.off(1000, placed_items_minor=2000) == 250  # half the items: half off
    assert five_off.off(0, placed_items_minor=2000) == 0  # every line missing
    assert five_off.off(2600, placed_items_minor=2000) == 500  # picked heavier: as given
    ten_percent_off = Discount(Decimal(10), None)
    assert ten_percent_off.off(1000, placed_items_minor=2000) == 100


def test_until_a_day_given_by_name_means_through_that_day() -> None:
    tomorrow = read_promo("SPRING 10% until tomorrow", EUR, NOON, PARIS)
    assert tomorrow.ends_at == datetime(2026, 12, 12, tzinfo=PARIS).astimezone(UTC)
    today = read_promo("SPRING 10% until today", EUR, NOON, PARIS)
    assert today.ends_at == datetime(2026, 12, 11, tzinfo=PARIS).astimezone(UTC)
    evening = read_promo("SPRING 10% until 20:00", EUR, NOON, PARIS)
    assert evening.ends_at == datetime(2026, 12, 10, 20, tzinfo=PARIS).astimezone(UTC)
