"""Faults injected on purpose: flood control and outages, as Telegram answers them."""

from __future__ import annotations

from collections import Counter

from bot.playground.bot_api.flood import FloodLimits
from bot.playground.bot_api.model import Person
from bot.playground.bot_api.state import ApiState, Fault


class Faults(ApiState):
    def fail_next(
        self, method: str, status: int = 429, *, retry_after: int | None = None, times: int = 1
    ) -> None:
        """The next `times` calls of `method` get this error (429 carries retry_after)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._faults.append(Fault(method.lower(), status, retry_after, times))

    def blocks_bot(self, person: Person, blocked: bool = True) -> None:
        """This person blocked the bot (False: unblocked it): every call to their chat gets
        Telegram's 403 "Forbidden: bot was blocked by the user", until unblocked."""
        with self._lock:
            if blocked:
                self._blocked.add(person.id)
            else:
                self._blocked.discard(person.id)

    def slow_down(self, method: str, seconds: float) -> None:
        """Every call of `method` takes this long to answer (0: back to normal), as a busy
        Telegram would: how tests see whether the bot waits for one call before the next."""
        with self._lock:
            self._delays[method.lower()] = seconds

    def reset_peak(self) -> None:
        """Peaks from now on: calls in flight, calls and bulk messages in one second."""
        with self._lock:
            self.peak_in_flight = self._in_flight
            self._flood.reset_peaks()

    def enforce_flood_limit(
        self,
        per_second: int | None = 30,
        *,
        chat_burst: int = 20,
        chat_per_second: float = 1.0,
        group_per_minute: int = 20,
    ) -> None:
        """Answer 429 as Telegram's flood control does, for a message sent or edited in a chat
        (sendChatAction and calls without a chat are never refused), checking in this order:
        a person's chat allows `chat_burst` messages at once, refilled at `chat_per_second`;
        a group or channel `group_per_minute`; and the whole bot `per_second` bulk messages
        in any second (a reply to a chat that sent an update in the last REPLY_WINDOW_SECONDS
        is not bulk; paid broadcasts have their own 1,000). A refused call counts nowhere;
        its retry_after is the whole seconds until it would be taken. None: never refuse."""
        limits = (
            None
            if per_second is None
            else FloodLimits(per_second, chat_burst, chat_per_second, group_per_minute)
        )
        with self._lock:
            self._flood.enforce(limits)

    @property
    def flood_refusals(self) -> int:
        """Calls the flood rule refused, whichever rule."""
        with self._lock:
            return self._flood.refusals

    @property
    def flood_refusals_by_rule(self) -> Counter[str]:
        """Refusals by rule: "chat" (a person's chat), "group" (a group or channel), "bot"."""
        with self._lock:
            return Counter(self._flood.refusals_by_rule)

    @property
    def peak_per_second(self) -> int:
        """The most calls to chats (paid broadcasts apart) taken in any sliding second."""
        with self._lock:
            return self._flood.peak_per_second

    @property
    def peak_bulk_per_second(self) -> int:
        """The most bulk messages (not replies, not paid) taken in any sliding second."""
        with self._lock:
            return self._flood.peak_bulk_per_second


def fault_description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after}"
    if status == 403:
        return "Forbidden: bot was blocked by the user"
    if status >= 500:
        return "Internal Server Error" if status == 500 else "Bad Gateway"
    return "Bad Request: injected by the test"
