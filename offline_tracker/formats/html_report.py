"""The evidence pack's self-contained HTML report (A4 print CSS), every value escaped."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from string import Template
from typing import Any, Final

from offline_tracker.domain.contract import Contract
from offline_tracker.domain.report_view import ReportView, listed_flags
from offline_tracker.domain.results import CATEGORY_NAMES, DayResult, Flag, PeriodResult
from offline_tracker.formats import html_pack, html_views
from offline_tracker.formats.csv_out import COLUMNS, Row
from offline_tracker.formats.units import count, duration, money

TEMPLATES: Final = Path(__file__).parent / "templates"
Tr = Callable[..., str]
# RULES ids shown with their legal sources; P5/P6 only when such a system is in force.
RULES: Final = ("C1", "C2", "C3", "C4", "C6", "C7", "P1", "P2", "P3", "P4", "P5", "P6")
RULES_AFTER: Final = ("T1", "T3", "T4", "E1", "E2", "E3", "E4", "E5")
# The records table: (label key, export column); the note cell also shows attachments.
RECORD_COLUMNS: Final = (
    ("ev.col.id", "id"),
    ("ev.col.start", "start"),
    ("ev.col.minutes", "minutes"),
    ("ev.col.day_type", "day_type"),
    ("ev.col.kind", "kind"),
    ("ev.col.channel", "channel"),
    ("ev.col.who", "counterpart"),
    ("ev.col.note", "text"),
    ("ev.col.entry_hash", "entry_hash"),
)


@dataclass(frozen=True)
class HtmlPage:
    """The report of a pack: its ReportView, the export rows and the chain head."""

    view: ReportView
    rows: Sequence[Row]
    head: Mapping[str, Any]
    describe: Callable[[Flag], str]
    # The problems of a ledger that failed verification, exported anyway (`--force`): said on
    # the first page, above everything else (issue 13).
    unsound: Sequence[str] = ()


def word(tr: Tr, key: str, raw: object) -> str:
    """A vocabulary word in the reader's language, or the raw value when it has no label."""
    text = tr(key)
    return str(raw) if text == key else text


def _hm(seconds: int, tr: Tr) -> str:
    """The terminal's way of writing durations (formats/units.py), 0m for nothing."""
    return duration(seconds, tr, zero_in_minutes=True)


def _pairs(items: Iterable[tuple[str, str]]) -> str:
    body = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in items)
    return f'<dl class="summary">{body}</dl>'


def _summary(page: HtmlPage, tr: Tr) -> str:
    result, totals = page.view.result, page.view.result.totals
    figures = page.view.off_hours
    rows = [
        (tr("ev.sum.records"), str(result.record_count)),
        (
            tr("ev.sum.days_off_hours"),  # RULES E2: frequency
            tr(
                "ev.sum.days_value",
                days=totals.days_off_hours,
                total=count(totals.days_in_period, "day", tr),
            ),
        ),
        (tr("ev.sum.worked"), _hm(totals.seconds.worked, tr)),
        *((tr(f"ev.cat.{c}"), _hm(getattr(totals.seconds, c), tr)) for c in CATEGORY_NAMES),
        (tr("ev.sum.overtime"), _overtime(page, tr)),
        (
            tr("ev.sum.contacts"),
            tr("ev.sum.contacts_value", count=figures.contacts, late=figures.late_night_contacts),
        ),
        (  # RULES E1: acknowledgements are counted apart and not claimed
            tr("ev.sum.acks"),
            tr("ev.sum.acks_value", count=result.ack_count, time=_hm(result.ack_seconds, tr)),
        ),
        (tr("ev.sum.pay"), _pay(result, tr)),
        *html_pack.terms_rows(result, tr),
    ]
    return _pairs(rows)


