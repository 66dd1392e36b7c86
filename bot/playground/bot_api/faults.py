"""Faults injected on purpose: flood control and outages, as Telegram answers them."""

from __future__ import annotations

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

    def slow_down(self, method: str, seconds: float) -> None:
        """Every call of `method` takes this long to answer (0: back to normal), as a busy
        Telegram would: how tests see whether the bot waits for one call before the next."""
        with self._lock:
            self._delays[method.lower()] = seconds

    def reset_peak(self) -> None:
        with self._lock:
            self.peak_in_flight = self._in_flight
            self.peak_per_second = len(self._chat_calls)

    def enforce_flood_limit(self, per_second: int | None = 30) -> None:
        """Refuse a call to a chat beyond `per_second` in the last second with 429, as
        Telegram's flood control does (paid broadcasts: up to 1,000). None: never refuse."""
        with self._lock:
            self.flood_limit = per_second


def fault_description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after}"
    if status >= 500:
        return "Internal Server Error" if status == 500 else "Bad Gateway"
    return "Bad Request: injected by the test"
