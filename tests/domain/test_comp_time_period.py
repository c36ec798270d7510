"""RULES P3 for one report: `bind_for_period` binds the entries a period needs exactly as the
whole ledger does (`resolve_comp_time`), reading only the rest-day work that can change them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from offline_tracker.domain.comptime import bind_for_period, resolve_comp_time, year_before
from offline_tracker.domain.results import CompOffset, CompTime

H = 3600
BASE = date(2019, 12, 28)  # a span of six years with two leap days (2020-02-29, 2024-02-29)
SPAN = 6 * 366


class Reader:
    """The rest-day work of a whole history, read by stretches as the app reads it."""

    def __init__(self, work: Mapping[date, int]) -> None:
        self.work = work
        self.days_read = 0

    def __call__(self, first: date, last: date) -> dict[date, int]:
        assert first <= last
        self.days_read += (last - first).days + 1
        return {d: s for d, s in self.work.items() if first <= d <= last}


def needed(offsets: tuple[CompOffset, ...], first: date, last: date) -> tuple[CompOffset, ...]:
    """Of the whole ledger's offsets, those a report of first..last can need: every explicit
    one, and those of pooled entries taken in the period or whose twelve months reach it."""
    return tuple(
        o for o in offsets if o.explicit or (o.taken >= first and year_before(o.taken) <= last)
    )


def _day(offset: int) -> date:
    return BASE + timedelta(days=offset)


work_days = st.dictionaries(st.integers(0, SPAN), st.integers(1, 10 * H), max_size=60)
entry = st.tuples(
    st.integers(0, SPAN),  # taken
    st.sampled_from([60, H, 2 * H, 4 * H, 8 * H, 30 * H]),
    st.one_of(st.none(), st.integers(0, SPAN)),  # --for
)
# Entries bunched in a few months make long chains (each entry's year overlaps the last).
bunched = st.tuples(
    st.integers(0, SPAN // 5).map(lambda d: 5 * d), st.integers(1, 8 * H), st.just(None)
)


@settings(max_examples=400, deadline=None)
@given(
    work_days,
    st.lists(st.one_of(entry, bunched), max_size=14),
    st.integers(0, SPAN),
    st.integers(0, 45),
    st.integers(0, SPAN),
)
def test_p3_a_period_binds_its_entries_as_the_whole_ledger_does(
    work: dict[int, int],
    raw: list[tuple[int, int, int | None]],
    first_at: int,
    length: int,
    today_at: int,
) -> None:
    rest = {_day(d): s for d, s in work.items()}
    entries = [
        CompTime(_day(t), s, None if f is None else _day(f), _day(t) > _day(today_at))
        for t, s, f in raw
    ]
    first, last, today = _day(first_at), _day(first_at + length), _day(today_at)
    whole = resolve_comp_time(entries, rest, today)
    assert bind_for_period(entries, first, last, today, Reader(rest)) == needed(whole, first, last)


@st.composite
def clustered(draw: st.DrawFn) -> tuple[dict[date, int], list[CompTime]]:
    """Entries a few weeks to a year apart and rest-day work near their days and near the
    starts of their twelve months: where an entry's reach and the one before it meet."""
    taken, day_at = [], draw(st.integers(0, 400))
    for _ in range(draw(st.integers(1, 8))):
        taken.append(_day(day_at))
        day_at += draw(st.sampled_from([1, 3, 20, 60, 180, 362, 365, 366, 370]))
    entries = [CompTime(t, draw(st.integers(1, 12)) * H) for t in taken]
    near = [
        d + timedelta(days=draw(st.integers(-10, 10))) for t in taken for d in (t, year_before(t))
    ]
    rest = {d: draw(st.integers(1, 8)) * H for d in near if draw(st.booleans())}
    return rest, entries


@settings(max_examples=400, deadline=None)
@given(clustered(), st.integers(0, 8), st.integers(0, 30))
def test_p3_where_one_entry_reach_meets_the_last(
    history: tuple[dict[date, int], list[CompTime]], which: int, length: int
) -> None:
    rest, entries = history
    first = entries[min(which, len(entries) - 1)].date - timedelta(days=length)
    last = first + timedelta(days=length // 3)
    today = date(2030, 1, 1)
    whole = resolve_comp_time(entries, rest, today)
    assert bind_for_period(entries, first, last, today, Reader(rest)) == needed(whole, first, last)


def test_p3_an_entry_whose_year_starts_the_day_before_the_last_one() -> None:
    # The 2025-03-02 entry's twelve months start on 2024-03-02, the day before the 2024-03-03
    # entry, which took that day's work: the chain runs on (nothing is left for the later one).
    rest = {date(2024, 3, 2): 4 * H}
    entries = [CompTime(date(2024, 3, 3), 4 * H), CompTime(date(2025, 3, 2), 4 * H)]
    got = bind_for_period(
        entries, date(2025, 3, 2), date(2025, 3, 2), date(2026, 1, 1), Reader(rest)
    )
    assert [(o.taken, o.for_date) for o in got] == [(date(2025, 3, 2), None)]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30), st.integers(1, 8), st.integers(0, 20), st.integers(0, 40))
def test_p3_a_long_chain_of_monthly_time_off(
    every: int, hours: int, spare: int, first_at: int
) -> None:
    # Rest-day work every weekend and time off every few weeks over six years: each entry's
    # twelve months overlap the last one's, so the chain runs from the first entry.
    rest = {_day(d): 4 * H + (d % 7) * spare * 60 for d in range(0, SPAN, 7)}
    entries = [CompTime(_day(d), hours * H) for d in range(3, SPAN, every * 7)]
    first = _day(SPAN - 200 - 10 * first_at)
    last = first + timedelta(days=6)
    whole = resolve_comp_time(entries, rest, _day(SPAN))
    got = bind_for_period(entries, first, last, _day(SPAN), Reader(rest))
    assert got == needed(whole, first, last)


def test_p3_yearly_time_off_reads_a_few_weeks_not_the_history() -> None:
    # The benchmark ledger's pattern: 4 h a year on 3 March, rest-day work every weekend of
    # ten years. The report of a week in December needs one entry (the next 3 March's), which
    # takes the first weekend of its twelve months: a few weeks are read, not ten years.
    rest = {BASE + timedelta(days=d): 3 * H for d in range(0, 3650, 7)}
    entries = [CompTime(date(year, 3, 3), 4 * H) for year in range(2020, 2030)]
    reader = Reader(rest)
    first = date(2024, 12, 2)
    got = bind_for_period(entries, first, first + timedelta(days=6), date(2029, 12, 31), reader)
    whole = resolve_comp_time(entries, rest, date(2029, 12, 31))
    assert got == needed(whole, first, first + timedelta(days=6))
    assert [(o.taken, o.for_date) for o in got] == [
        (date(2025, 3, 3), date(2024, 3, 9)),
        (date(2025, 3, 3), date(2024, 3, 16)),
    ]
    assert reader.days_read <= 60


def test_p3_a_week_no_pooled_entry_reaches_reads_nothing() -> None:
    reader = Reader({date(2025, 3, 1): 4 * H})
    entries = [CompTime(date(2025, 3, 3), 4 * H), CompTime(date(2025, 3, 4), H, date(2025, 3, 1))]
    got = bind_for_period(entries, date(2026, 3, 9), date(2026, 3, 15), date(2026, 3, 15), reader)
    assert [(o.taken, o.for_date, o.explicit) for o in got] == [
        (date(2025, 3, 4), date(2025, 3, 1), True)
    ]
    assert reader.days_read == 0
