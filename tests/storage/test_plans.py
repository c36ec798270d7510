"""A report reads its period through the start_utc index: the query plans show it (issue 7).

A test of the mechanism, not of time. Every statement that a report sends is recorded and run
again under EXPLAIN QUERY PLAN on the same file: each read of `records` must SEARCH an index over a
bounded range, and the ledger itself is read only by its primary key, one entry per record read
(the record's own `record.add` entry, whose data is the payload until a correction: schema 0002).
A full SCAN would make a week's report cost follow the years of history instead of the week.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from offline_tracker.app import open_app, reports
from offline_tracker.storage import queries
from offline_tracker.storage.db import Tx
from tests.conftest import Ot

NOW = datetime(2025, 10, 8, 1, 30, tzinfo=UTC)
Statement = tuple[str, dict[str, Any]]


@pytest.fixture
def history(ledger: Ot) -> Ot:
    """Records over several years, an open session and a correction."""
    for at in ("2019-03-04 21:00", "2022-07-05 22:30", "2025-10-06 21:00", "2025-10-07 23:00"):
        assert ledger("log", "late message", "--at", at, "--minutes", "20").code == 0
    assert ledger("amend", "3", "--minutes", "45", "--reason", "longer").code == 0
    assert ledger("start", "on call", "--at", "2025-10-07 23:30").code == 0
    return ledger


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Statement]]:
    """Every (sql, params) that goes through a Tx while the test runs."""
    seen: list[Statement] = []
    execute = Tx.execute

    def recording(self: Tx, sql: str, params: dict[str, Any] | None = None) -> Any:
        seen.append((sql, dict(params or {})))
        return execute(self, sql, params)

    monkeypatch.setattr(Tx, "execute", recording)
    yield seen


def plan(db: Path, sql: str, params: dict[str, Any]) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        return [str(row[3]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def reads_of(table: str, seen: list[Statement]) -> list[Statement]:
    return [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT") and table in s]


def test_period_query_searches_a_bounded_range_of_the_start_index(
    history: Ot, statements: list[Statement]
) -> None:
    with open_app(str(history.db), lambda: NOW) as app, app.db.read() as tx:
        statements.clear()
        found = queries.records_between(
            tx, datetime(2025, 10, 5, 16, tzinfo=UTC), datetime(2025, 10, 12, 16, tzinfo=UTC)
        )
    assert len(found) == 3  # two messages and the open session, nothing from earlier years
    plans = [plan(history.db, sql, params) for sql, params in reads_of("records", statements)]
    period = [p for p in plans if any("ix_records_start_utc" in line for line in p)]
    assert period, plans
    # Both ends bounded: the lookback (max_span) stops the search, not the start of history.
    assert any("start_utc>? AND start_utc<?" in line for line in period[0]), period
    for lines in plans:
        assert not any(line.startswith("SCAN records") for line in lines), lines


def test_week_report_reads_only_indexed_ranges_and_never_the_ledger(
    history: Ot, statements: list[Statement]
) -> None:
    with open_app(str(history.db), lambda: NOW) as app:
        statements.clear()
        result = reports.report(app, date(2025, 10, 6), date(2025, 10, 12)).result
    assert result.record_count == 3
    # The report names the ledger head it was made from (the last row of the primary key,
    # read backwards and stopped after one row); any other read of the ledger on its own
    # would be a replay.
    records = reads_of("FROM records", statements)
    ledger_reads = [r for r in reads_of("FROM ledger", statements) if r not in records]
    head = [(s, p) for s, p in ledger_reads if s.endswith("ORDER BY seq DESC LIMIT 1")]
    assert len(head) <= 1 and ledger_reads == head, "a report must not replay the ledger"
    assert records
    # An index search, a sort of its rows, and a record's own entry found by its primary key.
    allowed = (
        "SEARCH records USING",
        "USE TEMP B-TREE",
        "CORRELATED SCALAR SUBQUERY",
        "SEARCH e USING INTEGER PRIMARY KEY (rowid=?)",
    )
    for sql, params in records:
        lines = plan(history.db, sql, params)
        assert all(line.startswith(allowed) for line in lines), (sql, lines)
