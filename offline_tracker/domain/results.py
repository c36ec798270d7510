"""Result values of the classification engine: days, totals, pay, flags and segments."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from operator import add
from typing import TYPE_CHECKING, Final, NamedTuple

from offline_tracker.domain.problems import Problem
from offline_tracker.domain.values import value

if TYPE_CHECKING:
    from fractions import Fraction


class CategorySeconds(NamedTuple):
    """Worked seconds per category, and the late-night overlay (RULES T4) beside them.

    The one shape of "seconds per category" for a day, a period, a record and an export row;
    `worked` is the four categories (never late night, which overlaps them).
    A named tuple: an export makes one per row.
    """

    inside: int = 0
    outside_workday: int = 0
    rest_day: int = 0
    statutory_holiday: int = 0
    late_night: int = 0

    @property
    def worked(self) -> int:
        return self.inside + self.outside_workday + self.rest_day + self.statutory_holiday

    @property
    def off_schedule(self) -> int:
        """Worked seconds outside the scheduled shifts (all categories but inside)."""
        return self.outside_workday + self.rest_day + self.statutory_holiday

    def __add__(self, other: tuple[int, ...]) -> CategorySeconds:  # type: ignore[override]
        return CategorySeconds(*map(add, self, other))

    def plus(self, category: str, seconds: int, late: bool = False) -> CategorySeconds:
        """`seconds` more of `category` (one of CATEGORIES), and of late night when `late`."""
        index = CATEGORIES.index(category)
        values = list(self)
        values[index] += seconds
        values[4] += seconds if late else 0
        return CategorySeconds(*values)


# The category names, once: the four of worked time (RULES T3) and, with late night, all five.
# JSON, CSV, HTML and XLSX columns are these names (`<name>_minutes`), in this order.
CATEGORY_NAMES: Final = CategorySeconds._fields
CATEGORIES: Final = CATEGORY_NAMES[:4]


ZERO: Final = CategorySeconds()


def total(values: Iterable[CategorySeconds]) -> CategorySeconds:
    return sum(values, ZERO)


@value
class CompTime:
    """Time off in lieu (补休) given on `date`, optionally for the rest day `for_date` (P3)."""

    date: date
    seconds: int
    for_date: _dt.date | None = None
    planned: bool = False

    def __post_init__(self) -> None:
        if self.seconds <= 0:
            raise ValueError(f"time off in lieu must be positive, got {self.seconds} s")


# A finding for the report: a Problem whose `where` is its local date (or None for the period);
# docs/classification.md lists every code and its params.
Flag = Problem


@value
class Segment:
    """A stretch of the union of worked time with one local date, category and late state."""

    start: datetime
    end: datetime
    local_date: date
    category: str
    late_night: bool
    record_ids: tuple[str, ...]
    emergency: bool = False

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())


@value
class DayResult:
    """One local date: its type and the worked seconds per category (union of time, T3)."""

    date: date
    day_type: str
    source: str
    provisional: bool
    name_en: str | None
    name_zh: str | None
    timezone: str
    system: str
    note: str | None = None
    scheduled_s: int = 0
    seconds: CategorySeconds = ZERO
    emergency_s: int = 0
    comp_time_s: int = 0
    overtime_s: int = 0
    rule_pack: str = "CN"


@value
class Totals:
    """Period totals in seconds; overtime is what earns overtime pay under the contract.

    `seconds.worked` is the union of worked time (RULES T3: overlaps once).
    """

    seconds: CategorySeconds = ZERO
    overtime_s: int = 0
    overtime_150_s: int = 0
    overtime_200_s: int = 0
    overtime_300_s: int = 0
    comp_time_applied_s: int = 0
    comp_time_unused_s: int = 0
    days_in_period: int = 0
    days_worked: int = 0
    days_off_hours: int = 0


@value
class PayLine:
    """Overtime pay of one kind at one wage: seconds x hourly x multiplier, rounded once (P4)."""

    kind: str
    multiplier: Decimal
    seconds: int
    hourly: Decimal
    amount: Decimal
    currency: str
    exact: Fraction | None = None  # the hourly wage unrounded (P4: round once, at the end)

    @property
    def hourly_exact(self) -> Fraction:
        from fractions import Fraction  # pay only: `ot log` does not load it (issue 19)

        return self.exact if self.exact is not None else Fraction(self.hourly)


@value
class PayResult:
    """The statutory maximum owed on top of the salary (E3: courts often award less)."""

    lines: tuple[PayLine, ...]
    total: Decimal | None
    currency: str | None
    hourly: Decimal | None


@value
class CycleResult:
    """One comprehensive-hours cycle (RULES P5) as judged in a report.

    `first..last` is the whole cycle; `judged_from..judged_to` the days of it inside the period
    (the same unless `partial`). `standard_s` is national workdays of the judged days x 8 h.
    """

    cycle: str
    first: date
    last: date
    judged_from: date
    judged_to: date
    worked_s: int
    standard_s: int
    extended_s: int

    @property
    def partial(self) -> bool:
        return (self.judged_from, self.judged_to) != (self.first, self.last)


@value
class CompOffset:
    """What one time-off entry offsets (RULES P3): `seconds` of the rest day `for_date`.

    `for_date` None: nothing left to offset in the 12 months before (all of it unused).
    `planned`: the time off lies after the report's `now`; shown, not yet applied.
    """

    taken: date
    for_date: date | None
    seconds: int
    explicit: bool
    planned: bool = False


@value
class PeriodResult:
    """Everything a report needs for `period_from..period_to` (local dates, inclusive)."""

    period_from: date
    period_to: date
    timezone: str
    days: tuple[DayResult, ...]
    totals: Totals
    pay: PayResult | None
    flags: tuple[Flag, ...]
    provisional_days: int
    ack_count: int
    ack_seconds: int
    record_count: int
    segments: tuple[Segment, ...]
    cycles: tuple[CycleResult, ...] = ()
    comp_offsets: tuple[CompOffset, ...] = ()

    def flags_with(self, code: str) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if f.code == code)


@value
class RecordBreakdown:
    """One record's seconds per category (no union with other records)."""

    record_id: str
    seconds: CategorySeconds = ZERO
    dates: tuple[date, ...] = ()
    provisional: bool = False
