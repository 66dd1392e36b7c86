"""Phone numbers: typed ones are checked, a contact's owner's own one is taken as given."""

from __future__ import annotations

import pytest

from bot.domain.customers import kept_phone, normalise_phone, own_phone
from bot.domain.errors import InvalidInput


def test_a_shared_own_number_gets_the_plus_some_apps_leave_out() -> None:
    assert own_phone("79991234567") == "+79991234567"
    assert own_phone("+44 20 7946 0958") == "+442079460958"


def test_a_number_telegram_issues_itself_is_kept_though_no_plan_lists_it() -> None:
    assert own_phone("88812345678") == "+88812345678"


@pytest.mark.parametrize("shared", ["", "12", "+0123456789", "1" * 16])
def test_a_shared_contact_without_a_usable_number_is_refused(shared: str) -> None:
    with pytest.raises(InvalidInput, match="That contact has no phone number"):
        own_phone(shared)


def test_a_number_typed_without_its_plus_is_read_in_full_when_it_means_nothing_at_home() -> None:
    assert normalise_phone("79991234567", "GB") == "+79991234567"
    assert normalise_phone("7 999 123-45-67", "GB") == "+79991234567"


def test_a_home_number_stays_a_home_number() -> None:
    assert normalise_phone("06 12 34 56 78", "FR") == "+33612345678"


@pytest.mark.parametrize("typed", ["88812345678", "12345", "call me", "+44 20 7946"])
def test_typed_numbers_are_still_checked_against_the_numbering_plan(typed: str) -> None:
    with pytest.raises(InvalidInput, match="does not look like a phone number"):
        normalise_phone(typed, "GB")


def test_a_kept_number_is_not_checked_again_but_anything_else_is() -> None:
    assert kept_phone("+88812345678", "GB") == "+88812345678"
    with pytest.raises(InvalidInput):
        kept_phone("call me", "GB")
