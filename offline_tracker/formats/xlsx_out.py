"""`ot export xlsx`: records, days, the overtime claim and how to verify, as one workbook.

XlsxWriter in constant_memory mode: each row goes to a temporary file as it is written, so
memory does not grow with the number of records. Every cell is written by its type (text by
write_string, never `write`, so a note starting with "=" stays text: OWASP CSV injection);
times are real date-time cells in the contract's zone, with the UTC offset beside them.
The figures come from the record export (csv_out.COLUMNS), the classified days and the
claim (domain/claim.py): this module formats, it computes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO, Final

from offline_tracker.domain.claim import Claim, ClaimRow
from offline_tracker.domain.pay import MULTIPLIERS
from offline_tracker.domain.results import CATEGORY_NAMES, DayResult
from offline_tracker.formats.csv_out import COLUMNS, Row
from offline_tracker.formats.records import minutes

Tr = Callable[..., str]
_AT: Final = {name: i for i, name in enumerate(COLUMNS)}
# The Records sheet: (export column, how its cell is written). Start and end become date-time
# cells; their date/time text columns are the CSV's, not needed where the cell is a date.
_RECORD_COLUMNS: Final = (
    ("id", "number"),
    ("kind", "kind"),
    ("channel", "channel"),
    ("counterpart", "text"),
    ("role", "role"),
    ("direction", "direction"),
    ("start", "time"),
    ("end", "time"),
    ("offset", "offset"),
    ("timezone", "text"),
    ("minutes", "number"),
    ("inside_minutes", "number"),
    ("outside_workday_minutes", "number"),
    ("rest_day_minutes", "number"),
    ("statutory_holiday_minutes", "number"),
    ("day_type", "daytype"),
    ("late_night_minutes", "number"),
    ("text", "text"),
    ("tags", "list"),
    ("attachments", "list"),
    ("entered_at", "time"),
    ("late_entry", "late"),
    ("status", "status"),
    ("void_reason", "text"),
    ("ledger_seq", "number"),
    ("entry_hash", "text"),
)
# Vocabulary cells: the key prefix of their words (a value without a word stays as it is).
_WORDS: Final = {
    "kind": "kind.",
    "channel": "report.channel.",
    "role": "role.",
    "direction": "direction.",
    "daytype": "report.daytype.",
}


@dataclass(frozen=True)
class Workbook:
    """What the workbook shows; `about` holds (label, value) lines of the About sheet."""

    rows: Iterable[Row]
    amended: frozenset[int]
    days: Sequence[DayResult]
    claim: Claim
    period: tuple[date, date]
    about: Sequence[tuple[str, str]]
    divisors: Sequence[Decimal]  # the wage divisors of the period's contracts (the base note)
    language: str = "en"


def word(tr: Tr, key: str, raw: object) -> str:
    """A vocabulary word in the reader's language, or the raw value when it has no label."""
    text = tr(key)
    return str(raw) if text == key else text


class _Sheet:
    """One worksheet written row by row (constant_memory: rows in order, never revisited)."""

    def __init__(self, book: Any, name: str, styles: dict[str, Any]) -> None:
        self.ws, self.styles, self.row = book.add_worksheet(name), styles, 0

    def line(self, cells: Sequence[tuple[str, Any]]) -> None:
        """(style, value) cells: "text", "bold", "time", "date", "month", "num", "money"..."""
        for col, (style, value) in enumerate(cells):
            self.cell(col, style, value)
        self.row += 1

    def cell(self, col: int, style: str, value: Any) -> None:
        ws, fmt, row = self.ws, self.styles.get(style), self.row
        if value is None or value == "":
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, datetime | date):
            ws.write_datetime(row, col, value, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, int | float | Decimal):
            ws.write_number(row, col, float(value), fmt)
        else:
            ws.write_string(row, col, str(value), fmt)


