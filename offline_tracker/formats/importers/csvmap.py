"""CSV exports of chats and tools, read through a column mapping such as time=发送时间,text=内容."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime, tzinfo
from typing import NamedTuple

from offline_tracker.formats.importers.base import (
    ImportedRecord,
    ImportFormatError,
    ImportOptions,
    ImportResult,
    Problem,
    RowError,
    accepted,
    decode_text,
    dedupe,
    plus_minutes,
    reason,
    sha256_hex,
)
from offline_tracker.formats.importers.csvspec import (
    VOCABULARIES,
    Column,
    check_mapping,
    column_of,
    load_mapping,
    parse_mapping,
    parse_mapping_lines,
)
from offline_tracker.formats.importers.datetimes import parse_instant

__all__ = ["load_mapping", "parse_csv", "parse_mapping", "parse_mapping_lines", "row_id"]

ACCEPTED = accepted("csv")
_TAG_SPLIT = re.compile(r"[,;，；、|]")
_DELIMITERS = (",", ";", "\t")
_SNIFF_LINES = 20
_SNIFF_CHARS = 4096


def _sniffed_delimiter(text: str) -> str:
    # csv.Sniffer's quote regex is quadratic in its sample (a 300 KB line of `,"a` took
    # minutes): it sees the first lines, at most _SNIFF_CHARS of them. The mapped columns
    # decide between its guess and the other delimiters anyway (_layout).
    sample = text[:_SNIFF_CHARS]
    sample = "\n".join(sample.splitlines()[:_SNIFF_LINES])
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        return ","


def _top_rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The first non-blank rows with the line each ends on: where the header row may be."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, [cell.strip() for cell in row]))
            if len(rows) == _SNIFF_LINES:
                break
    except csv.Error:
        pass
    return rows


def _column_index(header: list[str], column: str) -> int | None:
    if column in header:
        return header.index(column)
    folded = [cell.casefold() for cell in header]
    return folded.index(column.casefold()) if column.casefold() in folded else None


class Layout(NamedTuple):
    delimiter: str
    header_end: int  # the line the header row ends on; data rows follow it
    columns: dict[str, int]  # by column name


def _layout(text: str, names: list[str]) -> Layout:
    """The delimiter and header row that have every needed column, and each column's index."""
    # csv.Sniffer guesses; the mapped column names decide between its guess and the others.
    # The header may follow a title line or two, as some chat exports write.
    sniffed = _sniffed_delimiter(text)
    for delimiter in dict.fromkeys((sniffed, *_DELIMITERS)):
        for line, header in _top_rows(text, delimiter):
            found = {name: _column_index(header, name) for name in names}
            if all(index is not None for index in found.values()):
                index = {key: i for key, i in found.items() if i is not None}
                return Layout(delimiter, line, index)
    top = _top_rows(text, sniffed)
    if not top:
        raise ImportFormatError("format.no_rows", accepted=ACCEPTED)
    header = top[0][1]
    missing = [name for name in names if _column_index(header, name) is None]
    raise ImportFormatError(
        "format.csv_columns",
        missing=", ".join(map(repr, missing)),
        header=", ".join(map(repr, header)),
    )


