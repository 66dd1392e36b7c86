"""Products and their stock ledger. Repositories never commit."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    case,
    delete,
    false,
    func,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import type_coerce

from bot.domain.catalogue import STORED_FIELDS, Product, Unit
from bot.domain.search import (
    Field,
    Filters,
    Match,
    SearchQuery,
    Shelf,
    index_terms,
    typo_indexable,
    variants,
)
from bot.domain.stock import LedgerEntry, StockReason
from bot.persistence.bulk import insert_dicts, insert_rows
from bot.persistence.models import (
    CatalogueVersionRow,
    CustomerRow,
    LedgerRow,
    ProductRow,
    SearchTermRow,
    SearchVariantRow,
    StockWatchRow,
)
from bot.persistence.repositories import keyset
from bot.persistence.repositories.inserts import (
    insert_many_unless_present,
    insert_unless_present,
)
from bot.persistence.types import Quantity, hundredths

CHUNK = 1000  # ids per IN (...) list
PAGE = 500  # rows per step when walking the catalogue in order
TERM_COLUMNS = ("term", "product_id", "field")
# `active = true`, never `active IS TRUE`: MariaDB cannot seek an index on an IS test and
# scanned all 100,000 items for the list of categories. On the plain column, so that ORM
# queries and the statements built once below share it.
ON_SALE = ProductRow.__table__.c.active == true()


# What customers' browsing reads on every tap, built once (building a statement cost about as
# much as running it) over plain columns (no ORM identity map to fill).
_products = PRODUCTS = cast(Table, ProductRow.__table__)
_ITEM_COLUMNS = ITEM_COLUMNS = [_products.c[field] for field in STORED_FIELDS]  # an item, whole
_ledger = cast(Table, LedgerRow.__table__)
# The catalogue's order in its lists and files: by category, then name; the id tells apart
# two items of one name.
_EXPORT_ORDER = (_products.c.category, _products.c.name, _products.c.id)
_BY_CATEGORY_AND_NAME = "FORCE INDEX (ix_products_category_name)"
_LEDGER_COLUMNS = [
    _ledger.c[name]
    for name in (
        "id",
        "product_id",
        "reason",
        "change",
        "resulting_level",
        "at",
        "actor",
        "note",
        "order_id",
    )
]
_ITEM = select(*_ITEM_COLUMNS).where(_products.c.id == bindparam("id"))
_ITEMS = select(*_ITEM_COLUMNS).where(_products.c.id.in_(bindparam("ids", expanding=True)))
_CATEGORIES = (
    select(_products.c.category)
    .where(ON_SALE)
    .group_by(_products.c.category)
    .order_by(_products.c.category)
)
_IN_CATEGORY = ON_SALE & (_products.c.category == bindparam("category"))
_CATEGORY_PAGE = (
    select(*_ITEM_COLUMNS)
    .where(_IN_CATEGORY)
    .order_by(_products.c.name, _products.c.id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_CATEGORY_COUNT = select(func.count()).select_from(_products).where(_IN_CATEGORY)
_ON_SALE_COUNT = select(func.count()).select_from(_products).where(ON_SALE)


_versions = cast(Table, CatalogueVersionRow.__table__)
_VERSION = select(func.coalesce(func.sum(_versions.c.version), 0))
_MOVE_VERSION = (
    update(_versions)
    .where(_versions.c.shard == bindparam("at_shard"))
    .values(version=_versions.c.version + bindparam("step"))
)
VERSION_SHARDS = 16
CHANGED = "shopkeeps.catalogue_changed"  # session.info: the version moves at commit


class SqlCatalogueVersion:
    """The catalogue's version: the sum of a few rows, each moved by a random step.

    Why not one counter: on MariaDB (READ COMMITTED, row locks) every transaction that moved
    it would hold that one row until it commits, and each waits for the one before, across
    every worker. Here a change moves one of VERSION_SHARDS rows, picked at random, as the
    transaction's last statement (`move`, from the unit of work's commit): two changes
    queue only when they pick the same row, and only for a commit. Measured on MariaDB with
    eight writers whose transactions last 2 ms (8 x 150 transactions, issue 24): one row moved
    mid-transaction, 373 transactions a second; 16 rows, 1,308; moved as the last statement,
    about 1,500 either way. Reading is one statement over at most 16 rows, in the transaction
    that records updates anyway. Only changes to what a screen shows move it
    (bot.domain.stock.shown_stock): a sale of a well-stocked item does not.

    Why a random step, not 1: a version must never come back to a value some worker keeps
    screens for; a database emptied or restored under running workers would count up through
    the same numbers again. Random steps of up to 2³¹ make that as good as impossible, and
    leave room for some four billion changes in a BIGINT."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def current(self) -> int:
        return int(self.session.scalar(_VERSION) or 0)

    def changed(self) -> None:
        self.session.info[CHANGED] = True

    def move(self) -> None:
        """The version moves, if this transaction changed the catalogue."""
        if not self.session.info.pop(CHANGED, False):
            return
        shard, step = secrets.randbelow(VERSION_SHARDS), 1 + secrets.randbelow(2**31)
        moved = {"at_shard": shard, "step": step}
        while not self.session.execute(_MOVE_VERSION, moved).rowcount:  # type: ignore[attr-defined]
            # The row's first change (a new or emptied table): whoever inserts it first wins,
            # and the other moves it as usual.
            if insert_unless_present(self.session, _versions, shard=shard, version=step):
                return


