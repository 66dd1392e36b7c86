"""Offers, for managers: what runs now or starts later, a form for a new one (an item by SKU or
a whole category, a percentage off or a new price, from a start to an end in the shop's time),
and ending one now; through the chat's use cases (/offer, /offers)."""

from __future__ import annotations

import re

from aiohttp import web

from bot.backoffice.access import PREFIX, Route, form_text, member, shop, show, texts
from bot.domain import permissions
from bot.domain.clock import utc_now
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.offers import form_offer
from bot.domain.services import catalogue, offers
from bot.domain.text import said

# The form's fields, each cut to its longest.
FIELDS = (
    ("kind", 16),
    ("sku", 40),
    ("category", 64),
    ("how", 16),
    ("value", 32),
    ("starts", 32),
    ("ends", 32),
)


async def _page(
    request: web.Request,
    *,
    status: int = 200,
    problem: str = "",
    done: str = "",
    typed: dict[str, str] | None = None,
) -> web.StreamResponse:
    run = shop(request)
    running = await run.run(offers.offers_not_ended, uow=run.uow())
    categories = await run.run(catalogue.categories, uow=run.uow())
    now = utc_now()
    return show(
        request,
        "offers.html",
        status=status,
        offers=running,
        categories=categories,
        now=now,
        zone=run.store.timezone,
        store=run.store,
        problem=problem,
        done=done,
        typed=typed or {name: "" for name, _ in FIELDS} | {"kind": "item", "how": "percent"},
    )


DONE = {"set": said("Offer set."), "ended": said("Offer ended.")}


async def list_offers(request: web.Request) -> web.StreamResponse:
    """Those running and coming; after a change, what was done (the change redirects here, so
    reloading the page does not post it again)."""
    done = DONE.get(request.query.get("done", ""))
    return await _page(request, done=texts(request)(done) if done else "")


async def add_offer(request: web.Request) -> web.StreamResponse:
    """The form through the chat's use case; a refusal shows the form again as typed."""
    form = await request.post()
    run, t = shop(request), texts(request)
    typed = {name: form_text(form, name, longest).strip() for name, longest in FIELDS}
    account = member(request).account
    try:
        is_category = typed["kind"] == "category"
        terms = form_offer(
            typed["category"] if is_category else typed["sku"],
            is_category=is_category,
            how=typed["how"],
            value=typed["value"],
            starts=typed["starts"],
            ends=typed["ends"],
            currency=run.store.currency,
            now=utc_now(),
            zone=run.store.timezone,
        )
        await run.run(offers.start_offer, terms, f"staff:{account.username}", uow=run.uow())
    except DomainError as refusal:
        return await _page(request, status=400, problem=t.refusal(refusal), typed=typed)
    raise web.HTTPSeeOther(f"{PREFIX}/offers?done=set")


async def end_offer(request: web.Request) -> web.StreamResponse:
    """End now (one not yet started is dropped); a second end says it had ended."""
    run, t = shop(request), texts(request)
    raw = request.match_info["offer_id"]
    try:
        if not re.fullmatch(r"[0-9]{1,12}", raw):
            raise InvalidInput(said("That offer had already ended."))
        ended = await run.run(offers.end_offer, int(raw), uow=run.uow())
    except DomainError as refusal:
        return await _page(request, status=400, problem=t.refusal(refusal))
    if not ended:
        return await _page(request, status=409, problem=t("That offer had already ended."))
    raise web.HTTPSeeOther(f"{PREFIX}/offers?done=ended")


ROUTES = [
    Route("GET", "/offers", list_offers, permissions.OFFERS),
    Route("POST", "/offers", add_offer, permissions.OFFERS),
    Route("POST", "/offers/{offer_id}/end", end_offer, permissions.OFFERS),
]
