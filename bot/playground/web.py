"""The playground's web server: one page, a small JSON API over the local Bot API's chats.

The page acts only through what a Telegram client can do (send text, press a button on a
message, share the contact, send a photo) and reads the chats back with a long poll, so
whatever it shows went through the real bot.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import mimetypes
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

from bot.backoffice.init_data import signed
from bot.domain.clock import utc_now
from bot.i18n import SHIPPED
from bot.playground.bot_api.server import MAX_CAPTION, MAX_TEXT, LocalBotApi
from bot.playground.bot_api.spec import UploadedFile
from bot.playground.demo import Persona
from bot.playground.http_thread import respond, start_server
from bot.playground.rendering import chat_view

log = logging.getLogger(__name__)

LONG_POLL_SECONDS = 20.0
ANSWER_WAIT_SECONDS = 10.0
MAX_PHOTO_BYTES = 10 * 1024 * 1024  # Telegram's limit for photos sent by a person
# The app languages a persona can switch to: the shipped ones, and one the bot does not
# ship (Portuguese), to show that it then speaks the store's language.
APP_LANGUAGES = {**SHIPPED, "pt": "Português"}
PAGE_FILES = {"": "index.html", "playground.js": "playground.js", "playground.css": "style.css"}


class Refused(Exception):
    """A request the page should not have made; answered with its status and message."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


Reply = tuple[HTTPStatus, str, bytes, dict[str, str]]


