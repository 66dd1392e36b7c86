from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.money import Currency, line_total


def test_prices_are_read_into_minor_units_without_floats() -> None:
    euro = Currency("EUR")
    assert euro.parse("2.49") == 249
    assert euro.parse("2,49") == 249
    assert euro.parse(" 1 000.10 ") == 100010
    assert euro.parse("0.1") + euro.parse("0.2") == euro.parse("0.3")


@pytest.mark.parametrize("text", ["7,99€", "€7.99", "7.99 EUR", "eur 7,99", "7.99eur"])
def test_a_price_may_carry_the_stores_currency_sign_or_code(text: str) -> None:
    assert Currency("EUR").parse(text) == 799


@pytest.mark.parametrize("text", ["7.99 USD", "7.99 EURO", "EUR", "7E2"])
def test_another_currency_or_stray_letters_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        Currency("EUR").parse(text)


@pytest.mark.parametrize(("code", "text", "minor"), [("JPY", "500", 500), ("KWD", "1.250", 1250)])
def test_currencies_with_other_exponents_use_their_own_minor_unit(
    code: str, text: str, minor: int
) -> None:
    assert Currency(code).parse(text) == minor


@pytest.mark.parametrize("text", ["abc", "-1", "2.499", "NaN", "Infinity", ""])
def test_bad_prices_are_refused_with_a_clear_message(text: str) -> None:
    with pytest.raises(InvalidInput):
        Currency("EUR").parse(text)


def test_unknown_currency_codes_are_refused() -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        Currency("EURO")


def test_amounts_format_with_the_currency_code() -> None:
    assert Currency("EUR").format(123456) == "1,234.56 EUR"
    assert Currency("JPY").format(500) == "500 JPY"


def test_a_line_total_rounds_half_up_to_the_minor_unit() -> None:
    assert line_total(499, Decimal("0.75")) == 374  # 3.7425
    assert line_total(250, Decimal("0.5")) == 125
    assert line_total(333, Decimal("1.5")) == 500  # 499.5 rounds up
