from __future__ import annotations

import pytest

from bot.domain.delivery import (
    BelowDeliveryMinimum,
    DeliveryRules,
    OutsideDeliveryZones,
    parse_zones,
    postcode_in,
)
from bot.domain.money import Currency

EUR = Currency("EUR")
ZONES = "75011,75012=4.90/min 15; 93*=6,90 €/min 30/free 60"


def paris_rules(free_from_minor: int | None = None) -> DeliveryRules:
    return DeliveryRules(EUR, 350, parse_zones(ZONES, EUR), free_from_minor, "FR")


def test_zones_are_read_from_one_line_with_prefixes_minimums_and_decimal_commas() -> None:
    central, suburbs = parse_zones(ZONES, EUR)
    assert (central.postcodes, central.prefixes) == (frozenset({"75011", "75012"}), ())
    assert (central.fee_minor, central.minimum_minor, central.free_from_minor) == (490, 1500, None)
    assert (suburbs.prefixes, suburbs.fee_minor, suburbs.minimum_minor) == (("93",), 690, 3000)
    assert suburbs.free_from_minor == 6000
    assert parse_zones("", EUR) == ()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("75011 4.90", "should look like “75011,75012=4.90”"),
        ("=4.90", "names no postcode"),
        ("75011=", "should look like"),
        ("75011=four", "“four” in “75011=four”"),
        ("75011=4.90/max 20", "should be “min AMOUNT”"),
        ("75011=4.90/min -3", "zero or more"),
        ("75#11=4.90", "is not a postcode"),
        ("75011=4.90; 75011=5", "is in two zones"),
        ("75011=4.999", "at most 2 decimal places"),
    ],
)
def test_a_zone_line_a_shop_owner_got_wrong_is_refused_naming_the_part(
    text: str, says: str
) -> None:
    with pytest.raises(ValueError, match=says):
        parse_zones(text, EUR)


@pytest.mark.parametrize(
    ("address", "country", "postcode"),
    [
        ("12 rue Oberkampf, 75011 Paris", "FR", "75011"),
        ("93 rue de Paris 93100 Montreuil", "FR", "93100"),  # the street number is not it
        ("12 rue Oberkampf, 75011 Paris, digicode 4512", "FR", "75011"),  # nor a door code
        ("10 Downing Street, London sw1a 2aa", "GB", "SW1A2AA"),
        ("Damrak 1, 1012 LG Amsterdam", "NL", "1012LG"),
        ("1600 Pennsylvania Ave, Washington DC 20500-0003", "US", "20500"),
        ("12 High Street, Springfield", "GB", None),
    ],
)
def test_the_postcode_is_found_in_an_address_as_the_country_writes_it(
    address: str, country: str, postcode: str | None
) -> None:
    assert postcode_in(address, country) == postcode


def test_an_address_outside_the_zones_is_refused_saying_where_the_store_delivers() -> None:
    rules = paris_rules()
    with pytest.raises(OutsideDeliveryZones) as refused:
        rules.quote("5 avenue Foch, 75116 Paris", 10_000)
    assert "do not deliver to 75116" in str(refused.value)
    assert "75011, 75012; 93*" in str(refused.value)
    with pytest.raises(OutsideDeliveryZones, match="could not find a postcode"):
        rules.check_address("5 avenue Foch, Paris")


def test_a_basket_below_the_zone_minimum_is_told_the_missing_amount() -> None:
    rules = paris_rules()
    with pytest.raises(BelowDeliveryMinimum) as refused:
        rules.quote("3 rue de la Mairie, 93100 Montreuil", 1_250)
    assert refused.value.missing_minor == 1_750
    assert "basket of 30.00 EUR: please add 17.50 EUR more" in str(refused.value)
    assert rules.quote("3 rue de la Mairie, 93100 Montreuil", 3_000).fee_minor == 690


def test_the_zone_fee_applies_and_delivery_is_free_from_the_threshold() -> None:
    rules = paris_rules(free_from_minor=5_000)
    assert rules.quote("12 rue Oberkampf, 75011 Paris", 1_500).fee_minor == 490
    assert rules.quote("12 rue Oberkampf, 75011 Paris", 5_000).fee_minor == 0  # store-wide
    # The zone's own threshold wins over the store's.
    assert rules.quote("3 rue de la Mairie, 93100 Montreuil", 5_999).fee_minor == 690
    assert rules.quote("3 rue de la Mairie, 93100 Montreuil", 6_000).fee_minor == 0


def test_the_fees_a_basket_may_pay_before_its_address_is_known() -> None:
    rules = paris_rules(free_from_minor=5_000)
    assert rules.fees_for(1_500) == {490, 690}
    assert rules.fees_for(5_000) == {0, 690}  # the suburbs' own threshold is 60.00
    assert rules.fees_for(6_000) == {0}
    assert DeliveryRules(EUR, 350, (), 5_000, "GB").fees_for(4_999) == {350}
    assert DeliveryRules(EUR, 350, (), 5_000, "GB").fees_for(5_000) == {0}


def test_without_zones_every_address_gets_the_flat_fee_free_above_the_threshold() -> None:
    rules = DeliveryRules(EUR, 350, (), 5_000, "GB")
    rules.check_address("12 High Street, Springfield")
    assert rules.quote("12 High Street, Springfield", 100).fee_minor == 350
    assert rules.quote("12 High Street, Springfield", 5_000).fee_minor == 0
    assert DeliveryRules(EUR, 350).quote("anywhere 1", 10**6).fee_minor == 350
