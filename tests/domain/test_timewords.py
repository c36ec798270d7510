"""The Chinese and spoken forms of WHEN (issue 16), resolved by the honest-record rules of
docs/cli.md "When a record happened": a time without its day, week or year is the latest one not
in the future (RULES T1 for the local time), and a note says when it was moved back."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from offline_tracker.domain.errors import InputError
from offline_tracker.domain.timeparse import parse_date, parse_when
from offline_tracker.domain.timewords import numerals, spoken_amount, wall_time

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 10, 8, 1, 30, tzinfo=UTC)  # Wednesday 09:30 in Shanghai


@pytest.mark.parametrize(
    ("text", "expected", "note"),
    [
        ("2025年10月1日 23:40", "2025-10-01 23:40", None),
        ("2025年10月1日23时40分", "2025-10-01 23:40", None),
        ("2025年10月1日 晚上11点40", "2025-10-01 23:40", None),
        ("23点40", "2025-10-07 23:40", "note.read_as_yesterday"),
        ("23点40分", "2025-10-07 23:40", "note.read_as_yesterday"),
        ("9点", "2025-10-08 09:00", None),
        ("9点一刻", "2025-10-08 09:15", None),
        ("晚上11点40", "2025-10-07 23:40", "note.read_as_yesterday"),
        ("晚上十一点四十", "2025-10-07 23:40", "note.read_as_yesterday"),
        ("晚上12点", "2025-10-08 00:00", "note.read_as_yesterday"),
        ("凌晨1点", "2025-10-08 01:00", None),
        ("下午3点", "2025-10-07 15:00", "note.read_as_yesterday"),
        ("下午3点半", "2025-10-07 15:30", "note.read_as_yesterday"),
        ("中午1点", "2025-10-07 13:00", "note.read_as_yesterday"),
        ("上午9:10", "2025-10-08 09:10", None),
        ("昨晚11点", "2025-10-07 23:00", None),
        ("周五 23:40", "2025-10-03 23:40", None),
        ("星期五 晚上11点40", "2025-10-03 23:40", None),
        ("周三 9:00", "2025-10-08 09:00", None),  # today is Wednesday, 9:00 has passed
        ("周三 10:00", "2025-10-01 10:00", "note.read_as"),  # not yet: last Wednesday
        ("周日 10:00", "2025-10-05 10:00", None),
        ("上周五 23:40", "2025-10-03 23:40", None),
        ("上周一 9:00", "2025-09-29 09:00", None),
        ("fri 23:40", "2025-10-03 23:40", None),
        ("last mon 9:00", "2025-09-29 09:00", None),
        ("10/1 23:40", "2025-10-01 23:40", None),
        ("10月1日 23:40", "2025-10-01 23:40", None),
        ("12/25 10:00", "2024-12-25 10:00", "note.read_as"),  # not yet this year
        ("半小时前", "2025-10-08 09:00", None),
        ("一个半小时前", "2025-10-08 08:00", None),
        ("两小时前", "2025-10-08 07:30", None),
        ("十分钟前", "2025-10-08 09:20", None),
        ("1刻钟前", "2025-10-08 09:15", None),
        ("刚才", "2025-10-08 09:30", None),
    ],
)
def test_spoken_times(text: str, expected: str, note: str | None) -> None:
    found = parse_when(text, NOW, SH)
    assert f"{found.instant.astimezone(SH):%Y-%m-%d %H:%M}" == expected
    assert (found.note.key if found.note else None) == note


@pytest.mark.parametrize(
    "text", ["25点", "晚上11点70", "2/30 10:00", "2025年2月30日 10:00", "周八 10:00", "半天后"]
)
def test_impossible_spoken_times_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        parse_when(text, NOW, SH)


def test_this_weeks_day_ahead_is_left_for_the_future_rule() -> None:
    """这周五 names this week's Friday even when it is ahead; spans.py then refuses it."""
    found = parse_when("这周五 23:40", NOW, SH)
    assert found.instant > NOW and found.note is None


def test_numerals_and_amounts() -> None:
    assert numerals("二十三点四十五") == "23点45"
    assert numerals("二〇二五年十月一日") == "2025年10月1日"
    assert spoken_amount("1个半小时前") == "1.5小时前"
    assert spoken_amount("半小时前") == "30分钟前"


def test_dates_in_chinese() -> None:
    assert str(parse_date("2025年10月1日", NOW.date())) == "2025-10-01"
    assert str(parse_date("前天", NOW.date())) == "2025-10-06"


def test_importers_read_the_same_grammar() -> None:
    assert wall_time("2025年10月1日 23时40分") == (2025, 10, 1, 23, 40, 0)
    assert wall_time("2025/10/1 23:40:05") == (2025, 10, 1, 23, 40, 5)
    assert wall_time("2025年10月1日23点40") == (2025, 10, 1, 23, 40, 0)
    assert wall_time("2025-10-01") == (2025, 10, 1, None, 0, 0)
    assert wall_time("10/1 23:40") is None  # an export has years
