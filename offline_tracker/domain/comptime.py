"""Time off in lieu (补休, RULES P3) bound to the rest day it is for, whatever the report period."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, timedelta

from offline_tracker.domain.calendar import REST_DAY, CalendarSet
from offline_tracker.domain.contract import ContractHistory
from offline_tracker.domain.cycles import STANDARD_DAY_S
from offline_tracker.domain.pay import DayDraft
from offline_tracker.domain.results import CompOffset, CompTime, DayResult, Flag
from offline_tracker.domain.timeline import DayPlan


def day_length_s(plan: DayPlan) -> int:
    """The most time off one date can hold: its scheduled work, else the longest scheduled day
    of the week (time off is rarely taken on a day off), else the standard 8 h (P1)."""
    if plan.scheduled_s:
        return plan.scheduled_s
    schedule = plan.contract.schedule
    longest = max(schedule.minutes_on(weekday) for weekday in range(7)) * 60
    return longest or STANDARD_DAY_S


def year_before(day: date) -> date:
    """The same date twelve months earlier (28 February for 29 February)."""
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def pooled_window(entries: Sequence[CompTime]) -> tuple[date, date] | None:
    """The dates whose rest-day work entries without `--for` may offset (None: no such entry)."""
    pooled = [e.date for e in entries if e.for_date is None]
    if not pooled:
        return None
    return year_before(min(pooled)), max(pooled)


def rest_runs(
    contracts: ContractHistory, calendars: CalendarSet, first: date, last: date
) -> list[tuple[date, date]]:
    """Runs of consecutive days in `first..last` whose work time off may offset: rest days
    under China's standard system (P3). Reading only their records keeps the cost small."""
    runs: list[tuple[date, date]] = []
    day = first
    while day <= last:
        contract = contracts.get(day) or contracts.first
        calendar = calendars.get(contract.jurisdiction, contract.schedule.workdays)
        usable = contract.rule_pack == "CN" and contract.effective_system == "standard"
        if usable and calendar.day(day).day_type == REST_DAY:
            if runs and runs[-1][1] == day - timedelta(days=1):
                runs[-1] = (runs[-1][0], day)
            else:
                runs.append((day, day))
        day += timedelta(days=1)
    return runs


def offsettable(days: Sequence[DayResult]) -> dict[date, int]:
    """Rest-day seconds that time off may offset: rest days under the standard system (P3)."""
    return {
        d.date: d.seconds.rest_day
        for d in days
        if d.day_type == REST_DAY
        and d.system == "standard"
        and d.seconds.rest_day > 0
        and d.rule_pack == "CN"
    }


def resolve_comp_time(
    entries: Sequence[CompTime], rest_work: Mapping[date, int], today: date
) -> tuple[CompOffset, ...]:
    """Bind every entry to the rest days it offsets (P3), independently of any report period.

    An entry with `for_date` offsets that day. One without it offsets the earliest rest-day
    work not yet offset in the twelve months before the day it was taken, oldest entry first;
    what finds nothing is kept with `for_date` None. Planned time off (after `today`) is
    bound the same way and marked planned.
    """
    left = dict(rest_work)
    offsets: list[CompOffset] = []
    for entry in entries:
        if entry.for_date is not None:
            left[entry.for_date] = max(0, left.get(entry.for_date, 0) - entry.seconds)
            offsets.append(_offset(entry, entry.for_date, entry.seconds, today))
    for entry in sorted((e for e in entries if e.for_date is None), key=lambda e: e.date):
        remaining = entry.seconds
        since = year_before(entry.date)
        for day in sorted(d for d, s in left.items() if since <= d < entry.date and s > 0):
            used = min(remaining, left[day])
            left[day] -= used
            remaining -= used
            offsets.append(_offset(entry, day, used, today))
            if not remaining:
                break
        if remaining:
            offsets.append(_offset(entry, None, remaining, today))
    return tuple(offsets)


RestRead = Callable[[date, date], Mapping[date, int]]
"""Rest-day seconds time off may offset (P3) of `first..last` (inclusive; dates without such
work may be left out): what `bind_for_period` reads, a stretch at a time."""

Frontier = tuple[date, int]
"""Where the pooled entries have got to: every rest-day second before the date is taken (or
out of reach of any later entry), and so many seconds of the date itself."""

_FIRST_READ = 28  # days read at first, doubled each step up to a year
_LONGEST_READ = 366


