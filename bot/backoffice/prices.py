"""A price change for a whole category, by a percentage or to one price: a preview of every
item's price now and after, then one confirmation that applies exactly what was shown (if the
prices moved meanwhile, nothing is changed and the preview is shown again)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from bot.backoffice.access import Route, form_text, shop, show, texts
from bot.domain import permissions
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.pricing import PriceChange, fingerprint, read_percent
from bot.domain.services import catalogue
from bot.domain.text import said

HOW = ("percent", "price")


def _change(how: str, value: str, parse_price: Any) -> PriceChange:
    if how == "percent":
        return PriceChange(percent=read_percent(value))
    if how == "price":
        return PriceChange(to_minor=parse_price(value))
    raise InvalidInput(said("Give a percentage or a new price."))


def _asked(source: Mapping[str, object]) -> tuple[str, str, str]:
    category, how, value = (
        form_text(source, name, longest).strip()
        for name, longest in (("category", 64), ("how", 16), ("value", 32))
    )
    return category, how, value


# Lines listed in a preview, those that change first: the counts say the rest (a phone shows
# a few dozen; 10,000 lines took 400 ms to draw and scroll past).
SHOWN = 100


async def prices(request: web.Request) -> web.StreamResponse:
    """The form, and with a category and a change, its preview."""
    category, how, value = _asked(request.query)
    return await _page(request, category, how, value)


async def _page(
    request: web.Request,
    category: str,
    how: str,
    value: str,
    *,
    status: int = 200,
    problem: str = "",
    done: str = "",
) -> web.StreamResponse:
    run = shop(request)
    categories = await run.run(catalogue.categories, uow=run.uow())
    steps = None
    if category and value and not done:
        try:
            change = _change(how, value, run.store.currency.parse)
            steps = await run.run(catalogue.preview_prices, category, change, uow=run.uow())
        except DomainError as refusal:
            problem, status = texts(request).refusal(refusal), 400
    changing = [s for s in steps or () if s.old_minor != s.new_minor]
    return show(
        request,
        "prices.html",
        status=status,
        categories=categories,
        category=category,
        how=how if how in HOW else "percent",
        value=value,
        steps=steps,
        changing=len(changing),
        listed=(changing + [s for s in steps or () if s.old_minor == s.new_minor])[:SHOWN],
        seen=fingerprint(steps) if steps else "",
        store=run.store,
        problem=problem,
        done=done,
    )


async def apply_prices(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    category, how, value = _asked(form)
    seen = form_text(form, "seen", 64)
    run = shop(request)
    t = texts(request)
    try:
        change = _change(how, value, run.store.currency.parse)
        steps = await run.run(
            catalogue.reprice_category,
            category,
            change,
            seen=seen,
            uow=run.uow(),
        )
    except DomainError as refusal:
        return await _page(request, category, how, value, status=409, problem=t.refusal(refusal))
    changed = sum(1 for s in steps if s.old_minor != s.new_minor)
    done = t.plural(
        "{n} price changed in {category}.",
        "{n} prices changed in {category}.",
        changed,
        category=category,
    )
    return await _page(request, category, how, value, done=done)


ROUTES = [
    Route("GET", "/prices", prices, permissions.CATALOGUE),
    Route("POST", "/prices", apply_prices, permissions.CATALOGUE),
]
