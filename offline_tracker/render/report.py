"""The human report of a period (issue 4): header, days, totals, pay, findings and off hours."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Final
from zoneinfo import ZoneInfo

from offline_tracker.domain.contract import Contract
from offline_tracker.domain.report_view import Heatmap, ReportView, listed_flags
from offline_tracker.domain.results import Flag, PeriodResult
from offline_tracker.formats.units import count, duration, money
from offline_tracker.i18n import t
from offline_tracker.render import _render
from offline_tracker.render.blocks import Block, Line, plain, to_rich
from offline_tracker.render.days import day_table, days_notes
from offline_tracker.render.heatmap import empty_text, heatmap_text, trend_text
from offline_tracker.render.ids import id_ranges
from offline_tracker.render.offhours import grid, offhours_section
from offline_tracker.render.terms_sections import (
    comp_section,
    cycles_section,
    hourly_text,
    pack_lines,
)

__all__ = ["empty_text", "heatmap_text", "report_text", "trend_text"]

# Flag params that are vocabulary words: shown in the reader's language.
_PARAM_PREFIX: Final = {
    "citation": "",
    "day": "report.contact_day.",
    "day_type": "report.daytype.",
    "system": "report.system.",
    "cycle": "report.cycle.",
}


def _time(seconds: int) -> str:
    return duration(seconds, t, zero_in_minutes=True)


def _text(value: str, style: str = "") -> Line:
    return Line(value, style)  # printed as typed: names such as "[PM] Li" are no markup


def _system(contract: Contract) -> str:
    name = t(f"report.system.{contract.system}")
    if contract.approved or contract.system == "standard":
        return name
    return t("report.system.not_approved", system=name)  # RULES P5, P6


def header_lines(report: ReportView, contract: Contract) -> list[str]:
    result = report.result
    now = report.now.astimezone(report.zone)
    return [
        t(
            "report.title",
            first=result.period_from.isoformat(),
            last=result.period_to.isoformat(),
            days=count(len(result.days), "day", t),
        ),
        t(
            # RULES J7: China's hours systems are named only under China's pack.
            "report.meta" if contract.rule_pack == "CN" else "report.meta_pack",
            zone=str(report.zone),
            jurisdiction=contract.jurisdiction,
            system=_system(contract),
            now=f"{now:%Y-%m-%d %H:%M}",
        ),
        *pack_lines(contract),
    ]


def _overtime_value(result: PeriodResult) -> str:
    totals = result.totals
    if any(d.rule_pack != "CN" for d in result.days):  # other packs have other rates
        return t("report.totals.overtime_value_pack", time=_time(totals.overtime_s))
    return t(
        "report.totals.overtime_value",
        time=_time(totals.overtime_s),
        o150=_time(totals.overtime_150_s),
        o200=_time(totals.overtime_200_s),
        o300=_time(totals.overtime_300_s),
    )


def totals_rows(result: PeriodResult) -> list[tuple[str, str]]:
    totals = result.totals
    off = totals.seconds.off_schedule
    rows = [
        (
            t("report.totals.worked"),
            t(
                "report.totals.worked_value",
                time=_time(totals.seconds.worked),
                days=totals.days_worked,
                total=count(totals.days_in_period, "day", t),
            ),
        ),
        (
            t("report.totals.off_hours"),
            t(
                "report.totals.off_hours_value",
                time=_time(off),
                days=totals.days_off_hours,
                total=count(totals.days_in_period, "day", t),
            ),
        ),
        (t("report.totals.late_night"), _time(totals.seconds.late_night)),
        (t("report.totals.overtime"), _overtime_value(result)),
    ]
    return rows + _more_totals(result)


def _more_totals(result: PeriodResult) -> list[tuple[str, str]]:
    totals, rows = result.totals, []
    if totals.comp_time_applied_s or totals.comp_time_unused_s:
        applied, unused = _time(totals.comp_time_applied_s), _time(totals.comp_time_unused_s)
        value = t("report.totals.comp_time_value", applied=applied, unused=unused)
        rows.append((t("report.totals.comp_time"), value))
    if result.ack_count:
        value = t(
            "report.totals.acks_value", count=result.ack_count, time=_time(result.ack_seconds)
        )
        rows.append((t("report.totals.acks"), value))  # RULES E1: counted apart
    return rows


def pay_section(result: PeriodResult, contract: Contract) -> list[Any]:
    """RULES E3: the figure is the statutory maximum and says so, with the hourly wage used."""
    from offline_tracker.domain.packs import pack_of
    from offline_tracker.domain.pay import printed_factors

    pay, pack = result.pay, pack_of(contract)
    if pack is None:
        return []  # RULES J6: no pay figure; the header says so
    if pay is None:
        if pack.pay == "none" and not contract.multipliers:  # nothing by statute (J1, J3, J4)
            return [_text(t("report.pay.no_pay_rule", statute=t(pack.statute_key)))]
        return [_text(t("report.pay.no_wage"))]
    if pay.hourly is not None:
        hourly = hourly_text(pay.hourly, pay.currency or "", contract)
    else:
        hourly = t("report.pay.hourly_several")
    rows = [(t("report.pay.hourly"), hourly)]
    if pack.pay_citation is not None:
        rows.append(("", t("report.pay.cited", citation=t(pack.pay_citation))))
    for line in pay.lines:
        hours, rate = printed_factors(line)  # figures that multiply out to the amount
        value = t(
            "report.pay.line",
            time=_time(line.seconds),
            hours=f"{hours:,}",
            percent=f"{line.multiplier * 100:.0f}",
            hourly=f"{rate:,}",
            amount=money(line.amount, line.currency, t),
        )
        rows.append((t(f"report.pay.kind.{line.kind}"), value))
    if pay.total is None:
        total = f"{t('report.pay.no_total')} {pay.currency or ''}".rstrip()
    else:
        total = money(pay.total, pay.currency, t)
    rows.append((t("report.pay.total"), total))
    return [_text(t("report.pay.title"), "bold"), grid(rows)]


def _param(key: str, value: str | int) -> str:
    if isinstance(value, int) and "seconds" in key:
        return _time(value)
    if key == "records":
        return id_ranges(str(value))
    prefix = _PARAM_PREFIX.get(key)
    if prefix is not None:
        word = t(f"{prefix}{value}")
        return str(value) if word == f"{prefix}{value}" else word
    return str(value)


def flag_text(flag: Flag) -> str:
    """The flag's message in the reader's language; an unknown code still shows its params."""
    key = f"flag.{flag.code}"
    params = {k: _param(k, v) for k, v in flag.params.items()}
    if t(key) == key:
        return " ".join([flag.code, *(f"{k}={v}" for k, v in params.items())])
    try:
        return t(key, **params)
    except (KeyError, IndexError):
        return t(key)


def flags_section(flags: Sequence[Flag]) -> list[Any]:
    if not flags:
        return []
    listed = listed_flags(flags)
    rows = [(f.date.isoformat() if f.date else "", flag_text(f)) for f in listed.flags]
    if listed.overlaps:  # RULES T3: the overlapping time is still counted once
        days = count(listed.overlap_days, "day", t)
        rows.insert(0, ("", t("report.flags.overlaps", count=listed.overlaps, days=days)))
    return [_text(t("report.flags.title"), "bold"), grid(rows)]


def provisional_section(result: PeriodResult) -> list[Any]:
    if not result.provisional_days:
        return []
    return [_text(t("report.provisional", days=result.provisional_days))]  # RULES C6


def heatmap_section(matrix: Heatmap, zone: ZoneInfo, width: int) -> list[Any]:
    return [
        _text(t("report.heatmap.title", zone=str(zone)), "bold"),
        _text(heatmap_text(matrix, width=width)),
    ]


def _finish(blocks: Sequence[Sequence[Block]], width: int) -> str:
    """The sections a blank line apart; without rich where no style can show (issue 19)."""
    from offline_tracker.render.text import styled

    items: list[Block] = []
    for block in blocks:
        if block:
            items += [*block, ""]
    text = None if styled() else plain(items[:-1], width)
    if text is None:
        text = _render(*(to_rich(item) for item in items[:-1]), width=width)
    return "\n".join(line.rstrip() for line in text.rstrip("\n").splitlines())


def _legend(result: PeriodResult) -> list[Any]:
    if any(d.provisional for d in result.days):
        return [_text(t("report.provisional_mark"))]
    return []


def _today(report: ReportView) -> date:
    return report.now.astimezone(report.zone).date()


def report_text(report: ReportView, *, width: int | None = None) -> str:
    """The whole human report of `report.result`'s period, at most `width` cells wide."""
    from offline_tracker.render.text import console_width

    width = width or console_width()
    result, contract = report.result, report.contract
    head = [_text(line) for line in header_lines(report, contract)]
    # The app hands over records from a margin around the period: ask the engine what fell in it.
    if not result.record_count and not result.ack_count:
        return _finish([head, [_text(empty_text())], provisional_section(result)], width)
    figures = report.off_hours
    table = day_table(result, figures, width, _today(report))
    blocks: list[Sequence[Any]] = [
        head,
        [table, *days_notes(report, width), *_legend(result)],
        [_text(t("report.totals.title"), "bold"), grid(totals_rows(result))],
        cycles_section(result),
        comp_section(result),
        pay_section(result, contract),
        # RULES J6: the header already says, in one line, that a code has no rule pack.
        flags_section([f for f in result.flags if f.code != "no_rule_pack"]),
        provisional_section(result),
        offhours_section(figures, report.zone),
        heatmap_section(report.heatmap, report.zone, width),
        [_text(t("report.disclaimer"))],
    ]
    return _finish(blocks, width)
