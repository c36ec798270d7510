"""Local days as exact instants, split at midnight, shift edges and late night (RULES T1-T4)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from itertools import pairwise
from math import floor
from typing import Final
from zoneinfo import ZoneInfo

from offline_tracker.domain.calendar import REST_DAY, STATUTORY, WORKDAY, CalendarSet, DayInfo
from offline_tracker.domain.contract import Contract, ContractHistory
from offline_tracker.domain.schedule import MINUTES_PER_DAY, Shift
from offline_tracker.domain.values import value

INSIDE: Final = "inside"
OUTSIDE_WORKDAY: Final = "outside_workday"
DAY_CATEGORY: Final = {WORKDAY: OUTSIDE_WORKDAY, REST_DAY: REST_DAY, STATUTORY: STATUTORY}

Span = tuple[int, int]


def epoch(moment: datetime) -> int:
    """Whole POSIX seconds of an aware instant (the machine's TZ plays no part, RULES T1)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every instant must carry a zone (RULES T1)")
    return floor(moment.timestamp())


def instant(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def day_start(day: date, zone: tzinfo) -> datetime:
    """The first instant of a local date in UTC (a midnight skipped by DST resolves forward)."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


@lru_cache(maxsize=1 << 16)
def wall(day: date, minute: int, zone: ZoneInfo) -> int:
    """The instant of a wall-clock time `minute` minutes after `day`'s midnight in `zone`.

    Wall times that do not exist (DST gap) or exist twice (DST fold) take the first reading.
    Cached: each day's edges are asked for three times (as the day, its eve, its morrow).
    """
    days, minute = divmod(minute, MINUTES_PER_DAY)
    moment = datetime.combine(day + timedelta(days=days), time(minute // 60, minute % 60))
    return epoch(moment.replace(tzinfo=zone))


@value
class Piece:
    """A stretch of one local day with one category and late-night state."""

    start: int
    end: int
    category: str
    late_night: bool


@value
class DayPlan:
    """One local date: its contract, its day type and its partition into pieces."""

    date: date
    contract: Contract
    covered: bool
    info: DayInfo
    start: int
    end: int
    pieces: tuple[Piece, ...]
    scheduled_s: int

    @property
    def shift_s(self) -> int:
        """Seconds of this date that lie in an active scheduled shift."""
        return sum(p.end - p.start for p in self.pieces if p.category == INSIDE)


def active_shifts(contract: Contract, info: DayInfo) -> tuple[Shift, ...]:
    """Shifts that start on a day: none off a workday; calendar hours win; make-up days (C3)."""
    if info.day_type != WORKDAY:
        return ()
    if info.hours is not None:
        return info.hours
    schedule = contract.schedule
    own = schedule.shifts_for(info.date.weekday())
    if own or schedule.first_workday is None:
        return own
    # A workday without shifts of its own (a make-up Saturday) borrows the first workday's hours.
    return schedule.shifts_for(schedule.first_workday)


def _late_spans(day: date, contract: Contract) -> list[Span]:
    start, end = contract.late_night_minutes
    length = (end - start) % MINUTES_PER_DAY
    zone = contract.zone
    return [
        (wall(d, start, zone), wall(d, start + length, zone))
        for d in (day - timedelta(days=1), day, day + timedelta(days=1))
    ]


def _inside(spans: Iterable[Span], moment: int) -> bool:
    return any(a <= moment < b for a, b in spans)


class Timeline:
    """Day plans for a run of local dates, each in the zone of the contract in force (T1)."""

    def __init__(
        self, contracts: ContractHistory, calendars: CalendarSet, first: date, last: date
    ) -> None:
        self._contracts = contracts
        self._calendars = calendars
        previous = self._day(first - timedelta(days=1))
        plans: list[DayPlan] = []
        next_start = self._midnight(first)
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            plan = self._plan(day, previous, next_start)
            plans.append(plan)
            previous, next_start = (plan.contract, plan.info), plan.end
        self.plans: tuple[DayPlan, ...] = tuple(plans)
        self._starts = [p.start for p in plans]

    @property
    def start(self) -> int:
        return self.plans[0].start

    @property
    def end(self) -> int:
        return self.plans[-1].end

    def date_of(self, moment: int) -> date:
        """The local date (by the plans) holding `moment`, clamped to the run."""
        index = max(bisect_right(self._starts, moment) - 1, 0)
        return self.plans[index].date

    def contract_of(self, day: date) -> tuple[Contract, bool]:
        found = self._contracts.get(day)
        # Days before a dated first version are classified under it; classify() flags them.
        return (found, True) if found is not None else (self._contracts.first, False)

    def _day(self, day: date) -> tuple[Contract, DayInfo]:
        contract, _ = self.contract_of(day)
        calendar = self._calendars.get(contract.jurisdiction, contract.schedule.workdays)
        return contract, calendar.day(day)

    def _midnight(self, day: date) -> int:
        return wall(day, 0, self.contract_of(day)[0].zone)

    def _shift_spans(self, contract: Contract, info: DayInfo) -> list[Span]:
        zone = contract.zone
        return [
            (wall(info.date, s.start, zone), wall(info.date, s.end, zone))
            for s in active_shifts(contract, info)
        ]

    def _plan(self, day: date, previous: tuple[Contract, DayInfo], start: int) -> DayPlan:
        contract, covered = self.contract_of(day)
        info = self._calendars.get(contract.jurisdiction, contract.schedule.workdays).day(day)
        # Windows chain: a day ends where the next begins, even when the zone changes (T2).
        end = max(self._midnight(day + timedelta(days=1)), start)
        own = self._shift_spans(contract, info)
        shifts = own + self._shift_spans(*previous)
        late = _late_spans(day, contract)
        pieces = _partition(start, end, info.day_type, shifts, late)
        scheduled = sum(b - a for a, b in own)
        return DayPlan(day, contract, covered, info, start, end, pieces, scheduled)


def _partition(
    start: int, end: int, day_type: str, shifts: Sequence[Span], late: Sequence[Span]
) -> tuple[Piece, ...]:
    cuts = {start, end}
    for a, b in (*shifts, *late):
        cuts.update(c for c in (a, b) if start < c < end)
    pieces: list[Piece] = []
    for a, b in pairwise(sorted(cuts)):
        # A statutory day is 300 % whole, even under a shift that spills over from the eve.
        if day_type == STATUTORY:
            category = STATUTORY
        elif _inside(shifts, a):
            category = INSIDE
        else:
            category = DAY_CATEGORY[day_type]
        is_late = _inside(late, a)
        if pieces and pieces[-1].category == category and pieces[-1].late_night == is_late:
            pieces[-1] = Piece(pieces[-1].start, b, category, is_late)
        else:
            pieces.append(Piece(a, b, category, is_late))
    return tuple(pieces)


@value
class Interval:
    """One record's clipped span in POSIX seconds."""

    start: int
    end: int
    record_id: str
    emergency: bool


@value
class Stretch:
    """A stretch of the union of worked time with the records covering it (T3)."""

    start: int
    end: int
    record_ids: tuple[str, ...]
    emergency: bool


def union(intervals: Sequence[Interval]) -> list[Stretch]:
    """Elementary stretches of the union: time covered by several records appears once."""
    starts: dict[int, list[Interval]] = {}
    ends: dict[int, list[Interval]] = {}
    for item in intervals:
        starts.setdefault(item.start, []).append(item)
        ends.setdefault(item.end, []).append(item)
    active: dict[int, Interval] = {}
    out: list[Stretch] = []
    for a, b in pairwise(sorted(starts.keys() | ends.keys())):
        for item in ends.get(a, ()):
            del active[id(item)]
        for item in starts.get(a, ()):
            active[id(item)] = item
        if active:
            ids = tuple(sorted({i.record_id for i in active.values()}))
            out.append(Stretch(a, b, ids, any(i.emergency for i in active.values())))
    return out


def union_seconds(spans: Iterable[tuple[int, int]]) -> int:
    """Seconds covered by `spans` (POSIX seconds), overlaps counted once (RULES T3)."""
    intervals = [Interval(a, b, "", False) for a, b in spans if b > a]
    return sum(s.end - s.start for s in union(intervals))


def cut(
    stretches: Sequence[Stretch], plans: Sequence[DayPlan]
) -> list[tuple[Stretch, DayPlan, Piece]]:
    """Intersect union stretches with the day pieces (both sorted and disjoint)."""
    pieces = [(piece, plan) for plan in plans for piece in plan.pieces]
    out: list[tuple[Stretch, DayPlan, Piece]] = []
    i = j = 0
    while i < len(stretches) and j < len(pieces):
        stretch, (piece, plan) = stretches[i], pieces[j]
        a, b = max(stretch.start, piece.start), min(stretch.end, piece.end)
        if a < b:
            out.append((Stretch(a, b, stretch.record_ids, stretch.emergency), plan, piece))
        if stretch.end <= piece.end:
            i += 1
        else:
            j += 1
    return out