def _overtime(page: HtmlPage, tr: Tr) -> str:
    totals = page.view.result.totals
    if not html_pack.all_cn(_contracts(page)):  # other packs have other rates: see the pay lines
        return _hm(totals.overtime_s, tr)
    return tr(
        "ev.sum.overtime_value",
        time=_hm(totals.overtime_s, tr),
        o150=_hm(totals.overtime_150_s, tr),
        o200=_hm(totals.overtime_200_s, tr),
        o300=_hm(totals.overtime_300_s, tr),
    )


def _pay(result: PeriodResult, tr: Tr) -> str:
    pay = result.pay
    if pay is None:
        return tr("ev.sum.no_wage")
    if pay.total is None:
        return tr("ev.sum.pay_several")
    return money(pay.total, pay.currency, tr)


def _day_type(day: DayResult, tr: Tr, lang: str) -> str:
    name = (day.name_zh or day.name_en) if lang == "zh" else (day.name_en or day.name_zh)
    text = tr(f"ev.daytype.{day.day_type}") + (f" · {name}" if name else "")
    return text + " *" if day.provisional else text  # RULES C6


def _days(page: HtmlPage, tr: Tr, lang: str) -> str:
    headers = [tr("ev.col.date"), tr("ev.col.weekday"), tr("ev.col.day_type")]
    headers += [tr(f"ev.col.{c}") for c in CATEGORY_NAMES]
    rows = [
        _day_row(d, tr, lang) if isinstance(d, DayResult) else html_views.empty_run(d, tr)
        for d in html_views.runs(page.view.result.days)
    ]
    totals = page.view.result.totals
    total = [escape(tr("ev.col.total")), "", ""]
    total += [_hm(getattr(totals.seconds, c), tr) for c in CATEGORY_NAMES]
    classes = [""] * len(rows) + ["total"]
    return html_views.table(headers, [*rows, total], set(range(3, 8)), classes)


def _day_row(d: DayResult, tr: Tr, lang: str) -> list[str]:
    return [
        d.date.isoformat(),
        escape(tr(f"ev.weekday.{d.date.weekday()}")),
        escape(_day_type(d, tr, lang)),
        *(_hm(getattr(d.seconds, c), tr) if getattr(d.seconds, c) else "–" for c in CATEGORY_NAMES),
    ]


def _months(page: HtmlPage, tr: Tr) -> str:
    if len(page.view.months) < 2 or len(page.view.result.days) <= 31:
        return ""  # a month or less: the days table says it all
    body = html_views.month_table(page.view.months, tr)
    return f'\n<section id="months">\n<h2>{escape(tr("ev.h.months"))}</h2>\n{body}\n</section>'


def _heatmap(page: HtmlPage, tr: Tr) -> str:
    """Off-hours minutes by weekday x local hour (RULES E2: periodicity)."""
    grid = page.view.heatmap
    peak = max((v for row in grid for v in row), default=0)
    head = "".join(f"<th>{h}</th>" for h in range(24))
    lines = [f'<table class="heat"><thead><tr><th class="day"></th>{head}</tr></thead><tbody>']
    for weekday, row in enumerate(grid):
        cells = "".join(
            f'<td class="l{-(-4 * v // peak) if peak else 0}" title="{round(v / 60)}">'
            f"{round(v / 60) if v else ''}</td>"
            for v in row
        )
        label = escape(tr(f"ev.weekday.{weekday}"))
        lines.append(f'<tr><th class="day">{label}</th>{cells}</tr>')
    lines.append("</tbody></table>")
    note = tr("ev.heatmap.note", zone=page.view.zone.key)
    return "\n".join(lines) + f"\n<p>{escape(note)}</p>"


def _flags(page: HtmlPage, tr: Tr) -> str:
    if not page.view.result.flags:
        return f"<p>{escape(tr('ev.flags.none'))}</p>"
    listed = listed_flags(page.view.result.flags)  # overlaps as the terminal groups them
    items = "".join(
        f"<li>{escape(f.date.isoformat() + ': ' if f.date else '')}{escape(page.describe(f))}</li>"
        for f in listed.flags
    )
    if listed.overlaps:  # RULES T3: the overlapping time is still counted once
        days = count(listed.overlap_days, "day", tr)
        text = tr("ev.flags.overlaps", count=listed.overlaps, days=days)
        items = f"<li>{escape(text)}</li>" + items
    return f'<ul class="flags">{items}</ul>'


