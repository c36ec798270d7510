"""The overtime claim by month: a classified period's pay, split into calendar months (P3, P4).

The table an arbitration application carries (加班费计算明细): one row per month and wage, with
the hours of each pay kind and their amounts. Its totals are the period's pay lines (the same
figures as `ot report range`); a month's amount is its share of its line, in cents, so the
rows add up to the totals exactly (RULES P4: money is rounded once, at the end).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from math import floor

from offline_tracker.domain.contract import Contract, ContractHistory
from offline_tracker.domain.packs import hourly_wage
from offline_tracker.domain.pay import COMPREHENSIVE, PAY_KINDS, money, overtime_parts
from offline_tracker.domain.results import DayResult, PayLine, PeriodResult
from offline_tracker.domain.values import value

# (wage, divisor, currency): what makes two hours pay the same (pay.compute_pay's key).
WageKey = tuple[Fraction, str]


@value
class ClaimRow:
    """One month (None: a comprehensive-hours cycle, judged as a whole, RULES P5) at one wage."""

    month: date | None
    hourly: Decimal | None  # None: no monthly wage stated for these days
    currency: str | None
    seconds: dict[str, int]  # pay kind -> overtime seconds
    amounts: dict[str, Decimal]  # pay kind -> amount (empty when not priced)

    @property
    def total(self) -> Decimal | None:
        return sum(self.amounts.values(), Decimal("0.00")) if self.amounts else None


@value
class Claim:
    rows: tuple[ClaimRow, ...]
    kinds: tuple[str, ...]  # the pay kinds with any hours, in PAY_KINDS order
    seconds: dict[str, int]  # kind -> seconds over the period
    amounts: dict[str, Decimal]  # kind -> the period's pay (the report's by_category)
    total: Decimal | None  # the report's pay total
    currency: str | None


def day_kinds(day: DayResult, contract: Contract) -> dict[str, int]:
    """A day's overtime seconds by pay kind, as pay.day_buckets counts them (P3, P5, P6)."""
    return overtime_parts(day.seconds, day.comp_time_s, day.system, contract)


def _wage(contract: Contract) -> WageKey | None:
    hourly = hourly_wage(contract)
    return None if hourly is None else (hourly, contract.currency)


def _hourly(key: WageKey | None) -> Decimal | None:
    return None if key is None else money(key[0])


def _months(
    result: PeriodResult, contracts: ContractHistory
) -> dict[tuple[date | None, WageKey | None], dict[str, int]]:
    groups: dict[tuple[date | None, WageKey | None], dict[str, int]] = {}
    for day in result.days:
        contract = contracts.get(day.date) or contracts.first
        kinds = day_kinds(day, contract)
        if not kinds:
            continue
        sums = groups.setdefault((day.date.replace(day=1), _wage(contract)), {})
        for kind, seconds in kinds.items():
            sums[kind] = sums.get(kind, 0) + seconds
    return groups


def _shares(line: PayLine, parts: Sequence[int]) -> list[Decimal]:
    """`line.amount` split in cents over `parts` (seconds), by the largest remainder."""
    rate = line.hourly_exact * Fraction(line.multiplier) / 3600 * 100
    exact = [rate * seconds for seconds in parts]
    cents = [floor(value) for value in exact]
    short = int(line.amount * 100) - sum(cents)
    by_remainder = sorted(range(len(parts)), key=lambda i: (cents[i] - exact[i], i))
    for i in by_remainder[: max(0, short)]:
        cents[i] += 1
    return [Decimal(c).scaleb(-2) for c in cents]


def monthly_claim(result: PeriodResult, contracts: ContractHistory) -> Claim:
    """The claim rows of a classified period; comprehensive cycle overtime gets its own rows."""
    groups = _months(result, contracts)
    lines = result.pay.lines if result.pay is not None else ()
    for line in lines:
        if line.kind == COMPREHENSIVE or line.kind not in PAY_KINDS:
            # a cycle judged as a whole (P5), or another pack's weekly tiers: one period row
            key = (line.hourly_exact, line.currency)
            row = groups.setdefault((None, key), {})
            row[line.kind] = row.get(line.kind, 0) + line.seconds
    amounts: dict[tuple[date | None, WageKey | None], dict[str, Decimal]] = {k: {} for k in groups}
    for line in lines:
        key = (line.hourly_exact, line.currency)
        members = [g for g in groups if g[1] == key and line.kind in groups[g]]
        shares = _shares(line, [groups[g][line.kind] for g in members])
        for group, share in zip(members, shares, strict=True):
            amounts[group][line.kind] = share
    order = sorted(
        groups, key=lambda g: (g[0] is None, g[0] or date.min, g[1] is not None, g[1] or (0, ""))
    )
    rows = tuple(
        ClaimRow(month, _hourly(wage), wage[1] if wage else None, groups[g], amounts[g])
        for g in order
        for month, wage in [g]
    )
    others = dict.fromkeys(k for r in rows for k in r.seconds if k not in PAY_KINDS)
    kinds = tuple(k for k in (*PAY_KINDS, *others) if any(k in r.seconds for r in rows))
    by_kind = {k: sum((ln.amount for ln in lines if ln.kind == k), Decimal("0.00")) for k in kinds}
    seconds = {k: sum(r.seconds.get(k, 0) for r in rows) for k in kinds}
    pay = result.pay
    return Claim(
        rows, kinds, seconds, by_kind, pay.total if pay else None, pay.currency if pay else None
    )