class RestWork:
    """Rest-day seconds by date less what entries with `--for` took (P3), read on demand: a
    stretch not yet read is read when asked for, in steps that grow from four weeks to a year,
    never past `end` (no entry that matters looks there)."""

    def __init__(self, read: RestRead, taken: Mapping[date, int], end: date) -> None:
        self._read, self._taken, self._end = read, taken, end
        self._left: dict[date, int] = {}
        self._days: list[date] = []  # the dates of `_left`, sorted
        self.reads: list[tuple[date, date]] = []  # what was read ([first, last)), sorted

    def left(self, day: date) -> int:
        return self._left.get(day, 0)

    def days_from(self, since: date, until: date) -> Iterator[date]:
        """The dates in `since..until` (exclusive) with seconds left, in order."""
        until = min(until, self._end)
        day, step = since, _FIRST_READ
        while day < until:
            stop = self._read_until(day)
            if stop is None:
                self._load(day, min(until, self._next_read(day), day + timedelta(days=step)))
                step = min(2 * step, _LONGEST_READ)
                continue
            i = bisect_left(self._days, day)
            stop = min(stop, until)
            if i < len(self._days) and self._days[i] < stop:
                yield self._days[i]
                day = self._days[i] + timedelta(days=1)
            else:
                day = stop

    def _read_until(self, day: date) -> date | None:
        """The end of the stretch already read that holds `day` (None: not read)."""
        i = bisect_left(self.reads, (day, date.max))
        if i and self.reads[i - 1][0] <= day < self.reads[i - 1][1]:
            return self.reads[i - 1][1]
        return None

    def _next_read(self, day: date) -> date:
        i = bisect_left(self.reads, (day, date.max))
        return self.reads[i][0] if i < len(self.reads) else date.max

    def _load(self, first: date, last: date) -> None:
        """Read `first..last` (exclusive); explicit entries' seconds come off their day first."""
        for day, seconds in self._read(first, last - timedelta(days=1)).items():
            left = seconds - self._taken.get(day, 0)
            if first <= day < last and left > 0:
                self._left[day] = left
        self._days = sorted(self._left)
        self.reads.append((first, last))
        self.reads.sort()


def bind_for_period(
    entries: Sequence[CompTime], first: date, last: date, today: date, read: RestRead
) -> tuple[CompOffset, ...]:
    """The offsets a report of `first..last` needs (P3), each exactly as `resolve_comp_time`
    binds it over the whole ledger, reading only the rest-day work that can change them.

    Every entry with `--for` (its offset needs no reading), and the entries without it that
    were taken in the period or whose twelve months reach into it: oldest first, they start
    where the earlier entries left off (a `Frontier`, found by `_frontier_before`).
    """
    explicit = [e for e in entries if e.for_date is not None]
    offsets = [_offset(e, e.for_date, e.seconds, today) for e in explicit]
    pooled = sorted((e for e in entries if e.for_date is None), key=lambda e: e.date)
    reach = [i for i, e in enumerate(pooled) if e.date >= first and year_before(e.date) <= last]
    if not reach:
        return tuple(offsets)
    taken: dict[date, int] = {}
    for entry in explicit:
        day = entry.for_date or entry.date
        taken[day] = taken.get(day, 0) + entry.seconds
    work = RestWork(read, taken, pooled[reach[-1]].date)
    frontier = _frontier_before(pooled, reach[0], work, today)
    for entry in pooled[reach[0] : reach[-1] + 1]:
        bound, frontier = _take(entry, work, frontier, today)
        offsets += bound
    return tuple(offsets)


def _take(
    entry: CompTime, work: RestWork, frontier: Frontier, today: date
) -> tuple[list[CompOffset], Frontier]:
    """One pooled entry from `frontier`: the earliest seconds left in its twelve months, as
    `resolve_comp_time` takes them; returns its offsets and where it leaves off."""
    start = max(frontier, (year_before(entry.date), 0))
    remaining, offsets = entry.seconds, []
    for day in work.days_from(start[0], entry.date):
        used = start[1] if day == start[0] else 0
        free = work.left(day) - used
        if free <= 0:
            continue
        step = min(remaining, free)
        offsets.append(_offset(entry, day, step, today))
        remaining -= step
        if not remaining:
            return offsets, (day, used + step)
    if remaining:
        offsets.append(_offset(entry, None, remaining, today))
    return offsets, (entry.date, 0)


