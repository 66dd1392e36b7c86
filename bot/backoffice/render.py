"""Pages drawn on the server from Jinja2 templates, escaped by default: nothing a person typed
(an item's name, a note) is ever marked safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.i18n import Texts

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


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
    return web.Response(
        body=body,
        headers={
            "Content-Type": kind,
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


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
