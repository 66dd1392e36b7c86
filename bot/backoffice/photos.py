"""Item photos: uploaded one by one on an item's page, or many at once (each matched to its
item by the SKU in its file name, "BAGUETTE.jpg"); kept in the database and served from a
public address, which Telegram fetches the first time a card shows the photo."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from aiohttp import web

from bot.backoffice.access import NOT_HERE, PREFIX, SETTINGS, Route, refused, shop, show, texts
from bot.backoffice.catalogue import item_path
from bot.backoffice.images import as_jpeg
from bot.domain import permissions
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.services import catalogue
from bot.domain.text import said

SHA = re.compile(r"^[0-9a-f]{64}$")
MOST_AT_ONCE = 200
NO_PHOTO = said("Choose a photo to upload.")


def _address_for(request: web.Request) -> Callable[[str], str]:
    base = (request.app[SETTINGS].backoffice_url or "").rstrip("/")
    return lambda sha: f"{base}{PREFIX}/photos/{sha}.jpg"


async def serve(request: web.Request) -> web.StreamResponse:
    """A kept photo, to anyone: Telegram fetches it, and item photos are public anyway."""
    sha = request.match_info["sha"]
    run = shop(request)
    found = await run.run(catalogue.photo, sha, uow=run.uow()) if SHA.match(sha) else None
    if found is None:
        return refused(request, texts(request)(NOT_HERE), status=404)
    kind, body = found
    return web.Response(
        body=body,
        headers={
            "Content-Type": kind,
            "Cache-Control": "public, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def _put(request: web.Request, sku: str, name: str, data: bytes) -> None:
    run = shop(request)
    jpeg = await asyncio.to_thread(as_jpeg, data, name)  # not on the database's threads
    await run.run(
        catalogue.put_photo, sku, jpeg, "image/jpeg", address=_address_for(request), uow=run.uow()
    )


async def item_photo(request: web.Request) -> web.StreamResponse:
    """One photo on an item's page."""
    sku = request.match_info["sku"]
    form = await request.post()
    upload = form.get("photo")
    try:
        if not isinstance(upload, web.FileField):
            raise InvalidInput(NO_PHOTO)
        await _put(request, sku, upload.filename or "photo", upload.file.read())
    except DomainError as refusal:
        return refused(request, texts(request).refusal(refusal), status=400)
    raise web.HTTPSeeOther(item_path(sku) + "?done=photo")


@dataclass(frozen=True, slots=True)
class Outcome:
    file: str
    sku: str
    done: bool
    why: str = ""


async def many_photos(request: web.Request) -> web.StreamResponse:
    """Many photos at once, each for the item whose SKU its file name is."""
    form = await request.post()
    t = texts(request)
    uploads = [f for f in form.getall("photos", []) if isinstance(f, web.FileField)]
    outcomes: list[Outcome] = []
    for upload in uploads[:MOST_AT_ONCE]:
        name = upload.filename or "photo"
        sku = PurePath(name).stem.strip().upper()
        try:
            await _put(request, sku, name, upload.file.read())
        except DomainError as refusal:
            outcomes.append(Outcome(name, sku, False, t.refusal(refusal)))
        else:
            outcomes.append(Outcome(name, sku, True))
    status = 200 if outcomes and all(o.done for o in outcomes) else 400
    if not uploads:
        outcomes.append(Outcome("", "", False, t(NO_PHOTO)))
    return show(
        request,
        "files.html",
        status=status,
        preview=None,
        result=None,
        problem="",
        photos=outcomes,
    )


ROUTES = [
    Route("GET", "/photos/{sha}.jpg", serve, None),
    Route("POST", "/items/{sku}/photo", item_photo, permissions.CATALOGUE),
    Route("POST", "/files/photos", many_photos, permissions.CATALOGUE),
]