def _frontier_before(pooled: Sequence[CompTime], r: int, work: RestWork, today: date) -> Frontier:
    """Where the entries before `pooled[r]` leave off, from as few of them as settle it.

    The chain starts at the first entry, or where an entry's twelve months begin on or after
    the day of the one before (nothing earlier reaches them). From nearer, the entries are run
    twice: as if nothing before them were taken, and as if everything before the previous
    entry's day were taken. Taking is monotone (a later start never ends earlier), so the true
    frontier lies between the two; when both give `pooled[r]` the same seconds, so does it.
    Otherwise twice as many entries back, down to the chain's start, from which it is exact.
    """
    start = r
    while start and year_before(pooled[start].date) < pooled[start - 1].date:
        start -= 1
    back = r
    while back > start:
        low, high = (date.min, 0), (pooled[back - 1].date, 0)
        for entry in pooled[back:r]:
            low = _take(entry, work, low, today)[1]
            high = _take(entry, work, high, today)[1]
        if _settled(low, pooled[r], pooled[r - 1].date, work) == _settled(
            high, pooled[r], pooled[r - 1].date, work
        ):
            return low
        back = max(start, r - 2 * (r - back) - 1)
    frontier: Frontier = (date.min, 0)
    for entry in pooled[start:r]:
        frontier = _take(entry, work, frontier, today)[1]
    return frontier


def _settled(frontier: Frontier, entry: CompTime, cap: date, work: RestWork) -> Frontier:
    """The first second `entry` could take from `frontier` (or `cap`, the day of the entry
    before it, when none is left before then: nothing at or after `cap` was taken)."""
    start = max(frontier, (year_before(entry.date), 0))
    for day in work.days_from(start[0], cap):
        used = start[1] if day == start[0] else 0
        if work.left(day) > used:
            return day, used
    return max(start, (cap, 0))


def _offset(entry: CompTime, day: date | None, seconds: int, today: date) -> CompOffset:
    planned = entry.date > today
    return CompOffset(entry.date, day, seconds, entry.for_date is not None, planned)


def apply_offsets(
    drafts: Sequence[DayDraft], offsets: Sequence[CompOffset]
) -> tuple[int, int, list[Flag], tuple[CompOffset, ...]]:
    """Offset the period's rest days (never workday or statutory time, P3).

    Returns (applied seconds, unused seconds, flags, the offsets this report shows: those for
    a day of the period and those taken in it). Planned time off is shown, not applied.
    """
    by_date = {d.plan.date: d for d in drafts}
    applied = unused = 0
    flags: list[Flag] = []
    shown: list[CompOffset] = []
    for offset in sorted(offsets, key=lambda o: not o.explicit):  # explicit days claim first
        target = by_date.get(offset.for_date) if offset.for_date is not None else None
        if target is not None or offset.taken in by_date:
            shown.append(offset)
        if offset.planned:
            continue
        if offset.for_date is None:
            unused += offset.seconds if offset.taken in by_date else 0
            continue
        if target is None:
            continue  # the report of that rest day's period applies it
        usable = target.day_type == REST_DAY and target.system == "standard"
        if not usable or target.contract.rule_pack != "CN":
            flags.append(_not_applicable(offset, target))
            unused += offset.seconds
            continue
        used = max(0, min(offset.seconds, target.seconds.rest_day - target.comp_time_s))
        target.comp_time_s += used
        applied, unused = applied + used, unused + offset.seconds - used
    shown.sort(key=lambda o: (o.taken, o.for_date or date.max))
    return applied, unused, flags, tuple(shown)


def _not_applicable(offset: CompOffset, draft: DayDraft) -> Flag:
    if draft.contract.rule_pack != "CN":  # RULES J7: time off in lieu is a rule of China's
        pack: dict[str, str | int] = {
            "seconds": offset.seconds,
            "rule_pack": draft.contract.rule_pack,
        }
        return Flag("comp_time_not_in_pack", offset.for_date, pack)
    params: dict[str, str | int] = {
        "seconds": offset.seconds,
        "day_type": draft.day_type,
        "system": draft.system,
    }
    return Flag("comp_time_not_applicable", offset.for_date, params)


def offset_message(offset: CompOffset) -> tuple[str, str, dict[str, str]]:
    """How reports describe an offset: (catalogue key, key of `how`, params); the seconds are
    the offset's, shown as a duration. The text report and the HTML page translate these."""
    key = "report.comp.line_planned" if offset.planned else "report.comp.line"
    if offset.for_date is None:
        key = "report.comp.nothing_planned" if offset.planned else "report.comp.nothing"
    how = "report.comp.explicit" if offset.explicit else "report.comp.earliest"
    day = "" if offset.for_date is None else offset.for_date.isoformat()
    return key, how, {"taken": offset.taken.isoformat(), "day": day}
