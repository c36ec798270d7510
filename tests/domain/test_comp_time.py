"""RULES P3: time off in lieu offsets the rest day it is for, whatever period a report covers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offline_tracker.domain.comptime import year_before
from offline_tracker.domain.results import CompTime
from tests.domain.engine_builders import H, at, day, rec, run

SATURDAY = rec("2025-10-18 10:00", "2025-10-18 14:00")  # 4 h on a rest day
SUNDAY = rec("2025-10-19 10:00", "2025-10-19 13:00")  # 3 h on a rest day


def _comp(taken: str, hours: int, for_date: str | None = None, planned: bool = False) -> CompTime:
    return CompTime(day(taken), hours * H, day(for_date) if for_date else None, planned)


@pytest.mark.parametrize(
    ("first", "last"),
    [("2025-10-13", "2025-10-19"), ("2025-10-01", "2025-10-31"), ("2025-10-18", "2025-10-18")],
)
def test_p3_for_date_offsets_its_day_in_every_report(first: str, last: str) -> None:
    # Time off taken on Monday 27 October for Saturday the 18th: the week report of the 18th
    # charged 200 % before (the time off lay outside it) while the month report showed 0.
    result = run([SATURDAY], first, last, comp=[_comp("2025-10-27", 4, "2025-10-18")])
    assert (result.totals.overtime_200_s, result.totals.comp_time_applied_s) == (0, 4 * H)
    (offset,) = result.comp_offsets
    assert (offset.taken, offset.for_date, offset.explicit) == (
        day("2025-10-27"),
        day("2025-10-18"),
        True,
    )


def test_p3_the_report_of_the_day_taken_says_what_it_offset() -> None:
    result = run([SATURDAY], "2025-10-27", comp=[_comp("2025-10-27", 4, "2025-10-18")])
    assert result.totals.comp_time_applied_s == 0 and result.totals.comp_time_unused_s == 0
    (offset,) = result.comp_offsets
    assert offset.for_date == day("2025-10-18")


def test_p3_without_for_the_earliest_rest_day_work_is_offset() -> None:
    result = run([SATURDAY, SUNDAY], "2025-10-13", "2025-10-19", comp=[_comp("2025-11-03", 5)])
    # 4 h of Saturday first, then 1 h of Sunday: 2 h of Sunday stay at 200 %.
    assert result.totals.overtime_200_s == 2 * H
    assert [(o.for_date, o.seconds, o.explicit) for o in result.comp_offsets] == [
        (day("2025-10-18"), 4 * H, False),
        (day("2025-10-19"), H, False),
    ]


def test_p3_explicit_entries_claim_their_day_first() -> None:
    comp = [_comp("2025-10-20", 2), _comp("2025-10-27", 4, "2025-10-18")]
    result = run([SATURDAY, SUNDAY], "2025-10-13", "2025-10-19", comp=comp)
    assert result.totals.overtime_200_s == H  # Saturday by --for, 2 of Sunday's 3 h pooled
    pooled = [o for o in result.comp_offsets if not o.explicit]
    assert [(o.for_date, o.seconds) for o in pooled] == [(day("2025-10-19"), 2 * H)]


def test_p3_only_the_twelve_months_before_count() -> None:
    old = rec("2024-06-01 10:00", "2024-06-01 14:00")  # a Saturday, 17 months before
    result = run([old], "2025-11-03", comp=[_comp("2025-11-03", 2)])
    (offset,) = result.comp_offsets
    assert offset.for_date is None and result.totals.comp_time_unused_s == 2 * H
    older = run([old], "2024-06-01", comp=[_comp("2025-11-03", 2)])
    assert older.totals.overtime_200_s == 4 * H
    inside = rec("2024-11-09 10:00", "2024-11-09 14:00")  # a Saturday inside the window
    found = run([old, inside], "2024-11-09", comp=[_comp("2025-11-03", 2)])
    assert found.totals.overtime_200_s == 2 * H


def test_p3_year_before_a_leap_day() -> None:
    assert year_before(day("2024-02-29")) == day("2023-02-28")


def test_p3_planned_time_off_is_shown_not_applied_until_its_day() -> None:
    comp = [_comp("2025-10-27", 4, "2025-10-18", planned=True)]
    before = run([SATURDAY], "2025-10-13", "2025-10-19", comp=comp, now=at("2025-10-20 09:00"))
    assert before.totals.overtime_200_s == 4 * H and before.comp_offsets[0].planned
    after = run([SATURDAY], "2025-10-13", "2025-10-19", comp=comp, now=at("2025-10-28 09:00"))
    assert after.totals.overtime_200_s == 0 and not after.comp_offsets[0].planned


def test_p3_never_replaces_workday_or_statutory_overtime() -> None:
    records = [
        rec("2025-10-01 10:00", "2025-10-01 12:00"),
        rec("2025-10-09 19:00", "2025-10-09 20:00"),
    ]
    comp = [_comp("2025-10-20", 2, "2025-10-01"), _comp("2025-10-21", 1, "2025-10-09")]
    result = run(records, "2025-10-01", "2025-10-31", comp=comp)
    assert (result.totals.overtime_300_s, result.totals.overtime_150_s) == (2 * H, H)
    assert len(result.flags_with("comp_time_not_applicable")) == 2


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.integers(0, 40), min_size=1, max_size=3),
    st.lists(st.tuples(st.integers(0, 40), st.integers(1, 6), st.booleans()), max_size=3),
)
def test_p3_the_answer_never_depends_on_the_report_period(
    work_days: list[int], entries: list[tuple[int, int, bool]]
) -> None:
    # Weekend work in October-November 2025 and time off taken on days after it: each rest
    # day's premium is the same in its own day report as in the report of the whole stretch.
    start = day("2025-10-18")
    records = [
        rec(f"{start + timedelta(days=7 * (n // 2) + n % 2)} 10:00",
            f"{start + timedelta(days=7 * (n // 2) + n % 2)} 15:00")
        for n in sorted(set(work_days))
    ]  # fmt: skip
    comp = [
        CompTime(
            start + timedelta(days=offset + 1),
            hours * H,
            (start + timedelta(days=7 * (offset // 2))) if explicit else None,
        )
        for offset, hours, explicit in entries
    ]
    last = start + timedelta(days=300)
    whole = run(records, str(start), str(last), comp=comp)
    by_day = {d.date: d.seconds.rest_day - d.comp_time_s for d in whole.days}
    for record in records:
        local = record.start.astimezone(at("2025-01-01 00:00").tzinfo).date()
        alone = run(records, str(local), comp=comp)
        assert alone.days[0].seconds.rest_day - alone.days[0].comp_time_s == by_day[local]
