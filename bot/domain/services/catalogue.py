"""Adding, editing, archiving, importing and browsing the items the store sells."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from bot.domain.catalogue import Product, normalise_sku, search_key
from bot.domain.chunks import Chunk
from bot.domain.clock import Clock, utc_now
from bot.domain.errors import (
    DomainError,
    DuplicateSku,
    InvalidInput,
    NotFound,
    ProductArchived,
    UnknownProduct,
    UnknownShelfLink,
)
from bot.domain.ports import UnitOfWork
from bot.domain.pricing import PriceChange, PriceStep, fingerprint
from bot.domain.quantity import check_step
from bot.domain.search import Filters, build_query, query_words
from bot.domain.services.offers import price_now, prices_now
from bot.domain.services.retry import retry_on_conflict
from bot.domain.services.stock import check_level, move_stock
from bot.domain.services.uploads import GONE as STAGED_GONE
from bot.domain.stock import LedgerEntry, StockReason
from bot.domain.store import Store
from bot.domain.text import Words, said

EDITABLE_FIELDS = frozenset(
    {
        "name",
        "category",
        "unit",
        "step",
        "price_minor",
        "description",
        "low_stock_threshold",
        "photo_file_id",
        "photo_address",
        "vat_rate",
    }
)


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total


def _check_initial_stock(product: Product, quantity: Decimal) -> None:
    check_level(product, quantity, negative=said("Initial stock cannot be negative"))


@retry_on_conflict
def add_product(
    product: Product,
    *,
    initial_stock: Decimal = Decimal(0),
    store: Store,
    actor: str,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Product:
    """A new item; its opening stock enters through the ledger like any delivery."""
    with uow:
        saved = add_product_in(
            uow, product, initial_stock=initial_stock, store=store, actor=actor, at=clock()
        )
        uow.commit()
        return saved


def add_product_in(
    uow: UnitOfWork,
    product: Product,
    *,
    initial_stock: Decimal,
    store: Store,
    actor: str,
    at: datetime,
) -> Product:
    """The body of add_product, inside a transaction the caller owns and commits."""
    _check_initial_stock(product, initial_stock)
    if uow.products.get_by_sku(product.sku) is not None:
        raise DuplicateSku(product.sku)
    saved = uow.products.add(dataclasses.replace(product, stock=Decimal(0), id=None))
    uow.catalogue.changed()
    if initial_stock:
        move_stock(
            uow,
            saved,
            initial_stock,
            StockReason.RECEIVED,
            store=store,
            actor=actor,
            at=at,
            note=said("opening stock"),
        )
    return saved


def _get(uow: UnitOfWork, sku: str, *, include_archived: bool = True) -> Product:
    product = uow.products.get_by_sku(normalise_sku(sku))
    if product is None or (not include_archived and not product.active):
        raise UnknownProduct(sku.strip().upper())
    return product


@retry_on_conflict
def update_product(sku: str, changes: dict[str, Any], *, uow: UnitOfWork) -> Product:
    """Edit an item's details; the stock level is not among them (use the stock use cases)."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(
            said("These cannot be edited here: {fields}"), fields=", ".join(sorted(unknown))
        )
    with uow:
        current = _get(uow, sku)
        # Rebuilding runs every product rule on the edited values.
        edited = Product(**{**_fields(current), **changes})
        if edited.stock and not changes.keys().isdisjoint({"step", "unit"}):
            check_step(edited.stock, edited.step, edited.unit.value)
        uow.products.update_details(edited)
        uow.catalogue.changed()
        uow.commit()
        return edited


@retry_on_conflict
def keep_fetched_photo(product_id: int, address: str, file_id: str, *, uow: UnitOfWork) -> bool:
    """Telegram fetched an item's photo from its web address: from now on the item shows it by
    the file id Telegram gave (cards are redrawn in place, and the address is not fetched for
    every card), unless its photo was changed meanwhile."""
    with uow:
        if not uow.products.replace_photo(product_id, address, file_id):
            return False
        uow.catalogue.changed()
        uow.commit()
        return True


def _fields(product: Product) -> dict[str, Any]:
    return {f.name: getattr(product, f.name) for f in dataclasses.fields(product)}


@retry_on_conflict
def set_active(sku: str, active: bool, *, uow: UnitOfWork) -> Product:
    """Archive or bring back an item. Nothing is deleted: its order history must stay."""
    with uow:
        product = _get(uow, sku)
        product.active = active
        uow.products.update_details(product)
        uow.catalogue.changed()
        uow.commit()
        return product


