"""The checks of the rule packs outside China (RULES J1-J4, J7), registered as `Check`s.

Each function here takes one pack's days (PackDays) and returns flags; `CHECKS` wraps each into
the one signature of every check (`Period -> flags`). The pack (domain/packs.py) says which codes
it judges, with which limits, and each flag gets its pack's citation (`params["citation"]`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Final

from offline_tracker.domain.calendar import STATUTORY
from offline_tracker.domain.checks import Check, Period
from offline_tracker.domain.pack_pay import week_start, worked_s
from offline_tracker.domain.packs import Pack
from offline_tracker.domain.pay import DayDraft
from offline_tracker.domain.records import Record
from offline_tracker.domain.results import Flag
from offline_tracker.domain.timeline import INSIDE, DayPlan, epoch
from offline_tracker.domain.values import value

Params = dict[str, str | int]
Span = tuple[int, int]
PackCheck = Callable[["PackDays"], list[Flag]]
_EMPLOYER_ROLES: Final = frozenset({"supervisor", "hr"})


@value
class PackDays:
    """What a pack's checks see: its days, the work blocks (shifts with records, merged)."""

    pack: Pack
    drafts: tuple[DayDraft, ...]
    blocks: tuple[Span, ...]
    records: tuple[Record, ...]
    plans: tuple[DayPlan, ...]
    date_of: Callable[[int], date]

    def limit(self, name: str) -> int:
        return self.pack.limits[name]


def daily_rest(days: PackDays) -> list[Flag]:
    """Rest between one day's last work and the next day's first, under 11 h."""
    first: dict[date, int] = {}
    last: dict[date, int] = {}
    for start, end in days.blocks:
        day = days.date_of(start)
        first.setdefault(day, start)
        last[day] = max(last.get(day, end), end)
    flags: list[Flag] = []
    previous_end: int | None = None
    ours, limit = {d.plan.date for d in days.drafts}, days.limit("daily_rest_s")
    for day in sorted(first):
        if previous_end is not None and day in ours and first[day] - previous_end < limit:
            params: Params = {"seconds": first[day] - previous_end, "limit_seconds": limit}
            flags.append(Flag("daily_rest_under_11h", day, params))
        previous_end = last[day]
    return flags


def _full_weeks(days: PackDays) -> list[list[DayDraft]]:
    weeks: dict[date, list[DayDraft]] = {}
    for draft in days.drafts:
        weeks.setdefault(week_start(draft), []).append(draft)
    return [w for _, w in sorted(weeks.items()) if len(w) == 7]


def weekly_rest(days: PackDays) -> list[Flag]:
    """Each whole week needs 24 h + 11 h of uninterrupted rest (weeks cut by the period: not
    judged; the rest is measured inside the week)."""
    flags = []
    for week in _full_weeks(days):
        lo, hi = week[0].plan.start, week[-1].plan.end
        edges = [lo] + [x for b in days.blocks if b[1] > lo and b[0] < hi for x in b] + [hi]
        longest = max(max(b - a, 0) for a, b in zip(edges[::2], edges[1::2], strict=False))
        if longest < days.limit("weekly_rest_s"):
            params: Params = {
                "week_start": week[0].plan.date.isoformat(),
                "seconds": longest,
                "limit_seconds": days.limit("weekly_rest_s"),
            }
            flags.append(Flag("weekly_rest_under_35h", week[0].plan.date, params))
    return flags


