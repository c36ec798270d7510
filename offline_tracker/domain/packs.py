"""Rule packs (RULES J1-J7): each jurisdiction's pay rules, checks and citations, as data.

China (`CN`) is the engine of pay.py, cycles.py and checks.py. Every other pack is a row of
PACKS: how it pays (none, weekly tiers, California), which checks it runs with which limits,
the citation of each flag, and how a monthly wage becomes an hourly one. A code without a
pack gets J6: public holidays, no pay figure, no legal flags (and the report says so).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Final

from offline_tracker.domain.contract import Contract
from offline_tracker.domain.values import field, value

H: Final = 3600
NO_PACK: Final = "J6"
PAY_NONE: Final = "none"  # contract multipliers on off-schedule time, nothing by statute
PAY_WEEK: Final = "week_tiers"
PAY_CALIFORNIA: Final = "california"
PAY_CN: Final = "cn"

_DIRECTIVE: Final = "cite.eu"  # i18n keys of citations: locales/*/report.json


@value
class Tier:
    """Hours of a week above `above_s` (up to `up_to_s`) earn `multiplier` (kind: its name)."""

    kind: str
    above_s: int
    up_to_s: int | None
    multiplier: Decimal


@value
class Pack:
    """One jurisdiction's rules. `checks` maps a flag code to its citation's i18n key."""

    code: str
    pay: str
    checks: Mapping[str, str] = field(default_factory=dict)
    tiers: tuple[Tier, ...] = ()
    limits: Mapping[str, int] = field(default_factory=dict)
    pay_citation: str | None = None
    hours_divisor: Decimal | None = None  # monthly / this = hourly (FR 151.67)

    @property
    def statute_key(self) -> str:
        return f"pack.{self.code}.statute"


# RULES J1: the Working Time Directive's four checks; J7: members run them under their own pack.
_EU_CHECKS: Final = {
    "daily_rest_under_11h": f"{_DIRECTIVE}.art3",
    "weekly_rest_under_35h": f"{_DIRECTIVE}.art5",
    "weekly_average_over_48h": f"{_DIRECTIVE}.art6",
    "no_break_over_6h": f"{_DIRECTIVE}.art4",
}
_EU_LIMITS: Final = {
    "daily_rest_s": 11 * H,
    "weekly_rest_s": 35 * H,
    "weekly_average_s": 48 * H,
    "average_weeks": 17,  # four months
    "break_after_s": 6 * H,
}

PACKS: Final[Mapping[str, Pack]] = {
    "CN": Pack("CN", PAY_CN),
    "EU": Pack("EU", PAY_NONE, _EU_CHECKS, limits=_EU_LIMITS),
    "DE": Pack(
        "DE",
        PAY_NONE,
        {
            **_EU_CHECKS,
            "daily_rest_under_11h": "cite.de.s5",
            "no_break_over_6h": "cite.de.s4",
            "daily_over_8h": "cite.de.s3",
            "daily_over_10h": "cite.de.s3",
            "sunday_or_holiday_work": "cite.de.s9",
        },
        limits={**_EU_LIMITS, "daily_s": 8 * H, "daily_max_s": 10 * H},
    ),
    "FR": Pack(
        "FR",
        PAY_WEEK,
        {
            "daily_over_10h": "cite.fr.l3121_18",
            "weekly_over_48h": "cite.fr.l3121_20",
            "weekly_average_over_44h": "cite.fr.l3121_22",
            "daily_rest_under_11h": "cite.fr.l3131_1",
            "weekly_rest_under_35h": "cite.fr.l3132_2",
            "no_break_over_6h": "cite.fr.l3121_16",
        },
        # RULES J2: the 36th to 43rd hour +25 %, from the 44th +50 % (L3121-36).
        (
            Tier("week_36_43", 35 * H, 43 * H, Decimal("1.25")),
            Tier("week_44_on", 43 * H, None, Decimal("1.5")),
        ),
        {
            **_EU_LIMITS,
            "daily_max_s": 10 * H,
            "weekly_max_s": 48 * H,
            "weekly_average_s": 44 * H,
            "average_weeks": 12,
        },
        "cite.fr.l3121_36",
        Decimal("151.67"),
    ),
    "PT": Pack(
        "PT", PAY_NONE, {**_EU_CHECKS, "contact_during_rest": "cite.pt.a199a"}, limits=_EU_LIMITS
    ),
    "AU": Pack("AU", PAY_NONE, {"after_hours_contact": "cite.au.s333m"}),
    # RULES J5: 150 % above 40 h in the workweek; nothing daily, nothing for holidays.
    "US": Pack(
        "US",
        PAY_WEEK,
        tiers=(Tier("week_over_40", 40 * H, None, Decimal("1.5")),),
        pay_citation="cite.us.s207",
    ),
    "US-CA": Pack("US-CA", PAY_CALIFORNIA, pay_citation="cite.us_ca.s510"),
}


def pack_of(contract: Contract) -> Pack | None:
    """The contract's pack, None for J6 (no pack)."""
    return PACKS.get(contract.rule_pack)


def hourly_wage(contract: Contract) -> Fraction | None:
    """The hourly wage of the pack in force: `hourly_wage` when set; else the monthly wage by
    CN / divisor / 8 (P4), FR / 151.67, the others x 12 / 52 / the contract's weekly hours."""
    if contract.hourly_wage is not None:
        return Fraction(contract.hourly_wage)
    if contract.monthly_wage is None:
        return None
    monthly = Fraction(contract.monthly_wage)
    pack = pack_of(contract)
    if pack is None or pack.code == "CN":
        return monthly / Fraction(contract.wage_divisor) / 8
    if pack.hours_divisor is not None:
        return monthly / Fraction(pack.hours_divisor)
    weekly_hours = Fraction(contract.schedule.weekly_minutes, 60)
    return monthly * 12 / 52 / weekly_hours if weekly_hours else None


def wage_basis(contract: Contract) -> str:
    """How the hourly wage was found: `hourly`, `cn_divisor`, `fr_151_67` or `weekly_hours`."""
    if contract.hourly_wage is not None:
        return "hourly"
    pack = pack_of(contract)
    if pack is None or pack.code == "CN":
        return "cn_divisor"
    return "fr_151_67" if pack.hours_divisor is not None else "weekly_hours"
