"""Overlap findings per cluster of overlapping records, never per pair (RULES T3, issue 19)."""

from __future__ import annotations

from datetime import timedelta

from offline_tracker.domain.checks import overlap_flags
from offline_tracker.domain.records import Record
from offline_tracker.domain.timeline import Interval
from tests.domain.engine_builders import at, day, rec, run

M = 60


def evening(n: int, minutes: int = 8 * 60) -> list[Record]:
    """`n` sessions of `minutes` from 20:00, each a minute after the one before: all overlap."""
    start = at("2025-11-19 20:00")
    return [
        rec(start + timedelta(minutes=i), start + timedelta(minutes=i + minutes), rid=str(3 + i))
        for i in range(n)
    ]


def test_400_overlapping_records_give_one_finding_that_names_them_all() -> None:
    result = run(evening(400), "2025-11-17", "2025-11-23")
    (flag,) = result.flags_with("overlap")
    assert flag.date == day("2025-11-19")
    assert flag.params["count"] == 400
    assert flag.params["records"] == ",".join(str(3 + i) for i in range(400))
    assert (flag.params["first"], flag.params["second"]) == ("3", "4")
    # Covered twice or more: from the second start (+1 min) to the second-to-last end
    # (+398 min + 8 h).
    assert flag.params["seconds"] == (398 + 8 * 60 - 1) * M
    # RULES T3: the union is counted once: from 20:00 to the last end (+399 min + 8 h).
    assert result.totals.seconds.worked == (399 + 8 * 60) * M


def test_separate_clusters_each_get_one_finding() -> None:
    first = evening(3, minutes=30)
    later = [
        rec("2025-11-20 20:00", "2025-11-20 21:00", rid="a"),
        rec("2025-11-20 20:30", "2025-11-20 20:40", rid="b"),
    ]
    flags = run([*first, *later], "2025-11-17", "2025-11-23").flags_with("overlap")
    assert [f.params["records"] for f in flags] == ["3,4,5", "a,b"]
    assert [f.params["count"] for f in flags] == [3, 2]
    assert flags[1].params["seconds"] == 10 * M


def test_a_chain_is_one_cluster_and_touching_records_do_not_overlap() -> None:
    # a overlaps b, b overlaps c, a does not overlap c: one cluster of three.
    chain = [
        Interval(0, 100, "a", False),
        Interval(90, 200, "b", False),
        Interval(150, 300, "c", False),
        Interval(300, 400, "d", False),  # touches c's end: no overlap
    ]
    (flag,) = overlap_flags(chain, lambda _: day("2025-11-19"))
    assert flag.params["records"] == "a,b,c"
    assert flag.params["seconds"] == 10 + 50


def test_input_order_never_matters_and_work_is_one_per_cluster() -> None:
    spans = [Interval(i * 10, i * 10 + 15, str(i), False) for i in range(20_000)]
    flags = overlap_flags(list(reversed(spans)), lambda _: day("2025-11-19"))
    assert len(flags) == 1 and flags[0].params["count"] == 20_000
    assert flags[0].params["seconds"] == 19_999 * 5
