"""When the store is open, and which pickup slots that leaves."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.domain.text import Words, said

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PART = re.compile(
    r"^(?P<days>[a-z]{3}(?:-[a-z]{3})?)\s+(?P<open>\d{1,2}:\d{2})-(?P<close>\d{1,2}:\d{2})$"
)


Interval = tuple[time, time]


class HoursUnreadable(ValueError):
    """Opening hours or holidays that cannot be read: `words` for the person who typed them
    (the back office, in their language), the English for the settings' start-up check."""

    def __init__(self, message: str, **params: object) -> None:
        self.words = Words(message, params)
        super().__init__(str(self.words))


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Per weekday (0 = Monday) the local (open, close) intervals, in order (a lunch break is
    two intervals); a missing day is closed, and so is every date in `closed`."""

    days: dict[int, tuple[Interval, ...]]
    closed: frozenset[date] = frozenset()

    @staticmethod
    def parse(text: str, closed_dates: str = "") -> OpeningHours:
        """'mon-sat 09:00-12:30; mon-sat 15:00-19:00; sun 10:00-13:00' (days not named are
        closed); `closed_dates` like '2026-12-25, 2027-01-01' (holidays)."""
        found: dict[int, list[Interval]] = {}
        for raw in filter(None, (p.strip().lower() for p in text.split(";"))):
            match = _PART.match(raw)
            if match is None:
                raise HoursUnreadable(
                    said("“{raw}” should look like “mon-fri 09:00-18:00”"), raw=raw[:40]
                )
            first, _, last = match["days"].partition("-")
            if first not in DAYS or (last and last not in DAYS):
                raise HoursUnreadable(
                    said("Unknown day in “{raw}”; use {days}"), raw=raw[:40], days=", ".join(DAYS)
                )
            opens, closes = _time(match["open"]), _time(match["close"])
            if closes <= opens:
                raise HoursUnreadable(said("“{raw}” closes before it opens"), raw=raw[:40])
            start, end = DAYS.index(first), DAYS.index(last or first)
            for day in (
                range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]
            ):
                found.setdefault(day, []).append((opens, closes))
        if not found:
            raise HoursUnreadable(said("The store must be open on at least one day"))
        days = {day: tuple(sorted(intervals)) for day, intervals in found.items()}
        for day, intervals in days.items():
            for (_, closes), (opens, _) in pairwise(intervals):
                if opens < closes:
                    raise HoursUnreadable(said("Two opening times overlap on {day}"), day=DAYS[day])
        return OpeningHours(days, _dates(closed_dates))

    def on(self, day: date) -> tuple[Interval, ...]:
        """The intervals the store is open on this local date (none on a holiday)."""
        return () if day in self.closed else self.days.get(day.weekday(), ())

    def is_open(self, local: datetime) -> bool:
        return any(opens <= local.time() < closes for opens, closes in self.on(local.date()))

    def next_opening(self, local: datetime, *, within_days: int = 31) -> datetime | None:
        """When the store next opens after `local` (a local, aware time); None if not soon."""
        for offset in range(within_days + 1):
            day = local.date() + timedelta(days=offset)
            for opens, _ in self.on(day):
                start = datetime.combine(day, opens, local.tzinfo)
                if start > local:
                    return start
        return None


def _dates(text: str) -> frozenset[date]:
    days = set()
    for raw in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        try:
            days.add(date.fromisoformat(raw))
        except ValueError:
            raise HoursUnreadable(
                said("“{raw}” is not a date like 2026-12-25"), raw=raw[:40]
            ) from None
    return frozenset(days)


def _time(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours > 23 or minutes > 59:
        raise HoursUnreadable(said("{text} is not a time of day"), text=text)
    return time(hours, minutes)


@dataclass(frozen=True, slots=True)
class SlotPolicy:
    hours: OpeningHours
    timezone: ZoneInfo
    slot_length: timedelta
    lead_time: timedelta
    days_ahead: int = 6

    def slots(self, now: datetime, *, limit: int = 8) -> list[datetime]:
        """The next pickup slots starting at least lead_time from now (aware UTC)."""
        earliest = now + self.lead_time
        local_today = now.astimezone(self.timezone).date()
        found: list[datetime] = []
        for offset in range(self.days_ahead + 1):
            day = local_today + timedelta(days=offset)
            for start in self._day_slots(day):
                if start >= earliest:
                    found.append(start)
                    if len(found) == limit:
                        return found
        return found

    def days(self, now: datetime) -> list[date]:
        """The local days, from today, that still have a pickup slot to offer."""
        today = now.astimezone(self.timezone).date()
        ahead = (today + timedelta(days=offset) for offset in range(self.days_ahead + 1))
        return [day for day in ahead if self.slots_on(day, now)]

    def slots_on(self, day: date, now: datetime) -> list[datetime]:
        """One local day's pickup slots, those at least lead_time from now."""
        today = now.astimezone(self.timezone).date()
        if not today <= day <= today + timedelta(days=self.days_ahead):
            return []
        earliest = now + self.lead_time
        return [start for start in self._day_slots(day) if start >= earliest]

    def _day_slots(self, day: date) -> list[datetime]:
        slots = []
        for opening, closing in self.hours.on(day):
            start = datetime.combine(day, opening, self.timezone)
            closes = datetime.combine(day, closing, self.timezone)
            while start + self.slot_length <= closes:
                slots.append(start.astimezone(ZoneInfo("UTC")))
                start += self.slot_length
        return slots

    def is_offered(self, slot: datetime, now: datetime) -> bool:
        """A slot chosen earlier is still good if it is a real slot and not too soon."""
        local = slot.astimezone(self.timezone)
        return slot >= now + self.lead_time and slot in self._day_slots(local.date())
