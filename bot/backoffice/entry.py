"""The ways in and out: the chat's single-use link, the Mini App's signed launch, log out.

A link is spent by a POST from its page, not by opening it: Telegram and mail clients fetch
links to preview them, and a preview must not use up the way in."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from aiohttp import web

from bot.backoffice import init_data
from bot.backoffice.access import (
    COOKIE,
    PREFIX,
    SETTINGS,
    Route,
    form_text,
    refused,
    shop,
    show,
    signed_in,
    texts,
)
from bot.domain import permissions
from bot.domain.backoffice import WebEntry
from bot.domain.clock import utc_now
from bot.domain.errors import NotAuthorised
from bot.domain.services import backoffice
from bot.domain.text import said
from bot.i18n import shipped_language

log = logging.getLogger(__name__)
HOME = f"{PREFIX}/items"
MAX_LINK = 64  # a link's secret is 43 characters
LAUNCH_REFUSED = said(
    "Telegram's sign-in for the back office could not be checked. "
    "Open it again from the bot's menu button."
)


def from_our_page(request: web.Request) -> bool:
    """A way in is posted by our own page, not by another site signing this browser into
    someone else's session: its fetch metadata, or else its Origin, says where it came from
    (a request with neither, from an old browser or a script, is let through)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


async def enter_page(request: web.Request) -> web.StreamResponse:
    """The link's page: one button that spends it."""
    link = request.query.get("link", "")[:MAX_LINK]
    return show(request, "enter.html", link=link)


async def enter(request: web.Request) -> web.StreamResponse:
    if not from_our_page(request):
        return refused(request, texts(request)(backoffice.LINK_REFUSED), status=403)
    form = await request.post()
    link = form.get("link")
    if not isinstance(link, str) or not link or len(link) > MAX_LINK:
        return refused(request, texts(request)(backoffice.LINK_REFUSED), status=403)
    return await _session(request, backoffice.enter_with_link, link)


async def _session(
    request: web.Request,
    way_in: Callable[..., WebEntry],
    proof: str | int,
    *,
    in_telegram: bool = False,
) -> web.StreamResponse:
    """A web session by this way in, or the polite reason there is none."""
    try:
        entry = await shop(request).run(
            way_in,
            proof,
            uow=shop(request).uow(),
            idle_timeout=request.app[SETTINGS].staff_idle_timeout,
        )
    except NotAuthorised as refusal:
        return refused(request, texts(request).refusal(refusal), status=403)
    return signed_in(request, entry, HOME, in_telegram=in_telegram)


async def mini_app_page(request: web.Request) -> web.StreamResponse:
    """What Telegram opens from the menu button: its script hands the launch data over."""
    return show(request, "miniapp.html")


async def enter_mini_app(request: web.Request) -> web.StreamResponse:
    if not from_our_page(request):
        return refused(request, texts(request)(LAUNCH_REFUSED), status=403)
    # One character past the longest launch data: an over-long one is still told apart.
    raw = form_text(await request.post(), "init_data", init_data.MAX_LENGTH + 1)
    settings = request.app[SETTINGS]
    assert settings.telegram_token is not None
    try:
        launch = init_data.launched(raw, settings.telegram_token.get_secret_value(), utc_now())
    except init_data.InitDataRefused as why:
        log.warning("back office: Mini App launch data refused (%s)", why)
        return refused(request, texts(request)(LAUNCH_REFUSED), status=403)
    enter = functools.partial(
        backoffice.enter_mini_app, language=shipped_language(launch.language_code)
    )
    return await _session(request, enter, launch.user_id, in_telegram=True)


async def log_out(request: web.Request) -> web.StreamResponse:
    token = request.cookies.get(COOKIE, "")
    await shop(request).run(backoffice.leave, token, uow=shop(request).uow())
    response = show(request, "signed_out.html")
    response.del_cookie(COOKIE, path=PREFIX)
    return response


async def home(_request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther(HOME)


ROUTES = [
    Route("GET", "/enter", enter_page, None),
    Route("POST", "/enter", enter, None),
    Route("GET", "/app", mini_app_page, None),
    Route("POST", "/app", enter_mini_app, None),
    Route("POST", "/logout", log_out, permissions.TEAM_MEMBER),
    Route("GET", "/", home, None),
]
