"""Time off in lieu (补休, RULES P3) bound to the rest day it is for, whatever the report period."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
