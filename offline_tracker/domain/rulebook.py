"""Every check, registered once by name (the beancount/klog pattern): one list, one signature.

A check is `Period -> list[Flag]` (domain/checks.py). China's checks judge China's days; every
other pack's checks judge that pack's days and cite its statute (RULES J7), so a rule pack is the
set of checks whose codes it names (domain/packs.py). docs/classification.md lists each name.
"""

from __future__ import annotations

from typing import Final

from offline_tracker.domain import checks, pack_checks
from offline_tracker.domain.checks import Check, Period
from offline_tracker.domain.results import Flag

CHECKS: Final[tuple[Check, ...]] = (
    Check(
        "contract_terms",
        ("system_not_approved", "no_rule_pack", "before_first_contract"),
        checks.contract_terms,
    ),
    Check("provisional_days", ("provisional_day",), checks.provisional_days),
    Check("cn_daily_overtime", ("overtime_over_3h_day", "overtime_over_1h_day"), checks.day_limit),
    Check("cn_monthly_overtime", ("overtime_over_36h_month",), checks.month_limit),
    Check("cn_weekly_rest_day", ("no_weekly_rest_day",), checks.weekly_rest_day),
    Check("overlap", ("overlap",), checks.overlaps),
    Check("open_session", ("open_session_over_24h",), checks.open_sessions),
    *pack_checks.CHECKS,
)


def run_checks(period: Period) -> list[Flag]:
    """Every registered check on the period, in the order of CHECKS."""
    return [flag for check in CHECKS for flag in check.run(period)]
