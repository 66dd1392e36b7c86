"""The catalogue in the back office: a table of items (the chat's search, a category, a
shelf, pages), and an item's page to edit its details and move its stock. Every change goes
through the use cases the chat's /edititem, /setprice, /archive, /restock, /adjust and /count
call, and stock moves only with a ledger row and a reason."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from bot.backoffice.access import PREFIX, Route, form_text, member, shop, show, texts
from bot.domain import permissions
from bot.domain.catalogue import Product, Unit
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.orders import actor_label
from bot.domain.quantity import parse_quantity
from bot.domain.search import Filters, Shelf
from bot.domain.services import catalogue, stock
from bot.domain.stock import MOVE_NAMES, REASON_NAMES, StockReason
from bot.domain.text import said

PAGE_SIZE = 50
MAX_QUERY = 100
DONE = {
    "saved": said("Saved."),
    "stock": said("Stock moved; the ledger has a row for it."),
    "photo": said("Photo saved: customers see it on the item's card."),
}
MOVES = ("restock", "adjust", "count")


def _shelf(text: str) -> Shelf:
    try:
        return Shelf(text)
    except ValueError:
        return Shelf.ALL


def _page_number(text: str) -> int:
    """A page asked for, 1 when the address holds anything else ("0", "-3", "²")."""
    return max(1, int(text)) if re.fullmatch(r"[0-9]{1,5}", text) else 1


async def items(request: web.Request) -> web.StreamResponse:
    """The table of items, narrowed by words, a category and a shelf."""
    q = request.query.get("q", "")[:MAX_QUERY]
    category = request.query.get("category", "")[:MAX_QUERY]
    shelf = _shelf(request.query.get("shelf", ""))
    number = _page_number(request.query.get("page", "1"))
    run = shop(request)
    filters = Filters(category or None, shelf, run.store.default_low_stock_threshold)
    found = await run.run(
        catalogue.stock_levels,
        q,
        offset=(number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        filters=filters,
        uow=run.uow(),
    )
    categories = await run.run(catalogue.categories, uow=run.uow())
    pages = max(1, -(-found.total // PAGE_SIZE))

    def page_link(n: int) -> str:
        kept = {"q": q, "category": category, "shelf": shelf.value, "page": str(n)}
        return f"{PREFIX}/items?" + urlencode({k: v for k, v in kept.items() if v})

    return show(
        request,
        "items.html",
        found=found,
        q=q,
        category=category,
        categories=categories,
        shelf=shelf.value,
        shelves=_shelves(),
        number=number,
        pages=pages,
        previous=page_link(number - 1) if number > 1 else None,
        next=page_link(number + 1) if number < pages else None,
        store=run.store,
        item_link=item_link,
    )


def _shelves() -> list[tuple[str, str]]:
    return [
        (Shelf.ALL.value, said("All items")),
        (Shelf.LOW.value, said("Low")),
        (Shelf.SOLD_OUT.value, said("Sold out")),
        (Shelf.ARCHIVED.value, said("Archived")),
    ]


def item_path(sku: str) -> str:
    return f"{PREFIX}/items/{quote(sku, safe='')}"


def item_link(product: Product) -> str:
    return item_path(product.sku)


async def _item_page(
    request: web.Request,
    sku: str,
    *,
    status: int = 200,
    problem: str = "",
    typed: dict[str, str] | None = None,
    was: dict[str, str] | None = None,
) -> web.StreamResponse:
    run = shop(request)
    try:
        product, history = await run.run(stock.stock_history, sku, limit=10, uow=run.uow())
    except DomainError as refusal:
        return show(request, "refused.html", status=404, message=texts(request).refusal(refusal))
    done = DONE.get(request.query.get("done", ""))
    shown = _as_form(product, run.store.currency.to_major)
    return show(
        request,
        "item.html",
        status=status,
        product=product,
        history=history,
        store=run.store,
        units=[u.value for u in Unit],
        form=typed or shown,
        was=was or shown,
        problem=problem,
        done=done or "",
        reasons=[(r.value, name) for r, name in REASON_NAMES.items()],
        move_names=MOVE_NAMES,
        actor_label=actor_label,
        link=item_link(product),
        photo=_own_photo(product),
    )


def _own_photo(product: Product) -> str | None:
    """The item's photo as this server serves it, if it was uploaded here."""
    for address in (product.photo_address, product.photo_file_id):
        if address and f"{PREFIX}/photos/" in address:
            return PREFIX + "/photos/" + address.rsplit("/photos/", 1)[1]
    return None


