"""The words people type to commands, per language: `/report semaine`, `/report novembre`.

This is vocabulary, not sentences: each language lists the words it uses for a meaning, and a
typed word is matched in any language, ignoring case and accents ("Août", "aout" and "AOÛT"
are one word). A usage line shows the reader's own words (`words_for`).

To add a vocabulary (e.g. /adjust's reasons): define its meanings as an enum, write one
`Vocabulary` with a table per shipped language, and look typed words up with `meaning_of`.
A test checks that every table covers every meaning and that no word means two things.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Generic, TypeVar

Meaning = TypeVar("Meaning", bound=Enum)

ENGLISH = "en"


def folded(word: str) -> str:
    """A word as matched: lower case, no accents, apostrophes and spaces as typed or not
    ("Aujourd’hui" → "aujourd'hui")."""
    decomposed = unicodedata.normalize("NFKD", word.strip().casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.replace("\u2019", "'").replace("\u02bc", "'")


@dataclass(frozen=True)
class Vocabulary(Generic[Meaning]):
    """Words per language for each meaning; the first word of a meaning is the one shown."""

    tables: Mapping[str, Mapping[Meaning, tuple[str, ...]]]
    _index: dict[str, Meaning] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Meaning] = {}
        for language, table in self.tables.items():
            for meaning, words in table.items():
                for word in words:
                    key = folded(word)
                    if index.setdefault(key, meaning) is not meaning:
                        raise ValueError(f"{word!r} ({language}) means two things")
        object.__setattr__(self, "_index", index)

    def meaning_of(self, word: str) -> Meaning | None:
        """What a typed word means, in whichever language it was typed."""
        return self._index.get(folded(word))

    def words_for(self, language: str, meanings: tuple[Meaning, ...]) -> list[str]:
        """The reader's word for each meaning (English where their language has none)."""
        own = self.tables.get(language) or self.tables[ENGLISH]
        return [(own.get(m) or self.tables[ENGLISH][m])[0] for m in meanings]


# ----------------------------------------------------------------------------- /report


class ReportWord(Enum):
    TODAY = "today"
    YESTERDAY = "yesterday"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


REPORT_WORDS: Vocabulary[ReportWord] = Vocabulary(
    {
        "en": {
            ReportWord.TODAY: ("today", "day"),
            ReportWord.YESTERDAY: ("yesterday",),
            ReportWord.WEEK: ("week",),
            ReportWord.MONTH: ("month",),
            ReportWord.YEAR: ("year",),
        },
        "fr": {
            ReportWord.TODAY: ("aujourd'hui", "jour", "aujourdhui"),
            ReportWord.YESTERDAY: ("hier",),
            ReportWord.WEEK: ("semaine",),
            ReportWord.MONTH: ("mois",),
            ReportWord.YEAR: ("année", "an"),
        },
        "de": {
            ReportWord.TODAY: ("heute", "tag"),
            ReportWord.YESTERDAY: ("gestern",),
            ReportWord.WEEK: ("Woche",),
            ReportWord.MONTH: ("Monat",),
            ReportWord.YEAR: ("Jahr",),
        },
        "es": {
            ReportWord.TODAY: ("hoy", "día"),
            ReportWord.YESTERDAY: ("ayer",),
            ReportWord.WEEK: ("semana",),
            ReportWord.MONTH: ("mes",),
            ReportWord.YEAR: ("año",),
        },
        "ru": {
            ReportWord.TODAY: ("сегодня", "день"),
            ReportWord.YESTERDAY: ("вчера",),
            ReportWord.WEEK: ("неделя",),
            ReportWord.MONTH: ("месяц",),
            ReportWord.YEAR: ("год",),
        },
        "uk": {
            ReportWord.TODAY: ("сьогодні", "день"),
            ReportWord.YESTERDAY: ("вчора",),
            ReportWord.WEEK: ("тиждень",),
            ReportWord.MONTH: ("місяць",),
            ReportWord.YEAR: ("рік",),
        },
    }
)


class Month(Enum):
    """A calendar month by name; its value is its number."""

    JANUARY = 1
    FEBRUARY = 2
    MARCH = 3
    APRIL = 4
    MAY = 5
    JUNE = 6
    JULY = 7
    AUGUST = 8
    SEPTEMBER = 9
    OCTOBER = 10
    NOVEMBER = 11
    DECEMBER = 12


def _months(*names: str | tuple[str, ...]) -> dict[Month, tuple[str, ...]]:
    return {
        month: name if isinstance(name, tuple) else (name,)
        for month, name in zip(Month, names, strict=True)
    }


