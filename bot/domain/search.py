"""How items are found: words matched from their start, ranked, with one typo forgiven.

Each item is indexed as the words of its name and SKU and the words of its category. A typed
word matches an indexed word that starts with it ("tom" → "tomatoes"); a typed word of five
letters or more also matches a word one typo away ("tomatos", "bananna"). Items matching every
typed word are ranked by how well each word matched: any match in the name beats any match in
the category, and within a field a whole word beats a word's start, which beats a typo.
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from bot.domain.catalogue import Product, search_key

TYPO_MIN_LENGTH = 5
MAX_TERM_LENGTH = 40
MAX_QUERY_WORDS = 6
_WORD = re.compile(r"\w+")


class Field(enum.IntEnum):
    """Where an indexed word comes from; the value weighs its matches."""

    CATEGORY = 1
    NAME = 3  # the SKU's words count as the name's


class Match(enum.IntEnum):
    TYPO = 2
    START = 3
    WHOLE = 4


def score(where: Field, how: Match) -> int:
    """Name matches (6..12) always outrank category matches (2..4)."""
    return int(where) * int(how)


def words_of(text: str) -> list[str]:
    """Case- and accent-free words ("Crème-fraîche 200ml 🍷" → creme, fraiche, 200ml, 🍷);
    a symbol such as an emoji is a word of its own, punctuation is not a word."""
    key = search_key(text)
    words = _WORD.findall(key)
    if not key.isascii():  # ASCII has no symbols that are words
        for chunk in _WORD.split(key):
            words.extend(c for c in chunk if unicodedata.category(c) == "So")
    return [w[:MAX_TERM_LENGTH] for w in words]


def index_terms(product: Product) -> set[tuple[str, Field]]:
    """What the index holds for one item."""
    names = {(w, Field.NAME) for w in words_of(f"{product.name} {product.sku}")}
    return names | _category_terms(product.category)


@functools.lru_cache(maxsize=1024)
def _category_terms(category: str) -> frozenset[tuple[str, Field]]:
    """A catalogue has few categories and many items in each."""
    return frozenset((w, Field.CATEGORY) for w in words_of(category))


def variants(word: str) -> set[str]:
    """The word and each way of deleting one letter from it: two words within one typo
    (a letter missing, added, changed or two swapped) always share one of these."""
    return {word} | {word[:n] + word[n + 1 :] for n in range(len(word))}


def typo_indexable(term: str) -> bool:
    """Indexed words a typed word of TYPO_MIN_LENGTH letters can be one typo away from
    (words of letters: a number one digit off is another number, not a typo)."""
    return len(term) >= TYPO_MIN_LENGTH - 1 and term.isalpha()


def typo_tolerant(word: str) -> bool:
    """Typed words long enough to look for their typos."""
    return len(word) >= TYPO_MIN_LENGTH and word.isalpha()


def one_typo_apart(typed: str, known: str) -> bool:
    """True when `known` is `typed` with one letter missing, added, changed, or two adjacent
    letters swapped (never for identical words: those are whole matches)."""
    if typed == known or abs(len(typed) - len(known)) > 1:
        return False
    if len(typed) == len(known):
        diffs = [n for n, (a, b) in enumerate(zip(typed, known, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        first, *rest = diffs
        return (
            len(diffs) == 2
            and rest[0] == first + 1
            and typed[first] == known[first + 1]
            and typed[first + 1] == known[first]
        )
    short, long = (typed, known) if len(typed) < len(known) else (known, typed)
    return any(long[:n] + long[n + 1 :] == short for n in range(len(long)))


@dataclass(frozen=True, slots=True)
class QueryWord:
    """One typed word and the indexed words one typo away from it."""

    text: str
    typos: tuple[str, ...] = field(default=())


class Shelf(enum.StrEnum):
    """Which items a staff list shows, beside the words typed."""

    ALL = "all"
    LOW = "low"  # on sale, at or below its low-stock level
    SOLD_OUT = "sold-out"  # on sale, none left
    ARCHIVED = "archived"  # no longer sold


@dataclass(frozen=True, slots=True)
class Filters:
    """A staff list's narrowing: one category, one shelf. `low_level` is the store's
    low-stock level for items without their own."""

    category: str | None = None
    shelf: Shelf = Shelf.ALL
    low_level: Decimal = Decimal(0)

    def keeps(self, product: Product) -> bool:
        """The rule as the database applies it, stated plainly (the in-memory store)."""
        if self.category is not None and product.category != self.category:
            return False
        level = product.low_stock_threshold
        return {
            Shelf.ALL: True,
            Shelf.LOW: product.active
            and product.stock <= (self.low_level if level is None else level),
            Shelf.SOLD_OUT: product.active and product.stock == 0,
            Shelf.ARCHIVED: not product.active,
        }[self.shelf]


@dataclass(frozen=True, slots=True)
class SearchQuery:
    words: tuple[QueryWord, ...]
    include_archived: bool = False
    filters: Filters = field(default_factory=Filters)


def query_words(text: str) -> list[str]:
    """The distinct words to look for, in typed order, at most MAX_QUERY_WORDS."""
    seen: dict[str, None] = {}
    for word in words_of(text):
        seen.setdefault(word, None)
    return list(seen)[:MAX_QUERY_WORDS]


def with_typos(word: str, similar: set[str]) -> QueryWord:
    """Keep the indexed words that really are one typo away (variants also pair some words
    two edits apart, "abc"/"bca")."""
    if not typo_tolerant(word):
        return QueryWord(word)
    return QueryWord(word, tuple(sorted(t for t in similar if one_typo_apart(word, t))))


def build_query(
    text: str,
    similar_terms: Callable[[set[str]], dict[str, set[str]]],
    *,
    include_archived: bool = False,
    filters: Filters | None = None,
) -> SearchQuery:
    """The query for typed text; `similar_terms` looks variants up in the index (one read)."""
    words = query_words(text)
    long_words = [w for w in words if typo_tolerant(w)]
    looked_up = similar_terms(set().union(*(variants(w) for w in long_words))) if long_words else {}

    def near(word: str) -> set[str]:
        return set().union(*(looked_up.get(v, set()) for v in variants(word)))

    return SearchQuery(
        tuple(with_typos(w, near(w)) for w in words), include_archived, filters or Filters()
    )


def rank(product: Product, query: SearchQuery) -> int | None:
    """How well an item matches (None: not every word does) — what the index computes,
    stated plainly for the in-memory store and the tests."""
    terms = index_terms(product)
    total = 0
    for word in query.words:
        scores = [
            score(where, how)
            for term, where in terms
            for how in (_how(word, term),)
            if how is not None
        ]
        if not scores:
            return None
        total += max(scores)
    return total


def _how(word: QueryWord, term: str) -> Match | None:
    if term == word.text:
        return Match.WHOLE
    if term.startswith(word.text):
        return Match.START
    return Match.TYPO if term in word.typos else None