def _as_imported(imported: Product, known: Product) -> Product:
    """An item as an imported row leaves it: its details from the row; its stock moved apart;
    an empty photo or VAT cell keeps what it has (/setvat SKU default resets a rate), and so
    does the address its photo was fetched from (the file id Telegram gave stays)."""
    photo, address = imported.photo_file_id, None
    if not photo or photo in (known.photo_file_id, known.photo_address):
        photo, address = known.photo_file_id, known.photo_address
    return dataclasses.replace(
        imported,
        id=known.id,
        stock=known.stock,
        photo_file_id=photo,
        photo_address=address,
        vat_rate=_or_known(imported.vat_rate, known.vat_rate),
        active=known.active,
    )


def _or_known(given: Decimal | None, known: Decimal | None) -> Decimal | None:
    return known if given is None else given


def _with_stock(product: Product, stock: Decimal) -> Product:
    """A copy to insert (the row's item is checked already: no second validation)."""
    return product.unchecked_copy(stock=stock, id=None)


@dataclass(frozen=True, slots=True)
class ImportRow:
    line_number: int
    product: Product
    stock: Decimal


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    updated: int
    stock_changes: int


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What an import would do, line by line, before anything is written."""

    new: list[ImportRow]
    changed: list[tuple[ImportRow, list[str]]]  # each with the fields it changes
    unchanged: int
    problems: list[tuple[int, Words]]  # (line, why): the file cannot be imported as it is
    seen: str = ""  # the known items as the preview read them (catalogue_fingerprint)


IMPORT_MOVED = said(
    "Items in the file changed since the preview (a sale, a new price), so nothing was "
    "imported. Upload the file again to see what it would change now."
)


def catalogue_fingerprint(products: Iterable[Product]) -> str:
    """Items as read, in a few characters: an import confirmed from a preview applies only
    if the items it touches are still as the preview showed them."""
    shown = "\n".join(
        repr(tuple(getattr(p, f) for f in (*COMPARED, "sku", "stock", "active")))
        for p in sorted(products, key=lambda p: p.sku)
    )
    return hashlib.sha256(shown.encode()).hexdigest()[:32]


# What an import may change of a known item (its stock moves apart, by the ledger).
COMPARED = tuple(sorted(EDITABLE_FIELDS - {"photo_address"}))


def preview_import(rows: Sequence[ImportRow], *, uow: UnitOfWork) -> ImportPreview:
    """New, changed (and how) and unchanged items, and every line that stops the import, as
    import_catalogue would find them now; nothing is written."""
    problems: list[tuple[int, Words]] = []
    seen: dict[str, int] = {}
    for row in rows:
        sku = row.product.sku
        if sku in seen:
            problems.append(
                (
                    row.line_number,
                    Words(
                        said("SKU {sku} already on line {first}"), {"sku": sku, "first": seen[sku]}
                    ),
                )
            )
        seen.setdefault(sku, row.line_number)
        try:
            _check_initial_stock(row.product, row.stock)
        except DomainError as refused:
            problems.append((row.line_number, refused.words))
    with uow.reading():
        known = uow.products.by_skus(list(seen))
    new, changed, unchanged = [], [], 0
    for row in rows:
        was = known.get(row.product.sku)
        if was is None:
            new.append(row)
            continue
        after = _as_imported(row.product, was)
        fields = [f for f in COMPARED if getattr(after, f) != getattr(was, f)]
        if row.stock != was.stock:
            fields.append("stock")
        if fields:
            changed.append((row, fields))
        else:
            unchanged += 1
    return ImportPreview(new, changed, unchanged, problems, catalogue_fingerprint(known.values()))


@retry_on_conflict
def import_catalogue(
    rows: Sequence[ImportRow],
    *,
    store: Store,
    actor: str,
    uow: UnitOfWork,
    clock: Clock = utc_now,
    progress: Callable[[int], None] | None = None,
    seen: str | None = None,
    staged: str | None = None,
) -> ImportResult:
    """Create or update every row in one transaction: all rows land, or none do.

    From a preview: `seen`, its fingerprint of the known items, which must still hold (read
    under lock here); `staged`, the hash of the kept file's token, which the import spends
    in the same transaction (a second confirmation finds it gone).

    New items get their stock as a delivery; for known items a different stock figure is
    recorded as a count correction, so export -> edit -> import round-trips.
    """
    lines: dict[str, int] = {}
    for row in rows:
        sku = row.product.sku
        if sku in lines:
            raise InvalidInput(
                said("line {line}: SKU {sku} already on line {first}"),
                line=row.line_number,
                sku=sku,
                first=lines[sku],
            )
        lines[row.product.sku] = row.line_number
        _check_initial_stock(row.product, row.stock)
    at = clock()
    with uow:
        # Known items are locked as they are read: a count correction sets the level the
        # file says, so no sale may slip in between the read and the move.
        known = uow.products.by_skus(list(lines), for_update=True)
        if seen is not None and catalogue_fingerprint(known.values()) != seen:
            raise InvalidInput(IMPORT_MOVED)
        if staged is not None and not uow.staged.drop(staged):
            raise NotFound(STAGED_GONE)
        fresh = [row for row in rows if row.product.sku not in known]
        # A new item's stock is its first delivery: the row and its ledger entry land
        # together, in bulk (an import of 100,000 items is a few statements per 1,000).
        added = uow.products.add_many([_with_stock(row.product, row.stock) for row in fresh])
        uow.ledger.add_many(
            [
                LedgerEntry(
                    product_id=product.id or 0,
                    reason=StockReason.RECEIVED,
                    change=product.stock,
                    resulting_level=product.stock,
                    at=at,
                    actor=actor,
                    note=said("catalogue import"),
                )
                for product in added
                if product.stock
            ]
        )
        stock_changes = sum(1 for product in added if product.stock)
        edited = [
            _as_imported(row.product, known[row.product.sku])
            for row in rows
            if row.product.sku in known
        ]
        # Export -> edit -> import: only the rows someone changed are written again.
        rewritten = [p for p in edited if p != known[p.sku]]
        uow.products.update_many(rewritten)
        if added or rewritten:
            uow.catalogue.changed()
        wanted = {row.product.sku: row.stock for row in rows}
        for product in edited:
            change = wanted[product.sku] - product.stock
            if change:
                move_stock(
                    uow,
                    product,
                    change,
                    StockReason.COUNT_CORRECTION,
                    store=store,
                    actor=actor,
                    at=at,
                    note=said("catalogue import"),
                )
                stock_changes += 1
        if progress is not None:
            progress(len(rows))
        uow.commit()
        created, updated = len(added), len(edited)
    return ImportResult(created, updated, stock_changes)


def find_skus(skus: Sequence[str], *, uow: UnitOfWork) -> list[str]:
    """Which of these SKUs the catalogue already holds (archived items too)."""
    with uow:
        return list(uow.products.by_skus(skus))


def all_products(*, uow: UnitOfWork, include_archived: bool = True) -> list[Product]:
    with uow:
        return uow.products.all(include_archived=include_archived)


def products_chunk(after: Product | None, *, size: int, uow: UnitOfWork) -> Chunk[Product, Product]:
    """The next `size` items of the catalogue file, archived ones too, in all_products' order
    (category, name, then id), from just after `after` (None: from the first)."""
    with uow.reading():
        products = uow.products.after(after, limit=size)
    return Chunk(products, products[-1] if len(products) == size else None)


def find_product(sku: str, *, uow: UnitOfWork, include_archived: bool = False) -> Product:
    with uow:
        return _get(uow, sku, include_archived=include_archived)


def shelf_item(link: str, *, uow: UnitOfWork) -> Product:
    """The item of a shelf QR code (`/start p_SKU`), in a customer's words: a link to nothing
    says so without SKU rules, and an item taken off sale says what the cart says."""
    try:
        sku = normalise_sku(link)
    except InvalidInput:
        raise UnknownShelfLink() from None
    with uow:
        product = uow.products.get_by_sku(sku)
    if product is None:
        raise UnknownShelfLink()
    if not product.active:
        raise ProductArchived(product.name)
    return product


def categories(*, uow: UnitOfWork) -> list[str]:
    with uow:
        return uow.products.categories()


def products_in_category(
    category: str, *, offset: int, limit: int, uow: UnitOfWork
) -> Page[Product]:
    with uow.reading():
        items = uow.products.in_category(category, limit=limit, offset=offset)
        priced = prices_now(uow, items, utc_now())
        return Page(priced, uow.products.count_in_category(category), offset, limit)


def search_products(text: str, *, offset: int, limit: int, uow: UnitOfWork) -> Page[Product]:
    """Items on sale matching every typed word, best first (see bot.domain.search)."""
    if not searchable(text):
        raise InvalidInput(said("Type at least 2 letters to search"))
    with uow.reading():
        return search_in(uow, text, offset=offset, limit=limit)


def searchable(text: str) -> bool:
    return len(search_key(text).strip()) >= 2 and bool(query_words(text))


def search_in(uow: UnitOfWork, text: str, *, offset: int, limit: int) -> Page[Product]:
    """The search, inside a unit of work the caller holds open."""
    query = build_query(text, uow.products.similar_terms)
    items = prices_now(uow, uow.products.search(query, limit=limit, offset=offset), utc_now())
    return Page(items, uow.products.count_search(query), offset, limit)


def product_for_sale(product_id: int, *, uow: UnitOfWork) -> Product:
    """An item a customer may look at and buy; archived ones are refused by name."""
    with uow:
        return for_sale(price_now(uow, uow.products.get(product_id), utc_now()), product_id)


def item(product_id: int, *, uow: UnitOfWork, clock: Clock = utc_now) -> Product | None:
    """An item as sold now, archived or not (a worker keeps it for its cards: `for_sale`)."""
    with uow:
        return price_now(uow, uow.products.get(product_id), clock())


def for_sale(product: Product | None, product_id: int) -> Product:
    """The item, if a customer may look at it and buy it; archived ones are refused by name."""
    if product is None:
        raise UnknownProduct(str(product_id))
    if not product.active:
        raise ProductArchived(product.name)
    return product


def stock_levels(
    text: str, *, offset: int, limit: int, uow: UnitOfWork, filters: Filters | None = None
) -> Page[Product]:
    """Staff's view: every item, archived ones too; with words, the items matching them,
    best first; without, the whole catalogue in its order (category, then name). `filters`
    narrow it to a category or a shelf (low, sold out, archived)."""
    with uow.reading():
        query = build_query(
            text, uow.products.similar_terms, include_archived=True, filters=filters
        )
        items = uow.products.search(query, limit=limit, offset=offset)
        total = uow.products.count_search(query)
    return Page(items, total, offset, limit)


# A small shop's category is a few hundred items, a supermarket's up to about 10,000 (the 100k
# store's are): one change for more is refused (10,000 prices: 1.8 s on SQLite, 4.3 s on
# MariaDB, in one transaction).
MOST_REPRICED = 20_000
PRICES_MOVED = said(
    "Prices in “{category}” changed since the preview, so nothing was changed. Look at the "
    "preview again."
)


def _category_items(uow: UnitOfWork, category: str) -> list[tuple[int, str, str, int]]:
    """(id, SKU, name, price) of every item of the category, archived ones too."""
    items = uow.products.prices_in(category, limit=MOST_REPRICED + 1)
    if not items:
        raise NotFound(said("There are no items in the category “{category}”."), category=category)
    if len(items) > MOST_REPRICED:
        raise InvalidInput(
            said("“{category}” has more than {most} items: change them in smaller groups."),
            category=category,
            most=MOST_REPRICED,
        )
    return items


def _steps(items: list[tuple[int, str, str, int]], change: PriceChange) -> list[PriceStep]:
    return [
        PriceStep(pid, sku, name, price, change.applied(price)) for pid, sku, name, price in items
    ]


def preview_prices(category: str, change: PriceChange, *, uow: UnitOfWork) -> list[PriceStep]:
    """Every item of a category with its price now and after the change (archived ones too:
    they keep the price they come back with)."""
    with uow.reading():
        return _steps(_category_items(uow, category), change)


@retry_on_conflict
def reprice_category(
    category: str, change: PriceChange, *, seen: str, uow: UnitOfWork
) -> list[PriceStep]:
    """Apply a previewed change to a whole category in one transaction, only if the prices
    are still those the preview showed (`seen`, its fingerprint); each price is set only
    where it is still the one read, so a /setprice meanwhile is never lost."""
    with uow:
        steps = _steps(_category_items(uow, category), change)
        if fingerprint(steps) != seen:
            raise InvalidInput(PRICES_MOVED, category=category)
        moved = [
            (s.product_id, s.old_minor, s.new_minor) for s in steps if s.old_minor != s.new_minor
        ]
        if uow.products.reprice(moved) != len(moved):
            raise InvalidInput(PRICES_MOVED, category=category)
        uow.catalogue.changed()
        uow.commit()
        return steps


@retry_on_conflict
def put_photo(
    sku: str,
    body: bytes,
    content_type: str,
    *,
    address: Callable[[str], str],
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> Product:
    """An uploaded photo becomes the item's: kept by the SHA-256 of its bytes (the same photo
    twice is kept once) and shown from `address(sha)`, which Telegram fetches the first time
    a card shows it (then its file id is kept: keep_fetched_photo)."""
    sha = hashlib.sha256(body).hexdigest()
    with uow:
        product = _get(uow, sku)
        uow.photos.keep(sha, content_type, body, clock())
        edited = dataclasses.replace(product, photo_file_id=address(sha), photo_address=None)
        uow.products.update_details(edited)
        uow.catalogue.changed()
        uow.commit()
        return edited


def photo(sha256: str, *, uow: UnitOfWork) -> tuple[str, bytes] | None:
    """An uploaded photo's content type and bytes, to serve."""
    with uow.reading():
        return uow.photos.get(sha256)
