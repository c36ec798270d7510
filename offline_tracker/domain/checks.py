"""Findings as values (never exceptions): limits, weekly rest, overlaps, provisional days.

Every check has one signature, `(Period) -> list[Flag]`, and is registered by name in
domain/rulebook.py (the beancount/klog pattern): a rule pack is the set of checks it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from functools import cached_property
from typing import Final

from offline_tracker.domain.calendar import WORKDAY
from offline_tracker.domain.packs import Pack, pack_of
from offline_tracker.domain.pay import DayDraft
from offline_tracker.domain.records import Record
from offline_tracker.domain.results import DayResult, Flag
from offline_tracker.domain.timeline import INSIDE, DayPlan, Interval
from offline_tracker.domain.values import value

HOUR: Final = 3600
DAY_LIMIT_S: Final = 1 * HOUR  # RULES P2: normally at most 1 h a day
DAY_LIMIT_SPECIAL_S: Final = 3 * HOUR  # RULES P2: for special reasons at most 3 h a day
MONTH_LIMIT_S: Final = 36 * HOUR  # RULES P2: and 36 h a month
OPEN_SESSION_LIMIT_S: Final = 24 * HOUR

Params = dict[str, str | int]
Span = tuple[int, int]


@value
class Check:
    """One registered check: a stable `name`, the flag `codes` it may give, and `run`."""

    name: str
    codes: tuple[str, ...]
    run: Callable[[Period], list[Flag]]


@value
class Period:
    """What every check sees: the classified days of the period and the records behind them."""

    days: tuple[DayResult, ...]
    drafts: tuple[DayDraft, ...]
    plans: tuple[DayPlan, ...]
    claimed: tuple[Interval, ...]  # claimed time, clipped to the period
    running: tuple[tuple[str, int], ...]  # (record id, start) of running sessions
    records: tuple[Record, ...]
    now: int
    date_of: Callable[[int], date]

    @cached_property
    def cn(self) -> tuple[tuple[DayResult, ...], tuple[DayPlan, ...]]:
        """RULES J7: China's limits and rest checks judge China's days only."""
        pairs = [(d, p) for d, p in zip(self.days, self.plans, strict=True) if d.rule_pack == "CN"]
        return tuple(d for d, _ in pairs), tuple(p for _, p in pairs)

    @cached_property
    def pack_groups(self) -> tuple[tuple[Pack, tuple[DayDraft, ...]], ...]:
        """The period's days by rule pack, for packs that run checks (RULES J7)."""
        groups: dict[str, list[DayDraft]] = {}
        packs: dict[str, Pack] = {}
        for draft in self.drafts:
            pack = pack_of(draft.contract)
            if pack is not None and pack.checks:
                groups.setdefault(pack.code, []).append(draft)
                packs[pack.code] = pack
        return tuple((packs[code], tuple(members)) for code, members in groups.items())

    @cached_property
    def blocks(self) -> tuple[Span, ...]:
        """Scheduled shifts (presumed worked) and recorded time, merged into blocks of work."""
        spans = sorted(
            [(p.start, p.end) for plan in self.plans for p in plan.pieces if p.category == INSIDE]
            + [(i.start, i.end) for i in self.claimed if i.end > i.start]
        )
        merged: list[Span] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return tuple(merged)


def day_limit(period: Period) -> list[Flag]:
    """RULES P2 on workdays under standard hours; emergency time (art. 42) is exempt."""
    flags = []
    for day in period.cn[0]:
        if day.day_type != WORKDAY or day.system != "standard":
            continue
        seconds = day.seconds.outside_workday - day.emergency_s
        for code, limit in (
            ("overtime_over_3h_day", DAY_LIMIT_SPECIAL_S),
            ("overtime_over_1h_day", DAY_LIMIT_S),
        ):
            if seconds > limit:
                params: Params = {"seconds": seconds, "limit_seconds": limit}
                flags.append(Flag(code, day.date, params))
                break  # only the most severe of the two
    return flags


def month_limit(period: Period) -> list[Flag]:
    """RULES P2: off-schedule time of standard-hours days over 36 h in a calendar month."""
    months: dict[tuple[int, int], int] = {}
    for day in period.cn[0]:
        if day.system == "standard":
            key = (day.date.year, day.date.month)
            months[key] = months.get(key, 0) + day.seconds.off_schedule - day.emergency_s
    flags = []
    for (year, month), seconds in sorted(months.items()):
        if seconds > MONTH_LIMIT_S:
            params: Params = {
                "month": f"{year:04d}-{month:02d}",
                "seconds": seconds,
                "limit_seconds": MONTH_LIMIT_S,
            }
            flags.append(Flag("overtime_over_36h_month", date(year, month, 1), params))
    return flags


