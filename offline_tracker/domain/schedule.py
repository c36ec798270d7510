"""Weekly work schedules: `mon-fri 09:00-12:00,13:00-18:00; sat 09:00-12:00` as frozen values."""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal
from itertools import pairwise
from typing import Final

from offline_tracker.domain.errors import InputError
from offline_tracker.domain.values import value

MINUTES_PER_DAY: Final = 1440
_WEEK_MINUTES: Final = 7 * MINUTES_PER_DAY

DAY_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ZH_DIGITS: Final = ("一", "二", "三", "四", "五", "六", "日")

_WEEKDAYS: Final[dict[str, int]] = {
    **{name: i for i, name in enumerate(DAY_NAMES)},
    **{name: i for i, name in enumerate(_FULL_NAMES)},
    **{"周" + z: i for i, z in enumerate(_ZH_DIGITS)},
    **{"星期" + z: i for i, z in enumerate(_ZH_DIGITS)},
    "周天": 6,
    "星期天": 6,
}
_TIME_RE: Final = re.compile(r"^(\d{1,2}):(\d{2})$")
_CLAUSE_RE: Final = re.compile(r"^([^\d]+?)\s*(\d.*)$", re.DOTALL)
_LIST_SPLIT: Final = re.compile(r"[,，、]")
_RANGE_SPLIT: Final = re.compile(r"\s*(?:-|–|~|至|到)\s*")


class ScheduleError(InputError):
    """A schedule spec that cannot be read; the message (key `schedule.*`) quotes the bad part.

    What a spec may contain (days, ranges, shifts) is spelled out in the catalog texts of
    offline_tracker/locales/*/domain.json, not here: the domain formats no text for people.
    """


@value(order=True)
class Shift:
    """One paid stretch of a scheduled day, in minutes after the local midnight it starts on.

    `end` may pass 1440: the shift then crosses midnight and still belongs to its start day.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        # Internal checks, not user input: parse_shift only builds valid shifts, so a failure
        # here is a programming error and stays a plain ValueError.
        if not 0 <= self.start < MINUTES_PER_DAY:
            raise ValueError(f"shift start {self.start} is outside 0..1439 minutes")
        if not self.start < self.end <= self.start + MINUTES_PER_DAY:
            raise ValueError(f"shift '{self}' must last more than 0 and at most 24 hours")

    @property
    def minutes(self) -> int:
        return self.end - self.start

    @property
    def crosses_midnight(self) -> bool:
        return self.end > MINUTES_PER_DAY

    @property
    def start_time(self) -> time:
        return time(self.start // 60, self.start % 60)

    @property
    def end_time(self) -> time:
        wall = self.end % MINUTES_PER_DAY
        return time(wall // 60, wall % 60)

    def __str__(self) -> str:
        end = self.end if self.end == MINUTES_PER_DAY else self.end % MINUTES_PER_DAY
        return f"{format_minutes(self.start)}-{format_minutes(end)}"


def format_minutes(minutes: int) -> str:
    """`HH:MM` for minutes after midnight (1440 prints as 24:00)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_time(text: str, *, allow_24: bool = False) -> int:
    """Minutes after midnight for `H:MM`/`HH:MM`; `24:00` only when `allow_24`."""
    match = _TIME_RE.match(text.strip())
    if match is None:
        raise ScheduleError("schedule.bad_time", text=text)
    hours, minutes = int(match[1]), int(match[2])
    if allow_24 and (hours, minutes) == (24, 0):
        return MINUTES_PER_DAY
    if hours > 23 or minutes > 59:
        raise ScheduleError("schedule.bad_time", text=text)
    return hours * 60 + minutes


def parse_shift(text: str) -> Shift:
    """`22:00-06:00` -> a Shift; an end at or before the start means the next day."""
    compact = re.sub(r"\s+", "", text)
    parts = re.split(r"-|–|~", compact)
    if len(parts) != 2:
        raise ScheduleError("schedule.bad_shift", text=text)
    try:
        start = parse_time(parts[0])
        end = parse_time(parts[1], allow_24=True)
    except ScheduleError as exc:
        bad = str(exc.message.params.get("text", ""))
        raise ScheduleError("schedule.bad_time_in_shift", text=bad, shift=text.strip()) from exc
    if end == start:
        raise ScheduleError("schedule.zero_length_shift", text=text)
    if end < start:
        end += MINUTES_PER_DAY
    return Shift(start, end)


def parse_shifts(text: str) -> tuple[Shift, ...]:
    """`09:00-12:00,13:00-18:00` -> sorted shifts of one day; overlaps are errors."""
    items = [item for item in _LIST_SPLIT.split(text) if item.strip()]
    if not items:
        raise ScheduleError("schedule.no_shifts", text=text)
    shifts = tuple(sorted(parse_shift(item) for item in items))
    for before, after in pairwise(shifts):
        if after.start < before.end:
            raise ScheduleError(
                "schedule.shifts_overlap", first=str(before), second=str(after), text=text.strip()
            )
    return shifts


def parse_weekday(text: str) -> int:
    """0=Monday .. 6=Sunday from an English (3-letter or full) or Chinese day name."""
    key = text.strip().lower()
    if key.isdecimal() and key.isascii() and int(key) < 7:
        return int(key)
    if key not in _WEEKDAYS:
        raise ScheduleError("schedule.unknown_day", text=text.strip())
    return _WEEKDAYS[key]


