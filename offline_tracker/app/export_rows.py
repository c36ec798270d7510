"""The rows of a record export, read a page at a time and classified as they are written.

Memory holds one page of rows and the day plans of the records' dates, never the period's rows
(issue 19: a 1M-record export once held them all). The classifier's timeline is built first
from the extent of the rows (one aggregate query), so no row has to be read before the first
is written. Rows are made inside the read transaction they come from: iterate them there.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from offline_tracker.domain.breakdowns import RecordSpan, SpanClassifier
from offline_tracker.formats import csv_out
from offline_tracker.ledger.canonical import plain_loads
from offline_tracker.storage import ledger, queries
from offline_tracker.storage.db import Database, SQLiteDatabase, Tx

if TYPE_CHECKING:
    from offline_tracker.domain.calendar import CalendarSet
    from offline_tracker.domain.contract import ContractHistory

Reader = Callable[[], AbstractContextManager[Tx]]


class ExportRows:
    """The rows of one export: `len()` is known before any is read; `part(lo, hi)` makes rows
    [lo, hi) (the halves of a CSV made on two processors, app/parallel.py).

    A forked child (another process than the one that made this) must not use the parent's
    connection: it reads its half through `reopen`, a new connection to the same file, and
    refuses to go on unless that sees the same ledger head (the ledger is append-only, so the
    same head means the same rows); the parent then makes that half itself.
    """

    def __init__(
        self,
        tx: Tx,
        span: queries.RecordRange,
        count: int,
        classifier: SpanClassifier | None,
        reopen: Reader | None = None,
    ) -> None:
        self._tx, self._span, self._count, self._classifier = tx, span, count, classifier
        self._reopen, self._pid = reopen, os.getpid()
        self._head = ledger.head(tx)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[csv_out.Row]:
        return self.part(0, self._count)

    def part(self, lo: int, hi: int) -> Iterator[csv_out.Row]:
        """Rows [lo, hi), in the export's order."""
        if os.getpid() == self._pid:
            yield from self._made(self._tx, lo, hi)
            return
        if self._reopen is None:
            raise RuntimeError("a child process cannot read this database again")
        with self._reopen() as tx:
            if ledger.head(tx) != self._head:
                raise RuntimeError("the ledger changed since the export began")
            yield from self._made(tx, lo, hi)

    def _made(self, tx: Tx, lo: int, hi: int) -> Iterator[csv_out.Row]:
        if self._classifier is None or lo >= hi:
            return
        row, loads, figures = csv_out.export_row, plain_loads, self._classifier.figures
        now = int(self._classifier.now.timestamp())
        for rid, start, end, voided, data, digest, entered in self._raw(tx, lo, hi):
            span = RecordSpan(str(rid), start, end, voided)
            yield row(rid, loads(data), (start, end), figures(span), digest, now, entered)

    def _raw(self, tx: Tx, lo: int, hi: int) -> Iterator[queries.RecordRow]:
        if lo == 0 and hi == self._count:
            return queries.range_rows(tx, self._span)
        key = queries.range_key(tx, self._span, lo or hi)
        if key is None:  # the cut falls among the few old running sessions read last
            return itertools.islice(queries.range_rows(tx, self._span), lo, hi)
        if lo == 0:
            return itertools.islice(queries.range_rows(tx, self._span, key, True), hi)
        return itertools.islice(queries.range_rows(tx, self._span, key, False), hi - lo)


def classified_rows(
    tx: Tx,
    bounds: tuple[datetime, datetime],
    terms_: tuple[ContractHistory, CalendarSet],
    now: datetime,
    include_voided: bool,
    reopen: Reader | None = None,
) -> ExportRows:
    """The records overlapping `bounds`, each classified on its own (RULES T1-T4), over one
    timeline that covers them all (classify_record per row would rebuild it 50k times)."""
    contracts, calendars = terms_
    span = queries.record_range(tx, *bounds, include_voided)
    count, first, last = queries.range_extent(tx, span, int(now.timestamp()))
    cover = [RecordSpan("", first, last)]
    classifier = None
    if count:
        classifier = SpanClassifier(cover, contracts, now=now, calendars=calendars)
    return ExportRows(tx, span, count, classifier, reopen)


def reader_of(db: Database) -> Reader | None:
    """A new read transaction on the same file, for a forked child (SQLite files only)."""
    if not isinstance(db, SQLiteDatabase) or db.path is None:
        return None
    return _reader(db.path)


def _reader(path: Path) -> Reader:
    @contextmanager
    def read() -> Iterator[Tx]:
        db = SQLiteDatabase(path)
        try:
            with db.read() as tx:
                yield tx
        finally:
            db.close()

    return read
