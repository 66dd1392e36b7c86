"""Telegram's webhook: updates in, checked before a byte of the body is read.

The secret token (X-Telegram-Bot-Api-Secret-Token, set with setWebhook) is compared in
constant time from the headers alone, so a stranger's body is never read, however large; a
declared body over 1 MB is refused from its Content-Length, an undeclared one as soon as it
passes 1 MB. An accepted update goes to the application's queue and is answered 200 once it is
recorded as taken (bot.handlers.edge.KeepingQueue): a worker killed with an update in hand
never acknowledged it, and Telegram sends it again. No body, good or
bad, is ever written to a log: updates hold people's words.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Collection
from typing import Any, Protocol, runtime_checkable

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.metrics import Metrics

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_BODY = 1024 * 1024  # an update is a few kB; Telegram's largest are far below this
TOO_LARGE = "an update is at most 1 MB"


@runtime_checkable
class Keeping(Protocol):
    """An update queue that says when the updates put in it are recorded as taken."""

    as_sent: dict[int, dict[str, Any]]

    async def kept(self, update_ids: Collection[int] | None = None) -> bool: ...


def routes(
    path: str, secret: str, application: Application[Any, Any, Any, Any, Any, Any], metrics: Metrics
) -> list[web.RouteDef]:
    expected = secret.encode()

    def refuse(reason: str, status: int, text: str) -> web.Response:
        metrics.webhook_refused.labels(reason).inc()
        log.warning("webhook request refused: %s", reason)
        return web.Response(status=status, text=text + "\n")

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return refuse("secret", 403, "wrong or missing secret token")
        if request.content_length is not None and request.content_length > MAX_BODY:
            return refuse("too_large", 413, TOO_LARGE)
        body = await _bounded(request, MAX_BODY)  # a body sent without its length too
        if body is None:
            return refuse("too_large", 413, TOO_LARGE)
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            return refuse("malformed", 400, "the body is not JSON")
        update = _update(data, application)
        if update is None:
            return refuse("malformed", 400, "the body is not a Telegram update")
        queue = application.update_queue
        if isinstance(queue, Keeping):
            queue.as_sent[update.update_id] = data  # kept as it came, until recorded
        await queue.put(update)
        if isinstance(queue, Keeping) and not await queue.kept([update.update_id]):
            # Not recorded (the database is away): Telegram delivers it again later.
            return web.Response(status=503, text="not kept, send it again\n")
        return web.Response(text="ok\n")

    return [web.post(path, receive)]


def _update(data: object, application: Application[Any, Any, Any, Any, Any, Any]) -> Update | None:
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return None
    try:
        return Update.de_json(data, application.bot)
    except (KeyError, TypeError, ValueError):
        return None


async def _bounded(request: web.Request, limit: int) -> bytes | None:
    """The body, or None past `limit` bytes: the server's own limit is the back office's
    uploads', far above an update's."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
