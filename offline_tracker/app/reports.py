"""Reports: resolve a period, read its rows and terms once, hand back one ReportView."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from offline_tracker.app import terms
from offline_tracker.domain.errors import InputError
from offline_tracker.storage import ledger, queries
from offline_tracker.storage.db import Tx

if TYPE_CHECKING:
    from offline_tracker.app.core import App
    from offline_tracker.domain.calendar import CalendarSet
    from offline_tracker.domain.contract import ContractHistory
    from offline_tracker.domain.offhours import WeekTotal
    from offline_tracker.domain.report_view import ReportView
    from offline_tracker.domain.results import CompOffset

# Any zone is within a day of UTC: one spare day each side holds every record of the period.
_MARGIN = timedelta(days=2)
MAX_DAYS = 3700  # about ten years: a larger range is almost surely a typing slip


Period = Callable[[date, int], tuple[date, date]]


def view(app: App, period: Period, include_ack: bool = False) -> ReportView:
    """The report of `period(today, week_start)`: the period is resolved, classified and
    analysed inside one read transaction, over one snapshot of the terms."""
    now = app.now()
    with app.db.read() as tx:
        snap = terms.snapshot(tx)
        first, last = period(now.astimezone(snap.zone).date(), int(snap.history.latest.week_start))
        check_period(first, last)  # a report's range; exports take any (issue 19)
        return classify_period(tx, first, last, now, include_ack, snap)


def report(app: App, first: date, last: date, include_ack: bool = False) -> ReportView:
    """Classify `first..last` (local dates, inclusive); reads only the period's rows."""
    return view(app, lambda _today, _start: (first, last), include_ack)


def check_period(first: date, last: date) -> None:
    if last < first:
        raise InputError("error.range_reversed", first=first, last=last)
    if (last - first).days > MAX_DAYS:
        raise InputError("error.range_too_long", days=MAX_DAYS)


def classify_period(
    tx: Tx,
    first: date,
    last: date,
    now: datetime,
    include_ack: bool = False,
    snap: terms.Terms | None = None,
) -> ReportView:
    """The report pipeline inside a read transaction: the terms (once), the period's rows,
    then one Timeline for classification and off-hours analysis (domain/report_view.py)."""
    from offline_tracker.domain.report_view import ReportInput, build_view

    snap = snap or terms.snapshot(tx)
    lo, hi = _bounds(first, last)
    records = tuple(queries.records_between(tx, lo, hi))
    offsets = _comp_offsets(tx, snap, first, last, now)
    source = ReportInput(records, snap.history, snap.calendars, snap.comp_time, offsets)
    head = ledger.head(tx)
    return build_view(source, first, last, now, include_ack=include_ack, head=head)


def _comp_offsets(
    tx: Tx, snap: terms.Terms, first: date, last: date, now: datetime
) -> tuple[CompOffset, ...]:
    """RULES P3: every entry is bound to its rest day (they are few, all read with the terms);
    of those without --for, only the ones taken in the period or reaching into it, each as
    the whole ledger binds it, reading only the rest-day work that can change them
    (comptime.bind_for_period: the cost follows the period, not the history; issue 19)."""
    from offline_tracker.domain.comptime import bind_for_period

    today = now.astimezone(snap.history.latest.zone).date()

    def read(since: date, until: date) -> dict[date, int]:
        return _rest_work(tx, snap.history, snap.calendars, (since, until))

    return bind_for_period(snap.comp_time, first, last, today, read)


def _rest_work(
    tx: Tx, history: ContractHistory, calendars: CalendarSet, window: tuple[date, date]
) -> dict[date, int]:
    """Rest-day seconds of the window (RULES P3): one cheap read of the closed records' spans,
    classified over the runs of rest days only."""
    from offline_tracker.domain.classify import rest_seconds_of_spans
    from offline_tracker.domain.comptime import rest_runs

    runs = rest_runs(history, calendars, *window)
    if not runs:
        return {}
    spans = queries.claimed_spans(tx, *_bounds(runs[0][0], runs[-1][1]))
    return rest_seconds_of_spans(spans, history, calendars, runs)


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    lo = datetime.combine(first, datetime.min.time(), UTC) - _MARGIN
    return lo, datetime.combine(last, datetime.min.time(), UTC) + _MARGIN


def trend(
    app: App, weeks: int | None, date_from: str | None = None, date_to: str | None = None
) -> tuple[WeekTotal, ...]:
    """Off-hours seconds per week: of the last `weeks` weeks (default 12), this one included,
    or of `date_from..date_to` (a past employment: a week it cuts counts only its days)."""
    from offline_tracker.domain.timeparse import parse_date, week_of

    if date_to is not None and date_from is None:
        raise InputError("error.trend_to_without_from")
    if weeks is not None and date_from is not None:
        raise InputError("error.trend_weeks_and_range")

    def period(today: date, start: int) -> tuple[date, date]:
        if date_from is not None:
            return parse_date(date_from, today), parse_date(date_to, today) if date_to else today
        this_week = week_of(today, start)
        return this_week[0] - timedelta(days=7 * ((weeks or 12) - 1)), this_week[1]

    return view(app, period).weeks
