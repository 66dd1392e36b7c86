"""Stock moves only here: each move is an atomic conditional update plus a ledger row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bot.domain.catalogue import Product, normalise_sku, search_key
from bot.domain.chunks import Chunk
from bot.domain.clock import Clock, utc_now
from bot.domain.errors import (
    AmbiguousItem,
    InvalidInput,
    OutOfStock,
    StockChangedMeanwhile,
    StockWouldGoNegative,
    Suggestion,
    UnknownProduct,
)
from bot.domain.notifications import Notification
from bot.domain.ports import UnitOfWork
from bot.domain.quantity import MAX_QUANTITY, check_step
from bot.domain.search import build_query, query_words, words_of
from bot.domain.services.customers import CustomerRef, identify
from bot.domain.services.low_stock import note_level
from bot.domain.services.offers import prices_now
from bot.domain.services.retry import retry_on_conflict
from bot.domain.stock import (
    MANUAL_ADJUSTMENT_REASONS,
    REASON_NAMES,
    BackInStockNews,
    LedgerEntry,
    StockReason,
    shown_stock,
)
from bot.domain.store import Store
from bot.domain.text import Amount, Words, one_line, said


@dataclass(frozen=True, slots=True)
class StockMove:
    product: Product
    entry: LedgerEntry

    @property
    def level_before(self) -> Decimal:
        return self.entry.resulting_level - self.entry.change


def take_stock(
    uow: UnitOfWork,
    product: Product,
    change: Decimal,
    reason: StockReason,
    *,
    expected: Decimal | None = None,
) -> Decimal:
    """The atomic half of a move: the conditional update. Returns the new level.

    Callers that also insert rows referencing the product (order lines) must do so after
    this: on InnoDB those inserts share-lock the product row, and two transactions holding
    that shared lock would deadlock when both then ask for the update's exclusive lock.
    """
    assert product.id is not None
    level = uow.products.change_stock(product.id, change, expected=expected)
    if level is None:
        current = uow.products.get(product.id)
        on_hand = current.stock if current else Decimal(0)
        if expected is not None and on_hand != expected:
            raise StockChangedMeanwhile(product.name, Amount(on_hand, product.unit.value))
        if reason is StockReason.SALE:
            raise OutOfStock(product.name, -change, on_hand)
        raise StockWouldGoNegative(product.name, on_hand)
    product.stock = level
    return level


def tell_watchers(uow: UnitOfWork, product: Product, at: datetime) -> None:
    """Everyone who asked is told, once, through the outbox (within Telegram's budget)."""
    assert product.id is not None
    news = BackInStockNews(product.id, product.name, product.sku)
    for chat_id in uow.watches.take(product.id):
        uow.outbox.add(Notification(chat_id, news, at))


@retry_on_conflict
def watch_product(
    customer: CustomerRef, product_id: int, *, uow: UnitOfWork, clock: Clock = utc_now
) -> Product:
    """“Tell me when it's back” on a sold-out item (asking twice is asking once). An item on
    sale again meanwhile is simply returned: the card shows it."""
    with uow:
        product = uow.products.get(product_id)
        if product is None or not product.active:
            raise UnknownProduct(str(product_id))
        if product.sellable_stock <= 0:
            who = identify(uow, customer)
            assert who.id is not None
            uow.watches.add(who.id, product_id, clock())
            uow.commit()
        return product


def record_move(
    uow: UnitOfWork,
    product: Product,
    change: Decimal,
    reason: StockReason,
    level: Decimal,
    *,
    store: Store,
    actor: str,
    at: datetime,
    note: str = "",
    order_id: int | None = None,
) -> StockMove:
    """The ledger half of a move: every change of stock gets its row (and, when a decrease
    crosses the item's threshold, the managers' low-stock alert)."""
    assert product.id is not None
    note_level(uow, product, change, level, store=store, at=at)
    if shown_stock(product, level - change, store) != shown_stock(product, level, store):
        uow.catalogue.changed()  # the card or the page shows it (sold out, "only 3 left")
    if level - change < product.step <= level:  # one step can be sold again
        tell_watchers(uow, product, at)
    entry = uow.ledger.add(
        LedgerEntry(
            product_id=product.id,
            reason=reason,
            change=change,
            resulting_level=level,
            at=at,
            actor=actor,
            note=one_line(note)[:500],
            order_id=order_id,
        )
    )
    return StockMove(product, entry)


def move_stock(
    uow: UnitOfWork,
    product: Product,
    change: Decimal,
    reason: StockReason,
    *,
    store: Store,
    actor: str,
    at: datetime,
    note: str = "",
    order_id: int | None = None,
    expected: Decimal | None = None,
) -> StockMove:
    """Apply one change inside the caller's transaction; refuses to go below zero, and (with
    `expected`) to apply to any level but the one the person saw."""
    level = take_stock(uow, product, change, reason, expected=expected)
    return record_move(
        uow,
        product,
        change,
        reason,
        level,
        store=store,
        actor=actor,
        at=at,
        note=note,
        order_id=order_id,
    )


def check_level(product: Product, level: Decimal, *, negative: str) -> None:
    """A stock level someone typed: not negative (`negative` says so), not absurd, a whole
    number of steps."""
    if level < 0:
        raise InvalidInput(negative)
    if level > MAX_QUANTITY:
        raise InvalidInput(said("That quantity is too large"))
    if level:
        check_step(level, product.step, product.unit.value)


SUGGESTIONS = 3


NAME_MATCHES = 10


def _product(uow: UnitOfWork, ref: str) -> Product:
    """The item a staff command names, by SKU or by name ("greek yoghurt"): a name is taken
    when exactly one item is called that, or exactly one item's name or SKU holds every word
    typed; several such items are a choice (AmbiguousItem), near misses only suggestions."""
    ref = " ".join(ref.split())
    product = _by_sku(uow, ref)
    if product is not None:
        return product
    typed = set(query_words(ref))
    if not typed:
        raise UnknownProduct(ref.upper(), [])
    query = build_query(ref, uow.products.similar_terms, include_archived=True)
    found = uow.products.search(query, limit=NAME_MATCHES)
    exact = [p for p in found if search_key(p.name) == search_key(ref)]
    holding = [p for p in found if typed <= set(words_of(f"{p.name} {p.sku}"))]
    # "apple" holds "Apple juice" whole, and begins "Gala apples": both are meant as much.
    beginning = [p for p in found if _begins_words(typed, f"{p.name} {p.sku}")]
    if len(exact) == 1:
        return exact[0]
    if len(holding) == 1 and len(beginning) == 1:
        return holding[0]
    if len(beginning) > 1:  # those holding the word whole first: the likelier ones
        choices = holding + [p for p in beginning if p not in holding]
        raise AmbiguousItem(ref, [_suggestion(p) for p in choices[:SUGGESTIONS]])
    shown = ref.upper() if " " not in ref else ref
    raise UnknownProduct(shown, [_suggestion(p) for p in found[:SUGGESTIONS]])


def _begins_words(typed: set[str], text: str) -> bool:
    """Whether every typed word begins a word of the text."""
    words = words_of(text)
    return all(any(word.startswith(w) for word in words) for w in typed)


def named_item_among(refs: list[str], *, uow: UnitOfWork) -> int:
    """A command's words read with each number in turn as the quantity ("coca 33 cl 24": the
    item "coca" and 33, or "coca 33 cl" and 24): the longest reading whose words are exactly
    an item's SKU or whole name, else the first (the quantity is the first number)."""
    with uow:
        for at in reversed(range(1, len(refs))):
            ref = " ".join(refs[at].split())
            if _by_sku(uow, ref) is not None:
                return at
            query = build_query(ref, uow.products.similar_terms, include_archived=True)
            found = uow.products.search(query, limit=NAME_MATCHES)
            if any(search_key(p.name) == search_key(ref) for p in found):
                return at
        return 0


def _by_sku(uow: UnitOfWork, ref: str) -> Product | None:
    try:
        sku = normalise_sku(ref)
    except InvalidInput:
        return None  # spaces or signs: a name
    return uow.products.get_by_sku(sku)


def _suggestion(p: Product) -> Suggestion:
    return Suggestion(p.sku, p.name, p.stock)


def _check_amount(product: Product, quantity: Decimal) -> None:
    if quantity <= 0:
        raise InvalidInput(said("The quantity must be more than 0"))
    if quantity > MAX_QUANTITY:
        raise InvalidInput(said("That quantity is too large"))
    check_step(quantity, product.step, product.unit.value)


@retry_on_conflict
def receive_stock(
    sku: str,
    quantity: Decimal,
    *,
    store: Store,
    actor: str,
    note: str = "",
    expected_level: Decimal | None = None,
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> StockMove:
    """Goods arrived: add them to stock on hand. `expected_level` (a suggested item's button)
    adds them only to the level shown, so a double tap restocks once."""
    with uow:
        product = _product(uow, sku)
        _check_amount(product, quantity)
        move = move_stock(
            uow,
            product,
            quantity,
            StockReason.RECEIVED,
            store=store,
            actor=actor,
            at=clock(),
            note=note,
            expected=expected_level,
        )
        uow.commit()
        return move


@retry_on_conflict
def adjust_stock(
    sku: str,
    change: Decimal,
    reason: StockReason,
    *,
    store: Store,
    actor: str,
    note: str = "",
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> StockMove:
    """A manual correction: damaged or lost goods take stock away, a count fixes it either way."""
    if reason not in MANUAL_ADJUSTMENT_REASONS:
        allowed = ", ".join(sorted(r.value for r in MANUAL_ADJUSTMENT_REASONS))
        raise InvalidInput(said("The reason must be one of: {allowed}"), allowed=allowed)
    if change == 0:
        raise InvalidInput(said("An adjustment of 0 changes nothing"))
    if reason in (StockReason.DAMAGED, StockReason.LOST) and change > 0:
        raise InvalidInput(
            said("“{reason}” takes stock away: give a negative quantity, like -2"),
            reason=Words(REASON_NAMES[reason]),
        )
    with uow:
        product = _product(uow, sku)
        _check_amount(product, abs(change))
        move = move_stock(
            uow, product, change, reason, store=store, actor=actor, at=clock(), note=note
        )
        uow.commit()
        return move


@retry_on_conflict
def count_stock(
    sku: str,
    counted: Decimal,
    *,
    store: Store,
    actor: str,
    note: str = "",
    uow: UnitOfWork,
    clock: Clock = utc_now,
) -> StockMove | None:
    """Set stock to what was counted on the shelf; None when it was already right."""
    with uow:
        product = _product(uow, sku)
        check_level(product, counted, negative=said("A counted quantity cannot be negative"))
        change = counted - product.stock
        if change == 0:
            return None
        # The count is relative to what we read; if a sale lands in between, the conditional
        # update still keeps stock >= 0 and the ledger records the exact change applied.
        move = move_stock(
            uow,
            product,
            change,
            StockReason.COUNT_CORRECTION,
            store=store,
            actor=actor,
            at=clock(),
            note=note or f"counted {counted.normalize():f}",
        )
        uow.commit()
        return move


def stock_history(
    sku: str, *, limit: int = 10, uow: UnitOfWork
) -> tuple[Product, list[LedgerEntry]]:
    """An item as sold now (its offer, if one runs) and its latest stock moves."""
    with uow.reading():
        product = prices_now(uow, [_product(uow, sku)], utc_now())[0]
        assert product.id is not None
        return product, uow.ledger.recent(product.id, limit=limit)


# A year of a busy small shop's moves; an export of more is cut there (the page says so).
LEDGER_EXPORT_MOST = 500_000


Move = tuple[LedgerEntry, str, str]  # a move, its item's SKU and name


@dataclass(frozen=True, slots=True)
class LedgerPlace:
    """How far a ledger export has read: the moves from `since`, after `after`, `sent` of
    them so far."""

    since: datetime
    after: LedgerEntry | None = None
    sent: int = 0


def moves_chunk(place: LedgerPlace, *, size: int, uow: UnitOfWork) -> Chunk[Move, LedgerPlace]:
    """The next `size` moves of the stock ledger from `place.since`, oldest first, each with
    its item's SKU and name; the export ends after LEDGER_EXPORT_MOST moves."""
    wanted = min(size, LEDGER_EXPORT_MOST - place.sent)
    with uow.reading():
        moves = uow.ledger.since(place.since, after=place.after, limit=wanted)
    sent = place.sent + len(moves)
    more = len(moves) == wanted and sent < LEDGER_EXPORT_MOST
    return Chunk(moves, LedgerPlace(place.since, moves[-1][0], sent) if more else None)