def weekly_rest_day(period: Period) -> list[Flag]:
    """RULES P1: each full week (by the contract's week start) needs one whole day free of work.

    A day is free when it is not a workday, has no recorded work and no scheduled shift time.
    Weeks cut by the period are not judged.
    """
    weeks: dict[date, list[bool]] = {}
    for day, plan in zip(*period.cn, strict=True):
        start = day.date - timedelta(days=(day.date.weekday() - plan.contract.week_start) % 7)
        free = day.day_type != WORKDAY and day.seconds.worked == 0 and plan.shift_s == 0
        weeks.setdefault(start, []).append(free)
    flags = []
    for start, free_days in sorted(weeks.items()):
        if len(free_days) == 7 and not any(free_days):
            end = start + timedelta(days=6)
            params: Params = {"week_start": start.isoformat(), "week_end": end.isoformat()}
            flags.append(Flag("no_weekly_rest_day", start, params))
    return flags


def provisional_days(period: Period) -> list[Flag]:
    """RULES C6: a day of an unpublished year whose type may still change, where work was done."""
    return [
        Flag("provisional_day", d.date, {"day_type": d.day_type})
        for d in period.days
        if d.provisional and d.seconds.worked > 0
    ]


def overlaps(period: Period) -> list[Flag]:
    """RULES T3: overlapping records are counted once; each cluster of them is reported once."""
    return overlap_flags(period.claimed, period.date_of)


def overlap_flags(intervals: Sequence[Interval], date_of: Callable[[int], date]) -> list[Flag]:
    """RULES T3: overlapping records are counted once; each cluster of them is reported once.

    A cluster is a run of records (by start) each starting before the latest end so far, so the
    work is a sort and one pass: 400 records all overlapping give one finding, not 79,800 pairs.
    """
    flags: list[Flag] = []
    cluster: list[Interval] = []
    reach = 0
    for item in sorted(intervals, key=lambda i: (i.start, i.end, i.record_id)):
        if cluster and item.start < reach:
            cluster.append(item)
            reach = max(reach, item.end)
            continue
        if len(cluster) > 1:
            flags.append(_overlap_flag(cluster, date_of))
        cluster, reach = [item], item.end
    if len(cluster) > 1:
        flags.append(_overlap_flag(cluster, date_of))
    return flags


def _overlap_flag(cluster: Sequence[Interval], date_of: Callable[[int], date]) -> Flag:
    """One cluster: its first two records (the pair of old), all of them, and the time covered
    more than once, dated where the overlapping begins (the second record's start)."""
    params: Params = {
        "first": cluster[0].record_id,
        "second": cluster[1].record_id,
        "records": ",".join(i.record_id for i in cluster),
        "count": len(cluster),
        "seconds": _covered_twice(cluster),
    }
    return Flag("overlap", date_of(cluster[1].start), params)


def _covered_twice(cluster: Sequence[Interval]) -> int:
    """Seconds covered by two or more of the intervals (ends sort before starts at one instant)."""
    edges = sorted([(i.start, 1) for i in cluster] + [(i.end, -1) for i in cluster])
    seconds, depth, previous = 0, 0, 0
    for moment, step in edges:
        if depth > 1:
            seconds += moment - previous
        depth, previous = depth + step, moment
    return seconds


def open_sessions(period: Period) -> list[Flag]:
    """A session still running after 24 h is more likely forgotten than worked."""
    now, date_of = period.now, period.date_of
    return [
        Flag("open_session_over_24h", date_of(start), {"record_id": rid, "seconds": now - start})
        for rid, start in period.running
        if now - start > OPEN_SESSION_LIMIT_S
    ]


def contract_terms(period: Period) -> list[Flag]:
    """Unapproved special systems (P5, P6), codes without a pack (J6), days before any contract."""
    flags, plans = [], period.plans
    systems = sorted({p.contract.system for p in plans if not p.contract.approved})
    for system in systems:
        if system != "standard":
            flags.append(Flag("system_not_approved", None, {"system": system}))
    # RULES J6: a jurisdiction without a pack: public holidays only, no pay, no legal flags.
    jurisdictions = sorted({p.contract.jurisdiction for p in plans if p.contract.rule_pack == "J6"})
    for code in jurisdictions:
        flags.append(Flag("no_rule_pack", None, {"jurisdiction": code}))
    uncovered = [p for p in plans if not p.covered]
    if uncovered:
        # Uncovered days are classified under the first version, so it carries the date.
        first_effective = uncovered[0].contract.effective
        params: Params = {
            "days": len(uncovered),
            "first_effective": "" if first_effective is None else first_effective.isoformat(),
        }
        flags.append(Flag("before_first_contract", uncovered[0].date, params))
    return flags