def _rows(text: str, layout: Layout, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) of each data row; rows the csv module refuses are problems."""
    reader = csv.reader(io.StringIO(text), delimiter=layout.delimiter)
    last = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if last >= layout.header_end:
                problems.append(Problem.row(last + 1, "row.csv_unreadable", reason=reason(exc)))
            if reader.line_num == last:
                return
            last = reader.line_num
            continue
        start, last = last + 1, reader.line_num
        if start > layout.header_end and any(cell.strip() for cell in row):
            yield start, row


_CLOCK = re.compile(r"(\d+):(\d{2})(?::(\d{2}))?")


def _minutes(text: str) -> float:
    """15, 1.5 or a clock-like duration 0:15 / 00:15:00 (as time trackers export it)."""
    clock = _CLOCK.fullmatch(text)
    if clock:
        hours, minutes, seconds = clock.groups()
        value = int(hours) * 60 + int(minutes) + int(seconds or 0) / 60
    else:
        try:
            value = float(text)
        except ValueError:
            raise RowError("row.minutes_nan", value=text) from None
    if not 0 <= value <= 24 * 60:
        raise RowError("row.minutes_range", value=text)
    return value


class _Rows(NamedTuple):
    """What every row of one file is read with."""

    spec: dict[str, Column]
    columns: dict[str, int]
    zone: tzinfo
    options: ImportOptions

    def _raw(self, row: list[str], name: str) -> str:
        i = self.columns[name]
        return _clean(row[i]) if i < len(row) else ""

    def cell(self, row: list[str], key: str) -> str:
        column = self.spec.get(key)
        if column is None:
            return ""
        found = [self._raw(row, name) for name in column.parts]
        value = column.joiner(key).join(v for v in found if v)
        if column.values is None or not value:
            return value
        if value not in column.values:
            mapped = ", ".join(column.values)
            raise RowError("row.value_unmapped", field=key, value=value, mapped=mapped)
        return column.values[value]

    def word(self, row: list[str], key: str, default: str | None = None) -> str | None:
        value = self.cell(row, key).casefold()
        if not value:
            return default
        if value not in VOCABULARIES[key]:
            accepted = ", ".join(VOCABULARIES[key])
            raise RowError("row.not_word", field=key, value=value, accepted=accepted)
        return value

    def when(self, row: list[str], key: str) -> datetime:
        text = self.cell(row, key)
        formats = (self.options.date_format,) if self.options.date_format else (None,)
        for n, date_format in enumerate(formats + self.options.date_formats):
            try:
                return parse_instant(text, self.zone, date_format)
            except (ValueError, OverflowError, OSError) as exc:
                if n == len(self.options.date_formats) + len(formats) - 1:
                    raise RowError("row.field", field=key, reason=reason(exc)) from None
        raise AssertionError("unreachable")

    def keep(self, row: list[str]) -> bool:
        """--where: every COLUMN=VALUE holds (values compared after trimming)."""
        return all(self._raw(row, column) == value for column, value in self.options.where)


def _clean(cell: str) -> str:
    # A quoted multi-line cell keeps the file's line ends; CRLF and LF exports must agree.
    return cell.replace("\r\n", "\n").replace("\r", "\n").strip()


def row_id(row: list[str]) -> str:
    """`csv:` and the SHA-256 of the row's cells joined by U+001F: line ends as LF, trimmed,
    NFC-normalised, trailing empty cells dropped (so re-saved or re-encoded exports agree)."""
    cells = [unicodedata.normalize("NFC", _clean(cell)) for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return "csv:" + sha256_hex("\x1f".join(cells).encode())


def _source_id(row: list[str], rows: _Rows) -> str:
    own = rows.cell(row, "id")
    if "id" in rows.spec and not own:
        raise RowError("row.empty_field", field="id")
    return f"csv:id:{own}" if own else row_id(row)


def _record(line: int, row: list[str], rows: _Rows) -> ImportedRecord:
    start = rows.when(row, "time")
    if "end" in rows.spec:
        kind, end = "session", rows.when(row, "end")
        if end < start:
            raise RowError("row.ends_before")
    else:
        spent = rows.cell(row, "minutes")
        minutes = _minutes(spent) if spent else rows.options.default_event_minutes
        kind, end = "event", plus_minutes(start, minutes)
    tags = tuple(t.strip() for t in _TAG_SPLIT.split(rows.cell(row, "tags")) if t.strip())
    return ImportedRecord(
        _source_id(row, rows),
        "session" if kind == "session" else "event",
        start,
        end,
        rows.options.zone,
        rows.cell(row, "text"),
        channel=rows.word(row, "channel", rows.options.channel),
        counterpart=rows.cell(row, "counterpart") or None,
        role=rows.word(row, "role"),
        direction=rows.word(row, "direction"),
        kind=rows.word(row, "kind"),
        tags=tuple(dict.fromkeys(tags)),
        line=line,
    )


def parse_csv(data: bytes, options: ImportOptions) -> ImportResult:
    """Rows become events (or sessions, when `end` is mapped); source id `csv:<sha256 of row>`.

    `line` is the line the row starts on (1-based, the header included).
    """
    mapping = check_mapping(options.mapping)
    options.check()
    text = decode_text(data, ACCEPTED)
    spec = {key: column_of(key, column) for key, column in mapping.items()}
    names = [*(n for c in spec.values() for n in c.parts), *(c for c, _ in options.where)]
    layout = _layout(text, list(dict.fromkeys(names)))
    rows = _Rows(spec, layout.columns, options.tz(), options)
    records: list[ImportedRecord] = []
    problems: list[Problem] = []
    ignored = 0
    for line, row in _rows(text, layout, problems):
        if not rows.keep(row):
            ignored += 1
            continue
        try:
            records.append(_record(line, row, rows))
        except (ValueError, OverflowError) as exc:  # OverflowError: a time near year 9999
            problems.append(Problem.of(line, exc))
    return ImportResult(tuple(dedupe(records, problems)), tuple(problems), ignored)
