"""VAT contained in tax-included prices: taken once per rate total, rounded half up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.vat import VatAtRate, add_up, parse_vat_rate, rate_text, vat_by_rate, vat_in_gross
from bot.domain.vocabulary import RESET_WORDS, Reset
from bot.i18n import SHIPPED


@pytest.mark.parametrize(
    ("typed", "rate"),
    [
        ("20", Decimal(20)),
        ("5,5", Decimal("5.5")),
        ("5.5 %", Decimal("5.5")),
        (" 2,10% ", Decimal("2.1")),
        ("0", Decimal(0)),
    ],
)
def test_a_rate_is_read_as_people_type_it(typed: str, rate: Decimal) -> None:
    assert parse_vat_rate(typed) == rate


@pytest.mark.parametrize("typed", ["twenty", "-5", "100", "5.555", "NaN", "", "1e3"])
def test_an_impossible_rate_is_refused_politely(typed: str) -> None:
    with pytest.raises(InvalidInput):
        parse_vat_rate(typed)


def test_a_rate_is_written_without_trailing_zeros() -> None:
    assert [rate_text(Decimal(r)) for r in ("20.00", "5.50", "2.1", "0")] == [
        "20",
        "5.5",
        "2.1",
        "0",
    ]


def test_the_vat_in_a_tax_included_amount_is_rounded_half_up() -> None:
    # 12.00 at 20 %: 2.00 exactly; 10.55 at 5.5 %: 0.55; 0.06 at 20 %: 0.01 (0.01 exactly).
    assert vat_in_gross(1200, Decimal(20)) == 200
    assert vat_in_gross(1055, Decimal("5.5")) == 55
    assert vat_in_gross(6, Decimal(20)) == 1
    # 0.03 at 20 % holds 0.005 VAT: the half cent rounds up, not to even.
    assert vat_in_gross(3, Decimal(20)) == 1
    # 0.02 at 20 % holds 0.00333…: rounds down.
    assert vat_in_gross(2, Decimal(20)) == 0


def test_two_rates_are_totalled_apart_and_net_plus_vat_is_the_gross() -> None:
    vat = vat_by_rate(
        [(Decimal("5.5"), 494), (Decimal(20), 899), (Decimal("5.5"), 250), (Decimal(20), 490)]
    )
    assert vat == [
        VatAtRate(Decimal("5.5"), 744, 39),  # 744 × 5.5 / 105.5 = 38.79
        VatAtRate(Decimal(20), 1389, 232),  # 1389 × 20 / 120 = 231.5: half up
    ]
    assert [entry.net_minor + entry.vat_minor for entry in vat] == [744, 1389]


def test_vat_is_taken_from_each_rates_total_not_summed_line_by_line() -> None:
    # Three lines of 0.03 at 20 %: each alone would round to 0.01 (0.03 in all); their
    # 0.09 holds 0.015, which is 0.02: one rounding per rate.
    assert vat_by_rate([(Decimal(20), 3)] * 3) == [VatAtRate(Decimal(20), 9, 2)]


def test_an_order_at_rate_zero_has_no_vat() -> None:
    assert vat_by_rate([(Decimal(0), 1234)]) == [VatAtRate(Decimal(0), 1234, 0)]


def test_a_period_adds_up_what_each_receipt_said() -> None:
    first = vat_by_rate([(Decimal(20), 3)])  # 0.005 -> 0.01
    second = vat_by_rate([(Decimal(20), 3), (Decimal("5.5"), 1055)])
    assert add_up([first, second]) == [
        VatAtRate(Decimal("5.5"), 1055, 55),
        VatAtRate(Decimal(20), 6, 2),  # not a second rounding of 0.06 (0.01)
    ]


def test_every_shipped_language_has_a_word_for_back_to_the_default() -> None:
    assert set(RESET_WORDS.tables) == set(SHIPPED)
    words = [RESET_WORDS.words_for(language, (Reset.DEFAULT,))[0] for language in SHIPPED]
    assert all(RESET_WORDS.meaning_of(word.upper()) is Reset.DEFAULT for word in words)
    assert RESET_WORDS.meaning_of("5,5") is None
