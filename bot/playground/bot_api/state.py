"""The local Bot API's shared state: chats, calls, pending updates, under one lock."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Any

from bot.playground.bot_api.errors import bad_request
from bot.playground.bot_api.flood import Admission, FloodRule, update_chats
from bot.playground.bot_api.model import BOT_ID, TOKEN, Call, Chat, ChatMessage
from bot.playground.bot_api.spec import BotApiSpec, UploadedFile

log = logging.getLogger(__name__)


@dataclass
class Fault:
    """An error the next calls of a method get, on purpose (see Faults.fail_next)."""

    method: str
    status: int
    retry_after: int | None
    remaining: int


class ApiState:
    def __init__(
        self,
        token: str = TOKEN,
        spec: BotApiSpec | None = None,
        *,
        bot_name: str = "ShopKeeps Test",
        bot_username: str = "shopkeeps_test_bot",
        keep_calls: bool = True,
        first_update_id: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`keep_calls=False` for a long-running server: refused calls are only logged.
        `first_update_id`: as Telegram's, update ids only grow for one bot; a second server
        over a database the bot already used must start above the ids it has seen.
        `clock`: what the flood rule and each Call's `at` read, so a test can move time on
        instead of sleeping through Telegram's limits."""
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
        self._handlers = self._methods()  # the methods, by lower-case name
        self.calls: list[Call] = []
        self.chats: dict[int, Chat] = {}
        self.commands: dict[str, list[dict[str, str]]] = {}
        # Each private chat's menu button as last set ("default" key: the bot's default).
        self.menu_buttons: dict[str, dict[str, Any]] = {}
        # "long" and "short", as the bot set them; "long/de": for apps in German
        self.descriptions: dict[str, str] = {}
        self.webhook: dict[str, Any] | None = None
        # The last failed webhook delivery (unix time, Telegram's words), as getWebhookInfo's
        # last_error_date and last_error_message report it.
        self.webhook_error: tuple[int, str] | None = None
        # Every webhook delivery tried: (update id, seconds until answered or given up, error).
        self.deliveries: list[tuple[int, float, str | None]] = []
        self.files: dict[str, UploadedFile] = {}
        self.revision = 0  # grows with every change a chat window would have to show
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(first_update_id)
        self._message_ids = itertools.count(1)
        self._people_ids = itertools.count(1001)
        self._query_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self.fetched: dict[str, str] = {}  # file id -> the web address it was fetched from
        self._open_queries: set[str] = set()
        self._answered: dict[str, dict[str, Any]] = {}
        self._pre_checkouts: dict[str, float] = {}  # query id: when it was asked (monotonic)
        self._charge_ids = itertools.count(1)
        self._faults: list[Fault] = []
        self._blocked: set[int] = set()  # people who blocked the bot (Faults.blocks_bot)
        self._in_flight = 0
        self.peak_in_flight = 0  # the most calls (getUpdates aside) answered at once
        self._delays: dict[str, float] = {}  # method (lower case): seconds, see slow_down
        # Telegram's flood control (see Faults.enforce_flood_limit): off until a test asks.
        self._flood = FloodRule(clock)
        self._last_activity = time.monotonic()
        self._delivered_through = 0
        self._pushed: Counter[int] = Counter()  # an update delivered twice counts twice
        self._processed: Counter[int] = Counter()
        # Told of each update the bot reports handled (benchmarks time update → reply).
        self.processed_listeners: list[Callable[[int], None]] = []
        self._sent: dict[int, dict[str, Any]] = {}
        self._stopping = False
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    def _methods(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        """The Bot API methods this server answers, by lower-case name (the full server
        composes them)."""
        return {}

    @property
    def lock(self) -> threading.RLock:
        """Hold it to read several chats as one consistent picture."""
        return self._lock

    def _admit(self, method: str, params: dict[str, Any]) -> Admission:
        """Count a call as Telegram's flood control would, or refuse it (see `error()`)."""
        with self._lock:
            return self._flood.admit(method, params)

    def _heard_from(self, update: Mapping[str, Any]) -> None:
        """A person acted: the bot's messages to them for a while are replies, not bulk."""
        with self._lock:
            self._flood.heard_from(update_chats(update))

    def _bump(self) -> None:
        """Wake whoever waits for a change (the lock is held)."""
        self.revision += 1
        self._changed.notify_all()

    def _record(self, call: Call) -> None:
        if call.method.lower() == "getupdates" and call.status == 200:
            return  # long polls are not interesting and would swamp the log
        if call.status != 200 and not call.injected:
            log.warning("Telegram would refuse %s: %s", call.method, call.error)
        if self.keep_calls:
            with self._lock:
                self.calls.append(call)

    def _chat(self, chat_id: Any) -> Chat:
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _answer_message(self, message: ChatMessage) -> dict[str, Any]:
        result = message.as_message(self.bot_user)
        self.spec.check_returned(result, "Message")
        return result

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self._faults:
            if fault.method == method.lower() and fault.remaining > 0:
                fault.remaining -= 1
                return fault
        return None

    def _blocked_fault(self, method: str, raw: Mapping[str, Any]) -> Fault | None:
        """A call to the chat of someone who blocked the bot: 403, as Telegram answers it."""
        chat_id = str(raw.get("chat_id", ""))
        if method.lower() == "getupdates" or not chat_id.lstrip("-").isdigit():
            return None
        return Fault(method.lower(), 403, None, 1) if int(chat_id) in self._blocked else None

    def _fetched(self, address: str) -> str:
        """A photo sent by its web address: Telegram fetches it and gives it a file id of its
        own (here, offline, nothing is fetched; the address is kept as what was asked)."""
        file_id = f"photo-{next(self._file_ids)}"
        self.fetched[file_id] = address
        return file_id

    def _keep(self, upload: UploadedFile, kind: str) -> str:
        """Keep an uploaded file so the bot can send it again by its id."""
        file_id = f"{kind}-{next(self._file_ids)}"
        self.files[file_id] = upload
        return file_id
