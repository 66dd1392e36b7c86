"""The team, for managers: who has an account, their role, whether it is switched on."""

from __future__ import annotations

from aiohttp import web

from bot.backoffice.access import Route, member, shop, show
from bot.domain import permissions
from bot.domain.services import staff


async def team(request: web.Request) -> web.StreamResponse:
    run = shop(request)
    me = member(request).account
    assert me.id is not None
    accounts = await run.run(staff.staff_accounts, me.id, uow=run.uow())
    return show(request, "team.html", accounts=accounts)


ROUTES = [Route("GET", "/team", team, permissions.TEAM)]
