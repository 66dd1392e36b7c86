"""A local Bot API server: a real HTTP server on 127.0.0.1 that answers as Telegram does.

The bot talks to it through python-telegram-bot's real network stack, exactly as it talks to
Telegram. The tests and the playground act as people through it (text, commands, button
presses, shared contacts, photos) and read what each chat shows. Every call is checked
against the published spec; `invalid_calls` lists the ones Telegram would have refused, and
the e2e fixtures fail a test that made any.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.playground.bot_api.errors import ApiError, bad_request
from bot.playground.bot_api.html_entities import utf16_length, visible_text
from bot.playground.bot_api.spec import BotApiSpec, UploadedFile
from bot.playground.http_thread import respond, start_server

log = logging.getLogger(__name__)
TOKEN = "123456789:local-token_of_the_local_api"  # noqa: S105 - not a secret: local only
BOT_ID = 123456789
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
# How Telegram marks a command: "/report." and "/report," are the command /report followed by
# punctuation; "/report@some_bot" names a bot.
BOT_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    first_name: str
    username: str | None = None

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": "en",
        }
        if self.username:
            user["username"] = self.username
        return user

    def as_chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass(frozen=True, slots=True)
class Group(Person):
    """A group chat: its id is negative and its first_name is the group's title."""

    def as_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "group", "title": self.first_name}