MONTH_NAMES: Vocabulary[Month] = Vocabulary(
    {
        "en": _months(
            ("January", "jan"),
            ("February", "feb"),
            ("March", "mar"),
            ("April", "apr"),
            "May",
            ("June", "jun"),
            ("July", "jul"),
            ("August", "aug"),
            ("September", "sep", "sept"),
            ("October", "oct"),
            ("November", "nov"),
            ("December", "dec"),
        ),
        "fr": _months(
            ("janvier", "janv"),
            ("février", "févr"),
            "mars",
            ("avril", "avr"),
            "mai",
            "juin",
            ("juillet", "juil"),
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ),
        "de": _months(
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            ("Dezember", "dez"),
        ),
        "es": _months(
            ("enero", "ene"),
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            ("agosto", "ago"),
            ("septiembre", "setiembre"),
            "octubre",
            "noviembre",
            ("diciembre", "dic"),
        ),
        "ru": _months(
            "январь",
            "февраль",
            "март",
            "апрель",
            "май",
            "июнь",
            "июль",
            "август",
            "сентябрь",
            "октябрь",
            "ноябрь",
            "декабрь",
        ),
        "uk": _months(
            "січень",
            "лютий",
            "березень",
            "квітень",
            "травень",
            "червень",
            "липень",
            "серпень",
            "вересень",
            "жовтень",
            "листопад",
            "грудень",
        ),
    }
)


# ----------------------------------------------------------------------------- /adjust


class AdjustReason(Enum):
    """Why staff change stock by hand; the values are bot.domain.stock.StockReason's."""

    DAMAGED = "damaged"
    LOST = "lost"
    COUNT_CORRECTION = "count_correction"


ADJUST_REASONS: Vocabulary[AdjustReason] = Vocabulary(
    {
        "en": {
            AdjustReason.DAMAGED: (
                "damaged",
                "broken",
                "break",
                "smashed",
                "spoiled",
                "spoilt",
                "rotten",
                "expired",
                "off",
                "crushed",
            ),
            AdjustReason.LOST: ("lost", "missing", "stolen", "theft", "gone"),
            AdjustReason.COUNT_CORRECTION: (
                "correction",
                "count_correction",
                "count",
                "counted",
                "recount",
                "correct",
                "fix",
                "inventory",
            ),
        },
        "fr": {
            AdjustReason.DAMAGED: (
                "abîmé",
                "abîmée",
                "pourri",
                "pourrie",
                "cassé",
                "cassée",
                "périmé",
                "périmée",
                "endommagé",
                "endommagée",
                "gâté",
                "gâtée",
                "écrasé",
                "écrasée",
            ),
            AdjustReason.LOST: ("perdu", "perdue", "vol", "volé", "volée", "manquant", "disparu"),
            AdjustReason.COUNT_CORRECTION: (
                "inventaire",
                "correction",
                "comptage",
                "compté",
                "recomptage",
            ),
        },
        "de": {
            AdjustReason.DAMAGED: (
                "beschädigt",
                "beschaedigt",
                "kaputt",
                "verdorben",
                "faul",
                "abgelaufen",
                "zerbrochen",
            ),
            AdjustReason.LOST: ("verloren", "fehlt", "gestohlen", "diebstahl", "verschwunden"),
            AdjustReason.COUNT_CORRECTION: (
                "Korrektur",
                "Inventur",
                "gezählt",
                "gezaehlt",
                "Zählung",
            ),
        },
        "es": {
            AdjustReason.DAMAGED: (
                "dañado",
                "dañada",
                "roto",
                "rota",
                "podrido",
                "podrida",
                "caducado",
                "caducada",
                "estropeado",
            ),
            AdjustReason.LOST: ("perdido", "perdida", "robado", "robada", "robo", "falta"),
            AdjustReason.COUNT_CORRECTION: (
                "corrección",
                "inventario",
                "recuento",
                "contado",
                "ajuste",
            ),
        },
        "ru": {
            AdjustReason.DAMAGED: (
                "испорчено",
                "повреждено",
                "разбито",
                "гнилое",
                "просрочено",
                "брак",
            ),
            AdjustReason.LOST: ("потеряно", "украдено", "кража", "пропало", "недостача"),
            AdjustReason.COUNT_CORRECTION: ("пересчёт", "коррекция", "инвентаризация"),
        },
        "uk": {
            AdjustReason.DAMAGED: (
                "пошкоджено",
                "зіпсовано",
                "розбито",
                "гниле",
                "прострочено",
                "брак",
            ),
            AdjustReason.LOST: ("втрачено", "вкрадено", "крадіжка", "зникло", "нестача"),
            AdjustReason.COUNT_CORRECTION: ("перерахунок", "корекція", "інвентаризація"),
        },
    }
)


