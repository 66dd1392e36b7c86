"""No log record may hold a phone number or an address someone gave the bot: the numbers shared
or typed and the addresses typed at checkout, read back from what the Bot API double delivered,
and the ones the factories give (tests that skip the chat and call the use cases)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from bot.handlers.fit import visible_text
from bot.i18n import SHIPPED, Catalogues
from bot.playground.bot_api.server import LocalBotApi

KNOWN_PHONES = ("+44 20 7946 0958", "+441234567890")  # tests.support factories and helpers
KNOWN_ADDRESSES = ("12 High Street, Springfield",)
REGIONS = ("GB", "FR", "DE", "ES", "US")  # how the tests' stores read a number typed
LONGEST_PHONE = 40  # longer text is not read as a phone number (bot.domain.customers)
ADDRESS_QUESTIONS = (
    "Please type the delivery address (street and number, town), or tap the one you used "
    "last time.",
    "Please type the delivery address (street and number, town).",
)


def phone_forms(text: str) -> set[str]:
    """The number as typed and as the bot may write it: E.164, national, international."""
    forms: set[str] = set()
    for region in REGIONS:
        try:
            number = phonenumbers.parse(text, region)
        except NumberParseException:
            continue
        if not phonenumbers.is_valid_number(number):
            continue
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        forms |= {
            text.strip(),
            e164,
            e164.removeprefix("+"),
            phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
            phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
        }
    return {form for form in forms if len(form) >= 6}


def _address_questions() -> set[str]:
    catalogues = Catalogues()
    return {
        visible_text(catalogues.texts(code)(question))
        for code in SHIPPED
        for question in ADDRESS_QUESTIONS
    }


def personal_data_given(doubles: Iterable[LocalBotApi]) -> set[str]:
    """Every phone number and address people gave the bot in these doubles' chats."""
    given: set[str] = set(KNOWN_ADDRESSES)
    for known in KNOWN_PHONES:
        given |= phone_forms(known)
    questions = _address_questions()
    for double in doubles:
        for chat in list(double.chats.values()):
            asked = ""
            for message in list(chat.messages):
                if message.from_bot:
                    asked = message.shown_text
                    continue
                if message.contact is not None:
                    shared = str(message.contact.get("phone_number", ""))
                    given |= phone_forms(shared) | ({shared} if len(shared) >= 6 else set())
                if message.text is not None:
                    if len(message.text) <= LONGEST_PHONE:
                        given |= phone_forms(message.text)
                    if asked in questions and len(message.text.strip()) >= 5:
                        given.add(message.text.strip())
    return given


def logged_text(record: logging.LogRecord) -> str:
    parts = [record.getMessage(), record.exc_text or "", record.stack_info or ""]
    if record.exc_info and not record.exc_text:
        parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


def leaks(records: Iterable[logging.LogRecord], given: set[str]) -> list[str]:
    """Each record holding one of the given numbers or addresses, described for the failure."""
    found = []
    for record in records:
        text = logged_text(record)
        for secret in sorted(given):
            if secret in text:
                found.append(f"{record.name} {record.levelname}: {secret!r} in {text[:300]!r}")
    return found


class Records(logging.Handler):
    """Keeps every record it is given (the root logger's, so every logger's)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
