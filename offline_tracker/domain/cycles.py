"""Comprehensive hours (综合计算工时, RULES P5): cycles, their statutory standard and extension."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from fractions import Fraction
from math import floor
from typing import TYPE_CHECKING, Final

from offline_tracker.domain.calendar import WORKDAY, CalendarSet
from offline_tracker.domain.contract import Contract
from offline_tracker.domain.results import CycleResult, Flag
from offline_tracker.domain.values import value

if TYPE_CHECKING:
    from offline_tracker.domain.pay import DayDraft

COMPREHENSIVE: Final = "comprehensive"
STANDARD_DAY_S: Final = 8 * 3600  # RULES P1
# 劳部发〔1997〕271号 item 5: extended hours average at most 36 h a month over the cycle.
MONTH_EXTENSION_S: Final = 36 * 3600
# Months per cycle; a week is 7 of the 365/12 days of an average month.
_MONTHS: Final[dict[str, Fraction]] = {
    "week": Fraction(7 * 12, 365),
    "month": Fraction(1),
    "quarter": Fraction(3),
    "year": Fraction(12),
}


@value
class CycleOvertime:
    """The extended seconds of one cycle and the contract they are paid under."""

    seconds: int
    contract: Contract


def cycle_bounds(day: date, contract: Contract) -> tuple[date, date]:
    """The comprehensive-hours cycle (P5) holding `day`, as first and last date."""
    if contract.cycle == "week":
        first = day - timedelta(days=(day.weekday() - contract.week_start) % 7)
        return first, first + timedelta(days=6)
    if contract.cycle == "month":
        first, months = day.replace(day=1), 1
    elif contract.cycle == "quarter":
        first, months = day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1), 3
    else:
        first, months = day.replace(month=1, day=1), 12
    year, month = divmod(first.month - 1 + months, 12)
    return first, date(first.year + year, month + 1, 1) - timedelta(days=1)


def extension_limit_s(cycle: str) -> int:
    """The most extended seconds a whole cycle may hold (36 h a month on average)."""
    return floor(MONTH_EXTENSION_S * _MONTHS[cycle])


def _standard_s(members: Sequence[DayDraft], calendars: CalendarSet) -> int:
    """National workdays x 8 h: not the roster, not the user's own day swaps (P5)."""
    workdays = 0
    for draft in members:
        national = calendars.national(draft.contract.jurisdiction)
        workdays += national.day(draft.plan.date).day_type == WORKDAY
    return workdays * STANDARD_DAY_S


def _worked_s(members: Sequence[DayDraft]) -> int:
    """Scheduled shifts (presumed worked) plus recorded time outside them; holidays apart."""
    return sum(
        (d.plan.scheduled_s if d.day_type == WORKDAY else 0)
        + d.seconds.outside_workday
        + d.seconds.rest_day
        for d in members
    )


def cycle_overtime(
    drafts: Sequence[DayDraft], calendars: CalendarSet
) -> tuple[list[CycleOvertime], list[CycleResult], list[Flag]]:
    """Hours above the cycle's statutory standard are overtime at 150 % (P5).

    Weekend work inside the cycle is ordinary time; statutory-holiday work is 300 % on its own
    (pay.day_buckets). A cycle cut by the period is judged on its days inside the period and
    flagged `partial_cycle`.
    """
    cycles: dict[tuple[str, date, date], list[DayDraft]] = {}
    for draft in drafts:
        if draft.system == COMPREHENSIVE and draft.contract.rule_pack == "CN":
            bounds = cycle_bounds(draft.plan.date, draft.contract)
            cycles.setdefault((draft.contract.cycle, *bounds), []).append(draft)
    overtime: list[CycleOvertime] = []
    results: list[CycleResult] = []
    flags: list[Flag] = []
    for (cycle, start, end), members in cycles.items():
        worked, standard = _worked_s(members), _standard_s(members, calendars)
        extended = max(0, worked - standard)
        if extended:
            overtime.append(CycleOvertime(extended, members[-1].contract))
        result = CycleResult(
            cycle,
            start,
            end,
            members[0].plan.date,
            members[-1].plan.date,
            worked,
            standard,
            extended,
        )
        results.append(result)
        flags += _cycle_flags(result, len(members))
    return overtime, results, flags


def _cycle_flags(cycle: CycleResult, days: int) -> list[Flag]:
    params: dict[str, str | int] = {
        "cycle": cycle.cycle,
        "cycle_start": cycle.first.isoformat(),
        "cycle_end": cycle.last.isoformat(),
    }
    flags = []
    if cycle.partial:
        flags.append(Flag("partial_cycle", cycle.first, {**params, "days_in_period": days}))
    limit = extension_limit_s(cycle.cycle)
    if cycle.extended_s > limit:
        extra: dict[str, str | int] = {"seconds": cycle.extended_s, "limit_seconds": limit}
        flags.append(Flag("comprehensive_over_36h_month", cycle.first, {**params, **extra}))
    return flags
