"""The team, for managers: who has an account, their role, whether it is switched on; an
invite for a new member (the chat's /invite), and switching an account off or on again (the
chat's /staff), through the same use cases."""

from __future__ import annotations

import re

from aiohttp import web

from bot.backoffice.access import BOT_USERNAME, Route, member, shop, show, texts
from bot.deep_links import invite_link
from bot.domain import permissions
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.services import staff
from bot.domain.staff import Invite, Role
from bot.domain.text import said

CONFIRM_OFF = said("Tick the box to confirm: the member is logged out at once.")


async def _page(
    request: web.Request,
    *,
    status: int = 200,
    problem: str = "",
    done: str = "",
    invite: Invite | None = None,
) -> web.StreamResponse:
    run = shop(request)
    me = member(request).account
    assert me.id is not None
    accounts = await run.run(staff.staff_accounts, me.id, uow=run.uow())
    link = invite_link(request.app[BOT_USERNAME], invite.code) if invite else ""
    return show(
        request,
        "team.html",
        status=status,
        accounts=accounts,
        me=me,
        problem=problem,
        done=done,
        invite=invite,
        link=link,
        store=run.store,
    )


async def team(request: web.Request) -> web.StreamResponse:
    return await _page(request)


async def invite(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    run, t = shop(request), texts(request)
    me = member(request).account
    assert me.id is not None
    wanted = form.get("role")
    try:
        if wanted not in (Role.STAFF.value, Role.MANAGER.value):
            raise InvalidInput(said("Choose staff or manager."))
        made = await run.run(staff.create_invite, me.id, Role(str(wanted)), uow=run.uow())
    except DomainError as refusal:
        return await _page(request, status=400, problem=t.refusal(refusal))
    return await _page(request, invite=made)


async def switch(request: web.Request) -> web.StreamResponse:
    """An account switched off (confirmed with a tick: the member is logged out at once, in
    the chat and here) or on again."""
    form = await request.post()
    run, t = shop(request), texts(request)
    me = member(request).account
    assert me.id is not None
    raw = request.match_info["staff_id"]
    on = form.get("active") == "on"
    try:
        if not re.fullmatch(r"[0-9]{1,12}", raw):
            raise InvalidInput(said("There is no such staff account."))
        if not on and form.get("confirm") != "yes":
            raise InvalidInput(CONFIRM_OFF)
        account = await run.run(staff.set_staff_active, me.id, int(raw), on, uow=run.uow())
    except DomainError as refusal:
        return await _page(request, status=400, problem=t.refusal(refusal))
    done = (
        t("{name}'s account is on again.", name=account.display_name)
        if on
        else t("{name}'s account is switched off; they are logged out.", name=account.display_name)
    )
    return await _page(request, done=done)


ROUTES = [
    Route("GET", "/team", team, permissions.TEAM),
    Route("POST", "/team/invite", invite, permissions.TEAM),
    Route("POST", "/team/{staff_id}/active", switch, permissions.TEAM),
]
