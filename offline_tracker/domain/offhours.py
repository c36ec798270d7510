"""Off-hours figures of a report: contacts, rest, patterns, hour heatmap, weekly trend (E1, E2)."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta, tzinfo
from itertools import accumulate
from typing import Final
from zoneinfo import ZoneInfo

from offline_tracker.domain.calendar import WORKDAY, CalendarSet
from offline_tracker.domain.contract import ContractHistory
from offline_tracker.domain.records import Record
from offline_tracker.domain.results import DayResult, PeriodResult
from offline_tracker.domain.timeline import INSIDE, DayPlan, Piece, Timeline, epoch, instant, wall
from offline_tracker.domain.values import value

TOP: Final = 5
HOURS: Final = 24
WEEKDAYS: Final = 7
# A night runs noon to noon; its rest is the stretch without work around 04:00, so a reply at 01:30
# ends the evening and a call at 05:00 starts the morning (docs/reports.md).
NIGHT_EDGE_MINUTE: Final = 12 * 60
NIGHT_ANCHOR_MINUTE: Final = 4 * 60

Span = tuple[int, int]


@value
class Count:
    """How many off-hours contacts came from one counterpart or over one channel."""

    name: str
    count: int


@value
class Rest:
    """A stretch with no scheduled shift, no record and no contact; `date` is where it starts."""

    start: datetime
    end: datetime
    date: date

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())


@value
class Pattern:
    """Periodicity (E2): off-hours work on `worked` of the `total` elapsed days of one weekday."""

    weekday: int
    worked: int
    total: int


@value
class OffHours:
    """The off-hours section of a report; docs/reports.md defines each figure."""

    contacts: int
    late_night_contacts: int
    ack_contacts: int
    day_contacts: tuple[tuple[date, int], ...]
    rest_days: int
    rest_days_interrupted: int
    longest_rest: Rest | None
    shortest_night: Rest | None
    counterparts: tuple[Count, ...]
    channels: tuple[Count, ...]
    rest_pattern: tuple[Pattern, ...]
    workday_pattern: tuple[Pattern, ...]

    @property
    def substantive_contacts(self) -> int:
        return self.contacts - self.ack_contacts

    @property
    def ack_percent(self) -> int | None:
        """RULES E1: acknowledgements / all off-hours contacts, in whole percent (half up)."""
        if not self.contacts:
            return None
        return (200 * self.ack_contacts + self.contacts) // (2 * self.contacts)

    def contacts_on(self, day: date) -> int:
        return next((n for d, n in self.day_contacts if d == day), 0)


@value
class WeekTotal:
    """Off-hours seconds of one week of a period (`days` of it inside the period)."""

    first: date
    last: date
    days: int
    off_hours_s: int
    late_night_s: int
    days_off_hours: int


@value
class _Contact:
    record: Record
    day: date
    late: bool


def _locate(timeline: Timeline, starts: Sequence[int], moment: int) -> tuple[DayPlan, Piece] | None:
    if not timeline.start <= moment < timeline.end:
        return None
    plan = timeline.plans[bisect_right(starts, moment) - 1]
    piece = next((p for p in plan.pieces if p.start <= moment < p.end), None)
    return None if piece is None else (plan, piece)


def _contacts(records: Iterable[Record], timeline: Timeline) -> list[_Contact]:
    """Records starting in the period outside an active shift: an off-hours contact each."""
    starts = [plan.start for plan in timeline.plans]
    found = []
    for record in records:
        where = _locate(timeline, starts, epoch(record.start))
        # A rest or statutory day has no active shift, so every start on it is off hours.
        if where is not None and where[1].category != INSIDE:
            found.append(_Contact(record, where[0].date, where[1].late_night))
    return found


def _busy(timeline: Timeline, records: Iterable[Record], now: int) -> list[Span]:
    """Scheduled shifts and record spans; a zero-length record is a point that still breaks rest."""
    spans = [
        (piece.start, piece.end)
        for plan in timeline.plans
        for piece in plan.pieces
        if piece.category == INSIDE
    ]
    for record in records:
        start = epoch(record.start)
        end = epoch(record.end) if record.end is not None else now
        spans.append((start, max(start, end)))
    return sorted(spans)


def _longest_gap(busy: Sequence[Span], lo: int, hi: int) -> Span:
    best, cursor = (lo, lo), lo
    for a, b in busy:
        if a >= hi:
            break
        if a > cursor and a - cursor > best[1] - best[0]:
            best = (cursor, a)
        cursor = max(cursor, b)
    if hi - cursor > best[1] - best[0]:
        best = (cursor, hi)
    return best


class _Busy:
    """Sorted busy spans with a running maximum of their ends: each night is a binary search
    instead of a scan from the start of the period (a year of records has ~365 nights)."""

    def __init__(self, busy: Sequence[Span]) -> None:
        self.starts = [a for a, _ in busy]
        self.max_end: list[int] = list(accumulate((b for _, b in busy), max))

    def gap_around(self, lo: int, hi: int, anchor: int) -> Span:
        """The rest holding `anchor` within [lo, hi]; empty at the anchor when work covers it."""
        i = bisect_right(self.starts, anchor)
        reached = self.max_end[i - 1] if i else lo
        if reached > anchor:
            return anchor, anchor
        end = min(hi, self.starts[i]) if i < len(self.starts) else hi
        return max(lo, reached), end


def _rest(gap: Span, day: date) -> Rest:
    return Rest(instant(gap[0]), instant(gap[1]), day)


def _longest_rest(timeline: Timeline, busy: Sequence[Span], now: int) -> Rest | None:
    # Time after `now` has not happened yet, so it is not rest.
    hi = min(timeline.end, now)
    if hi <= timeline.start:
        return None
    gap = _longest_gap(busy, timeline.start, hi)
    return _rest(gap, timeline.date_of(gap[0]))


def _shortest_night(timeline: Timeline, busy: Sequence[Span], now: int) -> Rest | None:
    nights, spans = [], _Busy(busy)
    for evening, morning in zip(timeline.plans, timeline.plans[1:], strict=False):
        lo = wall(evening.date, NIGHT_EDGE_MINUTE, evening.contract.zone)
        hi = wall(morning.date, NIGHT_EDGE_MINUTE, morning.contract.zone)
        anchor = wall(morning.date, NIGHT_ANCHOR_MINUTE, morning.contract.zone)
        if lo <= anchor <= hi <= now:
            gap = spans.gap_around(lo, hi, anchor)
            nights.append(_rest(gap, evening.date))
    return min(nights, key=lambda r: (r.seconds, r.start), default=None)


def _top(names: Iterable[str | None]) -> tuple[Count, ...]:
    counts = Counter(n.strip() for n in names if n and n.strip())
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(Count(name, n) for name, n in ranked[:TOP])


def _pattern(days: Iterable[DayResult], rest: bool) -> tuple[Pattern, ...]:
    total: Counter[int] = Counter()
    worked: Counter[int] = Counter()
    for day in days:
        if (day.day_type != WORKDAY) == rest:
            total[day.date.weekday()] += 1
            worked[day.date.weekday()] += day.seconds.off_schedule > 0
    return tuple(Pattern(w, worked[w], total[w]) for w in sorted(total))


def off_hours(
    result: PeriodResult,
    records: Sequence[Record],
    contracts: ContractHistory,
    calendars: CalendarSet,
    now: datetime,
    timeline: Timeline | None = None,
) -> OffHours:
    """The off-hours figures of `result`'s period from the records behind it (acks included);
    `timeline`: the period's day plans when the caller has them already (one per report)."""
    if timeline is None:
        timeline = Timeline(contracts, calendars, result.period_from, result.period_to)
    now_s = epoch(now)
    live = [r for r in records if not r.voided]
    contacts = _contacts(live, timeline)
    per_day = Counter(c.day for c in contacts)
    # Days that have not begun yet are left out of the day counts: a Sunday to come is not rest.
    begun = {p.date for p in timeline.plans if p.start < now_s}
    elapsed = [d for d in result.days if d.date in begun]
    rest_days = [d for d in elapsed if d.day_type != WORKDAY]
    busy = _busy(timeline, live, now_s)
    return OffHours(
        contacts=len(contacts),
        late_night_contacts=sum(c.late for c in contacts),
        ack_contacts=sum(c.record.is_ack for c in contacts),
        day_contacts=tuple((d.date, per_day[d.date]) for d in result.days),
        rest_days=len(rest_days),
        rest_days_interrupted=sum(
            1 for d in rest_days if d.seconds.off_schedule > 0 or per_day[d.date] > 0
        ),
        longest_rest=_longest_rest(timeline, busy, now_s),
        shortest_night=_shortest_night(timeline, busy, now_s),
        counterparts=_top(c.record.counterpart for c in contacts),
        channels=_top(c.record.channel for c in contacts),
        rest_pattern=_pattern(elapsed, rest=True),
        workday_pattern=_pattern(elapsed, rest=False),
    )