@dataclass
class ChatMessage:
    message_id: int
    chat: Person
    from_bot: bool
    date: int
    text: str | None = None
    parse_mode: str | None = None
    caption: str | None = None
    inline_keyboard: list[list[dict[str, Any]]] | None = None
    photo: str | None = None
    document: UploadedFile | str | None = None
    document_id: str | None = None
    contact: dict[str, Any] | None = None
    sticker: bool = False
    deleted: bool = False
    edits: int = 0
    author: Person | None = None  # who wrote it, in a group chat

    @property
    def shown_text(self) -> str:
        """What the person reads: the text (or caption) with the HTML markup parsed."""
        raw = self.text if self.text is not None else (self.caption or "")
        return visible_text(raw) if self.parse_mode == "HTML" else raw

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [button for row in self.inline_keyboard or [] for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [button["text"] for button in self.buttons]

    def as_message(self, bot: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": self.chat.as_chat(),
            "from": bot if self.from_bot else (self.author or self.chat).as_user(),
        }
        if self.text is not None:
            message["text"] = self.shown_text
            if not self.from_bot and (command := BOT_COMMAND.match(self.text)):
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_length(command[0])}
                ]
        if self.caption is not None:
            message["caption"] = self.shown_text
        if self.photo is not None:
            message["photo"] = [
                {
                    "file_id": self.photo,
                    "file_unique_id": f"u{self.photo[:20]}",
                    "width": 640,
                    "height": 480,
                }
            ]
        if self.document is not None:
            name = self.document.filename if isinstance(self.document, UploadedFile) else "file"
            message["document"] = {
                "file_id": self.document_id or f"doc-{self.message_id}",
                "file_unique_id": f"u{self.document_id or self.message_id}",
                "file_name": name,
            }
        if self.contact is not None:
            message["contact"] = self.contact
        if self.sticker:
            message["sticker"] = {
                "file_id": "sticker-1",
                "file_unique_id": "usticker-1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        if self.inline_keyboard is not None:
            message["reply_markup"] = {"inline_keyboard": self.inline_keyboard}
        if self.edits:
            message["edit_date"] = self.date
        return message


@dataclass
class Chat:
    person: Person
    messages: list[ChatMessage] = field(default_factory=list)
    reply_keyboard: dict[str, Any] | None = None

    @property
    def visible(self) -> list[ChatMessage]:
        return [m for m in self.messages if not m.deleted]

    @property
    def from_bot(self) -> list[ChatMessage]:
        return [m for m in self.visible if m.from_bot]

    @property
    def last_from_bot(self) -> ChatMessage:
        bot_messages = self.from_bot
        assert bot_messages, f"the bot has said nothing to {self.person.first_name}"
        return bot_messages[-1]


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    params: Mapping[str, Any]
    status: int
    error: str | None = None
    injected: bool = False


@dataclass
class _Fault:
    method: str
    status: int
    retry_after: int | None
    remaining: int


class LocalBotApi:
    def __init__(
        self,
        token: str = TOKEN,
        spec: BotApiSpec | None = None,
        *,
        bot_name: str = "ShopKeeps Test",
        bot_username: str = "shopkeeps_test_bot",
        keep_calls: bool = True,
    ) -> None:
        """`keep_calls=False` for a long-running server: refused calls are only logged."""
        self.token = token
        self.keep_calls = keep_calls
        self.spec = spec or BotApiSpec.load()
        self.bot_user = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.chats: dict[int, Chat] = {}
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.files: dict[str, UploadedFile] = {}
        self.revision = 0  # grows with every change a chat window would have to show
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._people_ids = itertools.count(1001)
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._open_queries: set[str] = set()
        self._answered: dict[str, dict[str, Any]] = {}
        self._faults: list[_Fault] = []
        self._in_flight = 0
        self._last_activity = time.monotonic()
        self._delivered_through = 0
        self._pushed: Counter[int] = Counter()  # an update delivered twice counts twice
        self._processed: Counter[int] = Counter()
        self._sent: dict[int, dict[str, Any]] = {}
        self._stopping = False
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getme": lambda _p: self.bot_user,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._webhook_info,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "editmessagetext": self._edit_text,
            "editmessagereplymarkup": self._edit_markup,
            "editmessagecaption": self._edit_caption,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback,
            "setmycommands": self._set_commands,
            "deletemycommands": self._delete_commands,
            "getmycommands": self._get_commands,
            "sendchataction": lambda _p: True,
            "close": lambda _p: True,
            "logout": lambda _p: True,
        }

    # ----------------------------------------------------------------- server life

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the double first"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """python-telegram-bot's base_url: the token is appended to it."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> LocalBotApi:
        self._server, serve = start_server(
            0, lambda request, _verb: self._serve(request), "local-bot-api"
        )
        deliver = threading.Thread(
            target=self._deliver_webhooks, name="webhook-delivery", daemon=True
        )
        deliver.start()
        self._threads = [serve, deliver]
        return self

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            self._bump()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> LocalBotApi:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # ----------------------------------------------------------------- HTTP

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        parts = urllib.parse.urlsplit(request.path)
        segments = parts.path.strip("/").split("/")
        status, body = 404, ApiError(404, "Not Found").body()
        if len(segments) == 2 and segments[0].startswith("bot"):
            if segments[0] != f"bot{self.token}":
                status, body = 401, ApiError(401, "Unauthorized").body()
            else:
                try:
                    params = self._read_params(request, parts.query)
                except ApiError as error:
                    status, body = error.code, error.body()
                else:
                    status, body = self.call(segments[1], params)
        respond(request, status, "application/json", json.dumps(body).encode())

    @staticmethod
    def _read_params(request: BaseHTTPRequestHandler, query: str) -> dict[str, Any]:
        params: dict[str, Any] = {k: v[-1] for k, v in urllib.parse.parse_qs(query).items()}
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        kind = request.headers.get_content_type()
        if not raw:
            return params
        if kind == "application/json":
            try:
                params.update(json.loads(raw))
            except json.JSONDecodeError:
                raise bad_request("can't parse JSON body") from None
        elif kind == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(raw.decode(), keep_blank_values=True)
            params.update({k: v[-1] for k, v in form.items()})
        elif kind == "multipart/form-data":
            header = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
            message = BytesParser(policy=HTTP).parsebytes(header + raw)
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                decoded = part.get_payload(decode=True)
                payload = decoded if isinstance(decoded, bytes) else b""
                filename = part.get_filename()
                if filename is not None:
                    params[str(name)] = UploadedFile(filename, payload, part.get_content_type())
                else:
                    params[str(name)] = payload.decode()
        return params

    def call(self, method: str, raw: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call; public so the webhook-free tests can use it directly."""
        tracked = method.lower() != "getupdates"
        with self._lock:
            if tracked:
                self._in_flight += 1
            fault = self._take_fault(method)
        try:
            if fault is not None:
                error = ApiError(
                    fault.status,
                    _fault_description(fault.status, fault.retry_after),
                    fault.retry_after,
                )
                self._record(Call(method, raw, error.code, error.description, injected=True))
                return error.code, error.body()
            try:
                result = self._dispatch(method, raw)
            except ApiError as error:
                self._record(Call(method, raw, error.code, error.description))
                return error.code, error.body()
            self._record(Call(method, raw, 200))
            return 200, {"ok": True, "result": result}
        finally:
            with self._lock:
                if tracked:
                    self._in_flight -= 1
                    self._last_activity = time.monotonic()
                self._bump()

    def _dispatch(self, method: str, raw: dict[str, Any]) -> Any:
        if self.spec.method(method) is None:
            raise ApiError(404, "Not Found")
        handler = self._handlers.get(method.lower())
        if handler is None:
            raise bad_request(f"method {method} is not simulated by the test double")
        params = self.spec.parameters(method, raw)
        return handler(params)

    def _record(self, call: Call) -> None:
        if call.method.lower() == "getupdates" and call.status == 200:
            return  # long polls are not interesting and would swamp the log
        if call.status != 200 and not call.injected:
            log.warning("Telegram would refuse %s: %s", call.method, call.error)
        if self.keep_calls:
            with self._lock:
                self.calls.append(call)

    # ----------------------------------------------------------------- faults

    def fail_next(
        self, method: str, status: int = 429, *, retry_after: int | None = None, times: int = 1
    ) -> None:
        """The next `times` calls of `method` get this error (429 carries retry_after)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._faults.append(_Fault(method.lower(), status, retry_after, times))

    def _bump(self) -> None:
        """Wake whoever waits for a change (the lock is held)."""
        self.revision += 1
        self._changed.notify_all()

    def _take_fault(self, method: str) -> _Fault | None:
        for fault in self._faults:
            if fault.method == method.lower() and fault.remaining > 0:
                fault.remaining -= 1
                return fault
        return None

    # ----------------------------------------------------------------- what tests read

    @property
    def invalid_calls(self) -> list[Call]:
        """Calls Telegram would have refused (injected faults are not the bot's fault)."""
        with self._lock:
            return [c for c in self.calls if c.status != 200 and not c.injected]

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method.lower() == method.lower()]

    def chat(self, person: Person) -> Chat:
        with self._lock:
            return self.chats[person.id]

    def wait_for_change(self, since: int, timeout: float) -> int:
        """Block until the revision passes `since` (or the timeout, or stop); the revision."""
        with self._lock:
            self._changed.wait_for(lambda: self.revision > since or self._stopping, timeout)
            return self.revision

    def wait_for_answer(self, query_id: str, timeout: float) -> dict[str, Any] | None:
        """The bot's answer to a button press, waiting for it a little (None if it never came)."""
        with self._lock:
            self._changed.wait_for(lambda: query_id in self._answered or self._stopping, timeout)
            return self._answered.get(query_id)

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self._answered.get(query_id)

    @property
    def lock(self) -> threading.RLock:
        """Hold it to read several chats as one consistent picture."""
        return self._lock

    def menu_for(self, person: Person) -> list[dict[str, str]]:
        """The command menu this person sees: their chat's own, else the default one."""
        with self._lock:
            return list(self.commands.get(f"chat:{person.id}", self.commands.get("default", [])))

    def commands_for(self, person: Person) -> list[str]:
        return [c["command"] for c in self.menu_for(person)]

    def message_in(self, person: Person, message_id: int) -> ChatMessage | None:
        """A message still on screen in this person's chat."""
        with self._lock:
            chat = self.chats.get(person.id)
            found = [m for m in chat.visible if m.message_id == message_id] if chat else []
            return found[0] if found else None

    async def wait_for(
        self, condition: Callable[[], bool], *, timeout: float = 10, what: str = "the condition"
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if condition():
                    return
            await asyncio.sleep(0.01)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}")

    def processed(self, update_id: int) -> None:
        """The bot reports an update fully handled (see tests/support/running_bot.py)."""
        with self._lock:
            self._processed[update_id] += 1
            self._last_activity = time.monotonic()

    async def settle(self, *, quiet: float = 0.05, timeout: float = 15) -> None:
        """Wait until the bot has handled every update sent so far and no call is in flight."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                handled = all(self._processed[u] >= n for u, n in self._pushed.items())
                idle = self._in_flight == 0
                quiet_enough = time.monotonic() - self._last_activity >= quiet
                if handled and idle and quiet_enough:
                    return
            await asyncio.sleep(0.01)
        waiting = [u for u, n in self._pushed.items() if self._processed[u] < n]
        raise AssertionError(f"the bot did not finish updates {waiting} within {timeout}s")

    # ----------------------------------------------------------------- acting as people

    def person(self, first_name: str, username: str | None = None) -> Person:
        with self._lock:
            person = Person(next(self._people_ids), first_name, username)
            self.chats[person.id] = Chat(person)
            return person

    def send_text(self, person: Person, text: str) -> ChatMessage:
        return self._from_person(person, text=text)

    def share_contact(
        self, person: Person, phone: str, *, owner: Person | None = None
    ) -> ChatMessage:
        """Share a contact card; by default the person's own (as the keyboard button does)."""
        who = owner or person
        contact = {"phone_number": phone, "first_name": who.first_name, "user_id": who.id}
        return self._from_person(person, contact=contact)

    def send_sticker(self, person: Person) -> ChatMessage:
        return self._from_person(person, sticker=True)

    def send_photo(
        self, person: Person, caption: str | None = None, upload: UploadedFile | None = None
    ) -> ChatMessage:
        """A photo from the person; an uploaded picture is kept so the bot can show it again."""
        with self._lock:
            file_id = "user-photo-1" if upload is None else self._keep(upload, "photo")
            return self._from_person(person, photo=file_id, caption=caption)

    def _keep(self, upload: UploadedFile, kind: str) -> str:
        file_id = f"{kind}-{next(self._file_ids)}"
        self.files[file_id] = upload
        return file_id

    def _from_person(self, person: Person, **content: Any) -> ChatMessage:
        with self._lock:
            message = ChatMessage(
                next(self._message_ids), person, False, int(time.time()), **content
            )
            self.chats[person.id].messages.append(message)
            self._push({"message": message.as_message(self.bot_user)})
            return message

    def press(
        self, person: Person, message: ChatMessage, button: str, nth: int | None = None
    ) -> str:
        """Press the inline button whose text contains `button` (the nth of several, if
        given); returns the query id."""
        with self._lock:
            matches = [b for b in message.buttons if button in b["text"]]
            assert matches, f"no button {button!r} in {message.button_texts}"
            assert nth is not None or len(matches) == 1, (
                f"{button!r} matches several of {message.button_texts}"
            )
            assert not message.deleted, "that message was deleted"
            return self.press_data(person, message, matches[nth or 0]["callback_data"])

    def press_data(self, person: Person, message: ChatMessage, data: str) -> str:
        """Send a callback query with any data: how forged buttons are tested."""
        with self._lock:
            query_id = f"q{next(self._query_ids)}"
            self._open_queries.add(query_id)
            self._push(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": person.as_user(),
                        "message": message.as_message(self.bot_user),
                        "chat_instance": f"ci{message.chat.id}",
                        "data": data,
                    }
                }
            )
            return query_id

    def _push(self, payload: dict[str, Any]) -> int:
        update = {"update_id": next(self._update_ids), **payload}
        self.spec.check_returned(update, "Update")
        self._queue(update)
        return int(update["update_id"])

    def _queue(self, update: dict[str, Any]) -> None:
        self._sent[update["update_id"]] = update
        self._updates.append(update)
        self._pushed[update["update_id"]] += 1
        self._last_activity = time.monotonic()
        self._bump()

    def last_update_id(self) -> int:
        with self._lock:
            return max(self._sent)

    def redeliver(self, update_id: int) -> None:
        """Deliver an update again, as Telegram does when a webhook answered slowly or failed
        (the same update_id, the same content)."""
        with self._lock:
            self._queue(self._sent[update_id])

    def edit_text(self, person: Person, message: ChatMessage, text: str) -> None:
        """The person edits a message they sent: Telegram sends an edited_message update."""
        with self._lock:
            message.text, message.edits = text, message.edits + 1
            self._push({"edited_message": message.as_message(self.bot_user)})

    def group(self, title: str) -> Group:
        """A group chat the bot was added to; people write in it with `send_text_in`."""
        with self._lock:
            group = Group(-next(self._people_ids), title)
            self.chats[group.id] = Chat(group)
            return group

    def send_text_in(self, group: Group, person: Person, text: str) -> ChatMessage:
        with self._lock:
            message = ChatMessage(
                next(self._message_ids), group, False, int(time.time()), text=text, author=person
            )
            self.chats[group.id].messages.append(message)
            self._push({"message": message.as_message(self.bot_user)})
            return message

    # ----------------------------------------------------------------- updates

    def _get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset, limit = p.get("offset", 0), p.get("limit", 100)
        deadline = time.monotonic() + min(float(p.get("timeout", 0)), 5.0)
        with self._lock:
            while True:
                if offset:
                    confirmed = [u for u in self._updates if u["update_id"] < offset]
                    if confirmed:
                        self._delivered_through = max(
                            self._delivered_through, confirmed[-1]["update_id"]
                        )
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if self._updates or self._stopping:
                    return list(self._updates[:limit])
                left = deadline - time.monotonic()
                if left <= 0:
                    return []
                self._changed.wait(left)

    def _set_webhook(self, p: dict[str, Any]) -> bool:
        url = p["url"]
        if url == "":
            return self._delete_webhook(p)
        if not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        with self._lock:
            self.webhook = {"url": url, "secret_token": p.get("secret_token")}
            if p.get("drop_pending_updates"):
                self._drop_pending()
            self._bump()
        return True

    def _delete_webhook(self, p: dict[str, Any]) -> bool:
        with self._lock:
            self.webhook = None
            if p.get("drop_pending_updates"):
                self._drop_pending()
        return True

    def _drop_pending(self) -> None:
        if self._updates:
            self._delivered_through = self._updates[-1]["update_id"]
        self._updates = []

    def _webhook_info(self, _p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return {
                "url": self.webhook["url"] if self.webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }

    def _deliver_webhooks(self) -> None:
        while True:
            with self._lock:
                while not self._stopping and (self.webhook is None or not self._updates):
                    self._changed.wait(0.5)
                if self._stopping:
                    return
                assert self.webhook is not None
                update, hook = self._updates[0], dict(self.webhook)
            if self._post_update(update, hook):
                with self._lock:
                    if self._updates and self._updates[0] is update:
                        self._updates.pop(0)
                        self._delivered_through = update["update_id"]
                        self._last_activity = time.monotonic()
            else:
                time.sleep(0.1)

    @staticmethod
    def _post_update(update: dict[str, Any], hook: dict[str, Any]) -> bool:
        # setWebhook accepted only http(s) URLs, so no file: or custom scheme reaches here.
        request = urllib.request.Request(  # noqa: S310
            hook["url"],
            data=json.dumps(update).encode(),
            headers={"Content-Type": "application/json"},
        )
        if hook.get("secret_token"):
            request.add_header("X-Telegram-Bot-Api-Secret-Token", hook["secret_token"])
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                return 200 <= int(response.status) < 300
        except (urllib.error.URLError, OSError):
            return False

    # ----------------------------------------------------------------- messages

    def _chat(self, chat_id: Any) -> Chat:
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    @staticmethod
    def _checked_text(
        text: str, parse_mode: str | None, limit: int, empty: str, too_long: str
    ) -> None:
        shown = visible_text(text) if parse_mode == "HTML" else text
        if parse_mode not in (None, "HTML"):
            raise bad_request(f"the double checks only HTML, not parse_mode {parse_mode}")
        if not shown.strip() and empty:
            raise bad_request(empty)
        if utf16_length(shown) > limit:
            raise bad_request(too_long)

    def _checked_markup(self, markup: Any, chat: Chat) -> list[list[dict[str, Any]]] | None:
        if markup is None:
            return None
        if "inline_keyboard" in markup:
            for row in markup["inline_keyboard"]:
                for button in row:
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(data.encode()) <= 64:
                        raise bad_request("BUTTON_DATA_INVALID")
                    if not button.get("text"):
                        raise bad_request("text buttons are unallowed in the inline keyboard")
            return list(markup["inline_keyboard"])
        if "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        return None

    def _new_bot_message(self, p: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat = self._chat(p["chat_id"])
        keyboard = self._checked_markup(p.get("reply_markup"), chat)
        message = ChatMessage(
            next(self._message_ids),
            chat.person,
            True,
            int(time.time()),
            parse_mode=p.get("parse_mode"),
            inline_keyboard=keyboard,
            **content,
        )
        chat.messages.append(message)
        return self._answer_message(message)

    def _answer_message(self, message: ChatMessage) -> dict[str, Any]:
        result = message.as_message(self.bot_user)
        self.spec.check_returned(result, "Message")
        return result

    def _send_message(self, p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._checked_text(
                p["text"],
                p.get("parse_mode"),
                MAX_TEXT,
                "message text is empty",
                "message is too long",
            )
            return self._new_bot_message(p, text=p["text"])

    def _caption(self, p: dict[str, Any]) -> str | None:
        """A media message's caption, checked like Telegram checks it (1024 at most)."""
        caption: str | None = p.get("caption")
        if caption is not None:
            self._checked_text(
                caption, p.get("parse_mode"), MAX_CAPTION, "", "message caption is too long"
            )
        return caption

    def _send_photo(self, p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            caption = self._caption(p)
            photo = p["photo"]
            file_id = photo if isinstance(photo, str) else self._keep(photo, "photo")
            return self._new_bot_message(p, photo=file_id, caption=caption)

    def _send_document(self, p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            caption = self._caption(p)
            document = p["document"]
            file_id = document if isinstance(document, str) else self._keep(document, "document")
            return self._new_bot_message(p, document=document, document_id=file_id, caption=caption)

    def _editable(self, p: dict[str, Any], what: str) -> ChatMessage:
        if "inline_message_id" in p:
            raise bad_request("the double does not simulate inline messages")
        if "chat_id" not in p or "message_id" not in p:
            raise bad_request("message identifier is not specified")
        chat = self._chat(p["chat_id"])
        found = next((m for m in chat.messages if m.message_id == p["message_id"]), None)
        if found is None or found.deleted or not found.from_bot:
            raise bad_request(f"message to {what} not found")
        return found

    def _edit_text(self, p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            message = self._editable(p, "edit")
            if message.text is None:
                raise bad_request("there is no text in the message to edit")
            self._checked_text(
                p["text"],
                p.get("parse_mode"),
                MAX_TEXT,
                "message text is empty",
                "message is too long",
            )
            keyboard = self._checked_markup(p.get("reply_markup"), self.chats[message.chat.id])
            if (p["text"], p.get("parse_mode"), keyboard) == (
                message.text,
                message.parse_mode,
                message.inline_keyboard,
            ):
                raise bad_request(NOT_MODIFIED)
            message.text, message.parse_mode = p["text"], p.get("parse_mode")
            message.inline_keyboard = keyboard
            message.edits += 1
            return self._answer_message(message)

    def _edit_caption(self, p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            message = self._editable(p, "edit")
            if message.photo is None and message.document is None:
                raise bad_request("there is no caption in the message to edit")
            caption = p.get("caption", "")
            self._checked_text(
                caption, p.get("parse_mode"), MAX_CAPTION, "", "message caption is too long"
            )
            keyboard = self._checked_markup(p.get("reply_markup"), self.chats[message.chat.id])
            if (caption, keyboard) == (message.caption, message.inline_keyboard):
                raise bad_request(NOT_MODIFIED)
            message.caption, message.parse_mode = caption, p.get("parse_mode")
            message.inline_keyboard = keyboard
            message.edits += 1
            return self._answer_message(message)

    def _edit_markup(self, p: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            message = self._editable(p, "edit")
            keyboard = self._checked_markup(p.get("reply_markup"), self.chats[message.chat.id])
            if keyboard == message.inline_keyboard:
                raise bad_request(NOT_MODIFIED)
            message.inline_keyboard = keyboard
            message.edits += 1
            return self._answer_message(message)

    def _delete_message(self, p: dict[str, Any]) -> bool:
        with self._lock:
            chat = self._chat(p["chat_id"])
            found = next((m for m in chat.messages if m.message_id == p["message_id"]), None)
            if found is None or found.deleted:
                raise bad_request("message to delete not found")
            found.deleted = True
            return True

    def _answer_callback(self, p: dict[str, Any]) -> bool:
        with self._lock:
            query_id = p["callback_query_id"]
            if query_id not in self._open_queries:
                raise bad_request(QUERY_TOO_OLD)
            if len(p.get("text") or "") > MAX_CALLBACK_ANSWER:
                raise bad_request("MESSAGE_TOO_LONG")
            self._open_queries.discard(query_id)
            self._answered[query_id] = dict(p)
            return True

    @staticmethod
    def _scope_key(p: dict[str, Any]) -> str:
        scope = p.get("scope") or {"type": "default"}
        if scope["type"] == "chat":
            return f"chat:{scope['chat_id']}"
        return str(scope["type"])

    def _set_commands(self, p: dict[str, Any]) -> bool:
        commands = p["commands"]
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            name, description = command["command"], command["description"]
            if not (1 <= len(name) <= 32 and name.replace("_", "").isalnum() and name.islower()):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        with self._lock:
            self.commands[self._scope_key(p)] = list(commands)
        return True

    def _delete_commands(self, p: dict[str, Any]) -> bool:
        with self._lock:
            self.commands.pop(self._scope_key(p), None)
        return True

    def _get_commands(self, p: dict[str, Any]) -> list[dict[str, str]]:
        with self._lock:
            return list(self.commands.get(self._scope_key(p), []))


def _fault_description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after}"
    if status >= 500:
        return "Internal Server Error" if status == 500 else "Bad Gateway"
    return "Bad Request: injected by the test"
