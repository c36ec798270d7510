"""Day types per RULES C1-C8 for CN 2025 and 2026, provisional years and loaded schedules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from offline_tracker.domain.calendar import (
    Calendar,
    CalendarOverride,
    CalendarOverrideError,
    CalendarSet,
    OfficialScheduleError,
    parse_official_schedule,
)
from offline_tracker.domain.schedule import parse_shifts
from tests.domain.engine_builders import day

CN = Calendar()


def _dates(year: int, text: str) -> list[date]:
    """'01-01 02-01..02-04' -> dates of `year`, ranges inclusive."""
    out: list[date] = []
    for item in text.split():
        first, _, last = item.partition("..")
        start = day(f"{year}-{first}")
        end = day(f"{year}-{last}") if last else start
        out += [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return out


# RULES C2
STATUTORY = {
    2025: "01-01 01-28 01-29 01-30 01-31 04-04 05-01 05-02 05-31 10-01 10-02 10-03 10-06",
    2026: "01-01 02-16 02-17 02-18 02-19 04-05 05-01 05-02 06-19 09-25 10-01 10-02 10-03",
}
# RULES C3
MAKE_UP = {2025: "01-26 02-08 04-27 09-28 10-11", 2026: "01-04 02-14 02-28 05-09 09-20 10-10"}
# RULES C4 (C7 days included: 2025-06-02, 2026-04-06, 2026-05-04, 2026-10-05)
BREAKS = {
    2025: "02-01..02-04 04-05 04-06 05-03..05-05 06-01 06-02 10-04 10-05 10-07 10-08",
    2026: "01-02 01-03 02-15 02-20..02-23 04-04 04-06 05-03..05-05 06-20 06-21 09-26 09-27 "
    "10-04..10-07",
}


def _table(source: dict[int, str]) -> list[date]:
    return [d for year, text in source.items() for d in _dates(year, text)]


@pytest.mark.parametrize("when", _table(STATUTORY), ids=str)
def test_c2_statutory_days(when: date) -> None:
    info = CN.day(when)
    assert (info.day_type, info.source, info.provisional) == (
        "statutory_holiday",
        "official",
        False,
    )
    assert info.name_en and info.name_zh


def test_c2_thirteen_statutory_days_from_2025() -> None:
    for year in (2025, 2026):
        days = CN.days(date(year, 1, 1), date(year, 12, 31))
        found = [d.date for d in days if d.day_type == "statutory_holiday"]
        assert found == _dates(year, STATUTORY[year])


@pytest.mark.parametrize("year", [y for y in range(2014, 2025) if y not in (2015, 2020)])
def test_c2_eleven_statutory_days_2014_to_2024(year: int) -> None:
    # 2015 adds the one-off 70th anniversary day; in 2020 Mid-Autumn fell on National Day.
    days = CN.days(date(year, 1, 1), date(year, 12, 31))
    assert sum(d.day_type == "statutory_holiday" for d in days) == 11


@pytest.mark.parametrize("when", [day("2025-05-31"), day("2026-10-03")], ids=str)
def test_c2_statutory_day_on_a_weekend_stays_statutory(when: date) -> None:
    assert when.weekday() == 5
    assert CN.day(when).day_type == "statutory_holiday"


@pytest.mark.parametrize("when", _table(MAKE_UP), ids=str)
def test_c3_make_up_workdays(when: date) -> None:
    info = CN.day(when)
    assert when.weekday() >= 5
    assert (info.day_type, info.source, info.note) == ("workday", "official", "make_up_workday")


@pytest.mark.parametrize("when", _table(BREAKS), ids=str)
def test_c4_break_days_are_rest_days(when: date) -> None:
    assert CN.day(when).day_type == "rest_day"


@pytest.mark.parametrize("year", [2025, 2026])
def test_c5_248_workdays(year: int) -> None:
    days = CN.days(date(year, 1, 1), date(year, 12, 31))
    assert sum(d.day_type == "workday" for d in days) == 248


@pytest.mark.parametrize("text", ["2025-06-02", "2026-04-06", "2026-05-04", "2026-10-05"])
def test_c7_days_given_back_are_rest_days_by_default(text: str) -> None:
    info = CN.day(day(text))
    assert (info.day_type, info.note) == ("rest_day", "day_in_lieu")
    other = Calendar(in_lieu_as_rest=False).day(day(text))
    assert other.day_type == "statutory_holiday"


@pytest.mark.parametrize("text", ["2025-03-07", "2025-05-04", "2025-08-01"])
def test_c8_half_day_holidays_stay_workdays(text: str) -> None:
    # 03-07 is an ordinary Friday; 05-04 (Youth Day) is a Sunday; 08-01 (Army Day) a Friday.
    info = CN.day(day(text))
    expected = "rest_day" if day(text).weekday() >= 5 else "workday"
    assert info.day_type == expected and info.source in ("schedule", "weekend")


def test_c8_half_day_holiday_is_named() -> None:
    info = CN.day(day("2025-08-01"))
    assert (info.day_type, info.note, info.name_zh) == ("workday", "half_day_holiday", "建军节")


def test_c6_2027_is_provisional_except_statutory_days() -> None:
    assert not CN.is_official_year(2027) and CN.is_official_year(2026)
    statutory = CN.day(day("2027-02-06"))  # Spring Festival by rule, a Saturday
    assert (statutory.day_type, statutory.source, statutory.provisional) == (
        "statutory_holiday",
        "rule",
        False,
    )
    guess = CN.day(day("2027-02-09"))  # the library guesses a day in lieu: not presented
    assert (guess.day_type, guess.source, guess.provisional) == ("workday", "provisional", True)
    weekend = CN.day(day("2027-02-20"))  # may still become a make-up workday
    assert (weekend.day_type, weekend.provisional) == ("rest_day", True)
    days = list(CN.days(date(2027, 1, 1), date(2027, 12, 31)))
    assert sum(d.day_type == "statutory_holiday" for d in days) == 13
    assert sum(d.provisional for d in days) == 365 - 13


OFFICIAL_2027 = """
# Illustration only: not the published 2027 schedule.
jurisdiction: CN
year: 2027
source: example