def _after_prefix(word: str) -> str:
    """The first string after every string that starts with `word` (in code-point order)."""
    return word[:-1] + chr(ord(word[-1]) + 1)


def item_from_row(row: Any) -> Product:
    """An item from a row holding ITEM_COLUMNS (a cart line's join too)."""
    return SqlProductRepository._to_domain(row)


def _found_words(
    products: Sequence[Product], words: list[set[tuple[str, Field]]]
) -> Iterator[None]:
    """Each item's index words into `words`, a thousand items a step."""
    for start in range(0, len(products), 1_000):
        words.extend(index_terms(p) for p in products[start : start + 1_000])
        yield


class KeptActiveCount:
    """How many items are on sale, kept by a worker with the catalogue's version it was
    counted at. Counting is a walk of every item's index entry (7-12 ms on MariaDB at 100,000
    items, the biggest statement of `/report 30`), and only a change that moves the version
    changes it (archiving, bringing back, adding: SqlCatalogueVersion). Read after its
    version, a count is never older than its label; a version never comes back (random
    steps), but 0, an empty table's, says nothing and is never kept. Shared by the worker's
    database threads: one tuple, replaced whole."""

    def __init__(self) -> None:
        self._kept: tuple[int, int] | None = None

    def at(self, version: int) -> int | None:
        kept = self._kept
        return kept[1] if kept is not None and kept[0] == version and version else None

    def keep(self, version: int, count: int) -> None:
        if version:
            self._kept = (version, count)