def _styles(book: Any) -> dict[str, Any]:
    add = book.add_format
    return {
        "head": add({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7"}),
        "bold": add({"bold": True}),
        "title": add({"bold": True, "font_size": 14}),
        "time": add({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        "date": add({"num_format": "yyyy-mm-dd"}),
        "month": add({"num_format": "yyyy-mm"}),
        "hours": add({"num_format": "0.00##"}),
        "money": add({"num_format": "#,##0.00"}),
        "total_hours": add({"num_format": "0.00##", "bold": True, "top": 1}),
        "total_money": add({"num_format": "#,##0.00", "bold": True, "top": 1}),
        "total": add({"bold": True, "top": 1}),
        "wrap": add({"text_wrap": True, "valign": "top"}),
    }


def write(out: BinaryIO, book_data: Workbook, tr: Tr) -> None:
    """Write the workbook to `out` (an open binary file)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
    styles = _styles(book)
    _records(_Sheet(book, tr("xlsx.sheet.records"), styles), book_data, tr)
    _days(_Sheet(book, tr("xlsx.sheet.days"), styles), book_data, tr)
    _claim(_Sheet(book, tr("xlsx.sheet.claim"), styles), book_data, tr)
    _about(_Sheet(book, tr("xlsx.sheet.about"), styles), book_data.about, tr)
    book.close()


# -- Records ------------------------------------------------------------------------------------
def _header(sheet: _Sheet, headers: Sequence[str], widths: Sequence[int]) -> None:
    for col, width in enumerate(widths):
        sheet.ws.set_column(col, col, width)
    sheet.line([("head", h) for h in headers])
    sheet.ws.freeze_panes(1, 0)


def _record_headers(tr: Tr) -> list[str]:
    special = {"start", "end", "offset", "entered_at", "status"}
    return [
        tr(f"xlsx.col.{name}") if name in special else tr(f"export.col.{name}")
        for name, _ in _RECORD_COLUMNS
    ]


def _records(sheet: _Sheet, data: Workbook, tr: Tr) -> None:
    widths = [8, 10, 10, 14, 8, 8, 19, 19, 8, 14, *[9] * 7, 40, 14, 20, 19, 8, 10, 20, 8, 20]
    _header(sheet, _record_headers(tr), widths)
    words: dict[str, dict[Any, str]] = {kind: {} for kind in _WORDS}
    late, status = tr("export.late_mark"), (tr("xlsx.status.voided"), tr("xlsx.status.amended"))
    for row in data.rows:
        cells = [
            _record_cell(row, name, how, tr, words, (late, status, data.amended))
            for name, how in _RECORD_COLUMNS
        ]
        sheet.line(cells)
    sheet.ws.autofilter(0, 0, max(sheet.row - 1, 1), len(_RECORD_COLUMNS) - 1)


def _local(iso: str | None) -> datetime | None:
    """The wall-clock time of an ISO instant with offset, as a cell shows it (no zone)."""
    return datetime.fromisoformat(iso[:19]) if iso else None


def _record_cell(
    row: Row,
    name: str,
    how: str,
    tr: Tr,
    words: dict[str, dict[Any, str]],
    marks: tuple[str, tuple[str, str], frozenset[int]],
) -> tuple[str, Any]:
    late, (voided, amended), amended_ids = marks
    if how == "offset":
        return "text", row[_AT["start"]][19:]
    if how == "status":
        found = [voided] if row[_AT["voided"]] else []
        found += [amended] if row[_AT["id"]] in amended_ids else []
        return "text", ", ".join(found)
    value = row[_AT[name]]
    if how == "time":
        return "time", _local(value)
    if how == "late":
        return "text", late if value else ""
    if how == "list":
        return "text", "; ".join(value)
    if how in words and value is not None:
        known = words[how]
        if value not in known:
            known[value] = word(tr, _WORDS[how] + str(value), value)
        return "text", known[value]
    return ("text" if how != "number" else "num"), value


# -- Days ---------------------------------------------------------------------------------------
def _days(sheet: _Sheet, data: Workbook, tr: Tr) -> None:
    headers = [
        tr("xlsx.col.date"),
        tr("export.col.day_type"),
        tr("xlsx.col.holiday"),
        tr("xlsx.col.worked_minutes"),
        *[tr(f"export.col.{c}_minutes") for c in CATEGORY_NAMES],
        tr("xlsx.col.overtime_minutes"),
        tr("xlsx.col.provisional"),
    ]
    _header(sheet, headers, [12, 12, 16, *[11] * 7, 10])
    zh = data.language == "zh"
    for day in data.days:
        name = (day.name_zh if zh else day.name_en) or day.name_en or day.name_zh
        sheet.line(
            [
                ("date", day.date),
                ("text", word(tr, f"report.daytype.{day.day_type}", day.day_type)),
                ("text", name),
                ("num", minutes(day.seconds.worked)),
                *[("num", minutes(getattr(day.seconds, c))) for c in CATEGORY_NAMES],
                ("num", minutes(day.overtime_s)),
                ("text", tr("xlsx.about.yes") if day.provisional else ""),
            ]
        )
    sheet.ws.autofilter(0, 0, max(sheet.row - 1, 1), len(headers) - 1)


# -- Overtime claim (加班费计算明细) -------------------------------------------------------------
def _hours(seconds: int) -> float:
    return round(seconds / 3600, 4)


def _claim(sheet: _Sheet, data: Workbook, tr: Tr) -> None:
    claim, (first, last) = data.claim, data.period
    currency = claim.currency or ""
    sheet.ws.set_column(0, 0, 16)
    sheet.ws.set_column(1, 1, 12)
    sheet.ws.set_column(2, 2 + 3 * len(claim.kinds), 12)
    sheet.line([("title", tr("xlsx.claim.title", first=first, last=last))])
    sheet.row += 1
    if not claim.rows:
        sheet.line([("text", tr("xlsx.claim.none"))])
        return
    sheet.line(_claim_headers(claim, tr, currency))
    sheet.line(
        [("bold", tr("xlsx.claim.statute")), ("text", "")]
        + [c for k in claim.kinds for c in (("wrap", tr(f"xlsx.statute.{k}")), ("", ""), ("", ""))]
    )
    sheet.ws.freeze_panes(sheet.row, 1)
    for row in claim.rows:
        sheet.line(_claim_line(row, claim.kinds, tr))
    sheet.line(_claim_totals(claim, tr))
    sheet.row += 1
    for note in _claim_notes(claim, data.divisors, tr):
        sheet.line([("text", note)])


def _claim_headers(claim: Claim, tr: Tr, currency: str) -> list[tuple[str, Any]]:
    cells = [("head", tr("xlsx.claim.month")), ("head", tr("xlsx.claim.hourly", currency=currency))]
    for kind in claim.kinds:
        label = tr(f"report.pay.kind.{kind}")
        cells += [
            ("head", tr("xlsx.claim.hours", kind=label)),
            ("head", tr("xlsx.claim.multiplier")),
            ("head", tr("xlsx.claim.amount")),
        ]
    return [*cells, ("head", tr("xlsx.claim.row_total", currency=currency))]


def _claim_line(row: ClaimRow, kinds: Sequence[str], tr: Tr) -> list[tuple[str, Any]]:
    month: tuple[str, Any] = ("month", row.month) if row.month else ("text", tr("xlsx.claim.cycle"))
    cells = [month, ("money", row.hourly)]
    for kind in kinds:
        seconds = row.seconds.get(kind)
        cells += [
            ("hours", _hours(seconds) if seconds else None),
            ("num", MULTIPLIERS[kind] if seconds else None),
            ("money", row.amounts.get(kind) if seconds else None),
        ]
    return [*cells, ("money", row.total)]


def _claim_totals(claim: Claim, tr: Tr) -> list[tuple[str, Any]]:
    """The period's figures (the report's), not sums of the cells above (they agree, cent by
    cent: domain/claim.py)."""
    cells: list[tuple[str, Any]] = [("total", tr("xlsx.claim.total")), ("total", "")]
    for kind in claim.kinds:
        amount = claim.amounts.get(kind) if claim.total is not None else None
        cells += [
            ("total_hours", _hours(claim.seconds[kind])),
            ("total", ""),
            ("total_money", amount),
        ]
    return [*cells, ("total_money", claim.total)]


def _claim_notes(claim: Claim, divisors: Sequence[Decimal], tr: Tr) -> list[str]:
    notes = [tr("xlsx.claim.maximum")]
    notes += [tr("xlsx.claim.base", divisor=d) for d in divisors]
    if "rest_day" in claim.kinds:
        notes.append(tr("xlsx.claim.rest"))
    notes.append(tr("xlsx.claim.rounding"))
    if any(row.hourly is None for row in claim.rows):
        notes.append(tr("xlsx.claim.no_wage"))
    return notes


# -- About (说明) -------------------------------------------------------------------------------
def _about(sheet: _Sheet, lines: Sequence[tuple[str, str]], tr: Tr) -> None:
    sheet.ws.set_column(0, 0, 34)
    sheet.ws.set_column(1, 1, 100)
    sheet.line([("title", tr("xlsx.about.title"))])
    sheet.row += 1
    for label, value in lines:
        sheet.line([("bold", label), ("wrap", value)])
