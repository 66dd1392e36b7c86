from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.opening_hours import HoursUnreadable, OpeningHours, SlotPolicy

PARIS = ZoneInfo("Europe/Paris")


def test_opening_hours_read_day_ranges_and_single_days() -> None:
    hours = OpeningHours.parse("mon-fri 09:00-18:00; sat 10:00-13:00")
    assert hours.days[0] == ((time(9), time(18)),)
    assert hours.days[4] == ((time(9), time(18)),)
    assert hours.days[5] == ((time(10), time(13)),)
    assert 6 not in hours.days


def test_a_range_can_wrap_round_the_week() -> None:
    assert sorted(OpeningHours.parse("fri-mon 08:00-12:00").days) == [0, 4, 5, 6]


@pytest.mark.parametrize(
    "text", ["", "mon 9-5", "xyz 09:00-10:00", "mon 18:00-09:00", "mon 25:00-26:00"]
)
def test_bad_opening_hours_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"“|day|time|open"):
        OpeningHours.parse(text)


def _policy(hours: str = "mon-sat 09:00-12:00", lead_minutes: int = 60) -> SlotPolicy:
    return SlotPolicy(
        OpeningHours.parse(hours), PARIS, timedelta(minutes=30), timedelta(minutes=lead_minutes)
    )


def test_slots_start_after_the_lead_time_and_fit_before_closing() -> None:
    # Friday 20 Nov 2026, 09:40 in Paris (08:40 UTC): 10:40 is the earliest, so 11:00 first.
    now = datetime(2026, 11, 20, 8, 40, tzinfo=UTC)
    slots = [s.astimezone(PARIS) for s in _policy().slots(now, limit=4)]
    assert [(s.day, s.hour, s.minute) for s in slots] == [
        (20, 11, 0),
        (20, 11, 30),
        (21, 9, 0),
        (21, 9, 30),
    ]


def test_closed_days_offer_no_slots() -> None:
    saturday_evening = datetime(2026, 11, 21, 19, tzinfo=UTC)
    first = _policy().slots(saturday_evening, limit=1)[0].astimezone(PARIS)
    assert (first.weekday(), first.hour) == (0, 9)  # Sunday closed: Monday 09:00


def test_a_chosen_slot_stops_being_offered_when_it_gets_too_close() -> None:
    policy = _policy()
    slot = datetime(2026, 11, 20, 10, tzinfo=UTC)  # 11:00 Paris
    assert policy.is_offered(slot, slot - timedelta(hours=2))
    assert not policy.is_offered(slot, slot - timedelta(minutes=30))
    assert not policy.is_offered(slot + timedelta(minutes=7), slot - timedelta(hours=2))


def test_a_lunch_break_keeps_both_the_morning_and_the_afternoon() -> None:
    hours = OpeningHours.parse("mon-sat 09:00-12:30; mon-sat 15:00-19:00")
    assert hours.days[2] == ((time(9), time(12, 30)), (time(15), time(19)))
    monday = datetime(2026, 11, 23, 10, tzinfo=PARIS)
    assert hours.is_open(monday)
    assert not hours.is_open(monday.replace(hour=13))
    assert hours.next_opening(monday.replace(hour=13)) == monday.replace(hour=15)
    policy = SlotPolicy(hours, PARIS, timedelta(minutes=30), timedelta(0))
    slots = [s.astimezone(PARIS) for s in policy.slots(monday.replace(hour=12), limit=3)]
    assert [(s.hour, s.minute) for s in slots] == [(12, 0), (15, 0), (15, 30)]


def test_overlapping_intervals_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap on mon"):
        OpeningHours.parse("mon 09:00-13:00; mon 12:00-18:00")


def test_closed_dates_offer_no_slots_and_move_the_next_opening() -> None:
    hours = OpeningHours.parse("mon-sun 09:00-18:00", "2026-12-25, 2026-12-26")
    christmas_eve = datetime(2026, 12, 24, 19, tzinfo=PARIS)
    assert hours.next_opening(christmas_eve) == datetime(2026, 12, 27, 9, tzinfo=PARIS)
    assert not hours.is_open(datetime(2026, 12, 25, 10, tzinfo=PARIS))
    with pytest.raises(ValueError, match="not a date"):
        OpeningHours.parse("mon 09:00-18:00", "25/12")


@pytest.mark.parametrize(
    ("hours", "closed", "said"),
    [
        ("mon-fri 9-18", "", "“mon-fri 9-18” should look like “mon-fri 09:00-18:00”"),
        ("mon-fri 18:00-09:00", "", "“mon-fri 18:00-09:00” closes before it opens"),
        ("mon-sun 09:00-18:00", "Christmas", "“Christmas” is not a date like 2026-12-25"),
    ],
)
def test_hours_that_cannot_be_read_say_why_in_words_a_reader_can_be_given(
    hours: str, closed: str, said: str
) -> None:
    with pytest.raises(HoursUnreadable) as unreadable:
        OpeningHours.parse(hours, closed)
    assert str(unreadable.value) == said  # the start-up check's English
    assert "{raw}" in unreadable.value.words.template  # the words, translated for a reader
