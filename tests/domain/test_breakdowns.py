"""The one per-record classifier: on one record it equals the union engine on that record alone;
shared by many records (exports) it gives each what it gives that record alone."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from offline_tracker.domain.breakdowns import classify_record, classify_records, record_figures
from offline_tracker.domain.classify import classify
from offline_tracker.domain.contract import ContractHistory
from offline_tracker.domain.records import Record
from offline_tracker.domain.values import replace
from tests.domain.engine_builders import at, contract, history, rec

NOW = at("2027-03-01 12:00")
SCENARIOS: list[tuple[ContractHistory, str, str]] = [
    # RULES C2-C4: National Day week with a make-up Sunday (2025-09-28).
    (history(contract(wage="10000")), "2025-09-26 00:00", "Asia/Shanghai"),
    # RULES T2: Berlin falls back on 2025-10-26; a night shift crosses midnight.
    (
        history(contract(tz="Europe/Berlin", jurisdiction="DE", schedule="sun-thu 22:00-06:00")),
        "2025-10-23 00:00",
        "Europe/Berlin",
    ),
    # A contract change moving west (Shanghai -> Berlin) and one moving east again (T1).
    (
        history(
            contract(wage="10000"),
            contract(effective="2025-03-01", tz="Europe/Berlin", jurisdiction="DE"),
            contract(effective="2025-03-04", tz="Asia/Shanghai"),
        ),
        "2025-02-26 00:00",
        "Asia/Shanghai",
    ),
    # RULES C6: 2027 has no published schedule yet, so its days are provisional.
    (history(contract()), "2027-01-29 00:00", "Asia/Shanghai"),
]


@st.composite
def cases(draw: st.DrawFn) -> tuple[ContractHistory, list[Record]]:
    contracts, first, tz = draw(st.sampled_from(SCENARIOS))
    anchor = at(first, tz)
    records = []
    for index in range(draw(st.integers(1, 12))):
        start = anchor + timedelta(seconds=draw(st.integers(0, 8 * 86400)))
        length = timedelta(seconds=draw(st.integers(0, 40 * 3600)))
        end: datetime | None = start + length
        if draw(st.integers(0, 9)) == 0:
            end = None  # a running session counts up to now
        record = rec(
            start, end, tz=tz, rid=str(index + 1), kind=draw(st.sampled_from([None, "ack"]))
        )
        records.append(replace(record, voided=draw(st.integers(0, 7)) == 0))
    return contracts, records


@settings(max_examples=80, deadline=None)
@given(cases())
def test_one_record_classified_alone_equals_the_engine_on_it(case: tuple) -> None:
    """RULES T3: a record alone has no overlap, so the union engine must give its figures."""
    contracts, records = case
    for record in records[:4]:
        if record.end is None and NOW - record.start > timedelta(days=60):
            continue  # running for years up to NOW: a long timeline, and nothing new to learn
        own = classify_record(record, contracts, now=NOW)
        end = record.end or max(NOW, record.start)
        whole = classify(
            [record],
            contracts,
            date_from=record.start.date() - timedelta(days=2),
            date_to=end.date() + timedelta(days=2),
            now=NOW,
            include_ack=True,  # RULES E1: a record's own breakdown shows acknowledgements too
        )
        worked = [d for d in whole.days if d.seconds.worked > 0]
        assert own.seconds == whole.totals.seconds, record
        assert own.dates == tuple(d.date for d in worked), record
        assert own.provisional == any(d.provisional for d in worked), record


@settings(max_examples=50, deadline=None)
@given(cases())
def test_shared_timeline_gives_each_record_its_own_figures(case: tuple) -> None:
    contracts, records = case
    batched = classify_records(records, contracts, now=NOW)
    assert list(batched) == [r.id for r in records]  # input order: exports zip rows with it
    for record in records:
        assert batched[record.id] == classify_record(record, contracts, now=NOW), record


def test_start_day_type_and_zone_follow_the_contract_in_force() -> None:
    contracts, _, _ = SCENARIOS[2]
    records = [
        rec("2025-10-01 23:30", "2025-10-02 00:30", rid="1"),  # RULES C2: statutory holiday
        rec("2025-10-11 10:00", "2025-10-11 11:00", rid="2"),  # RULES C3: make-up workday
        rec("2025-03-02 09:00", "2025-03-02 10:00", tz="Europe/Berlin", rid="3"),  # a Sunday
    ]
    figures = record_figures(records, contracts, now=NOW)
    assert (figures["1"].start_date.isoformat(), figures["1"].day_type) == (
        "2025-10-01",
        "statutory_holiday",
    )
    assert figures["2"].day_type == "workday"
    assert (figures["3"].day_type, figures["3"].timezone) == ("rest_day", "Europe/Berlin")


def test_no_records_no_timeline() -> None:
    assert classify_records([], history(), now=NOW) == {}
