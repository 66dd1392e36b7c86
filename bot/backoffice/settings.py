"""The shop's details for managers: opening hours, holidays, address, phone and the flat
delivery fee, as the bot uses them (in the chat's /info, pickup times and checkout); an empty
field means "as the environment says", shown beside it. What stays in the environment is
listed on the page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from bot.backoffice.access import Route, form_text, member, shop, show, texts
from bot.domain import permissions
from bot.domain.errors import DomainError
from bot.domain.services import store_details
from bot.domain.store_details import StoreDetails
from bot.domain.text import said
from bot.wiring import Shop

SAVED = said("Saved: the chat shows it now (every worker within a few seconds).")


def _shown(run: Shop, found: StoreDetails | None) -> dict[str, str]:
    settings, currency = run.settings, run.store.currency
    kept = found or StoreDetails()
    return {
        "hours": kept.hours or "",
        "closed": kept.closed or "",
        "address": kept.address or "",
        "phone": kept.phone or "",
        "delivery_fee": ""
        if kept.delivery_fee_minor is None
        else f"{currency.to_major(kept.delivery_fee_minor)}",
        "env_hours": settings.opening_hours,
        "env_closed": settings.closed_dates,
        "env_address": settings.store_address,
        "env_phone": settings.store_phone,
        "env_delivery_fee": f"{settings.delivery_fee}",
    }


async def _page(
    request: web.Request, *, status: int = 200, problem: str = "", typed: Any = None
) -> web.StreamResponse:
    run = shop(request)
    found = await run.run(store_details.store_details, uow=run.uow())
    shown = _shown(run, found) | (typed or {})
    return show(
        request,
        "settings.html",
        status=status,
        form=shown,
        found=found,
        problem=problem,
        done=texts(request)(SAVED) if request.query.get("done") == "saved" else "",
        store=run.store,
        settings=run.settings,
    )


async def page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


def _field(form: Mapping[str, object], name: str, longest: int) -> str | None:
    """A field as typed, None when left empty (as the environment says)."""
    return form_text(form, name, longest).strip() or None


async def save(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    run = shop(request)
    manager = member(request).account
    assert manager.id is not None
    fee = _field(form, "delivery_fee", 16)
    typed = {k: (_field(form, k, 2000) or "") for k in ("hours", "closed", "address", "phone")}
    typed["delivery_fee"] = fee or ""
    try:
        details = StoreDetails(
            hours=_field(form, "hours", 500),
            closed=_field(form, "closed", 2000),
            address=_field(form, "address", 300),
            phone=_field(form, "phone", 64),
            delivery_fee_minor=None if fee is None else run.store.currency.parse(fee),
        )
        saved = await run.run(
            store_details.change_store_details, manager.id, details, uow=run.uow()
        )
    except DomainError as refusal:
        return await _page(
            request, status=400, problem=texts(request).refusal(refusal), typed=typed
        )
    run.use_details(saved)  # this worker at once; the others with their next heartbeat
    raise web.HTTPSeeOther(request.path + "?done=saved")


ROUTES = [
    Route("GET", "/settings", page, permissions.SETTINGS),
    Route("POST", "/settings", save, permissions.SETTINGS),
]