def _offset_change(lo: int, hi: int, zone: tzinfo) -> int:
    """The first second in (lo, hi) with another UTC offset than `lo` (a DST change), else hi."""
    offset = instant(lo).astimezone(zone).utcoffset()
    if instant(hi - 1).astimezone(zone).utcoffset() == offset:
        return hi
    same, other = lo, hi - 1
    while other - same > 1:
        middle = (same + other) // 2
        if instant(middle).astimezone(zone).utcoffset() == offset:
            same = middle
        else:
            other = middle
    return other


def _hourly(start: int, end: int, zone: tzinfo) -> Iterator[tuple[int, int, int]]:
    """(weekday, hour, seconds) of [start, end) cut at each local hour boundary and DST change."""
    moment = start
    while moment < end:
        local = instant(moment).astimezone(zone)
        stop = min(end, moment + 3600 - local.minute * 60 - local.second)
        stop = _offset_change(moment, stop, zone)
        yield local.weekday(), local.hour, stop - moment
        moment = stop


def heatmap(
    result: PeriodResult, zone_of_day: Callable[[date], tzinfo] | None = None
) -> tuple[tuple[int, ...], ...]:
    """Off-hours seconds (every category but inside) by weekday (Mon=0) x local hour (T2)."""
    zones = {d.date: d.timezone for d in result.days}
    grid = [[0] * HOURS for _ in range(WEEKDAYS)]
    for segment in result.segments:
        if segment.category == INSIDE:
            continue
        if zone_of_day is not None:
            zone = zone_of_day(segment.local_date)
        else:
            zone = ZoneInfo(zones.get(segment.local_date, result.timezone))
        for weekday, hour, seconds in _hourly(epoch(segment.start), epoch(segment.end), zone):
            grid[weekday][hour] += seconds
    return tuple(tuple(row) for row in grid)


