"""CSV exports of chats and tools, read through a column mapping such as time=发送时间,text=内容."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Mapping
from datetime import datetime, tzinfo
from pathlib import Path
from typing import NamedTuple

from offline_tracker.domain.records import CHANNELS, DIRECTIONS, KINDS, ROLES
from offline_tracker.formats.importers.base import (
    ImportedRecord,
    ImportFormatError,
    ImportOptions,
    ImportResult,
    Problem,
    decode_text,
    dedupe,
    plus_minutes,
    sha256_hex,
)
from offline_tracker.formats.importers.datetimes import parse_instant

FIELDS = (
    "time",
    "end",
    "minutes",
    "text",
    "counterpart",
    "channel",
    "role",
    "direction",
    "kind",
    "tags",
)
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "channel": CHANNELS,
    "role": ROLES,
    "direction": DIRECTIONS,
    "kind": KINDS,
}
ACCEPTED = "a CSV file with a header row (UTF-8 or GB18030; comma, semicolon or tab)"
_TAG_SPLIT = re.compile(r"[,;，；、|]")
_DELIMITERS = (",", ";", "\t")
_SNIFF_LINES = 20
_SNIFF_CHARS = 4096


def check_mapping(given: Mapping[str, str]) -> dict[str, str]:
    """The mapping, or one ImportFormatError naming every unknown key or missing piece."""
    mapping = {key.strip().lower(): column for key, column in given.items()}
    unknown = sorted(k for k in mapping if k not in FIELDS)
    if unknown:
        raise ImportFormatError(
            f"unknown mapping key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))};"
            f" accepted keys: {', '.join(FIELDS)}"
        )
    empty = sorted(k for k, column in mapping.items() if not column.strip())
    if empty:
        raise ImportFormatError(f"mapping key {empty[0]!r} has no column name; write key=column")
    if "time" not in mapping:
        raise ImportFormatError("the mapping needs time=COLUMN (the column with the time)")
    if "end" in mapping and "minutes" in mapping:
        raise ImportFormatError("map either end= or minutes=, not both")
    return {k: v.strip() for k, v in mapping.items()}


def _pairs(items: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items:
        key, sep, column = item.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            raise ImportFormatError(f"cannot read mapping item {item.strip()!r}; write key=column")
        if key in mapping:
            raise ImportFormatError(f"mapping key {key!r} is given twice")
        mapping[key] = column
    return check_mapping(mapping)


def parse_mapping(spec: str) -> dict[str, str]:
    """`--map time=发送时间,text=内容,counterpart=发送人` as {field: column}."""
    return _pairs([item for item in spec.split(",") if item.strip()])


def parse_mapping_lines(text: str) -> dict[str, str]:
    """A mapping file: one key=column a line; blank lines and lines starting with # ignored."""
    lines = [
        line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    return _pairs(lines)


def load_mapping(path: Path) -> dict[str, str]:
    """Read a mapping file (UTF-8 or GB18030)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFormatError(f"cannot read mapping file {path}: {exc.strerror or exc}") from None
    return parse_mapping_lines(decode_text(data, "a mapping file of key=column lines"))


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
    columns: dict[str, int]


def _layout(text: str, mapping: dict[str, str]) -> Layout:
    """The delimiter and header row that have every mapped column, and each field's index."""
    # csv.Sniffer guesses; the mapped column names decide between its guess and the others.
    # The header may follow a title line or two, as some chat exports write.
    sniffed = _sniffed_delimiter(text)
    for delimiter in dict.fromkeys((sniffed, *_DELIMITERS)):
        for line, header in _top_rows(text, delimiter):
            found = {key: _column_index(header, column) for key, column in mapping.items()}
            if all(index is not None for index in found.values()):
                index = {key: i for key, i in found.items() if i is not None}
                return Layout(delimiter, line, index)
    top = _top_rows(text, sniffed)
    if not top:
        raise ImportFormatError(f"the file has no rows; expected {ACCEPTED}")
    header = top[0][1]
    missing = [column for column in mapping.values() if _column_index(header, column) is None]
    raise ImportFormatError(
        f"the CSV has no column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))};"
        f" its first row has: {', '.join(map(repr, header))}"
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
                problems.append(Problem(last + 1, f"unreadable CSV row: {exc}"))
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
            raise ValueError(f"minutes {text!r} is not a number") from None
    if not 0 <= value <= 24 * 60:
        raise ValueError(f"minutes {text!r} is not between 0 and 1440")
    return value


class _Rows(NamedTuple):
    """What every row of one file is read with."""

    columns: dict[str, int]
    zone: tzinfo
    options: ImportOptions

    def cell(self, row: list[str], key: str) -> str:
        i = self.columns.get(key)
        return _clean(row[i]) if i is not None and i < len(row) else ""

    def word(self, row: list[str], key: str, default: str | None = None) -> str | None:
        value = self.cell(row, key).casefold()
        if not value:
            return default
        if value not in VOCABULARIES[key]:
            accepted = ", ".join(VOCABULARIES[key])
            raise ValueError(f"{key} {value!r} is not one of {accepted}")
        return value

    def when(self, row: list[str], key: str) -> datetime:
        try:
            return parse_instant(self.cell(row, key), self.zone, self.options.date_format)
        except (ValueError, OverflowError, OSError) as exc:
            raise ValueError(f"{key}: {exc}") from None


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


def _record(line: int, row: list[str], rows: _Rows) -> ImportedRecord:
    start = rows.when(row, "time")
    if "end" in rows.columns:
        kind, end = "session", rows.when(row, "end")
        if end < start:
            raise ValueError("end is before time")
    else:
        spent = rows.cell(row, "minutes")
        minutes = _minutes(spent) if spent else rows.options.default_event_minutes
        kind, end = "event", plus_minutes(start, minutes)
    tags = tuple(t.strip() for t in _TAG_SPLIT.split(rows.cell(row, "tags")) if t.strip())
    return ImportedRecord(
        row_id(row),
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
    layout = _layout(text, mapping)
    rows = _Rows(layout.columns, options.tz(), options)
    records: list[ImportedRecord] = []
    problems: list[Problem] = []
    for line, row in _rows(text, layout, problems):
        try:
            records.append(_record(line, row, rows))
        except (ValueError, OverflowError) as exc:  # OverflowError: a time near year 9999
            problems.append(Problem(line, str(exc)))
    return ImportResult(tuple(dedupe(records, problems)), tuple(problems))
