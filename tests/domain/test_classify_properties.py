"""Invariants of the engine (hypothesis): union totals, splitting, order and the machine's TZ."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from offline_tracker.domain.contract import ContractHistory
from offline_tracker.domain.records import Record
from offline_tracker.domain.results import PeriodResult
from offline_tracker.domain.values import replace
from tests.domain.engine_builders import contract, day, history, run

DAYS = 5
SCENARIOS: list[tuple[ContractHistory, str]] = [
    # RULES C2-C4: National Day week with a make-up Sunday (2025-09-28).
    (history(contract(wage="10000")), "2025-09-27"),
    # RULES T2: Berlin falls back on 2025-10-26; a night shift crosses midnight.
    (
        history(
            contract(
                tz="Europe/Berlin",
                jurisdiction="DE",
                schedule="sun-thu 22:00-06:00",
                wage="4000",
                currency="EUR",
            )
        ),
        "2025-10-24",
    ),
    # New York springs forward on 2025-03-09.
    (history(contract(tz="America/New_York", jurisdiction="US", wage="8000")), "2025-03-07"),
    # A contract change that moves the worker from Shanghai to Berlin.
    (
        history(
            contract(wage="10000"),
            contract(effective="2025-03-01", tz="Europe/Berlin", jurisdiction="DE"),
        ),
        "2025-02-26",
    ),
]


def _window(contracts: ContractHistory, first: str) -> tuple[datetime, datetime]:
    start, end = day(first), day(first) + timedelta(days=DAYS)
    zone_of = lambda d: ZoneInfo(contracts.at(d).timezone)  # noqa: E731
    return (
        datetime.combine(start, datetime.min.time(), zone_of(start)),
        datetime.combine(end, datetime.min.time(), zone_of(end)),
    )


@st.composite
def cases(draw: st.DrawFn, with_acks: bool = False) -> tuple[ContractHistory, str, list[Record]]:
    contracts, first = draw(st.sampled_from(SCENARIOS))
    lo, hi = _window(contracts, first)
    anchor = lo - timedelta(hours=6)
    span = int((hi - lo).total_seconds()) + 12 * 3600
    records = []
    for index in range(draw(st.integers(0, 8))):
        start = anchor + timedelta(seconds=draw(st.integers(0, span)))
        length = timedelta(seconds=draw(st.integers(0, 30 * 3600)))
        kind = draw(st.sampled_from([None, "call", "ack"])) if with_acks else None
        records.append(
            Record(
                f"r{index}",
                "session",
                start.astimezone(ZoneInfo("UTC")),
                (start + length).astimezone(ZoneInfo("UTC")),
                "UTC",
                kind=kind,
                emergency=draw(st.booleans()),
            )
        )
    return contracts, first, records


def _classify(contracts: ContractHistory, first: str, records: list[Record]) -> PeriodResult:
    last = (day(first) + timedelta(days=DAYS - 1)).isoformat()
    return run(
        records, first, last, contracts=contracts, now=datetime(2030, 1, 1, tzinfo=ZoneInfo("UTC"))
    )


def _union_seconds(records: list[Record], lo: datetime, hi: datetime) -> int:
    spans = sorted((max(r.start, lo), min(r.end or r.start, hi)) for r in records)
    total, reach = 0, lo
    for start, end in spans:
        start = max(start, reach)
        if end > start:
            total += int((end - start).total_seconds())
            reach = end
    return total


@settings(max_examples=80, deadline=None)
@given(cases())
def test_categories_add_up_to_the_union_of_worked_time(case: tuple) -> None:
    contracts, first, records = case
    result = _classify(contracts, first, records)
    expected = _union_seconds(records, *_window(contracts, first))
    totals = result.totals
    assert totals.seconds.worked == expected  # RULES T3
    assert sum(d.seconds.worked for d in result.days) == expected
    assert sum(s.seconds for s in result.segments) == expected
    assert (
        totals.seconds.inside
        + totals.seconds.outside_workday
        + totals.seconds.rest_day
        + totals.seconds.statutory_holiday
        == expected
    )
    assert 0 <= totals.seconds.late_night <= expected


@settings(max_examples=60, deadline=None)
@given(cases(), st.data())
def test_splitting_a_record_anywhere_changes_no_total(case: tuple, data: st.DataObject) -> None:
    contracts, first, records = case
    long = [r for r in records if r.end is not None and (r.end - r.start).total_seconds() >= 2]
    if not long:
        return
    target = data.draw(st.sampled_from(long))
    cut = target.start + timedelta(
        seconds=data.draw(st.integers(1, int((target.end - target.start).total_seconds()) - 1))
    )
    halves = [
        replace(target, id=target.id + "a", end=cut),
        replace(target, id=target.id + "b", start=cut),
    ]
    split = [r for r in records if r is not target] + halves
    before, after = _classify(contracts, first, records), _classify(contracts, first, split)
    assert after.totals == before.totals  # RULES T2
    assert after.days == before.days
    assert after.pay == before.pay


@settings(max_examples=60, deadline=None)
@given(cases(with_acks=True), st.randoms(use_true_random=False))
def test_input_order_never_matters(case: tuple, rnd) -> None:  # type: ignore[no-untyped-def]
    contracts, first, records = case
    shuffled = list(records)
    rnd.shuffle(shuffled)
    assert _classify(contracts, first, shuffled) == _classify(contracts, first, records)


@contextmanager
def _machine_tz(name: str) -> Iterator[None]:
    saved = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


@settings(max_examples=30, deadline=None)
@given(
    cases(with_acks=True),
    st.sampled_from(
        ["America/Los_Angeles", "Asia/Kolkata", "Pacific/Chatham", "UTC", "Europe/London"]
    ),
)
def test_the_machines_tz_never_changes_a_result(case: tuple, machine_tz: str) -> None:
    contracts, first, records = case  # RULES T1
    baseline = _classify(contracts, first, records)
    with _machine_tz(machine_tz):
        assert _classify(contracts, first, records) == baseline
