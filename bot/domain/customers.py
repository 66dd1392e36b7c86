"""People who order."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from bot.domain.errors import InvalidInput
from bot.domain.text import said

MAX_PHONE_TYPED = 40  # longer text is no phone number (and parsing it is wasted work)


@dataclass(slots=True)
class Customer:
    telegram_user_id: int
    name: str
    username: str | None = None
    phone: str | None = None
    id: int | None = None


def normalise_phone(text: str, country: str) -> str:
    """A number as the store's country writes it ('06 12 34 56 78' in France) or in full
    ('+33 6 12 34 56 78'), checked against the numbering plan; kept as E.164 ('+33612345678')."""
    try:
        number = phonenumbers.parse(text.strip()[:MAX_PHONE_TYPED], country)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            said("That does not look like a phone number; write it like {example}"),
            example=example_phone(country),
        )
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def show_phone(phone: str, country: str) -> str:
    """A kept number as people read it: '06 12 34 56 78' at home, '+44 20 7946 0958' abroad
    (anything unreadable, from before numbers were checked, as it was kept)."""
    try:
        number = phonenumbers.parse(phone, country)
    except phonenumbers.NumberParseException:
        return phone
    home = phonenumbers.region_code_for_number(number) == country
    return phonenumbers.format_number(
        number, PhoneNumberFormat.NATIONAL if home else PhoneNumberFormat.INTERNATIONAL
    )


def example_phone(country: str) -> str:
    """A mobile number of the store's country, in full: what to type, and the placeholder."""
    example = phonenumbers.example_number_for_type(country, PhoneNumberType.MOBILE)
    if example is None:
        return "+44 7400 123456"
    return phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL)