class SqlProductRepository:
    def __init__(self, session: Session, kept: KeptActiveCount | None = None) -> None:
        """`kept`: the worker's count of items on sale (None: counted each time)."""
        self.session = session
        self._kept = kept

    @staticmethod
    def _to_domain(row: Any) -> Product:
        """An item from a ProductRow or a row of _ITEM_COLUMNS."""
        return Product.restored(
            sku=row.sku,
            name=row.name,
            category=row.category,
            unit=Unit(row.unit),
            step=row.step,
            price_minor=row.price_minor,
            description=row.description,
            low_stock_threshold=row.low_stock_threshold,
            active=row.active,
            photo_file_id=row.photo_file_id,
            stock=row.stock,
            vat_rate=row.vat_rate,
            id=row.id,
            photo_address=row.photo_address,
        )

    @staticmethod
    def _details(product: Product) -> dict[str, Any]:
        return {
            "sku": product.sku,
            "name": product.name,
            "category": product.category,
            "unit": product.unit.value,
            "step": product.step,
            "price_minor": product.price_minor,
            "description": product.description,
            "low_stock_threshold": product.low_stock_threshold,
            "active": product.active,
            "photo_file_id": product.photo_file_id,
            "photo_address": product.photo_address,
            "vat_rate": product.vat_rate,
            "search_text": product.search_text[:400],
        }

    @classmethod
    def _copy_details(cls, product: Product, row: ProductRow) -> None:
        for name, value in cls._details(product).items():
            setattr(row, name, value)

    def add(self, product: Product) -> Product:
        row = ProductRow(stock=product.stock)
        self._copy_details(product, row)
        self.session.add(row)
        self.session.flush()
        added = self._to_domain(row)
        self._index([added])
        return added

    def add_many(self, products: Sequence[Product]) -> list[Product]:
        """New items in bulk (an import): a few multi-row statements, not one per item."""
        if not products:
            return []
        # Every id given from here on is above the highest one now: the new items' ids are
        # read back in one pass from there (by SKU in lists of a thousand: 1.0 s against 0.3 s
        # for 100,000 on MariaDB). Items another import adds meanwhile are left out by SKU.
        before = self.session.scalar(select(func.max(ProductRow.id))) or 0
        # The items' index words are worked out while their rows are on the server: MariaDB
        # took 1.3 s of 100,000 items' 12.5 s import for them, and the words 0.7 s after.
        words: list[set[tuple[str, Field]]] = []
        finding = _found_words(products, words)
        insert_dicts(
            self.session.connection(),
            "products",
            [
                {
                    **self._details(p),
                    # Stored as the column stores it (a bare Decimal here is a quantity).
                    "vat_rate": None if p.vat_rate is None else hundredths(p.vat_rate),
                    "stock": p.stock,
                    "low_stock_alerted": False,
                }
                for p in products
            ],
            meanwhile=finding,
        )
        for _ in finding:  # what the waits left
            pass
        rows = self.session.connection().execute(
            select(ProductRow.sku, ProductRow.id).where(ProductRow.id > before)
        )
        ids = {sku: product_id for sku, product_id in rows}
        added = [p.unchecked_copy(id=ids[p.sku]) for p in products]
        self._index(added, words=words)
        return added

    def by_skus(self, skus: Sequence[str], *, for_update: bool = False) -> dict[str, Product]:
        found: dict[str, Product] = {}
        for start in range(0, len(skus), CHUNK):
            query = (
                select(ProductRow)
                .where(ProductRow.sku.in_(skus[start : start + CHUNK]))
                .execution_options(populate_existing=True)
            )
            if for_update:
                query = query.with_for_update()
            found.update((row.sku, self._to_domain(row)) for row in self.session.scalars(query))
        return found

    def update_many(self, products: Sequence[Product]) -> None:
        """Details of known items in bulk; stock is not touched here (it moves by the ledger)."""
        for start in range(0, len(products), CHUNK):
            chunk = products[start : start + CHUNK]
            self.session.execute(
                update(ProductRow),
                [{"id": p.id, **self._details(p)} for p in chunk],
            )
        self._index(products, replace=True)

    def reprice(self, changes: Sequence[tuple[int, int, int]]) -> int:
        done = 0
        for product_id, seen, new in changes:
            result = self.session.execute(
                update(ProductRow)
                .where(ProductRow.id == product_id, ProductRow.price_minor == seen)
                .values(price_minor=new)
                .execution_options(synchronize_session=False)
            )
            done += int(result.rowcount)  # type: ignore[attr-defined]
        return done

    def _index(
        self,
        products: Sequence[Product],
        *,
        replace: bool = False,
        words: Sequence[set[tuple[str, Field]]] | None = None,
    ) -> None:
        """Keep the search index in step with the items' words (`words`: each item's, found
        already)."""
        if replace:
            ids = [p.id for p in products]
            for start in range(0, len(ids), CHUNK):
                self.session.execute(
                    delete(SearchTermRow).where(
                        SearchTermRow.product_id.in_(ids[start : start + CHUNK])
                    )
                )
        found = words if words is not None else [index_terms(p) for p in products]
        terms = [
            (term, p.id, int(where))
            for p, terms_of in zip(products, found, strict=True)
            for term, where in terms_of
        ]
        # An import writes some 700,000 of these: straight to the driver (bot.persistence.bulk).
        insert_rows(self.session.connection(), "search_terms", TERM_COLUMNS, terms)
        vocabulary = {term for term, _pid, _field in terms if typo_indexable(term)}
        known: set[str] = set()
        listed = sorted(vocabulary)
        for start in range(0, len(listed), CHUNK):
            known.update(
                self.session.scalars(
                    select(SearchVariantRow.term).where(
                        SearchVariantRow.term.in_(listed[start : start + CHUNK]),
                        SearchVariantRow.variant == SearchVariantRow.term,
                    )
                )
            )
        pairs = [{"variant": v, "term": t} for t in sorted(vocabulary - known) for v in variants(t)]
        insert_many_unless_present(self.session, SearchVariantRow.__table__, pairs)  # type: ignore[arg-type]

    def get(self, product_id: int) -> Product | None:
        row = self.session.execute(_ITEM, {"id": product_id}).one_or_none()
        return self._to_domain(row) if row else None

    def get_by_sku(self, sku: str) -> Product | None:
        row = self.session.scalars(
            select(ProductRow)
            .where(ProductRow.sku == sku)
            .execution_options(populate_existing=True)
        ).one_or_none()
        return self._to_domain(row) if row else None

    def get_many(self, product_ids: Sequence[int]) -> dict[int, Product]:
        if not product_ids:
            return {}
        rows = self.session.execute(_ITEMS, {"ids": sorted(set(product_ids))})
        return {row.id: self._to_domain(row) for row in rows}

    def replace_photo(self, product_id: int, old: str, new: str) -> bool:
        changed = self.session.execute(
            update(ProductRow)
            .where(ProductRow.id == product_id, ProductRow.photo_file_id == old)
            .values(photo_file_id=new, photo_address=old)
            .execution_options(synchronize_session=False)
        )
        return bool(changed.rowcount)  # type: ignore[attr-defined]

    def update_details(self, product: Product) -> None:
        row = self.session.get(ProductRow, product.id)
        if row is None:
            raise LookupError(f"product {product.id} vanished")
        words_before = (row.sku, row.name, row.category)
        self._copy_details(product, row)
        self.session.flush()
        if (row.sku, row.name, row.category) != words_before:
            self._index([product], replace=True)

    def change_stock(
        self, product_id: int, delta: Decimal, *, expected: Decimal | None = None
    ) -> Decimal | None:
        condition = ProductRow.id == product_id
        if delta < 0:
            # The guard and the change are one statement: no read-then-write race.
            condition = and_(condition, ProductRow.stock >= type_coerce(-delta, Quantity))
        if expected is not None:
            condition = and_(condition, ProductRow.stock == type_coerce(expected, Quantity))
        result = self.session.execute(
            update(ProductRow)
            .where(condition)
            .values(stock=ProductRow.stock + type_coerce(delta, Quantity))
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        level: Decimal = self.session.scalars(
            select(ProductRow.stock).where(ProductRow.id == product_id)
        ).one()
        return level

    def mark_low_alerted(self, product_id: int) -> bool:
        result = self.session.execute(
            update(ProductRow)
            .where(ProductRow.id == product_id, ProductRow.low_stock_alerted.is_(False))
            .values(low_stock_alerted=True)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]

    def rearm_low_alert(self, product_id: int) -> None:
        self.session.execute(
            update(ProductRow)
            .where(ProductRow.id == product_id, ProductRow.low_stock_alerted.is_(True))
            .values(low_stock_alerted=False)
            .execution_options(synchronize_session=False)
        )

    def search(self, query: SearchQuery, *, limit: int, offset: int = 0) -> list[Product]:
        """Items matching every word, best matches first (see bot.domain.search)."""
        found, rank = self._matching(query)
        if query.words:
            best = (rank.desc(), _products.c.name, _products.c.id)
            page = found.order_by(*best).limit(limit).offset(offset)
        else:
            # The whole catalogue (or a category, a shelf) in its order: a page's ids are read
            # from the index of categories and names alone, then only its items, so a page deep
            # in 100,000 items reads no item before it (0.4 s to 10 ms on the 100k store).
            order = (_products.c.category, _products.c.name, _products.c.id)
            ids = found.with_only_columns(_products.c.id).order_by(*order).limit(limit)
            chosen = ids.offset(offset).subquery()
            page = select(*_ITEM_COLUMNS).join(chosen, chosen.c.id == _products.c.id)
            page = page.order_by(*order)
        return [_from_columns(r) for r in self.session.connection().execute(page)]

    def prices_in(self, category: str, *, limit: int) -> list[tuple[int, str, str, int]]:
        # Four columns from the index of categories and names, not whole items: a 10,000-item
        # category's preview read them in 0.24 s on MariaDB, 0.07 s now.
        rows = self.session.connection().execute(
            select(_products.c.id, _products.c.sku, _products.c.name, _products.c.price_minor)
            .where(_products.c.category == category)
            .order_by(_products.c.category, _products.c.name, _products.c.id)
            .limit(limit)
        )
        return [(int(pid), sku, name, int(price)) for pid, sku, name, price in rows]

    def count_search(self, query: SearchQuery) -> int:
        found, _rank = self._matching(query)
        return self.session.scalar(select(func.count()).select_from(found.subquery())) or 0

    @staticmethod
    def _matching(query: SearchQuery) -> tuple[Select[Any], ColumnElement[int]]:
        found = select(*_ITEM_COLUMNS)
        rank: ColumnElement[int] | None = None
        for word in query.words:
            term = aliased(SearchTermRow)
            start = and_(term.term >= word.text, term.term < _after_prefix(word.text))
            how = case(
                (term.term == word.text, int(Match.WHOLE)),
                (start, int(Match.START)),
                else_=int(Match.TYPO),
            )
            matches = start if not word.typos else or_(start, term.term.in_(word.typos))
            best = (
                select(
                    term.product_id.label("product_id"), func.max(term.field * how).label("score")
                )
                .where(matches)
                .group_by(term.product_id)
                .subquery()
            )
            found = found.join(best, best.c.product_id == ProductRow.id)
            rank = best.c.score if rank is None else rank + best.c.score
        if not query.include_archived:
            found = found.where(ON_SALE)
        return found.where(*_narrowed(query.filters)), rank if rank is not None else literal(0)

    def similar_terms(self, typed: set[str]) -> dict[str, set[str]]:
        """Indexed words sharing a variant with the typed ones: variant -> words."""
        found: dict[str, set[str]] = {}
        listed = sorted(typed)
        for start in range(0, len(listed), CHUNK):
            rows = self.session.execute(
                select(SearchVariantRow.variant, SearchVariantRow.term).where(
                    SearchVariantRow.variant.in_(listed[start : start + CHUNK])
                )
            )
            for variant, term in rows:
                found.setdefault(variant, set()).add(term)
        return found

    def low(self, default_threshold: Decimal, *, limit: int | None = None) -> list[Product]:
        """Items on sale at or below their threshold (or the store's), chosen in SQL: sold
        out first, then the lowest stock (stock is never negative, so plain stock order),
        walked on the (active, stock, name) index until `limit` are found. Plain rows, not
        mapped objects: 400 candidates cost 9 ms as objects, in each /lowstock."""
        query = (
            select(*_ITEM_COLUMNS)
            .where(*self._is_low(default_threshold))
            .order_by(ProductRow.stock, ProductRow.name, ProductRow.id)
            .limit(limit)
        )
        return [_from_columns(r) for r in self.session.connection().execute(query)]

    def count_active(self) -> int:
        if self._kept is None or self.session.info.get(CHANGED):
            # A unit that changed the catalogue counts its own changes, which its version
            # does not show until the commit: not for others to be served.
            return self._count_active()
        version = SqlCatalogueVersion(self.session).current()
        count = self._kept.at(version)
        if count is None:
            count = self._count_active()
            self._kept.keep(version, count)
        return count

    def _count_active(self) -> int:
        return self.session.scalar(_ON_SALE_COUNT) or 0

    def count_low(self, default_threshold: Decimal) -> int:
        query = select(func.count()).select_from(ProductRow).where(*self._is_low(default_threshold))
        return self.session.scalar(query) or 0

    @staticmethod
    def _is_low(default_threshold: Decimal) -> tuple[ColumnElement[bool], ...]:
        return _is_low(default_threshold)

    def categories(self) -> list[str]:
        return list(self.session.scalars(_CATEGORIES))

    def in_category(self, category: str, *, limit: int, offset: int = 0) -> list[Product]:
        page = {"category": category, "limit": limit, "offset": offset}
        return [self._to_domain(r) for r in self.session.execute(_CATEGORY_PAGE, page)]

    def count_in_category(self, category: str) -> int:
        return self.session.scalar(_CATEGORY_COUNT, {"category": category}) or 0

    def all(self, *, include_archived: bool = True) -> list[Product]:
        # Plain rows read by position, not mapped objects: the 100k store's export read its
        # items in 2.6 s, now 1.1 s.
        query = select(*_ITEM_COLUMNS).order_by(*_EXPORT_ORDER)
        if not include_archived:
            query = query.where(ON_SALE)
        return [_from_columns(r) for r in self.session.connection().execute(query)]

    def after(self, item: Product | None, *, limit: int) -> list[Product]:
        # The order of `all`, from the index of categories and names (which ends with the id).
        # MariaDB sorted the whole table for the first chunk (EXPLAIN: ALL, filesort; 195 ms
        # against 26 ms from the index on the 100k store) unless told to read the index.
        query = select(*_ITEM_COLUMNS).order_by(*_EXPORT_ORDER).limit(limit)
        for dialect in ("mysql", "mariadb"):
            query = query.with_hint(_products, _BY_CATEGORY_AND_NAME, dialect_name=dialect)
        if item is not None:
            assert item.id is not None
            query = query.where(
                keyset.after(self.session, _EXPORT_ORDER, (item.category, item.name, item.id))
            )
        return [_from_columns(r) for r in self.session.connection().execute(query)]


class SqlLedgerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: LedgerEntry) -> LedgerEntry:
        row = LedgerRow(**self._columns(entry))
        self.session.add(row)
        self.session.flush()
        return self._to_domain(row)

    def add_many(self, entries: Sequence[LedgerEntry]) -> None:
        insert_dicts(self.session.connection(), "stock_ledger", [self._columns(e) for e in entries])

    @staticmethod
    def _columns(entry: LedgerEntry) -> dict[str, Any]:
        return {
            "product_id": entry.product_id,
            "reason": entry.reason.value,
            "change": entry.change,
            "resulting_level": entry.resulting_level,
            "at": entry.at,
            "actor": entry.actor,
            "note": entry.note,
            "order_id": entry.order_id,
        }

    @staticmethod
    def _to_domain(row: LedgerRow) -> LedgerEntry:
        return LedgerEntry(
            product_id=row.product_id,
            reason=StockReason(row.reason),
            change=row.change,
            resulting_level=row.resulting_level,
            at=row.at,
            actor=row.actor,
            note=row.note,
            order_id=row.order_id,
            id=row.id,
        )

    def since(
        self, at: datetime, *, limit: int, after: LedgerEntry | None = None
    ) -> list[tuple[LedgerEntry, str, str]]:
        # Plain rows, not mapped objects, from the index of times (its order: no sort). After
        # a move, only its keyset: that move is from `at` on already. The chunk is taken from
        # the ledger alone, then named: joined in one step, MariaDB may read every item first
        # and sort the whole ledger for each chunk (seen on a freshly built store: 1–3 s a
        # chunk, against 20 ms this way).
        order = (_ledger.c.at, _ledger.c.id)
        where = (
            _ledger.c.at >= at
            if after is None
            else keyset.after(self.session, order, (after.at, after.id))
        )
        chunk = select(*_LEDGER_COLUMNS).where(where).order_by(*order).limit(limit).subquery()
        rows = self.session.connection().execute(
            select(*chunk.c, _products.c.sku, _products.c.name)
            .join(_products, _products.c.id == chunk.c.product_id)
            .order_by(chunk.c.at, chunk.c.id)
        )
        # By position: a row's attributes by name cost as much as the query.
        return [
            (
                LedgerEntry(pid, StockReason(why), change, level, at, who, note, order, move),
                sku,
                name,
            )
            for move, pid, why, change, level, at, who, note, order, sku, name in rows
        ]

    def recent(self, product_id: int, *, limit: int) -> list[LedgerEntry]:
        rows = self.session.scalars(
            select(LedgerRow)
            .where(LedgerRow.product_id == product_id)
            .order_by(LedgerRow.id.desc())
            .limit(limit)
        )
        return [self._to_domain(r) for r in rows]

    def balance(self, product_id: int) -> Decimal:
        total = self.session.scalar(
            select(type_coerce(func.coalesce(func.sum(LedgerRow.change), 0), Quantity)).where(
                LedgerRow.product_id == product_id
            )
        )
        return total if total is not None else Decimal(0)


class SqlWatchRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, customer_id: int, product_id: int, at: datetime) -> bool:
        return insert_unless_present(
            self.session,
            StockWatchRow.__table__,  # type: ignore[arg-type]
            customer_id=customer_id,
            product_id=product_id,
            created_at=at,
        )

    def take(self, product_id: int) -> list[int]:
        watchers = [
            user
            for user in self.session.scalars(
                select(CustomerRow.telegram_user_id)
                .join(StockWatchRow, StockWatchRow.customer_id == CustomerRow.id)
                .where(StockWatchRow.product_id == product_id)
                .order_by(StockWatchRow.created_at, CustomerRow.id)
            )
            if user is not None  # an erased customer has no watches; typed for the column
        ]
        self.session.execute(delete(StockWatchRow).where(StockWatchRow.product_id == product_id))
        return watchers

    def has(self, customer_id: int, product_id: int) -> bool:
        return self.session.get(StockWatchRow, (customer_id, product_id)) is not None

    def remove(self, customer_id: int, product_id: int) -> bool:
        gone = self.session.execute(
            delete(StockWatchRow).where(
                StockWatchRow.customer_id == customer_id, StockWatchRow.product_id == product_id
            )
        )
        return bool(cast(Any, gone).rowcount)


def _is_low(default_threshold: Decimal) -> tuple[ColumnElement[bool], ...]:
    # Bound as a Quantity, so it is compared in the same thousandths the columns hold.
    default = literal(default_threshold, type_=Quantity)
    threshold = func.coalesce(ProductRow.low_stock_threshold, default)
    return (ON_SALE, ProductRow.stock <= threshold)


def _from_columns(row: Sequence[Any]) -> Product:
    """An item from a row of _ITEM_COLUMNS, read by position (by name, a Row's attributes
    cost more than the query of a 100,000-item export)."""
    fields = dict(zip(STORED_FIELDS, row, strict=True))
    fields["unit"] = Unit(fields["unit"])
    return Product.restored(**fields)


def _narrowed(filters: Filters) -> list[ColumnElement[bool]]:
    """A staff list's category and shelf (bot.domain.search.Filters.keeps says the same)."""
    where: list[ColumnElement[bool]] = []
    if filters.category is not None:
        where.append(ProductRow.category == filters.category)
    if filters.shelf is Shelf.LOW:
        where += _is_low(filters.low_level)
    elif filters.shelf is Shelf.SOLD_OUT:
        where += [ON_SALE, ProductRow.stock == literal(Decimal(0), type_=Quantity)]
    elif filters.shelf is Shelf.ARCHIVED:
        where.append(ProductRow.__table__.c.active == false())
    return where
