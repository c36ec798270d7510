"""WHEN, DATE and duration parsing: forgiving for people, exact for the ledger (RULES T1)."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offline_tracker.domain.errors import InputError
from offline_tracker.domain.timeparse import parse_date, parse_duration, parse_when

SH = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2025, 10, 8, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", "2025-10-08T09:30+08:00"),
        ("09:00", "2025-10-08T09:00+08:00"),
        ("23:40", "2025-10-07T23:40+08:00"),  # later than now: yesterday
        ("yesterday 23:40", "2025-10-07T23:40+08:00"),
        ("昨天 23:40", "2025-10-07T23:40+08:00"),
        ("today 08:15:30", "2025-10-08T08:15:30+08:00"),
        ("2025-10-01 10:00", "2025-10-01T10:00+08:00"),
        ("2025/10/1 10:00", "2025-10-01T10:00+08:00"),
        ("2025-10-01T10:00", "2025-10-01T10:00+08:00"),
        ("2025-10-01T10:00+02:00", "2025-10-01T10:00+02:00"),
        ("2025-10-01T02:00:00Z", "2025-10-01T10:00+08:00"),
        ("15m ago", "2025-10-08T09:15+08:00"),
        ("1h30m ago", "2025-10-08T08:00+08:00"),
        ("2 hours ago", "2025-10-08T07:30+08:00"),
        ("15分钟前", "2025-10-08T09:15+08:00"),
    ],
)
def test_when_forms(text: str, expected: str) -> None:
    assert parse_when(text, NOW, SH).instant == utc(expected)


def test_bare_time_in_the_future_notes_yesterday() -> None:
    when = parse_when("23:40", NOW, SH)
    assert when.note is not None and when.note.key == "note.read_as_yesterday"
    assert parse_when("09:00", NOW, SH).note is None


def test_times_are_read_in_the_contract_zone_not_the_machine() -> None:
    assert parse_when("2025-10-01 10:00", NOW, BERLIN).instant == utc("2025-10-01T10:00+02:00")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "25:00",
        "12:61",
        "2025-02-30 10:00",
        "tomorrowish",
        "10:00 pm pm",
        "0000-01-01",
        "2025-10-01T10:00+99:00",
        "5 parsecs ago",
    ],
)
def test_bad_times_are_input_errors(text: str) -> None:
    with pytest.raises(InputError):
        parse_when(text, NOW, SH)


def test_time_skipped_by_dst_is_refused() -> None:
    with pytest.raises(InputError) as info:
        parse_when("2025-03-30 02:30", NOW, BERLIN)
    assert info.value.message.key == "error.time_skipped"


def test_repeated_wall_time_takes_the_first() -> None:
    # 2025-10-26 02:30 happens twice in Berlin; the first is CEST (+02:00).
    assert parse_when("2025-10-26 02:30", NOW, BERLIN).instant == utc("2025-10-26T02:30+02:00")


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("45", 45),
        ("45m", 45),
        ("1h", 60),
        ("1h30m", 90),
        ("1.5h", 90),
        ("90 min", 90),
        ("2小时", 120),
    ],
)
def test_durations(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["0", "-5", "abc", "5x", "40d", "nan", "inf"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(InputError):
        parse_duration(text)


def test_dates() -> None:
    today = date(2025, 10, 8)
    assert parse_date("today", today) == today
    assert parse_date("yesterday", today) == date(2025, 10, 7)
    assert parse_date("2025-10-01", today) == date(2025, 10, 1)
    with pytest.raises(InputError):
        parse_date("2025-13-01", today)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_any_string_is_an_instant_or_a_clean_error(text: str) -> None:
    try:
        when = parse_when(text, NOW, SH)
    except InputError:
        return
    assert when.instant.tzinfo is not None and when.instant.microsecond == 0


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"\A(\d{1,4}[-/:]\d{1,2}([-/:]\d{1,2})?( \d{1,2}:\d{1,2})?|\d+[hms]? ago)\Z"))
def test_near_miss_strings_never_crash(text: str) -> None:
    with contextlib.suppress(InputError):
        parse_when(text, NOW, SH)
