"""The engine: categories, splitting (T1-T4), systems and pay (P3-P6), with table-driven cases."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offline_tracker.domain.breakdowns import classify_record
from offline_tracker.domain.calendar import CalendarOverride, CalendarSet, parse_official_schedule
from offline_tracker.domain.schedule import parse_shifts
from tests.domain.engine_builders import H, at, contract, day, history, rec, run

WAGE = history(contract(wage="10000"))

# (case, start, end, category) on the default CN contract, mon-fri 09:00-12:00,13:00-18:00.
CATEGORY_CASES = [
    ("inside a shift", "2025-10-09 10:00", "2025-10-09 11:00", "inside"),
    ("unpaid lunch break", "2025-10-09 12:00", "2025-10-09 13:00", "outside_workday"),
    ("evening of a workday", "2025-10-09 19:00", "2025-10-09 20:00", "outside_workday"),
    ("weekend (C1)", "2025-10-12 10:00", "2025-10-12 11:00", "rest_day"),
    ("holiday break (C4)", "2025-10-07 10:00", "2025-10-07 11:00", "rest_day"),
    ("day given back (C7)", "2025-06-02 10:00", "2025-06-02 11:00", "rest_day"),
    ("statutory (C2)", "2025-10-01 10:00", "2025-10-01 11:00", "statutory_holiday"),
    ("statutory on a Saturday", "2025-05-31 10:00", "2025-05-31 11:00", "statutory_holiday"),
    ("statutory on a Saturday", "2026-10-03 10:00", "2026-10-03 11:00", "statutory_holiday"),
    ("make-up workday (C3)", "2025-09-28 10:00", "2025-09-28 11:00", "inside"),
    ("make-up workday evening", "2025-09-28 19:00", "2025-09-28 20:00", "outside_workday"),
    ("half-day holiday (C8)", "2025-08-01 10:00", "2025-08-01 11:00", "inside"),
]


@pytest.mark.parametrize(("case", "start", "end", "field"), CATEGORY_CASES)
def test_one_hour_lands_in_its_category(case: str, start: str, end: str, field: str) -> None:
    result = run([rec(start, end)], start[:10])
    (only,) = result.days
    assert getattr(only.seconds, field) == H, case
    assert only.seconds.worked == H


@pytest.mark.parametrize(
    ("start", "field", "amount"),
    [
        ("2025-10-09 19:00", "outside_workday", Decimal("86.21")),
        ("2025-10-12 10:00", "rest_day", Decimal("114.94")),
        ("2025-10-01 10:00", "statutory_holiday", Decimal("172.41")),
    ],
)
def test_p4_worked_example(start: str, field: str, amount: Decimal) -> None:
    # RULES P4: monthly 10000 -> hourly 57.47; one overtime hour 86.21 / 114.94 / 172.41.
    begin = at(start)
    result = run([rec(begin, begin.replace(hour=begin.hour + 1))], start[:10], contracts=WAGE)
    assert getattr(result.days[0].seconds, field) == H  # the hour is in the category it is paid as
    assert result.pay is not None
    assert result.pay.hourly == Decimal("57.47")
    (line,) = result.pay.lines
    assert (line.seconds, line.amount, line.hourly) == (H, amount, Decimal("57.47"))
    assert result.pay.total == amount and result.pay.currency == "CNY"
    assert result.totals.overtime_s == H


def test_p4_rounds_once_per_category_not_per_entry() -> None:
    # Three 20-minute entries: per-entry rounding would give 3 x 28.74 = 86.22.
    records = [rec(f"2025-10-09 {h}:00", f"2025-10-09 {h}:20") for h in (19, 20, 21)]
    result = run(records, "2025-10-09", contracts=WAGE)
    assert result.pay is not None and result.pay.total == Decimal("86.21")


def test_no_wage_means_no_pay_but_minutes() -> None:
    result = run([rec("2025-10-09 19:00", "2025-10-09 20:00")], "2025-10-09")
    assert result.pay is None and result.totals.overtime_s == H


def test_shift_crossing_midnight() -> None:
    night = history(contract(schedule="sun-thu 22:00-06:00"))
    # Thursday 21:00 to Friday 07:00; Friday is off, but Thursday's shift runs to 06:00.
    result = run(
        [rec("2025-10-16 21:00", "2025-10-17 07:00")], "2025-10-16", "2025-10-17", contracts=night
    )
    thursday, friday = result.days
    assert (
        thursday.seconds.outside_workday,
        thursday.seconds.inside,
        thursday.seconds.late_night,
    ) == (
        H,
        2 * H,
        2 * H,
    )
    assert (friday.day_type, friday.seconds.inside, friday.seconds.rest_day) == (
        "rest_day",
        6 * H,
        H,
    )
    assert friday.seconds.late_night == 6 * H
    assert result.totals.seconds.worked == 10 * H


def test_record_crossing_a_contract_change_in_another_zone() -> None:
    moved = history(
        contract(wage="10000"),
        contract(
            effective="2025-03-01",
            tz="Europe/Berlin",
            jurisdiction="DE",
            wage="5000",
            currency="EUR",
            multipliers="rest_day=1.5",  # DE pays nothing by statute (RULES J7)
        ),
    )
    # 2025-02-28 22:00 Shanghai (14:00 UTC) to 2025-03-01 10:00 Berlin (09:00 UTC): 19 h.
    record = rec(at("2025-02-28 22:00"), at("2025-03-01 10:00", "Europe/Berlin"))
    result = run([record], "2025-02-28", "2025-03-01", contracts=moved)
    friday, saturday = result.days
    assert (friday.timezone, saturday.timezone) == ("Asia/Shanghai", "Europe/Berlin")
    assert friday.seconds.outside_workday == 9 * H  # up to Berlin's midnight (07:00 Shanghai)
    assert friday.seconds.late_night == 8 * H
    assert (saturday.seconds.rest_day, saturday.seconds.late_night) == (10 * H, 6 * H)
    assert result.totals.seconds.worked == 19 * H
    assert result.pay is not None and result.pay.total is None  # CNY and EUR do not add up
    assert "mixed_currency" in [f.code for f in result.flags]


def test_wage_change_at_midnight_splits_the_pay() -> None:
    raised = history(contract(wage="10000"), contract(effective="2025-10-13", wage="20000"))
    result = run(
        [rec("2025-10-12 23:00", "2025-10-13 01:00")], "2025-10-12", "2025-10-13", contracts=raised
    )
    assert result.pay is not None
    assert [(line.kind, line.amount) for line in result.pay.lines] == [
        ("workday", Decimal("172.41")),
        ("rest_day", Decimal("114.94")),
    ]
    assert result.pay.hourly is None  # two wages in the period


BERLIN = history(contract(tz="Europe/Berlin", jurisdiction="DE"))
NEW_YORK = history(contract(tz="America/New_York", jurisdiction="US", schedule="sun 00:00-08:00"))


def test_dst_spring_forward_berlin() -> None:
    record = rec("2025-03-29 23:00", "2025-03-30 04:00", tz="Europe/Berlin")
    result = run([record], "2025-03-29", "2025-03-30", contracts=BERLIN)
    saturday, sunday = result.days
    assert (saturday.seconds.rest_day, sunday.seconds.rest_day) == (
        H,
        3 * H,
    )  # 02:00-03:00 never happened
    assert result.totals.seconds.late_night == 4 * H


def test_dst_fall_back_berlin_counts_real_seconds() -> None:
    record = rec("2025-10-26 00:00", "2025-10-26 05:00", tz="Europe/Berlin")
    result = run([record], "2025-10-26", contracts=BERLIN)
    assert result.totals.seconds.rest_day == 6 * H  # five hours of wall time, six real ones


def test_dst_new_york_shift_lengths() -> None:
    spring = run(
        [rec("2025-03-09 00:00", "2025-03-09 10:00", tz="America/New_York")],
        "2025-03-09",
        contracts=NEW_YORK,
    )
    (sunday,) = spring.days
    assert (sunday.scheduled_s, sunday.seconds.inside, sunday.seconds.outside_workday) == (
        7 * H,
        7 * H,
        2 * H,
    )
    fall = run(
        [rec("2025-11-02 00:00", "2025-11-02 10:00", tz="America/New_York")],
        "2025-11-02",
        contracts=NEW_YORK,
    )
    (sunday,) = fall.days
    assert (sunday.scheduled_s, sunday.seconds.inside, sunday.seconds.outside_workday) == (
        9 * H,
        9 * H,
        2 * H,
    )


def test_dst_fall_back_hour_twice_in_wall_time_once_in_seconds() -> None:
    # 00:30 EDT to 02:30 EST: the 01:00-02:00 wall hour happens twice, counted as real time.
    ny = history(contract(tz="America/New_York", jurisdiction="US"))
    record = rec(at("2025-11-02 04:30", "UTC"), at("2025-11-02 07:30", "UTC"))
    twice = rec(at("2025-11-02 05:00", "UTC"), at("2025-11-02 07:00", "UTC"))
    result = run([record, twice], "2025-11-02", contracts=ny)
    assert result.totals.seconds.rest_day == 3 * H and result.totals.seconds.late_night == 3 * H
    assert len(result.flags_with("overlap")) == 1


def test_overlapping_records_count_once() -> None:
    call = rec("2025-10-09 19:00", "2025-10-09 21:00", rid="call")
    reply = rec("2025-10-09 20:00", "2025-10-09 20:10", rid="reply")
    result = run([call, reply], "2025-10-09")
    assert result.totals.seconds.outside_workday == 2 * H
    (overlap, limit) = result.flags
    assert overlap.params == {
        "first": "call",
        "second": "reply",
        "records": "call,reply",
        "count": 2,
        "seconds": 600,
    }
    assert limit.code == "overtime_over_1h_day"
    assert {s.record_ids for s in result.segments} == {("call",), ("call", "reply")}


def test_acks_are_counted_apart_unless_included() -> None:
    ack = rec("2025-10-09 21:00", "2025-10-09 21:05", kind="ack")
    work = rec("2025-10-09 19:00", "2025-10-09 19:30")
    result = run([ack, work], "2025-10-09")
    assert (result.ack_count, result.ack_seconds, result.record_count) == (1, 300, 1)
    assert result.totals.seconds.worked == 30 * 60
    included = run([ack, work], "2025-10-09", include_ack=True)
    assert included.totals.seconds.worked == 35 * 60 and included.ack_count == 1


def test_voided_ignored_and_running_counts_to_now() -> None:
    voided = rec("2025-10-09 19:00", "2025-10-09 20:00", voided=True)
    running = rec("2025-10-09 21:00", None)
    result = run([voided, running], "2025-10-09", now=at("2025-10-09 21:45"))
    assert result.totals.seconds.worked == 45 * 60 and result.record_count == 1


def test_open_session_over_24h() -> None:
    running = rec("2025-10-08 21:00", None, rid="open")
    result = run([running], "2025-10-08", "2025-10-10", now=at("2025-10-10 00:00"))
    flag = result.flags_with("open_session_over_24h")[0]
    assert (flag.date, flag.params) == (day("2025-10-08"), {"record_id": "open", "seconds": 27 * H})


@pytest.mark.parametrize(
    ("hours", "emergency", "expected"),
    [
        (1, False, []),
        (1.5, False, ["overtime_over_1h_day"]),
        (4, False, ["overtime_over_3h_day"]),
        (4, True, []),  # RULES P2: emergencies (art. 42) are exempt
    ],
)
def test_p2_daily_limits(hours: float, emergency: bool, expected: list[str]) -> None:
    begin = at("2025-10-09 18:00")
    end = begin.replace(hour=18 + int(hours), minute=int(hours % 1 * 60))
    result = run([rec(begin, end, emergency=emergency)], "2025-10-09")
    assert [f.code for f in result.flags] == expected


def test_p2_monthly_limit() -> None:
    evenings = [rec(f"2025-11-{d:02d} 18:00", f"2025-11-{d:02d} 22:00") for d in range(3, 13)]
    result = run(evenings, "2025-11-01", "2025-11-30")
    (flag,) = result.flags_with("overtime_over_36h_month")
    assert flag.params == {"month": "2025-11", "seconds": 40 * H, "limit_seconds": 36 * H}


def test_p1_no_weekly_rest_day() -> None:
    week = [rec(f"2025-11-{d:02d} 10:00", f"2025-11-{d:02d} 10:30") for d in (15, 16)]
    result = run(week, "2025-11-10", "2025-11-23")
    (flag,) = result.flags_with("no_weekly_rest_day")
    assert flag.params == {"week_start": "2025-11-10", "week_end": "2025-11-16"}
    sunday_start = history(contract(week_start="sun"))
    shifted = run(week, "2025-11-09", "2025-11-22", contracts=sunday_start)
    assert not shifted.flags_with("no_weekly_rest_day")  # Sun 09 and Sat 22 split the work


def test_c6_2027_days_are_provisional() -> None:
    result = run([rec("2027-02-09 10:00", "2027-02-09 11:00")], "2027-02-01", "2027-02-14")
    assert result.provisional_days == 10  # 14 days less 4 statutory Spring Festival days
    (flag,) = result.flags_with("provisional_day")
    assert flag.date == day("2027-02-09")
    official = parse_official_schedule("jurisdiction: CN\nyear: 2027\nrest 2027-02-09")
    loaded = run(
        [rec("2027-02-09 10:00", "2027-02-09 11:00")],
        "2027-02-09",
        calendars=CalendarSet(official=(official,)),
    )
    assert loaded.provisional_days == 0 and loaded.totals.seconds.rest_day == H


def test_override_hours_on_a_make_up_workday() -> None:
    hours = parse_shifts("09:00-12:00")
    calendars = CalendarSet(overrides=(CalendarOverride(day("2025-09-28"), "workday", hours),))
    result = run([rec("2025-09-28 13:30", "2025-09-28 14:30")], "2025-09-28", calendars=calendars)
    assert result.days[0].seconds.outside_workday == H and result.days[0].scheduled_s == 3 * H


@pytest.mark.parametrize(
    ("comp", "rest_paid", "applied", "unused", "flag"),
    [
        ([("2025-10-20", 3 * H, "2025-10-12")], H, 3 * H, 0, None),
        ([("2025-10-20", 5 * H, "2025-10-12")], 0, 4 * H, H, None),
        ([("2025-10-20", 2 * H, None)], 2 * H, 2 * H, 0, None),
        ([("2025-10-20", H, "2025-10-09")], 4 * H, 0, H, "comp_time_not_applicable"),
        ([("2025-10-20", H, "2025-10-01")], 4 * H, 0, H, "comp_time_not_applicable"),
    ],
)
def test_p3_comp_time_offsets_only_rest_days(
    comp: list[tuple[str, int, str | None]],
    rest_paid: int,
    applied: int,
    unused: int,
    flag: str | None,
) -> None:
    from offline_tracker.domain.results import CompTime

    entries = [CompTime(day(d), s, day(f) if f else None) for d, s, f in comp]
    records = [
        rec("2025-10-12 10:00", "2025-10-12 14:00"),
        rec("2025-10-09 19:00", "2025-10-09 19:30"),
    ]
    result = run(records, "2025-10-01", "2025-10-31", comp=entries)
    totals = result.totals
    assert (totals.overtime_200_s, totals.overtime_150_s) == (rest_paid, 30 * 60)
    assert (totals.comp_time_applied_s, totals.comp_time_unused_s) == (applied, unused)
    assert [f.code for f in result.flags if f.code.startswith("comp")] == ([flag] if flag else [])


COMPREHENSIVE_WEEK = [
    rec("2025-10-13 18:00", "2025-10-13 22:00"),  # Monday evening, 4 h
    rec("2025-10-18 10:00", "2025-10-18 14:00"),  # Saturday, 4 h
]


@pytest.mark.parametrize(
    ("schedule", "overtime"),
    [("mon-fri 09:00-12:00,13:00-18:00", 8 * H), ("mon-fri 09:00-12:00,13:00-17:00", 3 * H)],
)
def test_p5_comprehensive_hours_above_workdays_times_8(schedule: str, overtime: int) -> None:
    contracts = history(contract(system="comprehensive", schedule=schedule, wage="10000"))
    result = run(COMPREHENSIVE_WEEK, "2025-10-13", "2025-10-19", contracts=contracts)
    assert (result.totals.overtime_s, result.totals.overtime_150_s) == (overtime, overtime)
    assert result.pay is not None and [line.kind for line in result.pay.lines] == ["comprehensive"]
    assert not result.flags


def test_p5_partial_cycle_is_judged_on_its_days_in_the_period() -> None:
    contracts = history(contract(system="comprehensive"))
    result = run(COMPREHENSIVE_WEEK, "2025-10-15", "2025-10-19", contracts=contracts)
    assert result.totals.overtime_s == 4 * H  # Monday is outside the period
    (flag,) = result.flags_with("partial_cycle")
    assert flag.params["cycle_start"] == "2025-10-13" and flag.params["days_in_period"] == 5


@pytest.mark.parametrize(
    ("options", "overtime", "flag"),
    [
        ({"system": "flexible"}, 0, None),
        ({"system": "flexible", "flexible_holiday_pay": "yes"}, H, None),
        ({"system": "flexible", "approved": "no"}, 6 * H, "system_not_approved"),
        ({"system": "comprehensive", "approved": "no"}, 6 * H, "system_not_approved"),
    ],
)
def test_p6_flexible_and_unapproved_systems(
    options: dict[str, str], overtime: int, flag: str | None
) -> None:
    records = [
        rec("2025-10-01 10:00", "2025-10-01 11:00"),
        rec("2025-10-04 10:00", "2025-10-04 14:00"),
        rec("2025-10-09 19:00", "2025-10-09 20:00"),
    ]
    result = run(records, "2025-10-01", "2025-10-10", contracts=history(contract(**options)))
    assert result.totals.overtime_s == overtime
    assert result.flags_with("system_not_approved") == (
        tuple(f for f in result.flags if f.code == flag) if flag else ()
    )


def test_classify_record_breaks_down_one_record() -> None:
    breakdown = classify_record(
        rec("2025-10-09 17:00", "2025-10-10 01:00"), history(), now=at("2030-01-01 00:00")
    )
    assert (
        breakdown.seconds.inside,
        breakdown.seconds.outside_workday,
        breakdown.seconds.late_night,
    ) == (
        H,
        7 * H,
        3 * H,
    )
    assert (
        breakdown.dates == (day("2025-10-09"), day("2025-10-10"))
        and breakdown.seconds.worked == 8 * H
    )


def test_days_before_a_dated_first_contract_are_flagged() -> None:
    late = history(contract(effective="2025-10-10"))
    result = run(
        [rec("2025-10-09 19:00", "2025-10-09 19:30")], "2025-10-08", "2025-10-10", contracts=late
    )
    (flag,) = result.flags_with("before_first_contract")
    assert flag.params == {"days": 2, "first_effective": "2025-10-10"}
    assert result.totals.seconds.outside_workday == 30 * 60


def test_j6_a_code_without_a_pack_gets_holidays_only() -> None:
    # RULES J6: Japan has no pack: its public holidays, no pay figure, no legal flags.
    japan = history(contract(jurisdiction="JP", tz="Asia/Tokyo", wage="300000", currency="JPY"))
    records = [rec("2025-11-03 10:00", "2025-11-03 22:00", tz="Asia/Tokyo")]  # Culture Day
    result = run(records, "2025-11-03", contracts=japan)
    assert result.days[0].day_type == "statutory_holiday"
    assert result.pay is None and result.totals.overtime_s == 0
    assert [(f.code, dict(f.params)) for f in result.flags] == [
        ("no_rule_pack", {"jurisdiction": "JP"})
    ]


@settings(max_examples=300, deadline=None)
@given(
    seconds=st.integers(min_value=1, max_value=400 * 3600),
    wage=st.integers(min_value=1000, max_value=200_000),
    multiplier=st.sampled_from([Decimal("1.5"), Decimal("2"), Decimal("3")]),
)
def test_a_pay_line_multiplies_out_as_printed(seconds: int, wage: int, multiplier: Decimal) -> None:
    """Issue 16: the hours and the hourly wage a report prints, times the multiplier and rounded
    once (P4), give the printed amount; the engine still prices the exact seconds and rate."""
    from fractions import Fraction

    from offline_tracker.domain.pay import _line, money, printed_factors

    hourly = Fraction(wage) / Fraction("21.75") / 8
    line = _line("workday", multiplier, hourly, "CNY", seconds)
    hours, rate = printed_factors(line)
    assert money(Fraction(hours) * Fraction(rate) * Fraction(multiplier)) == line.amount
    assert line.amount == money(Fraction(seconds, 3600) * hourly * Fraction(multiplier))