@dataclass(frozen=True, slots=True)
class Incoming:
    """A request as the actions need it: the query, and the body already read."""

    query: dict[str, str]
    content_type: str
    body: bytes

    def json(self) -> dict[str, Any]:
        try:
            parsed = json.loads(self.body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise Refused(HTTPStatus.BAD_REQUEST, "The body must be JSON.") from None
        if not isinstance(parsed, dict):
            raise Refused(HTTPStatus.BAD_REQUEST, "The body must be a JSON object.")
        return parsed


class PlaygroundWeb:
    def __init__(
        self,
        api: LocalBotApi,
        personas: list[Persona],
        port: int,
        back_office: str | None = None,
    ) -> None:
        """`back_office`: where the bot's web server answers, to open the back office as
        Telegram opens a Mini App (None: the bot serves none)."""
        self.api = api
        self.back_office = back_office
        self.personas = {p.person.id: p for p in personas}
        self._order = [p.person.id for p in personas]
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._actions: dict[str, Callable[[Persona, Incoming], dict[str, Any]]] = {
            "text": self._send_text,
            "press": self._press,
            "contact": self._share_contact,
            "photo": self._send_photo,
            "pay": self._pay,
            "language": self._change_language,
            "backoffice": self._open_back_office,
        }

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the web server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def start(self) -> PlaygroundWeb:
        self._server, self._thread = start_server(self._port, self._serve, "playground-web")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # ----------------------------------------------------------------- HTTP

    def _serve(self, request: BaseHTTPRequestHandler, verb: str) -> None:
        parts = urllib.parse.urlsplit(request.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(parts.query).items()}
        try:
            incoming = Incoming(query, request.headers.get_content_type(), _read_body(request))
            status, kind, body, headers = self._route(verb, parts.path, incoming)
        except Refused as refused:
            status, kind, body, headers = _json(refused.status, {"error": str(refused)})
        except Exception:
            log.exception("playground request %s %s failed", verb, parts.path)
            status, kind, body, headers = _json(
                HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "Something went wrong; see the log."}
            )
        safe = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
        respond(request, status, kind, body, safe | headers)

    def _route(self, verb: str, path: str, incoming: Incoming) -> Reply:
        segments = [urllib.parse.unquote(s) for s in path.strip("/").split("/")]  # "/": [""]
        if verb == "GET" and len(segments) == 1 and segments[0] in PAGE_FILES:
            return _page_file(PAGE_FILES[segments[0]])
        if verb == "GET" and segments == ["api", "state"]:
            return _json(HTTPStatus.OK, self.state(_since(incoming.query.get("since"))))
        if verb == "GET" and len(segments) == 2 and segments[0] == "files":
            return self._file(segments[1])
        if verb == "POST" and len(segments) == 4 and segments[:2] == ["api", "personas"]:
            persona = self._persona(segments[2])
            action = self._actions.get(segments[3])
            if action is None:
                raise Refused(HTTPStatus.NOT_FOUND, f"No action {segments[3]!r}.")
            return _json(HTTPStatus.OK, action(persona, incoming))
        raise Refused(HTTPStatus.NOT_FOUND, "Nothing here.")

    def _persona(self, raw_id: str) -> Persona:
        persona = self.personas.get(int(raw_id)) if raw_id.isdigit() else None
        if persona is None:
            raise Refused(HTTPStatus.NOT_FOUND, "No such persona.")
        return persona

    # ----------------------------------------------------------------- reading

    def state(self, since: int | None) -> dict[str, Any]:
        """Every persona's chat; with `since`, waits until something changed after it."""
        if since is not None:
            self.api.wait_for_change(since, LONG_POLL_SECONDS)
        with self.api.lock:
            revision = self.api.revision
            chats = {
                str(pid): chat_view(
                    self.api.chats[pid], self.api.menu_for(p.person), self.api.files
                )
                for pid, p in self.personas.items()
            }
        return {
            "revision": revision,
            "bot": self.api.bot_user["first_name"],
            "personas": [self.personas[pid].as_json() for pid in self._order],
            "languages": APP_LANGUAGES,
            "back_office": self.back_office is not None,
            "chats": chats,
        }

    def _file(self, file_id: str) -> Reply:
        upload = self.api.files.get(file_id)
        if upload is None:
            raise Refused(HTTPStatus.NOT_FOUND, "No such file.")
        headers = {}
        if not upload.content_type.startswith("image/"):
            name = urllib.parse.quote(upload.filename)
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return HTTPStatus.OK, upload.content_type, upload.content, headers

    # ----------------------------------------------------------------- acting

    def _send_text(self, persona: Persona, incoming: Incoming) -> dict[str, Any]:
        text = incoming.json().get("text")
        if not isinstance(text, str) or not text.strip():
            raise Refused(HTTPStatus.BAD_REQUEST, "Type a message first.")
        if len(text) > MAX_TEXT:
            raise Refused(HTTPStatus.BAD_REQUEST, f"A message holds at most {MAX_TEXT} characters.")
        message = self.api.send_text(persona.person, text)
        return {"message_id": message.message_id}

    def _press(self, persona: Persona, incoming: Incoming) -> dict[str, Any]:
        body = incoming.json()
        message_id, data = body.get("message_id"), body.get("data")
        if not isinstance(message_id, int) or not isinstance(data, str):
            raise Refused(HTTPStatus.BAD_REQUEST, "Say which button of which message.")
        message = self.api.message_in(persona.person, message_id)
        if message is None:
            raise Refused(HTTPStatus.CONFLICT, "That message is gone.")
        if data not in [b.get("callback_data") for b in message.buttons]:
            raise Refused(HTTPStatus.CONFLICT, "That button is no longer there.")
        query_id = self.api.press_data(persona.person, message, data)
        answer = self.api.wait_for_answer(query_id, ANSWER_WAIT_SECONDS)
        if answer is None:
            return {"answer": None}
        return {"answer": {"text": answer.get("text"), "alert": bool(answer.get("show_alert"))}}

    def _change_language(self, persona: Persona, incoming: Incoming) -> dict[str, Any]:
        """The persona's Telegram app speaks another language from now on (until they pick one
        with /language, the bot answers in it)."""
        language = incoming.json().get("language")
        if language not in APP_LANGUAGES:
            raise Refused(HTTPStatus.BAD_REQUEST, f"Pick one of {', '.join(APP_LANGUAGES)}.")
        person = self.api.change_language(persona.person, language)
        self.personas[person.id] = dataclasses.replace(persona, person=person)
        return {"language": language}

    def _open_back_office(self, persona: Persona, _incoming: Incoming) -> dict[str, Any]:
        """What Telegram does when a member taps the bot's menu button: open the Mini App with
        launch data it signed for this person (here, with the local Bot API's token)."""
        if self.back_office is None or persona.role not in ("staff", "manager"):
            raise Refused(HTTPStatus.BAD_REQUEST, "The back office is for staff and managers.")
        person = persona.person
        user = {"id": person.id, "first_name": person.first_name, "username": person.username}
        launch = signed(user, self.api.token, utc_now())
        theme = json.dumps({"bg_color": "#ffffff", "button_color": "#2481cc"})
        fragment = urllib.parse.urlencode({"tgWebAppData": launch, "tgWebAppThemeParams": theme})
        return {"url": f"{self.back_office.rstrip('/')}/backoffice/app#{fragment}"}

    def _share_contact(self, persona: Persona, _incoming: Incoming) -> dict[str, Any]:
        message = self.api.share_contact(persona.person, persona.phone)
        return {"message_id": message.message_id}

    def _pay(self, persona: Persona, incoming: Incoming) -> dict[str, Any]:
        """The test payment sheet's Pay button: Telegram asks the bot, then charges (or not)."""
        message_id = incoming.json().get("message_id")
        if not isinstance(message_id, int):
            raise Refused(HTTPStatus.BAD_REQUEST, "Say which invoice to pay.")
        message = self.api.message_in(persona.person, message_id)
        if message is None or message.invoice is None:
            raise Refused(HTTPStatus.CONFLICT, "That invoice is gone.")
        attempt = self.api.pay_blocking(persona.person, message)
        return {"ok": attempt.ok, "error": attempt.error}

    def _send_photo(self, persona: Persona, incoming: Incoming) -> dict[str, Any]:
        kind, content, query = incoming.content_type, incoming.body, incoming.query
        if kind not in ("image/jpeg", "image/png", "image/gif", "image/webp"):
            raise Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Send a JPEG, PNG, GIF or WebP.")
        if not content:
            raise Refused(HTTPStatus.BAD_REQUEST, "That photo is empty.")
        caption = query.get("caption") or None
        if caption is not None and len(caption) > MAX_CAPTION:
            raise Refused(HTTPStatus.BAD_REQUEST, f"A caption holds {MAX_CAPTION} characters.")
        name = query.get("name") or "photo" + (mimetypes.guess_extension(kind) or "")
        upload = UploadedFile(name, content, kind)
        message = self.api.send_photo(persona.person, caption, upload)
        return {"message_id": message.message_id}


def _since(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not raw.isdigit():
        raise Refused(HTTPStatus.BAD_REQUEST, "since must be a revision number.")
    return int(raw)


def _read_body(request: BaseHTTPRequestHandler) -> bytes:
    """The whole body, always: bytes left unread would be taken for the next request."""
    length = int(request.headers.get("Content-Length") or 0)
    if length > MAX_PHOTO_BYTES:
        request.close_connection = True  # the rest of it is not worth reading
        raise Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "A photo holds 10 MB at most.")
    return request.rfile.read(length) if length > 0 else b""


def _json(status: HTTPStatus, payload: dict[str, Any]) -> Reply:
    return status, "application/json; charset=utf-8", json.dumps(payload).encode(), {}


def _page_file(name: str) -> Reply:
    content = resources.files("bot.playground").joinpath("page", name).read_bytes()
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind.endswith("javascript"):
        kind += "; charset=utf-8"
    return HTTPStatus.OK, kind, content, {}
