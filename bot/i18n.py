"""The bot's words in the reader's language: gettext catalogues, read once at start-up.

Texts are written in English in the code, marked `t("…")` (or `t.plural("…", "…", n)`), with
`{name}` placeholders filled by the call; `said("…")` marks one to be translated later. Each
shipped language has a catalogue, `bot/locales/<language>/LC_MESSAGES/shopkeeps.po`, read
with Babel when the bot starts (no
compiled files to keep in step); a message a catalogue lacks stays in English, and the test
suite fails on any such gap in a shipped language (see README, "Adding a language").
"""

from __future__ import annotations

import copy
import functools
import gettext
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from babel import Locale, localedata
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

from bot.domain.errors import DomainError
from bot.domain.money import Currency, Money
from bot.domain.orders import OrderStatus
from bot.domain.quantity import format_quantity
from bot.domain.staff import Role
from bot.domain.text import Amount, UnitLabel, Words, english, said
from bot.domain.vocabulary import OFFER_WORDS, OfferWord

__all__ = ["SHIPPED", "Catalogues", "Texts", "said"]

LOCALES = Path(__file__).parent / "locales"
DOMAIN = "shopkeeps"
ENGLISH = "en"
# Each language by its own name, as a person looking for theirs reads it.
SHIPPED = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "ru": "Русский",
    "uk": "Українська",
}


# Units as each language abbreviates them (the English is the code's own: "pc", "kg").
UNITS = {
    "pc": said("pc"),
    "kg": said("kg"),
    "g": said("g"),
    "l": said("l"),
    "ml": said("ml"),
    "m": said("m"),
    "pack": said("pack"),
}


STATUS_NAMES = {
    OrderStatus.PLACED: said("placed"),
    OrderStatus.ACCEPTED: said("accepted"),
    OrderStatus.READY: said("ready"),
    OrderStatus.OUT_FOR_DELIVERY: said("out for delivery"),
    OrderStatus.COMPLETED: said("completed"),
    OrderStatus.CANCELLED: said("cancelled"),
}

ROLE_NAMES = {Role.STAFF: said("staff"), Role.MANAGER: said("manager")}

# The stock ledger notes the shop writes itself (bot.domain.services.orders and picking):
# "order K7Q2MZ4P", "order K7Q2MZ4P: Gala apples (1.5 kg) → Gala apples (1.62 kg)".
ORDER_NOTE = re.compile(r"order (\w+)(.*)", re.DOTALL)


