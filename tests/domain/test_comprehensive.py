"""RULES P5 (综合计算工时): the cycle's standard is national workdays x 8 h, hand-computed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from offline_tracker.domain.calendar import CalendarOverride, CalendarSet
from offline_tracker.domain.cycles import extension_limit_s
from tests.domain.engine_builders import H, contract, day, history, rec, run

ROSTER_4X10 = "mon-thu 08:00-12:00,13:00-19:00"  # 4 x 10 h, Monday to Thursday
WEEK_5X8 = "mon-fri 09:00-12:00,13:00-18:00"


def _month(schedule: str, **options: object) -> object:
    return history(contract(system="comprehensive", cycle="month", schedule=schedule, **options))


@pytest.mark.parametrize(
    ("records", "worked", "extended"),
    [
        # November 2025: 20 national workdays = 160 h; Mon-Thu roster: 16 days x 10 h = 160 h.
        ([], 160 * H, 0),
        # A 10 h Saturday inside the cycle is ordinary time, then above the standard: 150 %.
        ([rec("2025-11-08 08:00", "2025-11-08 18:00")], 170 * H, 10 * H),
    ],
)
def test_p5_roster_does_not_set_the_standard(records: list, worked: int, extended: int) -> None:
    result = run(records, "2025-11-01", "2025-11-30", contracts=_month(ROSTER_4X10, wage="10000"))
    (cycle,) = result.cycles
    assert (cycle.worked_s, cycle.standard_s, cycle.extended_s) == (worked, 160 * H, extended)
    assert (result.totals.overtime_150_s, result.totals.overtime_200_s) == (extended, 0)
    assert not cycle.partial and not result.flags_with("partial_cycle")
    if extended:  # 10 h x 10000 / 21.75 / 8 x 1.5 = 862.0689... -> 862.07 (P4)
        assert result.pay is not None and result.pay.total == Decimal("862.07")


def test_p5_user_days_off_do_not_lower_the_standard() -> None:
    # December 2025: 23 national workdays = 184 h. The user's calendar gives 24-26 December off,
    # so the roster holds 20 x 8 h = 160 h; two 8 h Saturdays make 176 h worked: no overtime.
    off = tuple(CalendarOverride(day(f"2025-12-{d}"), "rest_day") for d in (24, 25, 26))
    saturdays = [rec(f"2025-12-{d} 10:00", f"2025-12-{d} 18:00") for d in ("06", "13")]
    result = run(
        saturdays,
        "2025-12-01",
        "2025-12-31",
        contracts=_month(WEEK_5X8),
        calendars=CalendarSet(overrides=off),
    )
    (cycle,) = result.cycles
    assert (cycle.worked_s, cycle.standard_s, cycle.extended_s) == (176 * H, 184 * H, 0)
    assert result.totals.overtime_s == 0


def test_p5_statutory_holiday_work_is_300_percent_on_its_own() -> None:
    # October 2025: 18 national workdays (23 weekdays less 1-3, 6-8 October, plus Saturday the
    # 11th, a make-up workday) = 144 h, which the 5 x 8 roster fills exactly.
    records = [
        rec("2025-10-01 10:00", "2025-10-01 14:00"),  # National Day: 300 %, not in the cycle
        rec("2025-10-18 10:00", "2025-10-18 14:00"),  # a Saturday: ordinary, then above
    ]
    result = run(records, "2025-10-01", "2025-10-31", contracts=_month(WEEK_5X8))
    (cycle,) = result.cycles
    assert (cycle.worked_s, cycle.standard_s, cycle.extended_s) == (148 * H, 144 * H, 4 * H)
    totals = result.totals
    assert (totals.overtime_150_s, totals.overtime_200_s, totals.overtime_300_s) == (
        4 * H,
        0,
        4 * H,
    )


def test_p5_extended_hours_over_36h_a_month_are_flagged() -> None:
    # 劳部发〔1997〕271号 item 5: four 10 h Saturdays give 40 h extended in November 2025.
    saturdays = [rec(f"2025-11-{d} 08:00", f"2025-11-{d} 18:00") for d in ("01", "08", "15", "22")]
    result = run(saturdays, "2025-11-01", "2025-11-30", contracts=_month(ROSTER_4X10))
    (flag,) = result.flags_with("comprehensive_over_36h_month")
    assert flag.params["seconds"] == 40 * H and flag.params["limit_seconds"] == 36 * H
    three = run(saturdays[:3], "2025-11-01", "2025-11-30", contracts=_month(ROSTER_4X10))
    assert not three.flags_with("comprehensive_over_36h_month")  # 30 h


@pytest.mark.parametrize(
    ("cycle", "limit"),
    [("week", 29825), ("month", 36 * H), ("quarter", 108 * H), ("year", 432 * H)],
)
def test_p5_extension_limit_per_cycle(cycle: str, limit: int) -> None:
    # A week is 7 of the 365 / 12 days of an average month: 36 h x 84 / 365, floored.
    assert extension_limit_s(cycle) == limit


def test_p5_a_period_cutting_a_cycle_says_so() -> None:
    result = run([], "2025-11-10", "2025-11-16", contracts=_month(ROSTER_4X10))
    (cycle,) = result.cycles
    assert (cycle.first, cycle.last) == (day("2025-11-01"), day("2025-11-30"))
    assert (cycle.judged_from, cycle.judged_to, cycle.partial) == (
        day("2025-11-10"),
        day("2025-11-16"),
        True,
    )
    # Judged on its days in the period: 5 national workdays (40 h) against 4 x 10 h rostered.
    assert (cycle.worked_s, cycle.standard_s, cycle.extended_s) == (40 * H, 40 * H, 0)
    (flag,) = result.flags_with("partial_cycle")
    assert flag.params["days_in_period"] == 7


def test_p5_every_cycle_the_period_touches() -> None:
    weekly = history(contract(system="comprehensive", cycle="week", schedule=ROSTER_4X10))
    result = run([], "2025-11-03", "2025-11-30", contracts=weekly)
    assert [(c.first.isoformat(), c.partial) for c in result.cycles] == [
        ("2025-11-03", False),
        ("2025-11-10", False),
        ("2025-11-17", False),
        ("2025-11-24", False),
    ]
    assert all(c.standard_s == 40 * H and c.worked_s == 40 * H for c in result.cycles)


def test_p5_no_daily_limit_flags_under_comprehensive_hours() -> None:
    long_day = [rec("2025-11-03 19:00", "2025-11-03 23:30")]
    result = run(long_day, "2025-11-01", "2025-11-30", contracts=_month(ROSTER_4X10))
    assert not [f for f in result.flags if f.code.startswith("overtime_over")]
