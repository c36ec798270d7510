"""One report, computed once: the value every view of a period (text, HTML, JSON, XLSX) shows.

The pipeline (docs/architecture.md): one day plan of the period (the Timeline), the
classification and pay over it, the off-hours analysis over the same plan, the heatmap and the
weekly totals, and where it all came from. Views format these figures; none computes its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from offline_tracker.domain.calendar import CalendarSet
from offline_tracker.domain.contract import Contract, ContractHistory
from offline_tracker.domain.offhours import OffHours, WeekTotal, heatmap, off_hours, weekly_totals
from offline_tracker.domain.records import Record
from offline_tracker.domain.results import (
    CategorySeconds,
    CompOffset,
    CompTime,
    DayResult,
    Flag,
    PeriodResult,
)
from offline_tracker.domain.timeline import Timeline
from offline_tracker.domain.values import value

Heatmap = tuple[tuple[int, ...], ...]
# Past this many overlapping pairs a report says how many there are instead of listing them (a
# year of messages logged during sessions gives thousands); the JSON lists every one.
OVERLAPS_LISTED: Final = 20


@value
class Provenance:
    """What the report was computed from: the ledger head it read and when it was made."""

    generated_at: datetime
    head_seq: int
    head_hash: str


@value
class MonthTotal:
    """The worked seconds of one calendar month of a period (`days` of it in the period)."""

    first: date
    days: int
    days_off_hours: int
    seconds: CategorySeconds


def monthly_totals(result: PeriodResult) -> tuple[MonthTotal, ...]:
    """One row per calendar month the period touches (the days add up to the totals)."""
    months: dict[date, list[DayResult]] = {}
    for day in result.days:
        months.setdefault(day.date.replace(day=1), []).append(day)
    return tuple(
        MonthTotal(
            first=first,
            days=len(days),
            days_off_hours=sum(1 for d in days if d.seconds.off_schedule > 0),
            seconds=sum((d.seconds for d in days), CategorySeconds()),
        )
        for first, days in sorted(months.items())
    )


@value
class ReportView:
    """A classified period with every figure a report shows (frozen: views only read it)."""

    result: PeriodResult
    off_hours: OffHours
    heatmap: Heatmap  # off-hours seconds, weekday (Mon=0) x local hour (RULES E2)
    weeks: tuple[WeekTotal, ...]
    months: tuple[MonthTotal, ...]
    history: ContractHistory
    zone: ZoneInfo
    provenance: Provenance

    @property
    def now(self) -> datetime:
        return self.provenance.generated_at

    @property
    def contract(self) -> Contract:
        """The version in force on the last day (the header's terms)."""
        found = self.history.get(self.result.period_to)
        return found if found is not None else self.history.first

    @property
    def contracts(self) -> tuple[Contract, ...]:
        """The versions in force during the period, the first one first."""
        first, last = self.result.period_from, self.result.period_to
        current = self.history.get(first) or self.history.first
        return (current, *self.history.changes_between(first, last))


@value
class ListedFlags:
    """The findings a report lists one by one, and the overlaps it only counts (RULES T3)."""

    flags: tuple[Flag, ...]
    overlaps: int = 0  # pairs counted, not listed (0: every pair is in `flags`)
    overlap_days: int = 0


def listed_flags(flags: Sequence[Flag]) -> ListedFlags:
    overlaps = [f for f in flags if f.code == "overlap"]
    if len(overlaps) <= OVERLAPS_LISTED:
        return ListedFlags(tuple(flags))
    others = tuple(f for f in flags if f.code != "overlap")
    return ListedFlags(others, len(overlaps), len({f.date for f in overlaps}))


@value
class ReportInput:
    """The period's records and the terms they are read under (one snapshot)."""

    records: Sequence[Record]
    history: ContractHistory
    calendars: CalendarSet
    comp_time: Sequence[CompTime] = ()
    comp_offsets: Sequence[CompOffset] | None = None  # bound already (comptime.bind_for_period)


def build_view(
    source: ReportInput,
    first: date,
    last: date,
    now: datetime,
    *,
    include_ack: bool = False,
    head: tuple[int, str] = (0, ""),
) -> ReportView:
    """Classify `first..last` (local dates, inclusive) and analyse it, over one Timeline."""
    from offline_tracker.domain.classify import classify

    if last < first:
        raise ValueError(f"period ends ({last}) before it starts ({first})")
    timeline = Timeline(source.history, source.calendars, first, last)
    result = classify(
        source.records,
        source.history,
        date_from=first,
        date_to=last,
        now=now,
        calendars=source.calendars,
        comp_time=source.comp_time,
        include_ack=include_ack,
        offsets=source.comp_offsets,
        timeline=timeline,
    )
    figures = off_hours(
        result, source.records, source.history, source.calendars, now, timeline=timeline
    )
    return ReportView(
        result=result,
        off_hours=figures,
        heatmap=heatmap(result),
        weeks=weekly_totals(result, int(source.history.latest.week_start)),
        months=monthly_totals(result),
        history=source.history,
        zone=ZoneInfo(result.timezone),
        provenance=Provenance(now, *head),
    )
