"""Delivery settings as a shop owner writes them in .env: money with a decimal comma and a
currency sign (as the chat takes prices), zones on one line, clear start-up errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config import ConfigError, load_settings

TOKEN = "123456:" + "A" * 35


@pytest.mark.parametrize("typed", ["4,90", "4.90", "4,90 €", "€4.90", "4,90EUR"])
def test_the_delivery_fee_is_read_as_the_chat_reads_a_price(
    typed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPKEEPS_DELIVERY_FEE", typed)
    store = load_settings(env_file=None, telegram_token=TOKEN, currency="EUR").store()
    assert store.deliveries.quote("anywhere 12", 100).fee_minor == 490


@pytest.mark.parametrize(
    ("variable", "typed", "says"),
    [
        ("DELIVERY_FEE", "4,90 USD", "SHOPKEEPS_DELIVERY_FEE: Prices here are in EUR"),
        ("DELIVERY_FEE", "4,999", "SHOPKEEPS_DELIVERY_FEE: EUR prices have at most 2 decimal"),
        ("FREE_DELIVERY_FROM", "fifty", "SHOPKEEPS_FREE_DELIVERY_FROM: “fifty” is not a price"),
        ("DELIVERY_ZONES", "75011 4.90", "SHOPKEEPS_DELIVERY_ZONES: “75011 4.90” should look"),
        ("DELIVERY_ZONES", "75011=4.90/mini 5", "SHOPKEEPS_DELIVERY_ZONES: “mini 5” in"),
        ("DELIVERY_HOURS", "weekdays", "SHOPKEEPS_DELIVERY_HOURS: “weekdays” should look like"),
        ("DELIVERY_WINDOW_MINUTES", "-5", "SHOPKEEPS_DELIVERY_WINDOW_MINUTES"),
    ],
)
def test_a_delivery_setting_written_wrong_stops_the_start_naming_it(
    variable: str, typed: str, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(f"SHOPKEEPS_{variable}", typed)
    with pytest.raises(ConfigError, match=says):
        load_settings(env_file=None, telegram_token=TOKEN, currency="EUR")


def test_zones_free_delivery_windows_and_codes_reach_the_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOPKEEPS_DELIVERY_ZONES", "75011,75012=4,90/min 15; 93*=6.90/min 30")
    monkeypatch.setenv("SHOPKEEPS_FREE_DELIVERY_FROM", "50 €")
    monkeypatch.setenv("SHOPKEEPS_DELIVERY_WINDOW_MINUTES", "90")
    monkeypatch.setenv("SHOPKEEPS_DELIVERY_HOURS", "tue-sat 10:00-18:00")
    monkeypatch.setenv("SHOPKEEPS_DELIVERY_CODE", "true")
    store = load_settings(env_file=None, telegram_token=TOKEN, country="FR").store()
    rules = store.deliveries
    assert [zone.label for zone in rules.zones] == ["75011, 75012", "93*"]
    assert rules.quote("1 rue X, 93100 Montreuil", 3_000).fee_minor == 690
    assert rules.quote("1 rue X, 93100 Montreuil", 5_000).fee_minor == 0
    assert store.windows is not None and store.windows.slot_length == timedelta(minutes=90)
    assert store.delivery_hours is not None and 0 not in store.delivery_hours.days  # no Monday
    assert store.delivery_code


def test_without_delivery_settings_any_address_pays_the_flat_fee_and_picks_an_hour() -> None:
    store = load_settings(env_file=None, telegram_token=TOKEN).store()
    assert store.deliveries.zones == ()
    assert store.deliveries.quote("12 High Street, Springfield", 10**6).fee_minor == 350
    assert store.windows is not None and store.windows.hours == store.hours
    assert not store.delivery_code
