"""Version 2 of the report JSON: the figures the text report shows beyond the classification
(off-hours contacts and rest, periodicity, heatmap, weeks, the terms in force, provenance)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from offline_tracker.domain.offhours import Count, OffHours, Pattern, Rest, WeekTotal
from offline_tracker.domain.report_view import MonthTotal, ReportView
from offline_tracker.domain.results import CATEGORIES
from offline_tracker.formats.records import minutes


def _rest(rest: Rest | None, zone: tzinfo) -> dict[str, Any] | None:
    if rest is None:
        return None
    return {
        "start": rest.start.astimezone(zone).isoformat(),
        "end": rest.end.astimezone(zone).isoformat(),
        "date": rest.date.isoformat(),
        "minutes": minutes(rest.seconds),
    }


def _counts(items: Sequence[Count]) -> list[dict[str, Any]]:
    return [{"name": c.name, "count": c.count} for c in items]


def _patterns(items: Sequence[Pattern]) -> list[dict[str, int]]:
    return [{"weekday": p.weekday, "worked": p.worked, "total": p.total} for p in items]


def off_hours_dict(figures: OffHours, zone: tzinfo) -> dict[str, Any]:
    """RULES E1, E2: docs/reports.md defines each figure."""
    return {
        "contacts": figures.contacts,
        "late_night_contacts": figures.late_night_contacts,
        "ack_contacts": figures.ack_contacts,
        "substantive_contacts": figures.substantive_contacts,
        "ack_percent": figures.ack_percent,
        "rest_days": figures.rest_days,
        "rest_days_interrupted": figures.rest_days_interrupted,
        "longest_rest": _rest(figures.longest_rest, zone),
        "shortest_night": _rest(figures.shortest_night, zone),
        "counterparts": _counts(figures.counterparts),
        "channels": _counts(figures.channels),
        "rest_pattern": _patterns(figures.rest_pattern),
        "workday_pattern": _patterns(figures.workday_pattern),
    }


def _week(week: WeekTotal) -> dict[str, Any]:
    return {
        "week_start": week.first.isoformat(),
        "week_end": week.last.isoformat(),
        "days": week.days,
        "off_hours_minutes": minutes(week.off_hours_s),
        "late_night_minutes": minutes(week.late_night_s),
        "days_off_hours": week.days_off_hours,
    }


def _month(month: MonthTotal) -> dict[str, Any]:
    return {
        "month": month.first.strftime("%Y-%m"),
        "days": month.days,
        "days_off_hours": month.days_off_hours,
        "worked_minutes": minutes(month.seconds.worked),
        **{f"{c}_minutes": minutes(getattr(month.seconds, c)) for c in CATEGORIES},
        "late_night_minutes": minutes(month.seconds.late_night),
    }


def version_2(view: ReportView) -> dict[str, Any]:
    """The fields version 2 adds at the top level (docs/report-schema.md)."""
    contract, source = view.contract, view.provenance
    return {
        "contract": {
            "effective": None if contract.effective is None else contract.effective.isoformat(),
            "jurisdiction": contract.jurisdiction,
            "rule_pack": contract.rule_pack,
            "system": contract.system,
            "approved": contract.approved,
            "timezone": contract.timezone,
        },
        "off_hours": off_hours_dict(view.off_hours, view.zone),
        "heatmap": {
            "timezone": str(view.zone),
            "minutes": [[minutes(s) for s in row] for row in view.heatmap],
        },
        "weeks": [_week(w) for w in view.weeks],
        "months": [_month(m) for m in view.months],
        "provenance": {
            "generated_at": source.generated_at.astimezone(view.zone).isoformat(),
            "ledger_head_seq": source.head_seq,
            "ledger_head_hash": source.head_hash,
        },
    }
