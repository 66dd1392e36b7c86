"""When the store is open, and which pickup slots that leaves."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PART = re.compile(
    r"^(?P<days>[a-z]{3}(?:-[a-z]{3})?)\s+(?P<open>\d{1,2}:\d{2})-(?P<close>\d{1,2}:\d{2})$"
)


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Per weekday (0 = Monday) the (open, close) local times; a missing day is closed."""

    days: dict[int, tuple[time, time]]

    @staticmethod
    def parse(text: str) -> OpeningHours:
        """'mon-fri 09:00-18:00; sat 09:00-13:00' (days not named are closed)."""
        days: dict[int, tuple[time, time]] = {}
        for raw in filter(None, (p.strip().lower() for p in text.split(";"))):
            match = _PART.match(raw)
            if match is None:
                raise InvalidInput(f"“{raw}” should look like “mon-fri 09:00-18:00”")
            first, _, last = match["days"].partition("-")
            if first not in DAYS or (last and last not in DAYS):
                raise InvalidInput(f"unknown day in “{raw}”; use {', '.join(DAYS)}")
            opens, closes = _time(match["open"]), _time(match["close"])
            if closes <= opens:
                raise InvalidInput(f"“{raw}” closes before it opens")
            start, end = DAYS.index(first), DAYS.index(last or first)
            for day in (
                range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]
            ):
                days[day] = (opens, closes)
        if not days:
            raise InvalidInput("the store must be open on at least one day")
        return OpeningHours(days)


def _time(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours > 23 or minutes > 59:
        raise InvalidInput(f"{text} is not a time of day")
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

    def _day_slots(self, day: date) -> list[datetime]:
        hours = self.hours.days.get(day.weekday())
        if hours is None:
            return []
        opens = datetime.combine(day, hours[0], self.timezone)
        closes = datetime.combine(day, hours[1], self.timezone)
        slots = []
        start = opens
        while start + self.slot_length <= closes:
            slots.append(start.astimezone(ZoneInfo("UTC")))
            start += self.slot_length
        return slots

    def is_offered(self, slot: datetime, now: datetime) -> bool:
        """A slot chosen earlier is still good if it is a real slot and not too soon."""
        local = slot.astimezone(self.timezone)
        return slot >= now + self.lead_time and slot in self._day_slots(local.date())
