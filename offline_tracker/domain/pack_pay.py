"""Overtime pay of the rule packs outside China (RULES J2, J5, J6): weekly tiers, California.

Hours worked in a day are the day's scheduled shifts (presumed worked, unless the calendar
marks the day off) together with the logged time outside them: the union, counted once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from offline_tracker.domain.calendar import WORKDAY
from offline_tracker.domain.packs import PAY_CALIFORNIA, PAY_NONE, PAY_WEEK, Pack, pack_of
from offline_tracker.domain.pay import Bucket, DayDraft
from offline_tracker.domain.results import Flag
from offline_tracker.domain.timeline import DAY_CATEGORY

H: Final = 3600


def worked_s(draft: DayDraft) -> int:
    """Scheduled shifts of the day plus logged time outside them (never counted twice)."""
    scheduled = draft.plan.scheduled_s if draft.day_type == WORKDAY else 0
    return scheduled + draft.seconds.off_schedule


def week_start(draft: DayDraft) -> date:
    day = draft.plan.date
    return day - timedelta(days=(day.weekday() - draft.contract.week_start) % 7)


def pack_buckets(drafts: Sequence[DayDraft]) -> tuple[list[Bucket], list[Flag]]:
    """Every non-CN day's overtime by its pack; weeks cut by the period are flagged."""
    buckets: list[Bucket] = []
    flags: list[Flag] = []
    weeks: dict[tuple[str, date], list[DayDraft]] = {}
    for draft in drafts:
        pack = pack_of(draft.contract)
        if pack is None or pack.code == "CN":
            continue
        if pack.pay == PAY_NONE:
            buckets += _contract_buckets(draft)
        else:
            weeks.setdefault((pack.code, week_start(draft)), []).append(draft)
    for (_, start), members in weeks.items():
        pack = pack_of(members[-1].contract)
        assert pack is not None
        buckets += _week_buckets(pack, members)
        if len(members) < 7:
            params: dict[str, str | int] = {
                "week_start": start.isoformat(),
                "week_end": (start + timedelta(days=6)).isoformat(),
                "days_in_period": len(members),
            }
            flags.append(Flag("partial_workweek", start, params))
    return buckets, flags


def _contract_buckets(draft: DayDraft) -> list[Bucket]:
    """No statutory premium (EU, DE, PT, AU): the contract's multipliers on off-schedule time."""
    contract = draft.contract
    out = []
    for kind, category in DAY_CATEGORY.items():
        multiplier, seconds = contract.multiplier(kind), getattr(draft.seconds, category)
        if multiplier is not None and seconds > 0:
            out.append(Bucket(kind, seconds, contract, multiplier))
    draft.overtime_s = sum(b.seconds for b in out)
    return out


def _week_buckets(pack: Pack, days: Sequence[DayDraft]) -> list[Bucket]:
    contract = days[-1].contract
    if pack.pay == PAY_CALIFORNIA:
        parts = california(days)
    elif pack.pay == PAY_WEEK:
        total = sum(worked_s(d) for d in days)
        parts = {
            tier.kind: max(0, min(total, tier.up_to_s or total) - tier.above_s)
            for tier in pack.tiers
        }
    else:
        parts = {}
    defaults = {tier.kind: tier.multiplier for tier in pack.tiers} | CALIFORNIA_MULTIPLIERS
    return [
        Bucket(kind, seconds, contract, contract.multiplier(kind) or defaults[kind])
        for kind, seconds in parts.items()
        if seconds > 0
    ]


CALIFORNIA_MULTIPLIERS: Final = {
    "day_over_8": Decimal("1.5"),
    "week_over_40": Decimal("1.5"),
    "seventh_day_first_8": Decimal("1.5"),
    "day_over_12": Decimal("2"),
    "seventh_day_over_8": Decimal("2"),
}


def california(days: Sequence[DayDraft]) -> dict[str, int]:
    """Labor Code § 510 over one workweek: each hour at the highest rate that applies, never
    two (RULES J5). Daily: above 8 h x1.5, above 12 h x2. The 7th consecutive day worked in
    the workweek: its first 8 h x1.5, the rest x2. Weekly: regular hours above 40 x1.5
    (hours already paid as daily overtime do not count towards the 40)."""
    out = dict.fromkeys(CALIFORNIA_MULTIPLIERS, 0)
    regular_total = 0
    streak = 0
    for index, draft in enumerate(days):
        worked = worked_s(draft)
        streak = streak + 1 if worked > 0 else 0
        seventh = index == 6 and streak == 7  # a whole workweek worked
        if seventh:
            out["seventh_day_first_8"] += min(worked, 8 * H)
            out["seventh_day_over_8"] += max(0, worked - 8 * H)
            continue
        regular = min(worked, 8 * H)
        out["day_over_8"] += min(max(0, worked - 8 * H), 4 * H)
        out["day_over_12"] += max(0, worked - 12 * H)
        out["week_over_40"] += max(0, regular_total + regular - 40 * H) - max(
            0, regular_total - 40 * H
        )
        regular_total += regular
    return out