def _plain(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount.normalize():f}"


def _as_form(product: Product, to_major: Any) -> dict[str, str]:
    return {
        "name": product.name,
        "category": product.category,
        "unit": product.unit.value,
        "step": _plain(product.step),
        "price": f"{to_major(product.price_minor)}",
        "low_stock_threshold": _plain(product.low_stock_threshold),
        "description": product.description,
        "active": "on" if product.active else "",
    }


async def item(request: web.Request) -> web.StreamResponse:
    return await _item_page(request, request.match_info["sku"])


async def edit_item(request: web.Request) -> web.StreamResponse:
    """Save what was changed on the page (one use case, as /edititem): a field left as the
    page showed it is not written, so a price set meanwhile (/setprice, a category change, an
    import) is not put back by saving a typo's fix. Archive or bring back the item."""
    sku = request.match_info["sku"]
    form = await request.post()
    typed = {k: form_text(form, k) for k in _FIELDS}
    typed["active"] = "on" if form.get("active") == "on" else ""
    was = {k: form_text(form, f"was_{k}") for k in (*_FIELDS, "active")}
    run = shop(request)
    try:
        changes = _changes(typed, run.store.currency.parse)
        wanted = {
            key: value
            for field, (key, value) in zip(_FIELDS, changes.items(), strict=True)
            if typed[field] != was[field]
        }
        if wanted:
            await run.run(catalogue.update_product, sku, wanted, uow=run.uow())
        if typed["active"] != was["active"]:
            await run.run(catalogue.set_active, sku, typed["active"] == "on", uow=run.uow())
    except DomainError as refusal:
        return await _item_page(
            request,
            sku,
            status=400,
            problem=texts(request).refusal(refusal),
            typed=typed,
            was=was,
        )
    raise web.HTTPSeeOther(item_path(sku) + "?done=saved")


_FIELDS = ("name", "category", "unit", "step", "price", "low_stock_threshold", "description")


def _changes(typed: dict[str, str], parse_price: Any) -> dict[str, Any]:
    threshold = typed["low_stock_threshold"].strip()
    return {
        "name": typed["name"],
        "category": typed["category"],
        "unit": Unit.parse(typed["unit"]),
        "step": parse_quantity(typed["step"]),
        "price_minor": parse_price(typed["price"]),
        "low_stock_threshold": parse_quantity(threshold) if threshold else None,
        "description": typed["description"],
    }


async def move_stock(request: web.Request) -> web.StreamResponse:
    """Goods in, an adjustment with its reason, or a count: a ledger row each."""
    sku = request.match_info["sku"]
    form = await request.post()
    kind = form_text(form, "move", 16)
    amount = form_text(form, "quantity", 32)
    note = form_text(form, "note", 200).strip()
    run = shop(request)
    who = f"staff:{member(request).account.username}"
    try:
        if kind not in MOVES:
            raise InvalidInput(said("Choose goods in, an adjustment or a count."))
        quantity = parse_quantity(amount)
        if kind == "adjust":
            reason = _reason(form_text(form, "reason", 32))
            await run.run(
                stock.adjust_stock,
                sku,
                quantity,
                reason,
                store=run.store,
                actor=who,
                note=note,
                uow=run.uow(),
            )
        else:  # goods in, or a count: the same use case shape, the ledger says which
            moved = stock.receive_stock if kind == "restock" else stock.count_stock
            await run.run(
                moved, sku, quantity, store=run.store, actor=who, note=note, uow=run.uow()
            )
    except DomainError as refusal:
        return await _item_page(request, sku, status=400, problem=texts(request).refusal(refusal))
    raise web.HTTPSeeOther(item_path(sku) + "?done=stock")


def _reason(value: str) -> StockReason:
    try:
        return StockReason(value)
    except ValueError:
        raise InvalidInput(
            said("Choose why the stock changes: damaged, lost or a count correction.")
        ) from None


ROUTES = [
    Route("GET", "/items", items, permissions.STOCK),
    Route("GET", "/items/{sku}", item, permissions.STOCK),
    Route("POST", "/items/{sku}", edit_item, permissions.CATALOGUE),
    Route("POST", "/items/{sku}/stock", move_stock, permissions.STOCK),
]