def _record_cells(row: Row, tr: Tr) -> list[str]:
    value = dict(zip(COLUMNS, row, strict=True))
    who, role = value["counterpart"] or "", value["role"]
    if role:
        who += f" ({word(tr, f'role.{role}', role)})"
    note = f'<span class="text">{escape(value["text"])}</span>'
    for sha in value["attachments"]:  # RULES E4: the original, by its SHA-256
        note += f'<br><span class="hash">{escape(tr("ev.attachment", sha=sha[:16]))}…</span>'
    if value["late_entry"]:  # RULES E5: entered later (补记), never blurred with the rest
        entered = escape(tr("ev.late_entry", entered=value["entered_at"][:16].replace("T", " ")))
        note += f'<br><span class="late">{entered}</span>'
    if value["voided"]:  # withdrawn records stay visible, with the reason (RULES E5)
        reason = escape(tr("ev.voided", reason=value["void_reason"] or ""))
        note += f'<br><span class="reason">{reason}</span>'
    return [
        str(value["id"]),
        escape(value["start"][:16].replace("T", " ")),
        str(value["minutes"]),
        escape(tr(f"ev.daytype.{value['day_type']}")),
        escape(word(tr, f"kind.{value['kind']}", value["kind"] or "")),
        escape(word(tr, f"report.channel.{value['channel']}", value["channel"] or "")),
        escape(who.strip()),
        note,
        f'<span class="hash">{escape(value["entry_hash"][:12])}</span>',
    ]


def _records(page: HtmlPage, tr: Tr) -> str:
    if not page.rows:
        return f"<p>{escape(tr('ev.records.none'))}</p>"
    voided = COLUMNS.index("voided")
    headers = [tr(key) for key, _ in RECORD_COLUMNS]
    lines = [_record_cells(row, tr) for row in page.rows]
    classes = ["voided" if row[voided] else "" for row in page.rows]
    return html_views.table(headers, lines, {0, 2}, classes)


def _contracts(page: HtmlPage) -> list[Contract]:
    return list(page.view.contracts)


def _term(tr: Tr, key: str, value: object) -> str:
    if isinstance(value, bool):
        return tr("ev.yes" if value else "ev.no")
    if key == "week_start" and isinstance(value, int):
        return tr(f"ev.weekday.{value}")
    if key in ("system", "cycle"):
        return word(tr, f"ev.{key}.{value}", value)
    return str(value)


def _terms(page: HtmlPage, tr: Tr, lang: str) -> str:
    parts = []
    for contract in _contracts(page):
        data = contract.to_payload()
        since = data.pop("effective") or tr("ev.terms.from_start")
        parts.append(f"<h3>{escape(tr('ev.terms.contract', effective=since))}</h3>")
        hidden = () if contract.rule_pack == "CN" else html_pack.CN_TERMS
        terms = [
            (tr(f"ev.term.{k}"), _term(tr, k, v))
            for k, v in data.items()
            if v is not None and k not in hidden
        ]
        parts.append(_pairs(terms))
    special = [
        d for d in page.view.result.days if d.source not in ("schedule", "weekend") or d.name_en
    ]
    parts.append(f"<h3>{escape(tr('ev.terms.calendar'))}</h3>")
    if not special:
        parts.append(f"<p>{escape(tr('ev.terms.no_special'))}</p>")
        return "\n".join(parts)
    headers = [tr("ev.col.date"), tr("ev.col.day_type"), tr("ev.col.source")]
    rows = [
        [
            d.date.isoformat(),
            escape(_day_type(d, tr, lang)),
            escape(word(tr, f"ev.source.{d.source}", d.source)),
        ]
        for d in special
    ]
    parts.append(html_views.table(headers, rows, set()))
    return "\n".join(parts)