def _week_first(day: date, week_start: int) -> date:
    """The first day of the week holding `day`, weeks starting on `week_start` (0 = Monday)."""
    return day - timedelta(days=(day.weekday() - week_start) % WEEKDAYS)


def weekly_totals(result: PeriodResult, week_start: int = 0) -> tuple[WeekTotal, ...]:
    """Off-hours seconds per week of the period, for the trend; a cut week has `days` < 7."""
    weeks: dict[date, list[DayResult]] = {}
    for day in result.days:
        weeks.setdefault(_week_first(day.date, week_start), []).append(day)
    return tuple(
        WeekTotal(
            first=first,
            last=first + timedelta(days=WEEKDAYS - 1),
            days=len(days),
            off_hours_s=sum(d.seconds.off_schedule for d in days),
            late_night_s=sum(d.seconds.late_night for d in days),
            days_off_hours=sum(1 for d in days if d.seconds.off_schedule > 0),
        )
        for first, days in sorted(weeks.items())
    )


def outside_count(
    moments: Sequence[datetime], contracts: ContractHistory, calendars: CalendarSet
) -> int:
    """How many of `moments` fall outside an active shift (rest days and holidays included)."""
    if not moments:
        return 0
    first = min(moments).date() - timedelta(days=1)
    last = max(moments).date() + timedelta(days=1)
    timeline = Timeline(contracts, calendars, first, last)
    starts = [plan.start for plan in timeline.plans]
    found = (_locate(timeline, starts, epoch(m)) for m in moments)
    return sum(1 for where in found if where is not None and where[1].category != INSIDE)
