"""Pages drawn on the server from Jinja2 templates, escaped by default: nothing a person typed
(an item's name, a note) is ever marked safe."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.i18n import Texts

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
log = logging.getLogger(__name__)


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a name left out is a bug, not an empty space
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page(
    templates: jinja2.Environment,
    name: str,
    t: Texts,
    *,
    status: int = 200,
    **context: Any,
) -> web.Response:
    html = templates.get_template(name).render(t=t, lang=t.language, **context)
    response = web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
    response.headers.update(SECURITY_HEADERS)
    return response


def download(body: bytes, name: str, kind: str) -> web.Response:
    """A file to save, never shown as a page (nor guessed to be one)."""
    return web.Response(body=body, headers=_download_headers(name, kind))


async def streamed_download(
    request: web.Request, pieces: AsyncGenerator[bytes, None], name: str, kind: str
) -> web.StreamResponse:
    """A file to save, sent a piece at a time as it is made. Nothing is sent before its first
    piece, so a failure there is the back office's polite page; a failure after it is logged
    and cuts the connection, and the browser says the download failed, instead of keeping a
    file cut short, or one with an error page (or a traceback) inside it."""
    try:
        first = await anext(pieces, b"")
        response = web.StreamResponse(headers=_download_headers(name, kind))
        await response.prepare(request)
        try:
            await response.write(first)
            async for piece in pieces:
                await response.write(piece)
            await response.write_eof()
        except ConnectionError:
            pass  # the browser went away
        except Exception:
            log.exception("back office: %s failed after its first bytes", request.path)
            if request.transport is not None:
                request.transport.close()  # before the end of the file: never a whole one
        return response
    finally:
        await pieces.aclose()


def _download_headers(name: str, kind: str) -> dict[str, str]:
    return {
        "Content-Type": kind,
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }


CSV = "text/csv; charset=utf-8"
# Nothing from another site, no framing by any site but Telegram Web's (it shows a Mini App in
# a frame), and no guessing of content types.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors https://web.telegram.org; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
