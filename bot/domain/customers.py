"""People who order."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from bot.domain.errors import InvalidInput
from bot.domain.text import said

MAX_PHONE_TYPED = 40  # longer text is no phone number (and parsing it is wasted work)
_KEPT = re.compile(r"^\+[1-9][0-9]{4,14}$")  # E.164: what a checked number is kept as


@dataclass(slots=True)
class Customer:
    telegram_user_id: int
    name: str
    username: str | None = None
    phone: str | None = None
    id: int | None = None


def normalise_phone(text: str, country: str) -> str:
    """A typed number as the store's country writes it ('06 12 34 56 78' in France) or in full
    ('+33 6 12 34 56 78'), checked against the numbering plan; kept as E.164 ('+33612345678').

    A visitor's number typed as their Telegram app shows it, without the '+' ('79991234567' in
    a British store), is taken in full when it means nothing at home but is a valid number
    abroad: still checked, never guessed from fewer digits."""
    typed = text.strip()[:MAX_PHONE_TYPED]
    number = _valid(typed, country)
    if number is None and re.fullmatch(r"[0-9][0-9 ().-]{6,}", typed):
        number = _valid("+" + typed, country)
    if number is None:
        raise InvalidInput(
            said("That does not look like a phone number; write it like {example}"),
            example=example_phone(country),
        )
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _valid(text: str, country: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def own_phone(shared: str) -> str:
    """The number of a contact its owner shared: Telegram vouches for it, so it is taken as
    given (any country, and numbers Telegram issues itself, like +888 anonymous ones, that no
    numbering plan lists), with the '+' some apps leave out. Only its shape is checked."""
    kept = "+" + re.sub(r"[^0-9]", "", shared)
    if not _KEPT.match(kept):
        raise InvalidInput(said("That contact has no phone number I can use; please type it."))
    return kept


def kept_phone(phone: str, country: str) -> str:
    """A number as checkout kept it: already E.164 (typed and checked, or vouched for by
    Telegram) stays as it is; anything else is read as typed."""
    return phone if _KEPT.match(phone) else normalise_phone(phone, country)


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
