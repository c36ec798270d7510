"""Overtime by hours system (RULES P3, P5, P6) and pay in Decimal (P4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor
from typing import Final

from offline_tracker.domain.calendar import REST_DAY, STATUTORY, WORKDAY
from offline_tracker.domain.contract import Contract
from offline_tracker.domain.cycles import COMPREHENSIVE
from offline_tracker.domain.results import Flag, PayLine, PayResult
from offline_tracker.domain.timeline import DayPlan

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
    return PayLine(kind, multiplier, seconds, money(hourly), amount, currency)