holiday 2027-02-05..2027-02-08 Spring Festival | 春节
rest    2027-02-09..2027-02-11 Spring Festival break | 春节假期
workday 2027-02-20            Make-up workday | 补班
holiday 2027-01-01            New Year's Day | 元旦
"""


def test_loaded_official_schedule_replaces_the_guess() -> None:
    official = parse_official_schedule(OFFICIAL_2027)
    assert (official.jurisdiction, official.year, len(official.days)) == ("CN", 2027, 9)
    calendar = Calendar(official=(official,))
    assert calendar.is_official_year(2027)
    assert calendar.day(day("2027-02-09")).day_type == "rest_day"
    assert calendar.day(day("2027-02-20")).day_type == "workday"
    plain = calendar.day(day("2027-03-01"))
    assert (plain.day_type, plain.source, plain.provisional) == ("workday", "schedule", False)
    listed = calendar.day(day("2027-02-05"))
    assert (listed.source, listed.name_en, listed.name_zh) == (
        "official",
        "Spring Festival",
        "春节",
    )


@pytest.mark.parametrize(
    ("text", "key", "params"),
    [
        ("year: 2027\nholiday 2027-01-01", "calendar.missing_jurisdiction", {}),
        ("jurisdiction: CN\nholiday 2027-01-01", "calendar.missing_year", {}),
        (
            "jurisdiction: CN\nyear: 2027\nholiday 2027-02-30",
            "calendar.bad_date",
            {"line": 3, "text": "2027-02-30"},
        ),
        (
            "jurisdiction: CN\nyear: 2027\nfeast 2027-01-01",
            "calendar.unknown_kind",
            {"line": 3, "kind": "feast"},
        ),
        (
            "jurisdiction: CN\nyear: 2027\nholiday 2028-01-01",
            "calendar.outside_year",
            {"line": 3, "day": "2028-01-01", "year": 2027},
        ),
        (
            "jurisdiction: CN\nyear: 2027\nholiday 01/01/2027",
            "calendar.cannot_read",
            {"line": 3, "text": "holiday 01/01/2027"},
        ),
        ("jurisdiction: CN\nyear: 27\nholiday 2027-01-01", "calendar.header_year", {"text": "27"}),
        ("jurisdiction: CN\nyear: 2027", "calendar.no_days", {}),
        (
            "jurisdiction: CN\nyear: 2027\nrest 2027-01-02..2027-01-01",
            "calendar.range_reversed",
            {"line": 3, "text": "2027-01-02..2027-01-01"},
        ),
        (
            "jurisdiction: CN\nyear: 2027\nrest 2027-01-01\nholiday 2027-01-01",
            "calendar.listed_twice",
            {"line": 4, "day": "2027-01-01"},
        ),
    ],
)
def test_official_schedule_errors_name_the_line(
    text: str, key: str, params: dict[str, object]
) -> None:
    with pytest.raises(OfficialScheduleError) as caught:
        parse_official_schedule(text)
    assert caught.value.message.key == key
    assert caught.value.message.params == params


def test_precedence_user_over_official_over_library() -> None:
    official = parse_official_schedule("jurisdiction: CN\nyear: 2025\nworkday 2025-10-08")
    hours = parse_shifts("09:00-12:00")
    override = CalendarOverride(day("2025-10-08"), "rest_day", None, "sick")
    calendar = Calendar(official=(official,))
    assert calendar.day(day("2025-10-08")).day_type == "workday"  # official over library
    user = Calendar(overrides=(override,), official=(official,)).day(day("2025-10-08"))
    assert (user.day_type, user.source, user.note) == ("rest_day", "user", "sick")
    national = CalendarOverride(day("2025-10-01"), "workday", hours)
    info = Calendar(overrides=(national,)).day(day("2025-10-01"))
    assert (info.day_type, info.hours, info.name_en) == ("workday", hours, "National Day")
    with pytest.raises(ValueError) as caught:
        CalendarOverride(day("2025-10-08"), "rest_day", hours)
    assert isinstance(caught.value, CalendarOverrideError)
    assert caught.value.message.key == "calendar.hours_not_workday"
    assert caught.value.message.params == {"day_type": "rest_day"}
    with pytest.raises(CalendarOverrideError) as caught:
        CalendarOverride(day("2025-10-08"), "sick_day")
    assert caught.value.message.key == "calendar.day_type"
    assert caught.value.message.params["value"] == "sick_day"


def test_other_countries_use_public_holidays_and_the_schedule_week() -> None:
    germany = CalendarSet().get("DE", frozenset({0, 1, 2, 3}))  # a four-day week
    assert germany.day(day("2025-10-03")).day_type == "statutory_holiday"  # Unity Day, a Friday
    assert germany.day(day("2025-10-10")).day_type == "rest_day"  # Friday off by schedule
    assert germany.day(day("2025-10-09")).source == "schedule"
    assert germany.day(day("2025-10-03")).name_zh is None  # the library has no zh_CN for DE
    california = Calendar("US-CA")
    assert california.day(day("2025-03-31")).name_en == "Cesar Chavez Day"
    assert Calendar("EU").day(day("2025-12-25")).day_type == "workday"  # no holiday library


def test_the_documented_2027_example_parses() -> None:
    from pathlib import Path

    text = Path(__file__).parents[2].joinpath("docs", "calendar.md").read_text(encoding="utf-8")
    example = text.split("```text", 1)[1].split("```", 1)[0]
    official = parse_official_schedule(example)
    calendar = Calendar(official=(official,))
    days = list(calendar.days(date(2027, 1, 1), date(2027, 12, 31)))
    assert sum(d.day_type == "statutory_holiday" for d in days) == 13
    assert not any(d.provisional for d in days)
