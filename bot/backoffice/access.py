"""Who is behind a back-office request, checked on the server for every page and form: the
session cookie, the role the page needs (bot.domain.permissions, as the chat's routes), and
on every form that changes something, its CSRF token."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import jinja2
from aiohttp import web

from bot.backoffice.render import page
from bot.config import Settings
from bot.domain import permissions
from bot.domain.backoffice import WebEntry, WebMember
from bot.domain.services import backoffice
from bot.domain.staff import Role
from bot.domain.text import said
from bot.i18n import Texts
from bot.wiring import Shop

log = logging.getLogger(__name__)

COOKIE = "shopkeeps_backoffice"
CSRF_FIELD = "csrf"
PREFIX = "/backoffice"

SHOP = web.AppKey("shop", Shop)
SETTINGS = web.AppKey("settings", Settings)
TEMPLATES = web.AppKey("templates", jinja2.Environment)
BOT_USERNAME = web.AppKey("bot_username", str)  # for the t.me links it hands out
NOT_SIGNED_IN = said(
    "You are not signed in to the back office. Send /backoffice in the chat for a link, or "
    "open it from the bot's menu button."
)
FOR_MANAGERS = said("This is for managers only.")
NOT_HERE = said("There is no such page in the back office.")
FORM_OUT_OF_DATE = said("This form is out of date. Please go back, reload the page and try again.")
MEMBER = web.RequestKey("member", WebMember)  # the member behind a page behind the guard

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Route:
    """One page or form, declared with the role it needs (None: anyone, for the ways in)."""

    method: str
    path: str
    run: Handler
    who: Role | None


def form_text(form: Mapping[str, object], name: str, longest: int = 2000) -> str:
    """A form's (or an address's) text field, cut to `longest`; "" when absent or a file."""
    value = form.get(name, "")
    return value[:longest] if isinstance(value, str) else ""


def shop(request: web.Request) -> Shop:
    return request.app[SHOP]


def member(request: web.Request) -> WebMember:
    return request[MEMBER]


def texts(request: web.Request) -> Texts:
    """The words of the member behind the request, else the store's language."""
    found: WebMember | None = request.get(MEMBER)
    catalogues = shop(request).catalogues
    return catalogues.texts(found.language if found else None)


def show(
    request: web.Request, template: str, *, status: int = 200, **context: object
) -> web.Response:
    found: WebMember | None = request.get(MEMBER)
    return page(
        request.app[TEMPLATES],
        template,
        texts(request),
        status=status,
        member=found.account if found else None,
        csrf=found.csrf if found else "",
        prefix=PREFIX,
        **context,
    )


def refused(request: web.Request, message: str, *, status: int) -> web.Response:
    """A polite page in place of what was asked for (never a traceback)."""
    return show(request, "refused.html", status=status, message=message)


def guarded(who: Role | None, run: Handler) -> Handler:
    """The one guard: a good session with the role the route needs, and on every POST the
    session's CSRF token."""
    if who is None:
        return run

    @functools.wraps(run)
    async def checked(request: web.Request) -> web.StreamResponse:
        token = request.cookies.get(COOKIE)
        found = None
        if token:
            settings = request.app[SETTINGS]
            found = await shop(request).run(
                backoffice.web_member,
                token,
                uow=shop(request).uow(),
                idle_timeout=settings.staff_idle_timeout,
            )
        if found is None:
            response = refused(
                request,
                texts(request)(NOT_SIGNED_IN),
                status=401,
            )
            response.del_cookie(COOKIE, path=PREFIX)
            return response
        request[MEMBER] = found
        if not permissions.allows(who, found.account.role):
            return refused(request, texts(request)(FOR_MANAGERS), status=403)
        if request.method == "POST":
            sent = form_text(await request.post(), CSRF_FIELD)
            if not backoffice.csrf_matches(found, sent or None):
                log.warning("back office: a form without its session's token was refused")
                return refused(
                    request,
                    texts(request)(FORM_OUT_OF_DATE),
                    status=403,
                )
        return await run(request)

    return checked


def signed_in(
    request: web.Request, entry: WebEntry, to: str, *, in_telegram: bool = False
) -> web.Response:
    """Into the back office: the session's cookie (HttpOnly, SameSite=Strict, Secure behind
    TLS), then the page asked for. A Mini App's, served over HTTPS, is SameSite=None and
    Partitioned: Telegram Web shows a Mini App in a frame of its own site, where no other
    cookie is sent, and a partitioned one is kept for that frame alone. Every form still
    carries its CSRF token, and no page answers another site's scripts."""
    response = web.Response(status=303, headers={"Location": to})
    settings = request.app[SETTINGS]
    secure = (settings.backoffice_url or "").startswith("https://")
    if in_telegram and secure:
        # Written out: Python's cookie module knows no Partitioned before 3.14. The token is
        # URL-safe base64, nothing to quote.
        response.headers.add(
            "Set-Cookie",
            f"{COOKIE}={entry.token}; Path={PREFIX}; HttpOnly; Secure; SameSite=None; Partitioned",
        )
        return response
    response.set_cookie(
        COOKIE, entry.token, path=PREFIX, httponly=True, samesite="Strict", secure=secure
    )
    return response
