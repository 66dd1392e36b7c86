"""Every text the bot can say exists in every shipped language, with the same placeholders
and HTML tags as the English original; a person's language is found as Telegram names it."""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import bot
from bot.domain.errors import DomainError
from bot.domain.money import Currency
from bot.i18n import ENGLISH, SHIPPED, Catalogues, catalogue_path

SOURCE = Path(bot.__file__).parent
# What `make translations` reads: the code and the back office's templates (babel.cfg).
with (SOURCE.parent / "babel.cfg").open() as _mapping:
    METHODS, _OPTIONS = parse_mapping_cfg(_mapping)  # type: ignore[no-untyped-call]
KEYWORDS = {"t": None, "plural": (1, 2), "said": None}  # t("…"), t.plural("…", "…", n), said("…")
TRANSLATED = [code for code in SHIPPED if code != ENGLISH]
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
TAG = re.compile(r"</?[a-z]+[^>]*>")


@functools.cache
def english_messages() -> frozenset[tuple[str, ...]]:
    """Each message the code marks, as (singular,) or (singular, plural): read from the
    source once for all the tests."""
    return frozenset(
        (message,) if isinstance(message, str) else tuple(message)
        for _file, _line, message, _comments, _context in extract_from_dir(
            SOURCE, method_map=METHODS, keywords=KEYWORDS
        )
    )


def read(language: str) -> Catalog:
    with catalogue_path(language).open("rb") as po:
        return read_po(po, locale=language)


def shape(text: str) -> tuple[list[str], list[str]]:
    return sorted(PLACEHOLDER.findall(text)), TAG.findall(text)


def test_the_code_marks_messages_for_translation() -> None:
    assert ("Which language shall I speak?",) in english_messages()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_has_a_translation_of_the_same_shape(language: str) -> None:
    catalog = read(language)
    gaps, misshapen = [], []
    for message in english_messages():
        entry = catalog.get(message[0])
        found = None if entry is None else entry.string
        forms = list(found) if isinstance(found, tuple | list) else [found or ""]
        if entry is None or entry.fuzzy or not all(forms):
            gaps.append(message[0])
            continue
        misshapen += [message[0] for form in forms if shape(form) != shape(message[-1])]
    assert gaps == [], f"{language}: {len(gaps)} messages lack a translation"
    assert misshapen == [], f"{language}: placeholders or tags differ from the English"


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_catalogue_keeps_messages_the_code_no_longer_says(language: str) -> None:
    said = {message[0] for message in english_messages()}
    kept = {m.id if isinstance(m.id, str) else m.id[0] for m in read(language) if m.id}
    assert kept - said == set()


def test_each_translation_names_its_own_language() -> None:
    catalogues = Catalogues()
    said = {
        code: catalogues.texts(code)("I speak English with you now. /language changes it.")
        for code in SHIPPED
    }
    assert said["de"].startswith("Ich spreche jetzt Deutsch")
    assert said["ru"].startswith("Теперь я говорю с вами по-русски")
    assert len(set(said.values())) == len(SHIPPED)


@pytest.mark.parametrize(
    ("telegram", "language"),
    [("de", "de"), ("de-AT", "de"), ("pt-br", "fr"), (None, "fr"), ("UK", "uk"), ("", "fr")],
)
def test_a_telegram_language_is_used_when_shipped_else_the_stores(
    telegram: str | None, language: str
) -> None:
    assert Catalogues(default="fr").language_for(telegram) == language


def test_a_store_cannot_default_to_a_language_it_does_not_ship() -> None:
    with pytest.raises(ValueError, match="not a shipped language"):
        Catalogues(default="pt")


def test_no_text_is_translated_inside_an_f_string_where_the_catalogues_cannot_see_it() -> None:
    # t(a_variable) is fine there: the text was marked where it was written, with said().
    hidden = [
        f"{path.relative_to(SOURCE)}:{n}"
        for path in SOURCE.rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"""\{t(\.plural)?\(\s*["']""", line)  # a literal: t("…") inside f"…"
        # or a literal given to a call's result, context.texts(update)("…"): unmarked too
        or re.search(r"""\)\(\s*["']""", line)
    ]
    assert hidden == []


def _error_names() -> set[str]:
    """Every DomainError class that takes its sentence as its first argument, once every
    module that declares one is imported."""
    for path in SOURCE.rglob("*.py"):
        module = ".".join(path.relative_to(SOURCE.parent).with_suffix("").parts)
        if "playground" not in module and not module.endswith("__main__"):
            importlib.import_module(module)
    found, todo = set(), [DomainError]
    while todo:
        kind = todo.pop()
        if next(iter(inspect.signature(kind).parameters), None) == "message":
            found.add(kind.__name__)
        todo += kind.__subclasses__()
    return found


def test_every_refusal_is_a_marked_sentence_the_catalogues_can_translate() -> None:
    # DomainError(said("… {x}"), x=…), or a variable or table entry holding a marked text;
    # never f"…" or "…".
    errors = _error_names()
    unmarked = []
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        inits = {
            id(call)
            for cls in ast.walk(tree)
            if isinstance(cls, ast.ClassDef) and cls.name in errors and cls.name != "DomainError"
            for call in ast.walk(cls)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "__init__"
        }
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call) or not call.args:
                continue
            named = isinstance(call.func, ast.Name) and call.func.id in errors
            if not (named or id(call) in inits):
                continue
            first = call.args[0]
            marked = isinstance(first, ast.Name | ast.Subscript) or (
                isinstance(first, ast.Call)
                and isinstance(first.func, ast.Name)
                and first.func.id == "said"
            )
            if not marked:
                unmarked.append(f"{path.relative_to(SOURCE)}:{call.lineno}")
    assert unmarked == [], "\n".join(unmarked)


def test_numbers_and_money_follow_the_stores_country_where_the_language_is_spoken_there() -> None:
    swiss = Catalogues(country="CH")
    assert swiss.texts("de").money(329, Currency("CHF")) == "CHF\u00a03.29"
    assert swiss.texts("de").quantity(Decimal("1.5"), "kg") == "1.5 kg"
    german_in_france = Catalogues(country="FR").texts("de")  # not a pair Babel knows
    assert german_in_france.money(329, Currency("EUR")) == "3,29\u00a0€"
    assert german_in_france.quantity(Decimal("1.5"), "kg") == "1,5 kg"


def test_a_percentage_is_written_the_languages_way_a_rise_with_its_sign() -> None:
    texts = Catalogues().texts
    assert texts("en").percent(Decimal("12.5"), signed=True) == "+12.5 %"
    assert texts("fr").percent(Decimal("12.5"), signed=True) == "+12,5\u00a0%"
    assert texts("de").percent(Decimal("-3"), signed=True) == "-3,0\u00a0%"
    assert texts("uk").percent(Decimal("83.33")) == "83,3%"
    assert Catalogues(country="CH").texts("de").percent(Decimal("1234.5")) == "1’234.5%"


def test_a_stock_change_shows_its_sign_and_the_shops_own_notes_are_translated() -> None:
    french = Catalogues().texts("fr")
    assert french.change(Decimal("2.5"), "kg") == "+2,5 kg"
    assert french.change(Decimal(-1), "pc") == "-1 pce"
    assert french.ledger_note("order K7Q2MZ4P: Gala (1.5 kg) → Fuji (1.62 kg)") == (
        "commande K7Q2MZ4P: Gala (1.5 kg) → Fuji (1.62 kg)"
    )
    assert french.ledger_note("van from Lyon") == "van from Lyon"
    assert french.ledger_note("") == ""  # never the catalogue's header
