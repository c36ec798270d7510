"""Each record classified on its own (no union, RULES E2): one classifier, for one record or many.

Many records share one timeline (exports); `classify_record` is the same classifier on one span.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from offline_tracker.domain.calendar import REST_DAY, STATUTORY, CalendarSet
from offline_tracker.domain.contract import ContractHistory
from offline_tracker.domain.records import Record
from offline_tracker.domain.results import CategorySeconds, RecordBreakdown
from offline_tracker.domain.timeline import (
    INSIDE,
    OUTSIDE_WORKDAY,
    DayPlan,
    Timeline,
    epoch,
    instant,
)

_SLOT = {INSIDE: 0, OUTSIDE_WORKDAY: 1, REST_DAY: 2, STATUTORY: 3}


class RecordSpan(NamedTuple):
    """What classification needs of a record: its id, POSIX start and end (None: running)."""

    record_id: str
    start: int
    end: int | None
    voided: bool = False


class RecordFigures(NamedTuple):
    """A record's own seconds per category (as in RecordBreakdown), and its start's day (T1).

    A named tuple, not a frozen dataclass: a 50k-row export makes one per record.
    """

    seconds: CategorySeconds
    dates: tuple[date, ...]
    provisional: bool
    start_date: date
    day_type: str
    timezone: str

    def breakdown(self, record_id: str) -> RecordBreakdown:
        return RecordBreakdown(record_id, self.seconds, self.dates, self.provisional)


class _Pieces:
    """Every piece of a timeline in one sorted list, found by bisection."""

    def __init__(self, timeline: Timeline) -> None:
        self.starts: list[int] = []
        self.rows: list[tuple[int, int, int, bool, DayPlan]] = []
        for plan in timeline.plans:
            for piece in plan.pieces:
                self.starts.append(piece.start)
                self.rows.append(
                    (piece.start, piece.end, _SLOT[piece.category], piece.late_night, plan)
                )

    def figures(self, start: int, end: int) -> RecordFigures:
        """Seconds of [start, end) per category; an empty span still gets its start's day."""
        # The hot loop of a 50k-row export: plain tuples and locals, no per-piece objects.
        rows, index = self.rows, max(bisect_right(self.starts, start) - 1, 0)
        first = rows[index][4]
        totals, late = [0, 0, 0, 0], 0
        plans: list[DayPlan] = []
        while index < len(rows) and rows[index][0] < end:
            a, b, slot, is_late, plan = rows[index]
            overlap = min(end, b) - max(start, a)
            if overlap > 0:
                totals[slot] += overlap
                late += overlap if is_late else 0
                if not plans or plans[-1] is not plan:
                    plans.append(plan)
            index += 1
        return RecordFigures(
            CategorySeconds(totals[0], totals[1], totals[2], totals[3], late),
            tuple([p.date for p in plans]),
            any([p.info.provisional for p in plans]),
            first.date,
            first.info.day_type,
            first.contract.timezone,
        )


class SpanClassifier:
    """The per-record classifier: many spans over one shared timeline, one span at a time.

    The timeline covers every span given (one spare day each side, as any zone is within a day
    of UTC), so the cost is one day plan per date plus a bisection per span. Exports call
    `figures` as each row is written (in two processes for a long one).
    """

    def __init__(
        self,
        spans: Sequence[RecordSpan],
        contracts: ContractHistory,
        *,
        now: datetime,
        calendars: CalendarSet | None = None,
    ) -> None:
        self.now = now
        self._now = epoch(now)
        self._pieces: _Pieces | None = None
        if spans:
            ends = [self._end(s) for s in spans]
            first = instant(min(s.start for s in spans)).date() - timedelta(days=1)
            last = instant(max(max(ends), max(s.start for s in spans))).date() + timedelta(days=1)
            timeline = Timeline(contracts, calendars or CalendarSet(), first, last)
            self._pieces = _Pieces(timeline)

    def _end(self, span: RecordSpan) -> int:
        # A running session counts up to `now`, never before its own start.
        return span.end if span.end is not None else max(self._now, span.start)

    def figures(self, span: RecordSpan) -> RecordFigures:
        """The span's figures; it must be one of the spans the classifier was made with."""
        if self._pieces is None:
            raise ValueError("a classifier made without spans classifies none")
        # Voided time is never claimed: an empty span keeps only the start's day.
        return self._pieces.figures(span.start, span.start if span.voided else self._end(span))


def span_figures(
    spans: Sequence[RecordSpan],
    contracts: ContractHistory,
    *,
    now: datetime,
    calendars: CalendarSet | None = None,
) -> dict[str, RecordFigures]:
    """Per record id, in the order of `spans`: its own seconds per category, and its start's day."""
    classifier = SpanClassifier(spans, contracts, now=now, calendars=calendars)
    return {span.record_id: classifier.figures(span) for span in spans}


def record_span(record: Record) -> RecordSpan:
    end = epoch(record.end) if record.end is not None else None
    return RecordSpan(record.id, epoch(record.start), end, record.voided)


def record_figures(
    records: Sequence[Record],
    contracts: ContractHistory,
    *,
    now: datetime,
    calendars: CalendarSet | None = None,
) -> dict[str, RecordFigures]:
    """`span_figures` of Record values."""
    spans = [record_span(r) for r in records]
    return span_figures(spans, contracts, now=now, calendars=calendars)


def classify_records(
    records: Sequence[Record],
    contracts: ContractHistory,
    *,
    now: datetime,
    calendars: CalendarSet | None = None,
) -> dict[str, RecordBreakdown]:
    """Every record classified on its own, sharing one timeline."""
    figures = record_figures(records, contracts, now=now, calendars=calendars)
    return {rid: fig.breakdown(rid) for rid, fig in figures.items()}


def classify_record(
    record: Record,
    contracts: ContractHistory,
    *,
    now: datetime,
    calendars: CalendarSet | None = None,
) -> RecordBreakdown:
    """Seconds per category of one record on its own (no union), e.g. for `ot log` and imports:
    the classifier of exports on a single span, so the two can never disagree."""
    span = record_span(record)
    figures = SpanClassifier([span], contracts, now=now, calendars=calendars).figures(span)
    return figures.breakdown(record.id)
