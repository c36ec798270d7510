"""Issue 19: exports stream their rows (memory does not grow with them), in one or two processes."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

from offline_tracker.app import export_rows, parallel
from offline_tracker.formats import csv_out
from offline_tracker.storage import db, queries
from tests.conftest import FIXED_NOW, Ot


@pytest.fixture
def logged(ledger: Ot) -> Ot:
    for n in range(7):  # a start shared by two records, a running session, a voided record
        at = f"2025-10-0{1 + min(n, 5)} 21:00"
        assert ledger("log", f"task {n}", "--at", at, "--minutes", "30").code == 0
    assert ledger("void", "4", "--reason", "twice").code == 0
    assert ledger("start", "still going", "--at", "2025-10-08 08:00").code == 0
    return ledger


@pytest.mark.parametrize("form", ["csv", "json"])
def test_no_read_holds_more_than_a_page(
    logged: Ot, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    whole = logged("export", form, "--include-voided").out
    sizes: list[int] = []
    real = db.Tx.all

    def counted(self: db.Tx, sql: str, params: dict[str, Any] | None = None) -> Any:
        rows = real(self, sql, params)
        if "FROM records r LEFT JOIN ledger" in sql:
            sizes.append(len(rows))
        return rows

    monkeypatch.setattr(db.Tx, "all", counted)
    monkeypatch.setattr(queries, "PAGE", 3)
    paged = logged("export", form, "--include-voided")
    assert paged.code == 0 and paged.out == whole
    assert max(sizes) <= 3 and len(sizes) >= 3
    assert all(f"task {n}" in paged.out for n in range(7)) and "still going" in paged.out


def test_json_is_written_before_the_rows_end() -> None:
    def endless() -> Iterator[csv_out.Row]:
        row = tuple(None for _ in csv_out.COLUMNS)
        while True:
            yield row

    chunks = csv_out.json_chunks({"format": "x"}, endless())
    first, second = itertools.islice(chunks, 2)
    assert first.endswith(b"[") and second.startswith(b"\n    {")


@pytest.mark.skipif(not parallel.can_fork(), reason="needs Linux and two processors")
def test_the_child_makes_its_half_from_its_own_connection(
    logged: Ot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parent makes only the first half: the second comes from the child's file."""
    alone = logged("export", "csv", "--include-voided").out
    calls: list[tuple[int, int]] = []
    real = export_rows.ExportRows.part

    def part(self: export_rows.ExportRows, lo: int, hi: int) -> Iterator[csv_out.Row]:
        calls.append((lo, hi))  # in the child this list is the child's copy
        return real(self, lo, hi)

    monkeypatch.setattr(export_rows.ExportRows, "part", part)
    monkeypatch.setattr(parallel, "MINIMUM_ITEMS", 2)
    split = logged("export", "csv", "--include-voided")
    assert split.code == 0 and split.out == alone
    assert calls == [(0, 4)]  # eight rows: the child made rows 4-7


def test_a_child_that_sees_another_ledger_head_refuses(logged: Ot) -> None:
    """The ledger grew between the parent's read and the child's: the parent redoes the half."""
    from offline_tracker.app import terms
    from offline_tracker.app.evidence import classified_rows

    database = db.SQLiteDatabase(logged.db)
    with database.read() as tx:
        terms_ = (terms.history(tx), terms.calendars(tx))
        now = datetime.fromisoformat(FIXED_NOW)
        period = (date(2025, 9, 1), now.date())
        rows = classified_rows(tx, period, terms_, now, True, export_rows.reader_of(database))
        assert logged("log", "meanwhile", "--minutes", "5").code == 0
        rows._pid = -1  # as if in a forked child
        with pytest.raises(RuntimeError, match="changed"):
            list(rows.part(4, len(rows)))
    database.close()