def _parse_days(text: str) -> list[int]:
    days: list[int] = []
    for item in _LIST_SPLIT.split(text):
        if not item.strip():
            raise ScheduleError("schedule.empty_day", text=text.strip())
        bounds = _RANGE_SPLIT.split(item.strip())
        if len(bounds) > 2:
            raise ScheduleError("schedule.bad_day_range", text=item.strip())
        first = parse_weekday(bounds[0])
        last = parse_weekday(bounds[-1])
        # A range may wrap past Sunday (fri-mon = fri, sat, sun, mon).
        days.extend((first + step) % 7 for step in range((last - first) % 7 + 1))
    return days


@value
class Schedule:
    """A week of shifts, Monday first; `spec` is the normalised text that parses back to it."""

    spec: str
    days: tuple[tuple[Shift, ...], ...]

    def __post_init__(self) -> None:
        # Internal check, not user input: parse_schedule always builds 7 days, so a failure here
        # is a programming error and stays a plain ValueError.
        if len(self.days) != 7:
            raise ValueError("a schedule needs shifts for 7 weekdays (Monday first)")

    def __str__(self) -> str:
        return self.spec

    def shifts_for(self, weekday: int) -> tuple[Shift, ...]:
        return self.days[weekday]

    @property
    def workdays(self) -> frozenset[int]:
        """Weekdays (0=Monday) that have at least one shift."""
        return frozenset(i for i, shifts in enumerate(self.days) if shifts)

    @property
    def first_workday(self) -> int | None:
        """The first scheduled weekday from Monday; its hours apply on make-up workdays."""
        return min(self.workdays, default=None)

    def minutes_on(self, weekday: int) -> int:
        return sum(shift.minutes for shift in self.days[weekday])

    @property
    def daily_hours(self) -> tuple[Decimal, ...]:
        """Scheduled hours per weekday, Monday first (wall-clock, to 0.01 h)."""
        return tuple((Decimal(self.minutes_on(i)) / 60).quantize(Decimal("0.01")) for i in range(7))

    @property
    def weekly_minutes(self) -> int:
        return sum(self.minutes_on(i) for i in range(7))


def _check_week_overlaps(days: list[list[Shift]]) -> None:
    # A shift crossing midnight must not run into the next day's first shift (the week wraps).
    spans = sorted(
        (weekday * MINUTES_PER_DAY + s.start, weekday * MINUTES_PER_DAY + s.end, weekday, s)
        for weekday, shifts in enumerate(days)
        for s in shifts
    )
    if not spans:
        return
    pairs = list(pairwise(spans))
    pairs.append((spans[-1], (spans[0][0] + _WEEK_MINUTES, 0, spans[0][2], spans[0][3])))
    for (_, end, day_a, shift_a), (start_b, _, day_b, shift_b) in pairs:
        if start_b < end and (day_a, shift_a) != (day_b, shift_b):
            raise ScheduleError(
                "schedule.week_overlap",
                first=f"{DAY_NAMES[day_a]} {shift_a}",
                second=f"{DAY_NAMES[day_b]} {shift_b}",
            )


def _format_days(days: frozenset[int]) -> str:
    if len(days) == 7:
        return "mon-sun"
    # Runs are found circularly so that sun-thu and fri-mon stay ranges.
    start_points = [d for d in sorted(days) if (d - 1) % 7 not in days]
    runs: list[str] = []
    for first in start_points:
        length = 1
        while (first + length) % 7 in days:
            length += 1
        names = [DAY_NAMES[(first + i) % 7] for i in range(length)]
        runs.append(f"{names[0]}-{names[-1]}" if length >= 3 else ",".join(names))
    return ",".join(runs)


def _format_spec(days: list[tuple[Shift, ...]]) -> str:
    groups: dict[tuple[Shift, ...], set[int]] = {}
    for weekday, shifts in enumerate(days):
        if shifts:
            groups.setdefault(shifts, set()).add(weekday)
    clauses = []
    for shifts, weekdays in groups.items():
        text = _format_days(frozenset(weekdays))
        clauses.append((_first_of_runs(frozenset(weekdays)), text, ",".join(map(str, shifts))))
    return "; ".join(f"{text} {shifts}" for _, text, shifts in sorted(clauses))


def _first_of_runs(days: frozenset[int]) -> int:
    starts = [d for d in sorted(days) if (d - 1) % 7 not in days]
    return starts[0] if starts else 0


def parse_schedule(spec: str) -> Schedule:
    """Parse a schedule spec (see the module docstring); raise ScheduleError naming the bad part.

    The forms accepted are listed for people in the catalog text of `schedule.cannot_read`.
    """
    clauses = [c.strip() for c in re.split(r"[;；]", spec) if c.strip()]
    if not clauses:
        raise ScheduleError("schedule.empty", text=spec)
    days: list[list[Shift]] = [[] for _ in range(7)]
    for clause in clauses:
        match = _CLAUSE_RE.match(clause)
        if match is None:
            raise ScheduleError("schedule.cannot_read", text=clause)
        shifts = parse_shifts(match[2])
        for weekday in _parse_days(match[1]):
            days[weekday].extend(shifts)
    for weekday, day_shifts in enumerate(days):
        day_shifts.sort()
        for before, after in pairwise(day_shifts):
            if after.start < before.end:
                raise ScheduleError(
                    "schedule.day_overlap",
                    first=str(before),
                    second=str(after),
                    day=DAY_NAMES[weekday],
                )
    _check_week_overlaps(days)
    frozen = [tuple(shifts) for shifts in days]
    return Schedule(_format_spec(frozen), tuple(frozen))
