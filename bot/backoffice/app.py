"""The back office's web application, mounted on the bot's one web server under /backoffice:
every route declared by its feature module with the role it needs."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.backoffice import (
    analytics,
    catalogue,
    entry,
    files,
    offers,
    orders,
    photos,
    prices,
    promo_codes,
    settings,
    team,
)
from bot.backoffice.access import (
    BOT_USERNAME,
    NOT_HERE,
    PREFIX,
    SETTINGS,
    SHOP,
    TEMPLATES,
    Handler,
    guarded,
    refused,
    texts,
)
from bot.backoffice.render import STATIC, environment
from bot.config import Settings
from bot.domain.text import said
from bot.wiring import Shop

log = logging.getLogger(__name__)
ROUTES = [
    *entry.ROUTES,
    *catalogue.ROUTES,
    *prices.ROUTES,
    *offers.ROUTES,
    *promo_codes.ROUTES,
    *files.ROUTES,
    *photos.ROUTES,
    *orders.ROUTES,
    *analytics.ROUTES,
    *team.ROUTES,
    *settings.ROUTES,
]
# A catalogue file of 100,000 items is about 8 MB of CSV; photos are a few MB each.
MAX_UPLOAD = 16 * 1024 * 1024
WENT_WRONG = said("Something went wrong on our side. Please try again in a moment.")
TOO_LARGE = said("That file is too large: the back office takes files of up to 16 MB.")


@web.middleware
async def politely(request: web.Request, handler: Handler) -> web.StreamResponse:
    """No traceback reaches a page: what fails is logged, and the person gets one line."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return refused(request, texts(request)(NOT_HERE), status=404)
    except web.HTTPRequestEntityTooLarge:
        return refused(request, texts(request)(TOO_LARGE), status=413)
    except web.HTTPException:
        raise  # redirects, and aiohttp's own refusals (a body too large)
    except Exception:
        log.exception("back office: %s %s failed", request.method, request.path)
        return refused(request, texts(request)(WENT_WRONG), status=500)


def add_back_office(
    server: web.Application, settings: Settings, shop: Shop, *, bot_username: str
) -> None:
    """Serve the back office from the bot's web server, under PREFIX."""
    app = web.Application(middlewares=[politely])
    app[BOT_USERNAME] = bot_username
    app[SHOP] = shop
    app[SETTINGS] = settings
    app[TEMPLATES] = environment()
    for route in ROUTES:
        app.router.add_route(route.method, route.path, guarded(route.who, route.run))
    app.router.add_static("/static", STATIC, append_version=False)
    server.add_subapp(PREFIX, app)