def weekly_average(days: PackDays) -> list[Flag]:
    """The highest average week over the reference period (all whole weeks when fewer)."""
    hours = [sum(worked_s(d) for d in week) for week in _full_weeks(days)]
    starts = [week[0].plan.date for week in _full_weeks(days)]
    size = min(days.limit("average_weeks"), len(hours))
    if not size:
        return []
    windows = [(sum(hours[i : i + size]) // size, i) for i in range(len(hours) - size + 1)]
    average, index = max(windows)
    limit = days.limit("weekly_average_s")
    if average <= limit:
        return []
    code = "weekly_average_over_48h" if limit == 48 * 3600 else "weekly_average_over_44h"
    params: Params = {
        "weeks": size,
        "from": starts[index].isoformat(),
        "average_seconds": average,
        "limit_seconds": limit,
    }
    return [Flag(code, starts[index], params)]


def weekly_max(days: PackDays) -> list[Flag]:
    flags = []
    for week in _full_weeks(days):
        total = sum(worked_s(d) for d in week)
        if total > days.limit("weekly_max_s"):
            params: Params = {"seconds": total, "limit_seconds": days.limit("weekly_max_s")}
            flags.append(Flag("weekly_over_48h", week[0].plan.date, params))
    return flags


def no_break(days: PackDays) -> list[Flag]:
    """A stretch of work longer than 6 h without a break."""
    limit, ours = days.limit("break_after_s"), {d.plan.date for d in days.drafts}
    return [
        Flag("no_break_over_6h", days.date_of(a), {"seconds": b - a, "limit_seconds": limit})
        for a, b in days.blocks
        if b - a > limit and days.date_of(a) in ours
    ]


def daily_hours(days: PackDays) -> list[Flag]:
    """Over the day's maximum (DE § 3 10 h, FR 10 h), or over DE's 8 h: the most severe only."""
    limits = [("daily_over_10h", days.limit("daily_max_s"))]
    if "daily_s" in days.pack.limits:
        limits.append(("daily_over_8h", days.limit("daily_s")))
    flags = []
    for draft in days.drafts:
        worked = worked_s(draft)
        for code, limit in limits:
            if worked > limit:
                params: Params = {"seconds": worked, "limit_seconds": limit}
                flags.append(Flag(code, draft.plan.date, params))
                break
    return flags


def sunday_or_holiday(days: PackDays) -> list[Flag]:
    return [
        Flag("sunday_or_holiday_work", d.plan.date, {"seconds": worked_s(d), "day": _kind(d)})
        for d in days.drafts
        if worked_s(d) > 0 and (d.plan.date.weekday() == 6 or d.day_type == STATUTORY)
    ]


def _kind(draft: DayDraft) -> str:
    return "public_holiday" if draft.day_type == STATUTORY else "sunday"


def _off_hours_contacts(days: PackDays, roles: frozenset[str] | None) -> list[tuple[Record, int]]:
    """Contacts received outside the scheduled shifts, with the moment they came."""
    inside = [(p.start, p.end) for plan in days.plans for p in plan.pieces if p.category == INSIDE]
    ours = {d.plan.date for d in days.drafts}
    found = []
    for record in days.records:
        if record.voided or record.direction != "received":
            continue
        if roles is not None and record.role not in roles:
            continue
        moment = epoch(record.start)
        if days.date_of(moment) in ours and not any(a <= moment < b for a, b in inside):
            found.append((record, moment))
    return found


def contact_during_rest(days: PackDays) -> list[Flag]:
    """PT art. 199.º-A: every contact from the employer during a rest period is a finding."""
    return [
        Flag("contact_during_rest", days.date_of(moment), _contact_params(record))
        for record, moment in _off_hours_contacts(days, _EMPLOYER_ROLES)
    ]


def after_hours_contact(days: PackDays) -> list[Flag]:
    """AU s 333M: each out-of-hours contact with what s 333M(3) weighs: the reason (kind), the
    method (channel), the disruption (minutes), who asked (role)."""
    return [
        Flag("after_hours_contact", days.date_of(moment), _contact_params(record))
        for record, moment in _off_hours_contacts(days, None)
    ]


def _contact_params(record: Record) -> Params:
    end = record.end or record.start
    return {
        "record_id": record.id,
        "channel": record.channel or "-",
        "role": record.role or "-",
        "kind": record.kind or "-",
        "seconds": max(0, int((end - record.start).total_seconds())),
    }


def _registered(name: str, codes: tuple[str, ...], function: PackCheck) -> Check:
    def run(period: Period) -> list[Flag]:
        flags: list[Flag] = []
        for pack, members in period.pack_groups:
            if not any(code in pack.checks for code in codes):
                continue
            days = PackDays(
                pack, members, period.blocks, period.records, period.plans, period.date_of
            )
            for flag in function(days):
                if flag.code in pack.checks:
                    cited = {**flag.params, "citation": pack.checks[flag.code]}
                    flags.append(Flag(flag.code, flag.date, cited))
        return flags

    return Check(name, codes, run)


CHECKS: Final = (
    _registered("daily_rest", ("daily_rest_under_11h",), daily_rest),
    _registered("weekly_rest", ("weekly_rest_under_35h",), weekly_rest),
    _registered(
        "weekly_average", ("weekly_average_over_48h", "weekly_average_over_44h"), weekly_average
    ),
    _registered("weekly_max", ("weekly_over_48h",), weekly_max),
    _registered("no_break", ("no_break_over_6h",), no_break),
    _registered("daily_hours", ("daily_over_10h", "daily_over_8h"), daily_hours),
    _registered("sunday_or_holiday", ("sunday_or_holiday_work",), sunday_or_holiday),
    _registered("contact_during_rest", ("contact_during_rest",), contact_during_rest),
    _registered("after_hours_contact", ("after_hours_contact",), after_hours_contact),
)
