"""The playground page's side of its HTTP API, for tests: what the browser's script does.

Calls run on a thread: the bot answers in the test's own event loop, and a button press
waits for that answer.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _fetch(url: str, data: bytes | None, content_type: str | None) -> Response:
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=40) as answer:
            return Response(answer.status, dict(answer.headers), answer.read())
    except urllib.error.HTTPError as refused:
        return Response(refused.code, dict(refused.headers), refused.read())


@dataclass
class PageClient:
    url: str  # the page's address, ending in "/"

    async def get(self, path: str) -> Response:
        return await asyncio.to_thread(_fetch, self.url + path.lstrip("/"), None, None)

    async def post(
        self, path: str, body: Any = None, *, raw: bytes | None = None, content_type: str = ""
    ) -> Response:
        data = raw if raw is not None else json.dumps(body or {}).encode()
        kind = content_type or "application/json"
        return await asyncio.to_thread(_fetch, self.url + path.lstrip("/"), data, kind)

    async def state(self, since: int | None = None) -> dict[str, Any]:
        response = await self.get("api/state" + ("" if since is None else f"?since={since}"))
        assert response.status == 200, response.body
        state: dict[str, Any] = response.json()
        return state

    async def act(self, persona: int, action: str, body: Any = None) -> Response:
        return await self.post(f"api/personas/{persona}/{action}", body)
