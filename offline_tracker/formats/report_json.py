"""The JSON form of a ReportView (docs/report-schema.md, version 2: names and meanings stay)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from offline_tracker.domain.report_view import ReportView
from offline_tracker.domain.results import (
    CATEGORIES,
    CompOffset,
    CycleResult,
    DayResult,
    Flag,
    PeriodResult,
)
from offline_tracker.formats.records import minutes

SCHEMA_VERSION = 2  # docs/report-schema.md; version 1's fields keep their names and meaning
# Pay kinds of the engine (domain/pay.py) under the category names of the schema.
PAY_CATEGORY = {
    "workday": "outside_workday",
    "rest_day": "rest_day",
    "statutory_holiday": "statutory_holiday",
    "comprehensive": "comprehensive_cycle",
}


def report_dict(view: ReportView, describe: Callable[[Flag], str]) -> dict[str, Any]:
    """`describe` turns a flag into a sentence in the reader's language."""
    from offline_tracker.formats.report_json_offhours import version_2

    result = view.result
    totals = result.totals
    contacts = dict(view.off_hours.day_contacts)
    return {
        "schema_version": SCHEMA_VERSION,
        "period": {
            "from": result.period_from.isoformat(),
            "to": result.period_to.isoformat(),
            "timezone": result.timezone,
        },
        "totals": {
            **{f"{c}_minutes": minutes(getattr(totals.seconds, c)) for c in CATEGORIES},
            "overtime_minutes": minutes(totals.overtime_s),
            "late_night_minutes": minutes(totals.seconds.late_night),
            "worked_minutes": minutes(totals.seconds.worked),
            "comp_time_applied_minutes": minutes(totals.comp_time_applied_s),
            "comp_time_unused_minutes": minutes(totals.comp_time_unused_s),
            "days_in_period": totals.days_in_period,
            "days_worked": totals.days_worked,
            "days_off_hours": totals.days_off_hours,
            "ack_count": result.ack_count,
            "ack_minutes": minutes(result.ack_seconds),
            "record_count": result.record_count,
        },
        "days": [{**_day(d), "contacts": contacts.get(d.date, 0)} for d in result.days],
        "pay": _pay(result),
        "flags": [_flag(f, describe) for f in result.flags],
        "provisional_days": result.provisional_days,
        # RULES J6, J7: the rule packs of the period's days (J6: no pack, no pay, no legal flags)
        "rule_packs": sorted({d.rule_pack for d in result.days}),
        "cycles": [_cycle(c) for c in result.cycles],
        "comp_time": [_offset(o, result) for o in result.comp_offsets],
        **version_2(view),
    }


def _cycle(cycle: CycleResult) -> dict[str, Any]:
    """RULES P5: one comprehensive-hours cycle the period touches."""
    return {
        "cycle": cycle.cycle,
        "from": cycle.first.isoformat(),
        "to": cycle.last.isoformat(),
        "partial": cycle.partial,
        "judged_from": cycle.judged_from.isoformat(),
        "judged_to": cycle.judged_to.isoformat(),
        "worked_minutes": minutes(cycle.worked_s),
        "standard_minutes": minutes(cycle.standard_s),
        "extended_minutes": minutes(cycle.extended_s),
    }


def _offset(offset: CompOffset, result: PeriodResult) -> dict[str, Any]:
    """RULES P3: which time off offsets which rest day."""
    day = offset.for_date
    return {
        "taken": offset.taken.isoformat(),
        "for_date": None if day is None else day.isoformat(),
        "minutes": minutes(offset.seconds),
        "explicit": offset.explicit,
        "planned": offset.planned,
        "for_date_in_period": day is not None and result.period_from <= day <= result.period_to,
    }


def _day(day: DayResult) -> dict[str, Any]:
    return {
        "date": day.date.isoformat(),
        "day_type": day.day_type,
        "provisional": day.provisional,
        "source": day.source,
        "holiday_name": day.name_en,
        "holiday_name_zh": day.name_zh,
        **{f"{c}_minutes": minutes(getattr(day.seconds, c)) for c in CATEGORIES},
        "late_night_minutes": minutes(day.seconds.late_night),
        "overtime_minutes": minutes(day.overtime_s),
        "rule_pack": day.rule_pack,
    }


def _pay(result: PeriodResult) -> dict[str, Any]:
    pay = result.pay
    if pay is None:
        return {
            "currency": None,
            "hourly_rate": None,
            "by_category": {k: None for k in list(PAY_CATEGORY.values())[:3]},
            "total": None,
            "statutory_maximum": True,
        }
    sums: dict[str, Decimal] = {k: Decimal("0.00") for k in list(PAY_CATEGORY.values())[:3]}
    for line in pay.lines:
        key = PAY_CATEGORY.get(line.kind, line.kind)
        sums[key] = sums.get(key, Decimal("0.00")) + line.amount
    by_kind = {k: str(v) for k, v in sums.items()}
    return {
        "currency": pay.currency,
        "hourly_rate": str(pay.hourly) if pay.hourly is not None else None,
        "by_category": by_kind,
        "total": str(pay.total) if pay.total is not None else None,
        "statutory_maximum": True,
        "lines": [
            {
                "kind": line.kind,
                "multiplier": str(line.multiplier),
                "minutes": minutes(line.seconds),
                "hourly_rate": str(line.hourly),
                "amount": str(line.amount),
            }
            for line in pay.lines
        ],
    }


def _flag(flag: Flag, describe: Callable[[Flag], str]) -> dict[str, Any]:
    return {
        "code": flag.code,
        "date": flag.date.isoformat() if flag.date else None,
        "params": dict(flag.params),
        "message": describe(flag),
    }
