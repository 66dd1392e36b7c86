"""Promo codes, for managers: those that apply now or later with their uses, a form for a new
one, and ending one now; through the chat's use cases (/promo, /promos)."""

from __future__ import annotations

import re

from aiohttp import web

from bot.backoffice.access import PREFIX, Route, form_text, member, shop, show, texts
from bot.domain import permissions
from bot.domain.clock import utc_now
from bot.domain.errors import DomainError
from bot.domain.promo_codes import form_promo
from bot.domain.services import promo_codes
from bot.domain.text import said

# The form's fields, each cut to its longest.
FIELDS = (
    ("code", 32),
    ("how", 16),
    ("value", 32),
    ("minimum", 32),
    ("starts", 32),
    ("ends", 32),
    ("uses", 16),
    ("each", 16),
)
DONE = {"set": said("Promo code set."), "ended": said("Promo code ended.")}


async def _page(
    request: web.Request,
    *,
    status: int = 200,
    problem: str = "",
    done: str = "",
    typed: dict[str, str] | None = None,
) -> web.StreamResponse:
    run = shop(request)
    running = await run.run(promo_codes.promo_codes_not_over, uow=run.uow())
    return show(
        request,
        "promo_codes.html",
        status=status,
        promos=running,
        now=utc_now(),
        zone=run.store.timezone,
        store=run.store,
        problem=problem,
        done=done,
        typed=typed or {name: "" for name, _ in FIELDS} | {"how": "percent"},
    )


async def list_promo_codes(request: web.Request) -> web.StreamResponse:
    """After a change, what was done (the change redirects here: a reload posts nothing)."""
    done = DONE.get(request.query.get("done", ""))
    return await _page(request, done=texts(request)(done) if done else "")


async def add_promo_code(request: web.Request) -> web.StreamResponse:
    """The form through the chat's use case; a refusal shows the form again as typed."""
    form = await request.post()
    run, t = shop(request), texts(request)
    typed = {name: form_text(form, name, longest).strip() for name, longest in FIELDS}
    account = member(request).account
    try:
        wanted = form_promo(
            typed,
            currency=run.store.currency,
            now=utc_now(),
            zone=run.store.timezone,
            created_by=f"staff:{account.username}",
        )
        await run.run(promo_codes.add_promo_code, wanted, uow=run.uow())
    except DomainError as refusal:
        return await _page(request, status=400, problem=t.refusal(refusal), typed=typed)
    raise web.HTTPSeeOther(f"{PREFIX}/promo-codes?done=set")


async def end_promo_code(request: web.Request) -> web.StreamResponse:
    """No checkout takes it from now; a second end says it had ended."""
    run, t = shop(request), texts(request)
    raw = request.match_info["promo_id"]
    ended = bool(re.fullmatch(r"[0-9]{1,12}", raw)) and await run.run(
        promo_codes.end_promo_code, int(raw), uow=run.uow()
    )
    if not ended:
        return await _page(request, status=409, problem=t("That promo code had already ended."))
    raise web.HTTPSeeOther(f"{PREFIX}/promo-codes?done=ended")


ROUTES = [
    Route("GET", "/promo-codes", list_promo_codes, permissions.PROMO_CODES),
    Route("POST", "/promo-codes", add_promo_code, permissions.PROMO_CODES),
    Route("POST", "/promo-codes/{promo_id}/end", end_promo_code, permissions.PROMO_CODES),
]
