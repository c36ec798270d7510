"""Report sections of the terms: comprehensive-hours cycles (P5) and time off in lieu (P3)."""

from __future__ import annotations

from decimal import Decimal

from offline_tracker.domain.contract import Contract
from offline_tracker.domain.results import CompOffset, PeriodResult
from offline_tracker.formats.units import duration
from offline_tracker.i18n import t
from offline_tracker.render.blocks import Block, Line
from offline_tracker.render.offhours import grid


def _time(seconds: int) -> str:
    return duration(seconds, t, zero_in_minutes=True)


def cycles_section(result: PeriodResult) -> list[Block]:
    """Each cycle the period touches: worked, statutory standard, extended (RULES P5)."""
    if not result.cycles:
        return []
    rows = []
    for cycle in result.cycles:
        label = f"{cycle.first.isoformat()} – {cycle.last.isoformat()}"
        value = t(
            "report.cycles.value",
            worked=_time(cycle.worked_s),
            standard=_time(cycle.standard_s),
            extended=_time(cycle.extended_s),
        )
        if cycle.partial:
            judged = f"{cycle.judged_from.isoformat()} – {cycle.judged_to.isoformat()}"
            value += " " + t("report.cycles.partial", judged=judged)
        rows.append((label, value))
    return [Line(t("report.cycles.title"), "bold"), grid(rows)]


def comp_line(offset: CompOffset) -> str:
    """One time-off entry and the rest day it offsets, in the reader's language."""
    from offline_tracker.domain.comptime import offset_message

    key, how, params = offset_message(offset)
    return t(key, how=t(how), time=_time(offset.seconds), **params)


def comp_section(result: PeriodResult) -> list[Block]:
    """Which time off offset which rest day (RULES P3), whatever period the report covers."""
    if not result.comp_offsets:
        return []
    rows = [("", comp_line(o)) for o in result.comp_offsets]
    return [Line(t("report.comp.title"), "bold"), grid(rows)]


def pack_lines(contract: Contract) -> list[str]:
    """RULES J6, J7: the statute of the pack in force, or that there is none; how hours count."""
    from offline_tracker.domain.packs import pack_of

    pack = pack_of(contract)
    if pack is None:
        return [t("report.pack.none", jurisdiction=contract.jurisdiction)]
    lines = [t("report.pack.rules", statute=t(pack.statute_key))]
    return lines if pack.code == "CN" else [*lines, t("report.pack.worked")]


def hourly_text(hourly: Decimal, currency: str, contract: Contract) -> str:
    """The hourly wage and how the pack found it (RULES P4; J2 151.67 h; x 12 / 52 / hours)."""
    from offline_tracker.domain.packs import wage_basis

    basis = wage_basis(contract)
    if basis == "cn_divisor":
        return t(
            "report.pay.hourly_value",
            hourly=f"{hourly:,.2f}",
            currency=currency,
            divisor=contract.wage_divisor,
        )
    weekly = f"{contract.schedule.weekly_minutes / 60:g}"
    return t(f"report.pay.hourly_basis.{basis}", hourly=f"{hourly:,.2f}", currency=currency,
             weekly=weekly)  # fmt: skip
