"""The HTML page's parts that depend on the rule pack in force (RULES J6, J7)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Final

from offline_tracker.domain.comptime import offset_message
from offline_tracker.domain.contract import Contract
from offline_tracker.domain.packs import pack_of
from offline_tracker.domain.results import PeriodResult
from offline_tracker.formats.units import duration

Tr = Callable[..., str]
# Time rules hold everywhere; China's calendar, pay and evidence rules (C, P, E) only under CN.
TIME_RULES: Final = ("T1", "T3", "T4")
# China's own terms, hidden under another pack (the 21.75 divisor, the special systems).
CN_TERMS: Final = frozenset({"wage_divisor", "system", "cycle", "approved", "flexible_holiday_pay"})


def all_cn(contracts: Sequence[Contract]) -> bool:
    return all(c.rule_pack == "CN" for c in contracts)


def statute_line(contracts: Sequence[Contract], tr: Tr) -> str:
    """The statute of each pack in force, or that a code has none, one sentence each."""
    lines = []
    for contract in dict.fromkeys(contracts, None):
        pack = pack_of(contract)
        if pack is None:
            lines.append(tr("report.pack.none", jurisdiction=contract.jurisdiction))
        else:
            lines.append(tr("report.pack.rules", statute=tr(pack.statute_key)))
        if pack is not None and pack.code != "CN":
            lines.append(tr("report.pack.worked") + ".")
    return " ".join(dict.fromkeys(lines))


def pack_rule_rows(contracts: Sequence[Contract], tr: Tr) -> list[list[str]]:
    """Rows (code, what is checked, citation) of the packs other than China's."""
    rows: list[list[str]] = []
    for contract in contracts:
        pack = pack_of(contract)
        if pack is None or pack.code == "CN":
            continue
        if pack.pay_citation is not None:
            pay = tr("ev.pack.pay_rule")
            rows.append([pack.code, escape(pay), escape(tr(pack.pay_citation))])
        for code, citation in pack.checks.items():
            rows.append([escape(code), escape(tr(f"ev.check.{code}")), escape(tr(citation))])
    return list({tuple(r): r for r in rows}.values())


def terms_rows(result: PeriodResult, tr: Tr) -> list[tuple[str, str]]:
    """Summary rows of the comprehensive cycles (RULES P5) and of which time off offset which
    rest day (P3), as the text report has them."""
    rows = []
    for cycle in result.cycles:
        value = tr(
            "report.cycles.value",
            worked=duration(cycle.worked_s, tr, zero_in_minutes=True),
            standard=duration(cycle.standard_s, tr, zero_in_minutes=True),
            extended=duration(cycle.extended_s, tr, zero_in_minutes=True),
        )
        if cycle.partial:
            judged = f"{cycle.judged_from.isoformat()} – {cycle.judged_to.isoformat()}"
            value += " " + tr("report.cycles.partial", judged=judged)
        rows.append((f"{cycle.first.isoformat()} – {cycle.last.isoformat()}", value))
    for offset in result.comp_offsets:
        key, how, params = offset_message(offset)
        text = tr(
            key, how=tr(how), time=duration(offset.seconds, tr, zero_in_minutes=True), **params
        )
        rows.append((tr("report.comp.title"), text))
    return rows
