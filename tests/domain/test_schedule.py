"""Schedule specs: parsing, normalisation, round trips and errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from offline_tracker.domain.errors import InputError
from offline_tracker.domain.schedule import ScheduleError, Shift, parse_schedule, parse_shifts
from offline_tracker.i18n import LANGUAGES, t
from tests.domain.engine_builders import sched

NORMALISED = [
    (
        "mon-fri 09:00-12:00,13:00-18:00; sat 09:00-12:00",
        "mon-fri 09:00-12:00,13:00-18:00; sat 09:00-12:00",
    ),
    ("mon,wed,fri 08:30-17:30", "mon,wed,fri 08:30-17:30"),
    ("sun-thu 22:00-06:00", "sun-thu 22:00-06:00"),
    ("fri-mon 9:00-17:00", "fri-mon 09:00-17:00"),
    ("Monday-FRIDAY 09:00-18:00", "mon-fri 09:00-18:00"),
    ("周一至周五 09:00-18:00", "mon-fri 09:00-18:00"),
    ("星期一-星期三 09:00-18:00；星期日 10:00-12:00", "mon-wed 09:00-18:00; sun 10:00-12:00"),
    ("mon 13:00-18:00; mon 09:00-12:00", "mon 09:00-12:00,13:00-18:00"),
    ("sat,sun 18:00-24:00", "sat,sun 18:00-24:00"),
    ("mon-sun 01:00-02:00", "mon-sun 01:00-02:00"),
]


@pytest.mark.parametrize(("spec", "normalised"), NORMALISED)
def test_spec_is_normalised_and_round_trips(spec: str, normalised: str) -> None:
    schedule = parse_schedule(spec)
    assert schedule.spec == normalised
    assert parse_schedule(schedule.spec) == schedule


def test_shifts_workdays_and_hours() -> None:
    schedule = sched("mon-fri 09:00-12:00,13:00-18:00; sat 09:00-12:00")
    assert schedule.shifts_for(0) == (Shift(540, 720), Shift(780, 1080))
    assert schedule.shifts_for(6) == ()
    assert schedule.workdays == frozenset(range(6))
    assert schedule.first_workday == 0
    assert schedule.daily_hours[0] == Decimal("8.00")
    assert schedule.daily_hours[5] == Decimal("3.00")
    assert schedule.weekly_minutes == 43 * 60


def test_shift_crossing_midnight_belongs_to_its_start_day() -> None:
    schedule = sched("sun-thu 22:00-06:00")
    assert schedule.workdays == frozenset({6, 0, 1, 2, 3})
    (shift,) = schedule.shifts_for(3)
    assert shift.crosses_midnight and shift.minutes == 8 * 60
    assert schedule.shifts_for(4) == ()  # Friday's early hours belong to Thursday's shift


def test_wrapping_day_range() -> None:
    assert sched("fri-mon 09:00-17:00").workdays == frozenset({4, 5, 6, 0})


ERRORS: list[tuple[str, str, dict[str, object]]] = [
    (
        "mon-fri 25:00-26:00",
        "schedule.bad_time_in_shift",
        {"text": "25:00", "shift": "25:00-26:00"},
    ),
    ("mon 09:00", "schedule.bad_shift", {"text": "09:00"}),
    ("fir 09:00-18:00", "schedule.unknown_day", {"text": "fir"}),
    ("mon 09:00-09:00", "schedule.zero_length_shift", {"text": "09:00-09:00"}),
    (
        "mon 09:00-12:00,11:00-13:00",
        "schedule.shifts_overlap",
        {"first": "09:00-12:00", "second": "11:00-13:00"},
    ),
    (
        "mon 09:00-12:00; mon 11:00-13:00",
        "schedule.day_overlap",
        {"first": "09:00-12:00", "second": "11:00-13:00", "day": "mon"},
    ),
    (
        "mon 22:00-06:00; tue 05:00-07:00",
        "schedule.week_overlap",
        {"first": "mon 22:00-06:00", "second": "tue 05:00-07:00"},
    ),
    (
        "sun 22:00-06:00; mon 05:00-07:00",
        "schedule.week_overlap",
        {"first": "sun 22:00-06:00", "second": "mon 05:00-07:00"},
    ),
    ("", "schedule.empty", {"text": ""}),
    ("09:00-18:00", "schedule.cannot_read", {"text": "09:00-18:00"}),
    ("mon-fri", "schedule.cannot_read", {"text": "mon-fri"}),
    ("mon 9-18", "schedule.bad_time_in_shift", {"text": "9", "shift": "9-18"}),
    ("mon-tue-wed 09:00-10:00", "schedule.bad_day_range", {"text": "mon-tue-wed"}),
]


@pytest.mark.parametrize(("spec", "key", "params"), ERRORS)
def test_spec_errors_point_at_the_offending_part(
    spec: str, key: str, params: dict[str, object]
) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(spec)
    assert caught.value.message.key == key
    assert params.items() <= caught.value.message.params.items()
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, InputError)


def test_unknown_day_says_what_is_accepted() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule("xyz 09:00-10:00")
    assert caught.value.message.key == "schedule.unknown_day"
    assert caught.value.message.params == {"text": "xyz"}
    # What is accepted lives in the catalog text of the key, in every language.
    for lang in LANGUAGES:
        assert "mon..sun" in t(caught.value.message.key, lang=lang, **caught.value.message.params)


def test_parse_shifts_for_calendar_hours() -> None:
    assert parse_shifts("13:00-18:00, 09:00-12:00") == (Shift(540, 720), Shift(780, 1080))
    with pytest.raises(ScheduleError):
        parse_shifts("")