# ----------------------------------------------------------------------------- /setvat


class Reset(Enum):
    """Back to the store's own setting: `/setvat SKU default`."""

    DEFAULT = "default"


RESET_WORDS: Vocabulary[Reset] = Vocabulary(
    {
        "en": {Reset.DEFAULT: ("default", "reset")},
        "fr": {Reset.DEFAULT: ("défaut", "par défaut")},
        "de": {Reset.DEFAULT: ("Standard", "Vorgabe")},
        "es": {Reset.DEFAULT: ("predeterminado", "por defecto", "defecto")},
        "ru": {Reset.DEFAULT: ("стандарт", "по умолчанию")},
        "uk": {Reset.DEFAULT: ("стандарт", "за замовчуванням")},
    }
)


# ----------------------------------------------------------------------------- /offer


class OfferWord(Enum):
    """`/offer LEMON 30% from 18:00 until tomorrow 20:00`, `/offer category Bakery 50% …`,
    and `/promo SPRING 10% min 20 until 2026-12-31 uses 100 each 1`."""

    FROM = "from"
    UNTIL = "until"
    TODAY = "today"
    TOMORROW = "tomorrow"
    CATEGORY = "category"
    MIN = "min"  # a promo code's minimum basket
    USES = "uses"  # a promo code's uses in all
    EACH = "each"  # a promo code's uses per customer

    @property
    def label(self) -> str:
        """Its English word, in a sentence written in English (bot.domain.text.english)."""
        return self.value


OFFER_WORDS: Vocabulary[OfferWord] = Vocabulary(
    {
        "en": {
            OfferWord.FROM: ("from", "starting"),
            OfferWord.UNTIL: ("until", "till", "to"),
            OfferWord.TODAY: ("today",),
            OfferWord.TOMORROW: ("tomorrow",),
            OfferWord.CATEGORY: ("category", "cat"),
            OfferWord.MIN: ("min", "minimum"),
            OfferWord.USES: ("uses", "times"),
            OfferWord.EACH: ("each", "per-customer"),
        },
        "fr": {
            OfferWord.FROM: ("dès", "depuis"),
            OfferWord.UNTIL: ("jusqu'à", "jusqua", "jusque"),
            OfferWord.TODAY: ("aujourd'hui", "aujourdhui"),
            OfferWord.TOMORROW: ("demain",),
            OfferWord.CATEGORY: ("catégorie",),
            OfferWord.MIN: ("min", "minimum"),
            OfferWord.USES: ("utilisations", "fois"),
            OfferWord.EACH: ("chacun", "par-client"),
        },
        "de": {
            OfferWord.FROM: ("ab", "von"),
            OfferWord.UNTIL: ("bis",),
            OfferWord.TODAY: ("heute",),
            OfferWord.TOMORROW: ("morgen",),
            OfferWord.CATEGORY: ("Kategorie",),
            OfferWord.MIN: ("mindestens", "min"),
            OfferWord.USES: ("Nutzungen", "mal"),
            OfferWord.EACH: ("je", "pro-Kunde"),
        },
        "es": {
            OfferWord.FROM: ("desde",),
            OfferWord.UNTIL: ("hasta",),
            OfferWord.TODAY: ("hoy",),
            OfferWord.TOMORROW: ("mañana",),
            OfferWord.CATEGORY: ("categoría",),
            OfferWord.MIN: ("mínimo", "mín"),
            OfferWord.USES: ("usos", "veces"),
            OfferWord.EACH: ("cada", "por-cliente"),
        },
        "ru": {
            OfferWord.FROM: ("с", "от"),
            OfferWord.UNTIL: ("до",),
            OfferWord.TODAY: ("сегодня",),
            OfferWord.TOMORROW: ("завтра",),
            OfferWord.CATEGORY: ("категория",),
            OfferWord.MIN: ("минимум", "мин"),
            OfferWord.USES: ("раз", "использований"),
            OfferWord.EACH: ("каждому", "на-клиента"),
        },
        "uk": {
            OfferWord.FROM: ("з", "від"),
            OfferWord.UNTIL: ("до",),
            OfferWord.TODAY: ("сьогодні",),
            OfferWord.TOMORROW: ("завтра",),
            OfferWord.CATEGORY: ("категорія",),
            OfferWord.MIN: ("мінімум", "мін"),
            OfferWord.USES: ("разів", "використань"),
            OfferWord.EACH: ("кожному", "на-клієнта"),
        },
    }
)