@dataclass(frozen=True)
class Texts:
    """One language's words: `t("Hello, {name}!", name=…)`."""

    language: str
    catalogue: gettext.NullTranslations
    # The language as written in the store's country ("de_CH": "CHF 3.29", "1.5 kg"), when
    # Babel knows that pair; else the language's own forms.
    locale: str = ""

    def __post_init__(self) -> None:
        if not self.locale:
            object.__setattr__(self, "locale", self.language)

    def __call__(self, message: str, /, **params: object) -> str:
        text = self.catalogue.gettext(message)
        if not params:
            return text
        return text.format(**{key: self.shown(value) for key, value in params.items()})

    def words(self, words: Words) -> str:
        """A sentence the domain said (a refusal, a cart correction), in this language."""
        return self(words.template, **words.params)

    def refusal(self, error: DomainError) -> str:
        return self.words(error.words)

    def shown(self, value: object) -> object:
        """A template's value as this language writes it: numbers, sums, amounts, units,
        statuses, and lists of sentences one per line."""
        if isinstance(value, UnitLabel):
            return self(UNITS.get(value, value))
        if isinstance(value, OrderStatus):
            return self(STATUS_NAMES[value])
        if isinstance(value, Role):
            return self(ROLE_NAMES[value])
        if isinstance(value, OfferWord):
            return OFFER_WORDS.words_for(self.language, (value,))[0]
        if isinstance(value, str | int):
            return value
        if isinstance(value, Decimal):
            return (
                english(value)
                if self.language == ENGLISH
                else format_decimal(value.normalize(), locale=self.locale)
            )
        if isinstance(value, Money):
            return self.money(value.minor, value.currency)
        if isinstance(value, Amount):
            return self.quantity(value.quantity, value.unit)
        if isinstance(value, Words):
            return self.words(value)
        if isinstance(value, tuple):
            return "\n".join(str(self.shown(part)) for part in value)
        return value

    def plural(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        """`n` picks the form (by the language's own plural rules) and is a placeholder too."""
        shown = {key: self.shown(value) for key, value in params.items()}
        return self.catalogue.ngettext(singular, plural, n).format(n=n, **shown)

    def money(self, minor: int, currency: Currency) -> str:
        """ "3,29 €" in German or French; English keeps the store's own "3.29 EUR"."""
        if self.language == ENGLISH:
            return currency.format(minor)
        return _currency(currency.to_major(minor), currency.code, self.locale)

    def one_decimal(self, value: Decimal) -> str:
        """ "4.5", "4,5": an average kept to one place, its trailing zero too ("5.0")."""
        if self.language == ENGLISH:
            return f"{value:.1f}"
        return format_decimal(value, format="0.0", locale=self.locale)

    def percent(self, value: Decimal, *, signed: bool = False) -> str:
        """A percentage to one place, `value` being in percent already: "12.5 %", "+12,5 %"
        (no-break space), "12,5%" in Ukrainian; `signed` shows a plus on a rise."""
        if self.language == ENGLISH:
            return f"{value:+.1f} %" if signed else f"{value:.1f} %"
        pattern = copy.copy(Locale.parse(self.locale).percent_formats[None])
        pattern.frac_prec = (1, 1)
        if signed:
            pattern.prefix = ("+" + pattern.prefix[0], pattern.prefix[1])
        return str(pattern.apply(value / 100, self.locale))

    def moment(self, at: datetime) -> str:
        """A day and time, already in the store's time zone: "Tue 24 Nov, 10:30", "mar. 24
        nov., 10:30"."""
        if self.language == ENGLISH:
            return at.strftime("%a %d %b, %H:%M")
        return f"{format_skeleton('MMMEd', at, locale=self.locale)}, {at:%H:%M}"

    def short_date(self, day: date) -> str:
        """ "24 Nov", "24. Nov.", "24 нояб."."""
        if self.language == ENGLISH:
            return day.strftime("%d %b")
        return format_skeleton("MMMd", day, locale=self.locale)

    def numeric_date(self, day: date) -> str:
        """ "24/11", "24.11.": a chart's axis, whose font has no Cyrillic letters."""
        return format_skeleton(
            "dM", day, locale="en_GB" if self.language == ENGLISH else self.locale
        )

    def full_date(self, day: date) -> str:
        """ "Tue 24 Nov 2026", "Di., 24. Nov. 2026"."""
        if self.language == ENGLISH:
            return day.strftime("%a %d %b %Y")
        return format_skeleton("yMMMEd", day, locale=self.locale)

    def month(self, day: date) -> str:
        """The calendar month of `day`: "November 2026", "novembre 2026"."""
        if self.language == ENGLISH:
            return day.strftime("%B %Y")
        return format_skeleton("yMMMM", day, locale=self.locale)

    def weekday(self, day: date) -> str:
        """ "Mon", "Mo.", "пн"."""
        if self.language == ENGLISH:
            return day.strftime("%a")
        return format_skeleton("E", day, locale=self.locale)

    def day(self, day: date, *, long: bool = False) -> str:
        """ "Tue 24" (a day button), or with `long` "Tuesday 24 November" ("Di., 24. November")."""
        if self.language == ENGLISH:
            return day.strftime("%A %d %B" if long else "%a %d")
        return format_skeleton("MMMMEd" if long else "Ed", day, locale=self.locale)

    def quantity(self, amount: Decimal, unit: str) -> str:
        """ "1,5 kg", "2 Stk."; English keeps "1.5 kg", "2 pc"."""
        if self.language == ENGLISH:
            return format_quantity(amount, unit)
        number = format_decimal(amount.normalize(), locale=self.locale)
        return f"{number} {self(UNITS.get(unit, unit))}"

    def change(self, amount: Decimal, unit: str) -> str:
        """A stock change, its sign shown: "+5 pc", "-1,5 kg"."""
        return ("+" if amount > 0 else "") + self.quantity(amount, unit)

    def ledger_note(self, note: str) -> str:
        """A ledger row's note in this language: the shop's own notes (ORDER_NOTE) are
        written by the code and translated here; what staff typed is shown as typed."""
        made = ORDER_NOTE.fullmatch(note)
        if made is None:
            return self(note) if note else ""  # gettext's "" is the catalogue's header
        return self(said("order {code}"), code=made.group(1)) + made.group(2)


@functools.lru_cache(maxsize=8192)
def _currency(amount: Decimal, code: str, locale: str) -> str:
    """Babel's sum in a language, kept: a page of 10,000 prices (a category's price preview)
    holds a few hundred different ones, and Babel takes 30 µs for each."""
    return str(format_currency(amount, code, locale=locale))


def catalogue_path(language: str, folder: Path = LOCALES) -> Path:
    return folder / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read(language: str, folder: Path) -> gettext.NullTranslations:
    path = catalogue_path(language, folder)
    if language == ENGLISH or not path.exists():
        return gettext.NullTranslations()
    return _compiled(language, path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _compiled(language: str, path: Path, _changed: int) -> gettext.NullTranslations:
    """A catalogue compiled once per process and version of its file: parsing and compiling
    the five .po files took about 0.16 s of every start (a test starts hundreds of bots)."""
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


class Catalogues:
    """Every shipped language's texts, built once (start-up) and shared by every update."""

    def __init__(
        self, default: str = ENGLISH, folder: Path = LOCALES, *, country: str = ""
    ) -> None:
        if default not in SHIPPED:
            raise ValueError(f"{default!r} is not a shipped language ({', '.join(SHIPPED)})")
        self.default = default
        self._texts = {
            code: Texts(code, _read(code, folder), store_locale(code, country)) for code in SHIPPED
        }

    def texts(self, language: str | None) -> Texts:
        """The language's texts; the store's default for any other."""
        return self._texts.get(language or "", self._texts[self.default])

    def for_app(self, telegram_code: str | None) -> Texts:
        """The texts for a Telegram app's language ("de-AT"), if shipped, else the store's."""
        return self.texts(self.language_for(telegram_code))

    def language_for(self, telegram_code: str | None) -> str:
        """A Telegram user's language ("de-AT", "pt-br"), if shipped, else the store's."""
        return shipped_language(telegram_code) or self.default


def store_locale(language: str, country: str) -> str:
    """The language as people write it in the store's country (Swiss German: "de_CH"), if
    Babel knows the pair; else the language's own forms ("de")."""
    paired = f"{language}_{country.upper()}"
    return paired if country and localedata.exists(paired) else language


def shipped_language(telegram_code: str | None) -> str | None:
    """The shipped language a Telegram app's code names ("de-AT": "de"), if any."""
    base = (telegram_code or "").split("-")[0].lower()
    return base if base in SHIPPED else None
