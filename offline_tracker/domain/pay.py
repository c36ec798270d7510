"""Overtime by hours system (RULES P3, P5, P6) and pay in Decimal (P4)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from math import floor
from typing import Final

from offline_tracker.domain.calendar import REST_DAY, STATUTORY, WORKDAY
from offline_tracker.domain.contract import Contract
from offline_tracker.domain.cycles import COMPREHENSIVE as COMPREHENSIVE
from offline_tracker.domain.packs import PAY_NONE, hourly_wage, pack_of
from offline_tracker.domain.results import ZERO, CategorySeconds, Flag, PayLine, PayResult
from offline_tracker.domain.timeline import DayPlan
from offline_tracker.domain.values import value

MULTIPLIERS: Final = {
    WORKDAY: Decimal("1.5"),
    REST_DAY: Decimal("2"),
    STATUTORY: Decimal("3"),
    COMPREHENSIVE: Decimal("1.5"),
}
PAY_KINDS: Final = tuple(MULTIPLIERS)


class DayDraft:
    """Mutable per-day sums while classifying; frozen into a DayResult at the end. A plain
    class: a dataclass would import `dataclasses` (with inspect, ast, dis and tokenize: 8 ms of
    a report) for the report path alone (issue 19)."""

    __slots__ = ("comp_time_s", "emergency_s", "overtime_s", "plan", "seconds")

    def __init__(self, plan: DayPlan) -> None:
        self.plan = plan
        self.seconds: CategorySeconds = ZERO
        self.emergency_s = self.comp_time_s = self.overtime_s = 0

    @property
    def contract(self) -> Contract:
        return self.plan.contract

    @property
    def system(self) -> str:
        return self.contract.effective_system

    @property
    def day_type(self) -> str:
        return self.plan.info.day_type


@value
class Bucket:
    """Overtime seconds of one pay kind at one multiplier, earned under one contract version."""

    kind: str
    seconds: int
    contract: Contract
    multiplier: Decimal


def cn_bucket(kind: str, seconds: int, contract: Contract) -> Bucket:
    """A CN pay kind at the contract's own multiplier, else the statute's (P3, P5)."""
    return Bucket(kind, seconds, contract, contract.multiplier(kind) or MULTIPLIERS[kind])


def day_buckets(draft: DayDraft) -> list[Bucket]:
    """Per-day overtime: all of it under standard hours, statutory only otherwise (P3, P5, P6)."""
    contract = draft.contract
    if contract.rule_pack != "CN":
        return []  # RULES J7: other packs pay by their own rules (pack_pay.py)
    parts = overtime_parts(draft.seconds, draft.comp_time_s, draft.system, contract)
    buckets = [cn_bucket(kind, seconds, contract) for kind, seconds in parts.items()]
    draft.overtime_s = sum(b.seconds for b in buckets)
    return buckets


def overtime_parts(
    seconds: CategorySeconds, comp_time_s: int, system: str, contract: Contract
) -> dict[str, int]:
    """A CN day's overtime seconds by pay kind (those above zero), for pay and the claim."""
    if system == "standard":  # RULES P3: 150 % / 200 % less time off in lieu / 300 %
        parts = {
            WORKDAY: seconds.outside_workday,
            REST_DAY: seconds.rest_day - comp_time_s,
            STATUTORY: seconds.statutory_holiday,
        }
    elif system == COMPREHENSIVE or contract.flexible_holiday_pay:
        # RULES P5: statutory work stays 300 %; RULES P6: a city option under flexible hours.
        parts = {STATUTORY: seconds.statutory_holiday}
    else:
        parts = {}
    return {kind: value for kind, value in parts.items() if value > 0}


def money(value: Fraction) -> Decimal:
    """Round half-up to cents, once, at the end (P4)."""
    half = Fraction(1, 2)
    cents = floor(value * 100 + half) if value >= 0 else -floor(-value * 100 + half)
    return Decimal(cents).scaleb(-2)


def printed_factors(line: PayLine) -> tuple[Decimal, Decimal]:
    """Hours and hourly wage with the fewest decimals (2 to 12) whose product with the
    multiplier, rounded as the engine rounds (P4), is the line's amount: a pay line that
    multiplies out as printed. Each place count tries the nearest figures, then both rounded
    up (for an exact amount on a half cent). The engine itself prices exact seconds at the
    exact rate; the figures only show it."""
    hours, rate, times = Fraction(line.seconds, 3600), line.hourly_exact, Fraction(line.multiplier)
    for places in range(2, 13):
        for up in (False, True):
            shown = (_decimal(hours, places, up), _decimal(rate, places, up))
            if money(Fraction(shown[0]) * Fraction(shown[1]) * times) == line.amount:
                return shown
    return shown


def _decimal(value: Fraction, places: int, up: bool) -> Decimal:
    scale = 10**places
    whole = -floor(-value * scale) if up else floor(value * scale + Fraction(1, 2))
    return Decimal(whole).scaleb(-places)


def _priced(contracts: Sequence[Contract]) -> list[Contract]:
    """Contracts that yield a pay figure: a wage and a pack that pays by statute or by the
    contract's multipliers (never J6, RULES J6)."""
    return [c for c in contracts if _pays(c) and hourly_wage(c) is not None]


def _pays(contract: Contract) -> bool:
    pack = pack_of(contract)
    return pack is not None and (pack.pay != PAY_NONE or bool(contract.multipliers))


def compute_pay(
    buckets: Sequence[Bucket], contracts: Sequence[Contract]
) -> tuple[PayResult | None, list[Flag]]:
    """Pay lines per kind, multiplier and wage; None when no contract of the period is priced."""
    priced = _priced(contracts)
    if not priced:
        return None, []
    sums: dict[tuple[str, Decimal, Fraction, str], int] = {}
    missing = 0
    for bucket in buckets:
        hourly = hourly_wage(bucket.contract) if _pays(bucket.contract) else None
        if hourly is None:
            missing += bucket.seconds
            continue
        key = (bucket.kind, bucket.multiplier, hourly, bucket.contract.currency)
        sums[key] = sums.get(key, 0) + bucket.seconds
    lines = [
        _line(kind, multiplier, hourly, currency, seconds)
        for (kind, multiplier, hourly, currency), seconds in sorted(sums.items(), key=_line_order)
    ]
    flags = [Flag("wage_missing", None, {"seconds": missing})] if missing else []
    wages = {(hourly_wage(c), c.currency) for c in priced}
    currencies = sorted({c.currency for c in priced})
    if len(currencies) > 1:
        flags.append(Flag("mixed_currency", None, {"currencies": ",".join(currencies)}))
    single = next(iter(wages))[0] if len(wages) == 1 else None
    total = sum((line.amount for line in lines), Decimal("0.00")) if len(currencies) == 1 else None
    rounded = None if single is None else money(single)
    currency = currencies[0] if len(currencies) == 1 else None
    return PayResult(tuple(lines), total, currency, rounded), flags


def _line_order(item: tuple[tuple[str, Decimal, Fraction, str], int]) -> tuple[object, ...]:
    kind, multiplier, hourly, currency = item[0]
    rank = PAY_KINDS.index(kind) if kind in PAY_KINDS else len(PAY_KINDS)
    return rank, multiplier, kind, hourly, currency


def _line(kind: str, multiplier: Decimal, hourly: Fraction, currency: str, seconds: int) -> PayLine:
    amount = money(Fraction(seconds, 3600) * hourly * Fraction(multiplier))
    return PayLine(kind, multiplier, seconds, money(hourly), amount, currency, hourly)
