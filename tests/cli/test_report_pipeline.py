"""Issue 14's pipeline: one read transaction and one Timeline per report, terms read once.

Statements are counted with sqlite3's trace callback (scripts/count_queries.py does the same
for every command); the counts must not grow with the period.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from offline_tracker.domain import timeline
from tests.conftest import Ot


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    found = {"sql": 0, "begin": 0, "timelines": 0}
    connect, init = sqlite3.connect, timeline.Timeline.__init__

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)

        def count(statement: str) -> None:
            found["sql"] += 1
            found["begin"] += statement.startswith("BEGIN")

        conn.set_trace_callback(count)
        return conn

    def counted_init(self: Any, *args: Any, **kwargs: Any) -> None:
        found["timelines"] += 1
        init(self, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", traced)
    monkeypatch.setattr(timeline.Timeline, "__init__", counted_init)
    yield found


def _run(ledger: Ot, counts: dict[str, int], *args: str) -> dict[str, int]:
    counts.update(sql=0, begin=0, timelines=0)
    result = ledger(*args)
    assert result.code == 0, result.err
    return dict(counts)


def test_calendar_year_costs_what_a_month_costs(ledger: Ot, counts: dict[str, int]) -> None:
    assert ledger("calendar", "set", "2025-03-03", "--as", "rest-day").code == 0
    month = _run(ledger, counts, "calendar", "show", "--year", "2025", "--month", "3")
    year = _run(ledger, counts, "calendar", "show", "--year", "2025")
    assert year["sql"] == month["sql"] < 30  # was 1,102 for the year


@pytest.mark.parametrize("as_json", [False, True])
def test_a_report_reads_once_and_plans_once(
    ledger: Ot, counts: dict[str, int], as_json: bool
) -> None:
    for when in ("2025-03-03 21:00", "2025-09-30 20:00", "2025-10-02 10:00"):
        assert ledger("log", "evening", "--at", when, "--minutes", "30").code == 0
    extra = ("--json",) if as_json else ()
    day = _run(ledger, counts, "report", "day", "2025-10-02", *extra)
    year = _run(ledger, counts, "report", "range", "--from", "2025-01-01", "--to", "2025-12-31")
    week = _run(ledger, counts, "report", "week", "2025-10-02", *extra)
    assert day["sql"] == year["sql"] == week["sql"]
    # Opening the ledger takes two short transactions; the report itself one.
    assert day["begin"] == year["begin"] == week["begin"] == 3
    assert day["timelines"] == year["timelines"] == week["timelines"] == 1
