"""Reports: load a period's rows, classify them under the terms in force, hand back values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from offline_tracker.app import terms
from offline_tracker.domain.errors import InputError
from offline_tracker.domain.records import Record
from offline_tracker.storage import queries
from offline_tracker.storage.db import Tx

if TYPE_CHECKING:
    from offline_tracker.app.core import App
    from offline_tracker.domain.calendar import CalendarSet
    from offline_tracker.domain.contract import ContractHistory
    from offline_tracker.domain.results import PeriodResult

# Any zone is within a day of UTC: one spare day each side holds every record of the period.
_MARGIN = timedelta(days=2)
MAX_DAYS = 3700  # about ten years: a larger range is almost surely a typing slip


@dataclass(frozen=True)
class Report:
    """A classified period and what it was computed from."""

    result: PeriodResult
    records: tuple[Record, ...]
    contracts: ContractHistory
    calendars: CalendarSet
    zone: ZoneInfo
    now: datetime


def report(app: App, first: date, last: date, include_ack: bool = False) -> Report:
    """Classify `first..last` (local dates, inclusive); reads only the period's rows."""
    if last < first:
        raise InputError("error.range_reversed", first=first, last=last)
    if (last - first).days > MAX_DAYS:
        raise InputError("error.range_too_long", days=MAX_DAYS)
    with app.db.read() as tx:
        return classify_period(tx, first, last, app.now(), include_ack)


def classify_period(
    tx: Tx, first: date, last: date, now: datetime, include_ack: bool = False
) -> Report:
    """The report pipeline inside a read transaction: load the period's rows, classify them."""
    from offline_tracker.domain.classify import classify
    from offline_tracker.domain.comptime import pooled_window

    history, calendars = terms.history(tx), terms.calendars(tx)
    lo, hi = _bounds(first, last)
    records = tuple(queries.records_between(tx, lo, hi))
    # RULES P3: every entry is bound to its rest day, so every entry is read (they are few);
    # entries without --for need the rest-day work of the twelve months before them too.
    comp = terms.comp_time(tx)
    window = pooled_window(comp)
    rest = None if window is None else _rest_work(tx, history, calendars, window)
    result = classify(
        records,
        history,
        date_from=first,
        date_to=last,
        now=now,
        calendars=calendars,
        comp_time=comp,
        include_ack=include_ack,
        rest_work=rest,
    )
    zone = ZoneInfo(result.timezone)
    return Report(result, records, history, calendars, zone, now)


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


def today(app: App) -> date:
    with app.db.read() as tx:
        return app.today(tx)


def week_start(app: App) -> int:
    with app.db.read() as tx:
        return int(terms.history(tx).latest.week_start)


@dataclass(frozen=True)
class WeekRow:
    first: date
    last: date
    off_hours_s: int


def trend(app: App, weeks: int) -> list[WeekRow]:
    """Off-hours seconds in each of the last `weeks` weeks, this one included (one pass)."""
    from offline_tracker.domain.offhours import weekly_totals
    from offline_tracker.domain.timeparse import week_of

    start = week_start(app)
    this_week = week_of(today(app), start)
    first = this_week[0] - timedelta(days=7 * (weeks - 1))
    result = report(app, first, this_week[1]).result
    return [WeekRow(w.first, w.last, w.off_hours_s) for w in weekly_totals(result, start)]
