"""Telegram's flood control as the double answers it: per chat, per group, and per bot.

Telegram publishes no exact figures, only rough ones (its Bot FAQ): about one message a second
in a chat with short bursts allowed, 20 a minute in a group, and about 30 a second for bulk
notifications to many people (up to 1,000 as paid broadcasts). Beyond them it answers 429 with
the seconds to wait, which is all a bot can rely on. These figures are modelled here so the
tests and benchmarks see whether the bot backs off, and whether it holds its replies for no
reason.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.playground.bot_api.errors import ApiError

# Telegram's "about 30 messages a second" limit is for bulk notifications: a message to a chat
# whose person did something the bot heard of (a message, a button press, a payment) within
# this many seconds is a reply to their own action, paced per chat, not bulk.
REPLY_WINDOW_SECONDS = 30
PAID_PER_SECOND = 1000  # Telegram's ceiling for paid broadcasts, their own lane
NOT_MESSAGES = frozenset({"sendchataction"})  # "typing…" is no message: never paced

Rule = Literal["chat", "group", "bot"]
ChatKey = int | str  # a chat's id, or a channel's @username


@dataclass(frozen=True, slots=True)
class FloodLimits:
    """The figures of `Faults.enforce_flood_limit`: bulk a second for the bot, and the
    per-chat buckets (private chats: a burst, then a rate; groups and channels: a minute's)."""

    per_second: int = 30
    chat_burst: int = 20
    chat_per_second: float = 1.0
    group_per_minute: int = 20

    def __post_init__(self) -> None:
        if self.per_second < 1 or self.chat_burst < 1 or self.group_per_minute < 1:
            raise ValueError("flood limits are at least one message")
        if self.chat_per_second <= 0:
            raise ValueError("a chat's bucket must refill")


@dataclass(slots=True)
class _Bucket:
    """A token bucket: `capacity` messages at once, refilled at `rate` a second."""

    capacity: float
    rate: float
    tokens: float
    at: float

    def wait(self, now: float) -> float:
        """Seconds until one message may go (0: now), after refilling up to `now`."""
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass(frozen=True, slots=True)
class Admission:
    """What the rule made of one call at `at`: accepted (counted as bulk or not), or refused
    by `refused`, to be tried again after `retry_after` whole seconds."""

    at: float
    bulk: bool = False
    refused: Rule | None = None
    retry_after: int = 0

    def error(self) -> ApiError | None:
        """Telegram's answer to a refused call, word for word; None when accepted."""
        if self.refused is None:
            return None
        return ApiError(429, f"Too Many Requests: retry after {self.retry_after}", self.retry_after)


def chat_key(chat_id: Any) -> ChatKey | None:
    """The chat a call names: its id, or a channel's @username; None for no chat (or one
    Telegram will refuse as a bad request anyway)."""
    if isinstance(chat_id, str) and chat_id.startswith("@"):
        return chat_id.lower()
    if isinstance(chat_id, bool):
        return None
    try:
        return int(chat_id)
    except (TypeError, ValueError):
        return None


def update_chats(update: Mapping[str, Any]) -> set[int]:
    """The people and chats an update comes from (its sender, its chat, the chat of the message
    a button sits on): a reply to any of them is a reply, not bulk."""
    found: set[int] = set()
    for value in update.values():
        if not isinstance(value, Mapping):
            continue
        for where in (
            value.get("from"),
            value.get("chat"),
            (value.get("message") or {}).get("chat"),
        ):
            if isinstance(where, Mapping) and isinstance(where.get("id"), int):
                found.add(where["id"])
    return found


class FloodRule:
    """Decides, call by call, what Telegram's flood control would. Not locked itself: the
    double calls it under its own lock."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.limits: FloodLimits | None = None  # None: nothing is refused
        self.refusals = 0
        self.refusals_by_rule: Counter[str] = Counter()
        self.peak_per_second = 0  # the most calls to chats accepted in one sliding second
        self.peak_bulk_per_second = 0  # the most bulk messages accepted in one sliding second
        self._heard: dict[ChatKey, float] = {}  # chat or person: their last update
        self._buckets: dict[ChatKey, _Bucket] = {}
        self._chat_calls: deque[float] = deque()  # accepted calls to chats, the last second
        self._bulk: deque[float] = deque()
        self._paid: deque[float] = deque()

    def enforce(self, limits: FloodLimits | None) -> None:
        """New figures; the buckets start full again, as after a quiet while."""
        self.limits = limits
        self._buckets.clear()

    def heard_from(self, chats: Iterable[int]) -> None:
        """These people and chats just sent the bot an update."""
        now = self.clock()
        for chat in chats:
            self._heard[chat] = now

    def reset_peaks(self) -> None:
        """Peaks from now on (what is still in the last second counts)."""
        now = self.clock()
        self.peak_per_second = len(_last_second(self._chat_calls, now))
        self.peak_bulk_per_second = len(_last_second(self._bulk, now))

    def admit(self, method: str, params: Mapping[str, Any]) -> Admission:
        """Count one call, or refuse it without counting it anywhere."""
        now = self.clock()
        chat = chat_key(params.get("chat_id"))
        if chat is None:
            return Admission(now)  # no chat: answerCallbackQuery, getMe, setMyCommands...
        paid = str(params.get("allow_paid_broadcast", "")).lower() == "true"
        message = method.lower() not in NOT_MESSAGES
        heard = self._heard.get(chat)
        bulk = message and not paid and (heard is None or now - heard > REPLY_WINDOW_SECONDS)
        if self.limits is not None and message:
            lane, lane_limit = (
                (self._paid, PAID_PER_SECOND) if paid else (self._bulk, self.limits.per_second)
            )
            waits: list[tuple[Rule, float]] = []  # each refusing rule, in the order checked
            bucket = self._bucket(chat, now, self.limits)
            if (wait := bucket.wait(now)) > 0:
                waits.append(("chat" if _private(chat) else "group", wait))
            if paid or bulk:
                window = _last_second(lane, now)
                if len(window) >= lane_limit:
                    waits.append(("bot", window[-lane_limit] + 1.0 - now))
            if waits:
                rule = waits[0][0]
                self.refusals += 1
                self.refusals_by_rule[rule] += 1
                longest = max(wait for _rule, wait in waits)
                seconds = max(1, math.ceil(longest - 1e-9))  # 1.0000000001 s is 1 s
                return Admission(now, bulk, rule, seconds)
            bucket.tokens -= 1
        if paid:
            _last_second(self._paid, now).append(now)
            return Admission(now)
        calls = _last_second(self._chat_calls, now)
        calls.append(now)
        self.peak_per_second = max(self.peak_per_second, len(calls))
        if bulk:
            window = _last_second(self._bulk, now)
            window.append(now)
            self.peak_bulk_per_second = max(self.peak_bulk_per_second, len(window))
        return Admission(now, bulk)

    def _bucket(self, chat: ChatKey, now: float, limits: FloodLimits) -> _Bucket:
        bucket = self._buckets.get(chat)
        if bucket is None:
            if _private(chat):
                size, rate = float(limits.chat_burst), limits.chat_per_second
            else:
                size, rate = float(limits.group_per_minute), limits.group_per_minute / 60
            bucket = self._buckets[chat] = _Bucket(size, rate, size, now)
        return bucket


def _private(chat: ChatKey) -> bool:
    """A person's chat has a positive id; groups are negative, channels too or @named."""
    return isinstance(chat, int) and chat > 0


def _last_second(calls: deque[float], now: float) -> deque[float]:
    """The deque, with the calls older than one second dropped (a sliding second)."""
    while calls and calls[0] <= now - 1.0:
        calls.popleft()
    return calls