def _rules(page: HtmlPage, tr: Tr) -> str:
    """The rules applied, with their sources: China's only under CN (RULES J7)."""
    contracts = _contracts(page)
    cn = [c for c in contracts if c.rule_pack == "CN"]
    systems = {c.system for c in cn}
    wanted = [r for r in RULES if r not in ("P5", "P6")] if cn else []
    wanted += [r for r, s in (("P5", "comprehensive"), ("P6", "flexible")) if s in systems]
    after = RULES_AFTER if cn else html_pack.TIME_RULES
    # What was applied and its legal source: the statute, never our rule ids (issue 16).
    headers = [tr("ev.col.applied"), tr("ev.col.legal_source")]
    rows = [
        [escape(tr(f"ev.rule.{r}")), escape(tr(f"ev.rule.{r}.source"))] for r in [*wanted, *after]
    ]
    rows = [row[1:] for row in html_pack.pack_rule_rows(contracts, tr)] + rows
    statute = f"<p>{escape(html_pack.statute_line(contracts, tr))}</p>\n"
    return statute + html_views.table(headers, rows, set())


def _integrity(page: HtmlPage, tr: Tr) -> str:
    head = page.head
    pairs = _pairs(
        [
            (tr("ev.integrity.head"), f"{head['seq']} · {head['hash']}"),
            (tr("ev.integrity.anchor"), str(head["anchor"])),
        ]
    )
    pairs = pairs.replace("<dd>", '<dd class="hash">')
    return f"<p>{escape(tr('ev.integrity.text'))}</p>\n{pairs}"


def _unsound(page: HtmlPage, tr: Tr) -> str:
    if not page.unsound:
        return ""
    items = "".join(f"<li>{escape(p)}</li>" for p in page.unsound[:20])
    text = escape(tr("ev.unsound", count=len(page.unsound)))
    return (
        f'\n<div class="notice" id="unsound"><p><strong>{text}</strong></p><ul>{items}</ul></div>'
    )


def render(page: HtmlPage, tr: Tr, lang: str = "en") -> str:
    """The whole page; `tr(key, **params)` gives the labels in the report's language."""
    from offline_tracker import __version__

    result = page.view.result
    now = page.view.now.astimezone(page.view.zone)
    tool = f"offline_tracker {__version__}"
    first, last = result.period_from.isoformat(), result.period_to.isoformat()
    texts = {
        "title": tr("ev.title", first=first, last=last),
        "meta": tr("ev.meta", now=f"{now:%Y-%m-%d %H:%M}", zone=page.view.zone.key, tool=tool),
        # RULES E3: a statutory maximum, and an estimate (Labour Law art. 44 only under CN)
        "estimate": tr("ev.estimate" if html_pack.all_cn(_contracts(page)) else "ev.estimate_pack"),
        "disclaimer": tr("ev.disclaimer"),
        "tool": tool,
        "lang": "zh-CN" if lang == "zh" else "en",
        **{f"h_{s}": tr(f"ev.h.{s}") for s in _SECTIONS},
    }
    fragments = {
        "css": (TEMPLATES / "report.css").read_text(encoding="utf-8"),
        "summary": _summary(page, tr),
        "days": _days(page, tr, lang),
        "months": _months(page, tr),
        "chart": html_views.week_chart(page.view.weeks, tr),
        "heatmap": _heatmap(page, tr),
        "flags": _flags(page, tr),
        "records": _records(page, tr),
        "terms": _terms(page, tr, lang),
        "rules": _rules(page, tr),
        "integrity": _integrity(page, tr),
        "unsound": _unsound(page, tr),
    }
    template = Template((TEMPLATES / "report.html").read_text(encoding="utf-8"))
    return template.substitute({k: escape(v) for k, v in texts.items()}, **fragments)


_SECTIONS: Final = (
    "summary",
    "days",
    "chart",
    "heatmap",
    "flags",
    "records",
    "terms",
    "rules",
    "integrity",
)
