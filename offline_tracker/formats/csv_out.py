"""Record exports: the rows of `ot export csv|json`, as Excel-safe CSV and as JSON lines."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Any, Final
from zoneinfo import ZoneInfo

from offline_tracker.domain.breakdowns import RecordFigures
from offline_tracker.domain.records import LATE_ENTRY

# The export's columns, in order; the JSON keys are these names (docs/cli.md).
COLUMNS: Final = (
    "id",
    "kind",
    "channel",
    "counterpart",
    "role",
    "direction",
    "start",
    "start_date",
    "start_time",
    "end",
    "end_date",
    "end_time",
    "timezone",
    "minutes",
    "inside_minutes",
    "outside_workday_minutes",
    "rest_day_minutes",
    "statutory_holiday_minutes",
    "day_type",
    "late_night_minutes",
    "text",
    "tags",
    "attachments",
    "entered_at",
    "late_entry",
    "ledger_seq",
    "entry_hash",
    "voided",
    "void_reason",
)
# Left out of the CSV: a reason is only ever given with a void, so one column says both.
CSV_SKIP: Final = frozenset({"voided"})
BOM: Final = "\ufeff"
_NAIVE_EPOCH: Final = datetime(1970, 1, 1)
# OWASP CSV injection: a cell starting with one of these is a formula to a spreadsheet.
_FORMULA_START: Final = frozenset("=+-@\t\r")
# Cells that may hold text a user (or an import) typed; the others are numbers, times and hashes.
_TEXT: Final = frozenset(
    {"kind", "channel", "counterpart", "role", "direction", "text", "void_reason", "day_type"}
)
_LISTS: Final = frozenset({"tags", "attachments"})
_LATE_SECONDS: Final = int(LATE_ENTRY.total_seconds())
_CHUNK_ROWS: Final = 2000
# local_iso looks its clock text up: "07:05:" by minute of the day, "09" by second.
_HH_MM: Final = tuple(f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60))
_SS: Final = tuple(f"{s:02d}" for s in range(60))

Row = tuple[Any, ...]


@lru_cache(maxsize=1 << 16)
def _day_offset(zone: str, day: int) -> tuple[int, str] | None:
    """The UTC offset (s) of a UTC day in `zone` and its ISO suffix; None if it changes within."""
    tz = ZoneInfo(zone)
    first = datetime.fromtimestamp(day * 86400, tz)
    offset = first.utcoffset()
    if offset is None or offset != datetime.fromtimestamp(day * 86400 + 86399, tz).utcoffset():
        return None
    return int(offset.total_seconds()), first.isoformat()[19:]


@lru_cache(maxsize=1 << 16)
def _local_day(day: int) -> str:
    """'2025-10-07T' for a local wall-clock day counted from 1970-01-01."""
    return (_NAIVE_EPOCH + timedelta(days=day)).isoformat()[:11]


def local_iso(moment: int, zone: str) -> str:
    """ISO 8601 local time with its UTC offset, exactly as datetime.isoformat() writes it.

    Watson's mistake was leaving the offset out. Offset and date text are looked up once per
    zone and day: building two aware datetimes a row was a fifth of a 50k-row export.
    """
    found = _day_offset(zone, moment // 86400)
    if found is None:  # a day with a DST change in it
        return datetime.fromtimestamp(moment, ZoneInfo(zone)).isoformat()
    offset, suffix = found
    day, second = divmod(moment + offset, 86400)
    minute, second = divmod(second, 60)
    return _local_day(day) + _HH_MM[minute] + _SS[second] + suffix


def _shas(attachments: Iterable[Any]) -> list[str]:
    return [str(a["sha256"]) if isinstance(a, dict) else str(a) for a in attachments]


def _minutes(seconds: int) -> int | float:
    """formats.records.minutes, inlined for the 50k-row path: whole where whole."""
    return seconds // 60 if seconds % 60 == 0 else round(seconds / 60, 4)


def export_row(
    record_id: int,
    data: Mapping[str, Any],
    span: tuple[int, int | None],
    figures: RecordFigures,
    entry_hash: str,
    now: int,
    entered: str | None = None,
) -> Row:
    """One record (its payload after corrections) as the values of COLUMNS, in order.

    `entered`: when its end was entered in the ledger (UTC text), for the entered-later mark.
    """
    start, end = span
    entered_at = int(datetime.fromisoformat(entered).timestamp()) if entered else None
    zone, parts = figures.timezone, figures
    until = end if end is not None else max(now, start)  # a running session counts up to now
    attachments = data.get("attachments")
    voided = bool(data.get("voided", False))
    begin = local_iso(start, zone)
    finish = local_iso(end, zone) if end is not None else None
    # `x and _minutes(x)`: most category cells are 0, and this path runs 50k times a second.
    # RULES E5: a voided record stays listed, but counts nothing: 0 in every minutes column.
    return (
        record_id,
        data.get("kind"),
        data.get("channel"),
        data.get("counterpart"),
        data.get("role"),
        data.get("direction"),
        begin,
        begin[:10],
        begin[11:19],
        finish,
        finish and finish[:10],
        finish and finish[11:19],
        figures.timezone,
        0 if voided else _minutes(until - start),
        *(_ZEROS if voided else _categories(parts)),
        figures.day_type,
        0 if voided else parts.seconds.late_night and _minutes(parts.seconds.late_night),
        data.get("text") or "",
        data.get("tags") or [],
        _shas(attachments) if attachments else [],
        local_iso(entered_at, figures.timezone) if entered_at is not None else None,
        # RULES E5: entered more than a day after it ended (补记)
        entered_at is not None and end is not None and entered_at - end > _LATE_SECONDS,
        record_id,  # a record's id is the seq of the entry that created it
        entry_hash,
        voided,
        data.get("void_reason"),
    )


_ZEROS: Final = (0, 0, 0, 0)


def _categories(parts: RecordFigures) -> tuple[int | float, ...]:
    """Inside, outside-workday, rest-day and statutory-holiday minutes of a record."""
    return (
        parts.seconds.inside and _minutes(parts.seconds.inside),
        parts.seconds.outside_workday and _minutes(parts.seconds.outside_workday),
        parts.seconds.rest_day and _minutes(parts.seconds.rest_day),
        parts.seconds.statutory_holiday and _minutes(parts.seconds.statutory_holiday),
    )


def neutralise(cell: str) -> str:
    """Prefix a quote to a cell a spreadsheet would run as a formula (OWASP CSV injection)."""
    return "'" + cell if cell[:1] in _FORMULA_START else cell


def csv_columns(include_voided: bool) -> tuple[str, ...]:
    skip = CSV_SKIP if include_voided else CSV_SKIP | {"void_reason"}
    return tuple(c for c in COLUMNS if c not in skip)


def csv_chunks(
    headers: Sequence[str] | None,
    rows: Iterable[Row],
    columns: Sequence[str],
    late_mark: str = "late",
) -> Iterator[bytes]:
    """UTF-8 with a BOM and CRLF line ends, the form Excel opens right (Chinese Windows too).

    Without `headers`, only the lines of `rows` (the rest of a file made in parts). The
    late_entry cell holds `late_mark` (the reader's word for 补记) or nothing.

    The bytes are csv.writer's (QUOTE_MINIMAL, "\r\n"). A line whose cells hold no comma,
    quote or line break needs no quoting, and is written with one str.format (None as "",
    numbers as str, as csv.writer does): the C writer took a fifth of a 50k-row export. Any
    other line goes through csv.writer itself.
    """
    pick = itemgetter(*(COLUMNS.index(c) for c in columns))
    texts = [i for i, c in enumerate(columns) if c in _TEXT]
    lists = [i for i, c in enumerate(columns) if c in _LISTS]
    checked = texts + lists
    late = [i for i, c in enumerate(columns) if c == "late_entry"]
    line = ",".join(["{}"] * len(columns)).format
    commas = len(columns) - 1
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # None -> "", numbers -> str

    def quoted(cells: list[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue()

    lines = [] if headers is None else [BOM + quoted([neutralise(h) for h in headers])]
    for count, row in enumerate(rows, 1):
        cells = ["" if cell is None else cell for cell in pick(row)]
        for i in lists:
            cells[i] = "; ".join(cells[i])
        for i in late:
            cells[i] = late_mark if cells[i] else ""
        for i in checked:
            if cells[i] and cells[i][0] in _FORMULA_START:
                cells[i] = "'" + cells[i]
        text = line(*cells)
        plain = text.count(",") == commas and not ('"' in text or "\n" in text or "\r" in text)
        lines.append(text + "\r\n" if plain else quoted(cells))
        if count % _CHUNK_ROWS == 0:
            yield "".join(lines).encode("utf-8")
            lines.clear()
    yield "".join(lines).encode("utf-8")


def json_chunks(meta: Mapping[str, Any], rows: Iterable[Row]) -> Iterator[bytes]:
    """`meta` with a `records` list, one record object a line (fast, and diffs well); made
    as the rows come (an export's memory does not grow with them)."""
    head = json.dumps({**meta, "records": []}, ensure_ascii=False, indent=2)
    opening, closing = head.rsplit("[]", 1)
    yield (opening + "[").encode("utf-8")
    lines: list[str] = []
    lead = "\n    "
    for count, row in enumerate(rows, 1):
        lines.append(json.dumps(dict(zip(COLUMNS, row, strict=True)), ensure_ascii=False))
        if count % _CHUNK_ROWS == 0:
            yield (lead + ",\n    ".join(lines)).encode("utf-8")
            lines.clear()
            lead = ",\n    "
    if lines:
        yield (lead + ",\n    ".join(lines)).encode("utf-8")
    yield ("\n  ]" + closing + "\n").encode("utf-8")
