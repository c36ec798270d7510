"""Overtime by hours system (RULES P3, P5, P6), time off in lieu, and pay in Decimal (P4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from math import floor
from typing import Final

from offline_tracker.domain.calendar import REST_DAY, STATUTORY, WORKDAY
from offline_tracker.domain.contract import Contract
from offline_tracker.domain.results import CompTime, Flag, PayLine, PayResult
from offline_tracker.domain.timeline import DayPlan

STANDARD_DAY_S: Final = 8 * 3600  # RULES P1
COMPREHENSIVE: Final = "comprehensive"
MULTIPLIERS: Final = {
    WORKDAY: Decimal("1.5"),
    REST_DAY: Decimal("2"),
    STATUTORY: Decimal("3"),
    COMPREHENSIVE: Decimal("1.5"),
}
PAY_KINDS: Final = tuple(MULTIPLIERS)


@dataclass
class DayDraft:
    """Mutable per-day sums while classifying; frozen into a DayResult at the end."""

    plan: DayPlan
    inside_s: int = 0
    outside_workday_s: int = 0
    rest_day_s: int = 0
    statutory_holiday_s: int = 0
    late_night_s: int = 0
    emergency_s: int = 0
    comp_time_s: int = 0
    overtime_s: int = 0

    @property
    def contract(self) -> Contract:
        return self.plan.contract

    @property
    def system(self) -> str:
        return self.contract.effective_system

    @property
    def day_type(self) -> str:
        return self.plan.info.day_type


@dataclass(frozen=True)
class Bucket:
    """Overtime seconds of one pay kind earned under one contract version."""

    kind: str
    seconds: int
    contract: Contract


def apply_comp_time(
    drafts: Sequence[DayDraft], comp: Sequence[CompTime]
) -> tuple[int, int, list[Flag]]:
    """Offset rest-day overtime with time off in lieu; never workday or statutory time (P3).

    Returns (applied seconds, unused seconds, flags). Entries for days outside the period
    are left to the report of their own period.
    """
    by_date = {d.plan.date: d for d in drafts}
    applied = unused = 0
    flags: list[Flag] = []
    pooled: list[CompTime] = []
    for entry in comp:
        if entry.for_date is None:
            if entry.date in by_date:
                pooled.append(entry)
            continue
        draft = by_date.get(entry.for_date)
        if draft is None:
            continue
        # RULES P3: time off in lieu never replaces workday or statutory overtime.
        if draft.day_type != REST_DAY or draft.system != "standard":
            flags.append(_not_applicable(entry, draft))
            unused += entry.seconds
            continue
        used = _take(draft, entry.seconds)
        applied, unused = applied + used, unused + entry.seconds - used
    for entry in sorted(pooled, key=lambda e: e.date):
        left = entry.seconds
        for draft in drafts:
            if draft.day_type == REST_DAY and draft.system == "standard":
                left -= _take(draft, left)
        applied, unused = applied + entry.seconds - left, unused + left
    return applied, unused, flags


def _take(draft: DayDraft, seconds: int) -> int:
    used = max(0, min(seconds, draft.rest_day_s - draft.comp_time_s))
    draft.comp_time_s += used
    return used


def _not_applicable(entry: CompTime, draft: DayDraft) -> Flag:
    params: dict[str, str | int] = {
        "seconds": entry.seconds,
        "day_type": draft.day_type,
        "system": draft.system,
    }
    return Flag("comp_time_not_applicable", entry.for_date, params)


def day_buckets(draft: DayDraft) -> list[Bucket]:
    """Per-day overtime: all of it under standard hours, statutory only otherwise (P3, P5, P6)."""
    contract, system = draft.contract, draft.system
    if system == "standard":  # RULES P3: 150 % / 200 % less time off in lieu / 300 %
        parts = [
            (WORKDAY, draft.outside_workday_s),
            (REST_DAY, draft.rest_day_s - draft.comp_time_s),
            (STATUTORY, draft.statutory_holiday_s),
        ]
    elif system == COMPREHENSIVE or contract.flexible_holiday_pay:
        # RULES P5: statutory work stays 300 %; RULES P6: a city option under flexible hours.
        parts = [(STATUTORY, draft.statutory_holiday_s)]
    else:
        parts = []
    buckets = [Bucket(kind, seconds, contract) for kind, seconds in parts if seconds > 0]
    draft.overtime_s = sum(b.seconds for b in buckets)
    return buckets


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


def cycle_buckets(
    drafts: Sequence[DayDraft], first: date, last: date
) -> tuple[list[Bucket], list[Flag]]:
    """Comprehensive hours (P5): hours above workdays-in-cycle x 8 h are overtime at 150 %.

    Scheduled shifts on workdays are presumed worked; recorded time outside them is added.
    A cycle cut by the period is judged on its days inside the period (flag partial_cycle).
    """
    cycles: dict[tuple[str, date, date], list[DayDraft]] = {}
    for draft in drafts:
        if draft.system == COMPREHENSIVE:
            bounds = cycle_bounds(draft.plan.date, draft.contract)
            cycles.setdefault((draft.contract.cycle, *bounds), []).append(draft)
    buckets: list[Bucket] = []
    flags: list[Flag] = []
    for (cycle, start, end), members in cycles.items():
        workdays = [d for d in members if d.day_type == WORKDAY]
        worked = sum(d.plan.scheduled_s for d in workdays) + sum(
            d.outside_workday_s + d.rest_day_s for d in members
        )
        over = worked - len(workdays) * STANDARD_DAY_S  # RULES P5
        if over > 0:
            buckets.append(Bucket(COMPREHENSIVE, over, members[-1].contract))
        if start < first or end > last:
            params: dict[str, str | int] = {
                "cycle": cycle,
                "cycle_start": start.isoformat(),
                "cycle_end": end.isoformat(),
                "days_in_period": len(members),
            }
            flags.append(Flag("partial_cycle", start, params))
    return buckets, flags


def hourly_wage(contract: Contract) -> Fraction | None:
    """Monthly wage / divisor / 8, exact (P4)."""
    if contract.monthly_wage is None:
        return None
    return Fraction(contract.monthly_wage) / Fraction(contract.wage_divisor) / 8


def money(value: Fraction) -> Decimal:
    """Round half-up to cents, once, at the end (P4)."""
    half = Fraction(1, 2)
    cents = floor(value * 100 + half) if value >= 0 else -floor(-value * 100 + half)
    return Decimal(cents).scaleb(-2)


def compute_pay(
    buckets: Sequence[Bucket], contracts: Sequence[Contract]
) -> tuple[PayResult | None, list[Flag]]:
    """Pay lines per kind and wage; None when no contract of the period states a wage."""
    if all(c.monthly_wage is None for c in contracts):
        return None, []
    sums: dict[tuple[str, Decimal, Decimal, str], int] = {}
    missing = 0
    for bucket in buckets:
        wage = bucket.contract.monthly_wage
        if wage is None:
            missing += bucket.seconds
            continue
        key = (bucket.kind, wage, bucket.contract.wage_divisor, bucket.contract.currency)
        sums[key] = sums.get(key, 0) + bucket.seconds
    lines = [
        _line(kind, wage, divisor, currency, seconds)
        for (kind, wage, divisor, currency), seconds in sorted(
            sums.items(), key=lambda kv: (PAY_KINDS.index(kv[0][0]), kv[0])
        )
    ]
    flags = [Flag("wage_missing", None, {"seconds": missing})] if missing else []
    wages = {(c.monthly_wage, c.wage_divisor, c.currency) for c in contracts if c.monthly_wage}
    currencies = sorted({c.currency for c in contracts if c.monthly_wage})
    if len(currencies) > 1:
        flags.append(Flag("mixed_currency", None, {"currencies": ",".join(currencies)}))
    single = next(iter(wages)) if len(wages) == 1 else None
    total = sum((line.amount for line in lines), Decimal("0.00")) if len(currencies) == 1 else None
    hourly = None
    if single is not None and single[0] is not None:
        hourly = money(Fraction(single[0]) / Fraction(single[1]) / 8)
    currency = currencies[0] if len(currencies) == 1 else None
    return PayResult(tuple(lines), total, currency, hourly), flags


def _line(kind: str, wage: Decimal, divisor: Decimal, currency: str, seconds: int) -> PayLine:
    hourly = Fraction(wage) / Fraction(divisor) / 8
    multiplier = MULTIPLIERS[kind]
    amount = money(Fraction(seconds, 3600) * hourly * Fraction(multiplier))
    return PayLine(kind, multiplier, seconds, money(hourly), amount, currency, wage, divisor)
