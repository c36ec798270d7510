"""Off-hours figures on hand-built weeks: contacts, acks, rest, nights, patterns, heatmap, trend."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offline_tracker.domain.calendar import CalendarSet
from offline_tracker.domain.contract import ContractHistory
from offline_tracker.domain.offhours import (
    OffHours,
    Pattern,
    heatmap,
    off_hours,
    weekly_totals,
)
from offline_tracker.domain.records import Record
from offline_tracker.domain.results import PeriodResult
from offline_tracker.domain.timeline import epoch
from tests.domain.engine_builders import H, at, contract, day, history, rec, run

# An ordinary week with no holidays: Mon 2025-10-13 .. Sun 2025-10-19, default schedule
# mon-fri 09:00-12:00,13:00-18:00 in Asia/Shanghai, looked at on the Monday after.
MON, SUN = "2025-10-13", "2025-10-19"
AFTER = at("2025-10-20 09:00")
M = 60


def ping(when: str, minutes: int = 0, **fields: Any) -> Record:
    """A message event of `minutes` (0: a bare instant, like a zero-length ack)."""
    start = at(when)
    return rec(start, start + timedelta(minutes=minutes), **fields)


def figures(
    records: Sequence[Record],
    first: str = MON,
    last: str = SUN,
    *,
    now: datetime = AFTER,
    contracts: ContractHistory | None = None,
) -> tuple[PeriodResult, OffHours]:
    contracts = contracts or history()
    result = run(records, first, last, contracts=contracts, now=now)
    return result, off_hours(result, records, contracts, CalendarSet(), now)


# -- contacts (docs/reports.md: a record whose start is outside the active shifts of its day) --


def test_off_hours_contacts_are_records_starting_outside_the_shifts() -> None:
    records = [
        ping("2025-10-13 10:00", 30),  # inside the morning shift: not a contact
        ping("2025-10-13 12:15", 10),  # unpaid lunch break: off hours
        ping("2025-10-14 19:00", 60),
        ping("2025-10-15 23:30", 20),  # late night (T4)
        ping("2025-10-16 21:00", kind="ack"),  # zero-length ack: still a contact (E1)
        ping("2025-10-18 10:00", 30),  # Saturday: a rest day has no shift at all
        ping("2025-10-17 20:00", 30, voided=True),  # voided: never counted
        rec("2025-10-12 23:00", "2025-10-13 01:00"),  # starts before the period
        ping("2025-10-13 17:50", 30),  # starts inside, runs over: not a contact
    ]
    _, fig = figures(records)
    assert fig.contacts == 5
    assert fig.late_night_contacts == 1
    assert fig.ack_contacts == 1
    assert fig.substantive_contacts == 4
    assert [n for _, n in fig.day_contacts] == [1, 1, 1, 1, 0, 1, 0]
    assert fig.contacts_on(day("2025-10-16")) == 1
    assert fig.contacts_on(day("2030-01-01")) == 0


def test_late_night_contact_needs_an_off_hours_start_in_the_window() -> None:
    # RULES T4: 22:00-06:00 by default; a contact at 05:59 is late, one at 06:00 is not.
    records = [ping("2025-10-14 05:59"), ping("2025-10-14 06:00"), ping("2025-10-14 22:00")]
    _, fig = figures(records)
    assert (fig.contacts, fig.late_night_contacts) == (3, 2)


def test_make_up_workday_shift_is_not_off_hours() -> None:
    # RULES C3: Sunday 2025-09-28 is a workday; 10:00 is inside its borrowed shift.
    records = [ping("2025-09-28 10:00", 10), ping("2025-09-28 19:00", 10)]
    _, fig = figures(records, "2025-09-28", "2025-09-28", now=at("2025-10-01 00:00"))
    assert fig.contacts == 1


@pytest.mark.parametrize(
    ("acks", "contacts", "percent"),
    [(0, 0, None), (1, 4, 25), (1, 3, 33), (2, 3, 67), (1, 8, 13), (3, 3, 100), (0, 5, 0)],
)
def test_ack_share_is_acks_over_all_off_hours_contacts(
    acks: int, contacts: int, percent: int | None
) -> None:
    # RULES E1: share = ack contacts / all off-hours contacts, whole percent rounded half up.
    records = [ping(f"2025-10-14 19:{10 * i:02d}", 5, kind="ack") for i in range(acks)]
    records += [ping(f"2025-10-15 19:{6 * i:02d}", 5, kind="call") for i in range(contacts - acks)]
    _, fig = figures(records)
    assert (fig.ack_contacts, fig.contacts, fig.ack_percent) == (acks, contacts, percent)


# -- rest days (E2) ----------------------------------------------------------------------------


def test_rest_day_interrupted_by_an_ack_alone() -> None:
    # The ack is not claimed time (E1) but it still broke the rest of that Saturday.
    result, fig = figures([ping("2025-10-18 10:00", 1, kind="ack")])
    assert result.totals.seconds.rest_day == 0
    assert (fig.rest_days_interrupted, fig.rest_days) == (1, 2)


def test_rest_day_interrupted_by_work_running_over_from_the_eve() -> None:
    _, fig = figures([rec("2025-10-17 23:00", "2025-10-18 01:00")])
    assert fig.rest_days_interrupted == 1
    assert fig.contacts_on(day("2025-10-18")) == 0


def test_days_to_come_are_not_counted_as_rest() -> None:
    # Looked at on Saturday morning: Sunday has not begun, so it is neither rest nor pattern.
    now = at("2025-10-18 11:00")
    _, fig = figures([ping("2025-10-18 10:00", 30)], now=now)
    assert (fig.rest_days_interrupted, fig.rest_days) == (1, 1)
    assert [p.weekday for p in fig.rest_pattern] == [5]


def test_statutory_holidays_count_as_rest_days() -> None:
    # RULES C2: National Day 2025-10-01..03, Mid-Autumn 10-06 and the break days are not workdays.
    _, fig = figures([ping("2025-10-02 10:00", 30)], "2025-10-01", "2025-10-08", now=AFTER)
    assert (fig.rest_days_interrupted, fig.rest_days) == (1, 8)


# -- longest uninterrupted rest and nightly rest -----------------------------------------------


def test_longest_rest_of_an_untouched_week_is_the_weekend() -> None:
    _, fig = figures([])
    assert fig.longest_rest is not None
    assert fig.longest_rest.start == at("2025-10-17 18:00")
    assert fig.longest_rest.end == at("2025-10-20 00:00")  # the period ends at midnight
    assert fig.longest_rest.seconds == 54 * H
    assert fig.longest_rest.date == day("2025-10-17")


def test_a_bare_ack_splits_the_weekend_rest() -> None:
    _, fig = figures([ping("2025-10-18 10:00", kind="ack")])
    assert fig.longest_rest is not None
    assert (fig.longest_rest.start, fig.longest_rest.seconds) == (at("2025-10-18 10:00"), 38 * H)


def test_longest_rest_stops_at_now() -> None:
    # Time that has not happened yet is not rest: on Saturday 12:00 the weekend rest is 18 h.
    _, fig = figures([], now=at("2025-10-18 12:00"))
    assert fig.longest_rest is not None
    assert fig.longest_rest.seconds == 18 * H


def test_no_rest_before_the_period_begins() -> None:
    _, fig = figures([], now=at("2025-10-12 12:00"))
    assert fig.longest_rest is None and fig.shortest_night is None


def test_nightly_rest_runs_from_the_evening_last_contact_to_the_morning_first() -> None:
    records = [
        ping("2025-10-14 23:40", 30),  # ends 00:10: Tue night rest 00:10 -> Wed 09:00 = 8h50
        ping("2025-10-16 01:30"),  # a ping at 01:30 ends Wed evening: rest 01:30 -> 09:00
        ping("2025-10-17 05:00", 15),  # an early call begins Fri morning: 18:00 -> 05:00 = 11h
    ]
    _, fig = figures(records)
    night = fig.shortest_night
    assert night is not None
    assert (night.date, night.start, night.end) == (
        day("2025-10-15"),
        at("2025-10-16 01:30"),
        at("2025-10-16 09:00"),
    )
    assert night.seconds == 7 * H + 30 * M


def test_working_through_four_in_the_morning_leaves_no_nightly_rest() -> None:
    _, fig = figures([rec("2025-10-15 03:00", "2025-10-15 05:00")])
    assert fig.shortest_night is not None
    assert (fig.shortest_night.seconds, fig.shortest_night.date) == (0, day("2025-10-14"))


def test_quiet_weekday_nights_rest_from_shift_end_to_shift_start() -> None:
    # Mon..Fri nights: 18:00 -> 09:00 = 15 h; the weekend nights are longer (noon-to-noon cap).
    _, fig = figures([])
    assert fig.shortest_night is not None
    assert fig.shortest_night.seconds == 15 * H
    assert fig.shortest_night.date == day(MON)


def test_a_night_not_over_yet_is_left_out() -> None:
    # On Tuesday 08:00 the night Mon -> Tue lasts until Tuesday noon: it is not over.
    _, fig = figures([ping("2025-10-13 23:00")], now=at("2025-10-14 08:00"))
    assert fig.shortest_night is None


def test_one_day_has_no_night() -> None:
    _, fig = figures([], MON, MON)
    assert fig.shortest_night is None


# -- counterparts and channels ------------------------------------------------------------------


def test_top_counterparts_and_channels_off_hours_only() -> None:
    people = ["Wang"] * 3 + ["Li"] * 2 + ["Zhao"] * 2 + ["Qian", "Sun", "Zhou", " ", None]
    records = [
        ping(f"2025-10-14 19:{i:02d}", 1, counterpart=who, channel="wechat" if i % 2 else "email")
        for i, who in enumerate(people)
    ]
    records.append(ping("2025-10-14 10:00", 5, counterpart="Boss", channel="phone"))  # inside
    _, fig = figures(records)
    assert [(c.name, c.count) for c in fig.counterparts] == [
        ("Wang", 3),
        ("Li", 2),
        ("Zhao", 2),
        ("Qian", 1),
        ("Sun", 1),
    ]
    assert [(c.name, c.count) for c in fig.channels] == [("email", 6), ("wechat", 6)]


# -- periodicity (E2) ---------------------------------------------------------------------------


def test_periodicity_counts_worked_days_per_weekday() -> None:
    # Four weeks from Mon 2025-10-13: every Sunday worked, one Saturday, two Wednesday evenings;
    # a Saturday ack alone is not work (E1).
    sundays = [
        ping(f"{d} 15:00", 60) for d in ("2025-10-19", "2025-10-26", "2025-11-02", "2025-11-09")
    ]
    records = [
        *sundays,
        ping("2025-10-25 11:00", 30),
        ping("2025-11-01 11:00", 1, kind="ack"),
        ping("2025-10-15 20:00", 45),
        ping("2025-10-29 21:00", 45),
    ]
    _, fig = figures(records, MON, "2025-11-09", now=at("2025-11-10 12:00"))
    assert fig.rest_pattern == (Pattern(5, 1, 4), Pattern(6, 4, 4))
    assert Pattern(2, 2, 4) in fig.workday_pattern
    assert {p.weekday for p in fig.workday_pattern} == {0, 1, 2, 3, 4}
    assert sum(p.worked for p in fig.workday_pattern) == 2


# -- heatmap ------------------------------------------------------------------------------------


def cells(matrix: tuple[tuple[int, ...], ...]) -> dict[tuple[int, int], int]:
    return {(w, h): s for w, row in enumerate(matrix) for h, s in enumerate(row) if s}


def test_heatmap_splits_at_hour_boundaries_and_skips_inside_time() -> None:
    records = [
        rec("2025-10-14 19:30", "2025-10-14 21:15"),
        rec("2025-10-15 17:00", "2025-10-15 19:00"),  # 17-18 inside the shift: left out
    ]
    result, _ = figures(records)
    assert cells(heatmap(result)) == {
        (1, 19): 30 * M,
        (1, 20): H,
        (1, 21): 15 * M,
        (2, 18): H,
    }


def test_heatmap_adds_up_to_the_off_schedule_time() -> None:
    records = [rec("2025-10-17 16:20", "2025-10-18 03:10"), ping("2025-10-19 23:59", 7)]
    result, _ = figures(records, MON, "2025-10-20", now=at("2025-10-21 00:00"))
    total = sum(map(sum, heatmap(result)))
    assert total == sum(d.seconds.off_schedule for d in result.days)
    assert cells(heatmap(result))[(0, 0)] == 6 * M  # Monday 00:00-00:06 after Sunday 23:59


BERLIN = history(contract(timezone="Europe/Berlin"))


@pytest.mark.parametrize(
    ("first", "start", "end", "expected"),
    [
        # Fall back 2025-10-26 03:00 CEST -> 02:00 CET: hour 2 happens twice (T2).
        ("2025-10-26", "2025-10-26 01:30", "2025-10-26 03:30", {1: 30 * M, 2: 2 * H, 3: 30 * M}),
        # Spring forward 2025-03-30 02:00 -> 03:00: hour 2 never happens.
        ("2025-03-30", "2025-03-30 01:30", "2025-03-30 03:30", {1: 30 * M, 3: 30 * M}),
    ],
)
def test_heatmap_follows_dst_in_local_time(
    first: str, start: str, end: str, expected: dict[int, int]
) -> None:
    record = rec(start, end, tz="Europe/Berlin")
    result = run([record], first, contracts=BERLIN)
    assert {h: s for (w, h), s in cells(heatmap(result)).items()} == expected
    assert sum(expected.values()) == epoch(record.end) - epoch(record.start)  # type: ignore[arg-type]


def test_heatmap_in_a_half_hour_zone() -> None:
    kolkata = history(contract(timezone="Asia/Kolkata"))
    result = run(
        [rec("2025-10-14 19:15", "2025-10-14 20:45", tz="Asia/Kolkata")],
        "2025-10-14",
        contracts=kolkata,
    )
    assert cells(heatmap(result)) == {(1, 19): 45 * M, (1, 20): 45 * M}


def test_heatmap_uses_the_zone_given_for_each_day() -> None:
    result, _ = figures([rec("2025-10-14 19:00", "2025-10-14 20:00")])
    utc = heatmap(result, lambda _d: ZoneInfo("UTC"))
    assert cells(utc) == {(1, 11): H}  # 19:00 in Shanghai is 11:00 UTC


# -- weekly totals ------------------------------------------------------------------------------


def test_weekly_totals_group_days_by_week_start() -> None:
    records = [
        rec("2025-10-18 10:00", "2025-10-18 12:00"),  # Sat: rest day
        rec("2025-10-19 10:00", "2025-10-19 11:00"),  # Sun
        rec("2025-10-21 19:00", "2025-10-21 23:00"),  # Tue evening, 1 h late night
    ]
    result = run(records, "2025-10-15", "2025-10-22")
    monday = weekly_totals(result, 0)
    assert [(w.first, w.last, w.days, w.off_hours_s) for w in monday] == [
        (day("2025-10-13"), day("2025-10-19"), 5, 3 * H),
        (day("2025-10-20"), day("2025-10-26"), 3, 4 * H),
    ]
    assert monday[1].late_night_s == H and monday[0].days_off_hours == 2
    sunday = weekly_totals(result, 6)
    assert [(w.first, w.off_hours_s) for w in sunday] == [
        (day("2025-10-12"), 2 * H),
        (day("2025-10-19"), 5 * H),
    ]


def test_weekly_totals_keep_empty_weeks() -> None:
    result = run([], "2025-10-13", "2025-10-26")
    assert [(w.first, w.off_hours_s) for w in weekly_totals(result, 0)] == [
        (date(2025, 10, 13), 0),
        (date(2025, 10, 20), 0),
    ]


def _naive_gap(busy: list[tuple[int, int]], lo: int, hi: int, anchor: int) -> tuple[int, int]:
    """The definition, scanned from the start: the reference for the binary search."""
    start, end = lo, hi
    for a, b in busy:
        if a > anchor:
            return start, min(end, a)
        if b > anchor:
            return anchor, anchor
        start = max(start, b)
    return start, end


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 200), st.integers(0, 60)), max_size=30),
    st.integers(0, 100),
    st.integers(0, 100),
    st.integers(0, 100),
)
def test_nightly_rest_search_matches_its_definition(
    raw: list[tuple[int, int]], lo: int, spread: int, offset: int
) -> None:
    from offline_tracker.domain.offhours import _Busy

    busy = sorted((a, a + d) for a, d in raw)
    hi = lo + spread
    anchor = lo + min(offset, spread)
    assert _Busy(busy).gap_around(lo, hi, anchor) == _naive_gap(busy, lo, hi, anchor)
