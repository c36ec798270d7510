"""The record export as CSV (Excel-safe, golden bytes) and as JSON: pure formats, no database.

Regenerate the golden files on purpose, then review the diff:
    OT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/formats/test_csv_out.py
"""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offline_tracker import i18n
from offline_tracker.domain.breakdowns import RecordFigures
from offline_tracker.domain.results import CategorySeconds
from offline_tracker.formats.csv_out import (
    COLUMNS,
    csv_chunks,
    csv_columns,
    export_row,
    json_chunks,
    local_iso,
    neutralise,
)

GOLDEN = Path(__file__).parent / "golden"
NOW = 1759887000  # 2025-10-08 09:30 in Shanghai
SHA = "e9a524f5fbb36de6c8725271e42cce2f536219c0f05f5b10163668b548cf63d7"


def _figures(day: str, day_type: str, **seconds: int) -> RecordFigures:
    return RecordFigures(CategorySeconds(**seconds), dates=(date.fromisoformat(day),),
                         provisional=False, start_date=date.fromisoformat(day), day_type=day_type,
                         timezone="Asia/Shanghai")  # fmt: skip


def _rows() -> list[tuple[object, ...]]:
    """Three records: a late-night instruction, a formula-like note, a voided acknowledgement."""
    slides = {
        "kind": "instruction", "channel": "wechat", "counterpart": "王经理", "role": "supervisor",
        "direction": "received", "text": "老板要PPT \"终稿\"\n今晚", "tags": ["slides", "urgent"],
        "attachments": [{"sha256": SHA, "name": "shot.png", "size": 16}],
    }  # fmt: skip
    formula = {"text": '=HYPERLINK("http://x")', "tags": ["-1", "@me"], "counterpart": "+86 138"}
    ack = {"kind": "ack", "text": "收到", "voided": True, "void_reason": "logged twice"}
    return [
        export_row(3, slides, (1759851600, 1759854000),
                   _figures("2025-10-07", "rest_day", rest_day=2400, late_night=2400),
                   "4a" * 32, NOW, "2025-10-07T16:21:07Z"),
        export_row(4, formula, (1759755600, 1759756830),
                   _figures("2025-10-06", "statutory_holiday", statutory_holiday=1230),
                   "fd" * 32, NOW, "2025-10-08T01:00:00Z"),  # RULES E5: entered a day later
        export_row(5, ack, (1759284000, 1759284060), _figures("2025-10-01", "statutory_holiday"),
                   "d4" * 32, NOW),
    ]  # fmt: skip


def _csv(lang: str, include_voided: bool) -> bytes:
    columns = csv_columns(include_voided)
    headers = [i18n.t(f"export.col.{c}", lang=lang) for c in columns]
    rows = [r for r in _rows() if include_voided or not r[COLUMNS.index("voided")]]
    return b"".join(csv_chunks(headers, rows, columns, i18n.t("export.late_mark", lang=lang)))


@pytest.mark.parametrize(("lang", "voided"), [("en", False), ("zh", True)])
def test_csv_matches_its_golden_file(lang: str, voided: bool) -> None:
    path = GOLDEN / f"records_{lang}{'_voided' if voided else ''}.csv"
    data = _csv(lang, voided)
    if os.environ.get("OT_UPDATE_GOLDEN"):
        path.write_bytes(data)
    assert data == path.read_bytes()


def test_csv_is_excel_ready_utf8_bom_crlf() -> None:
    data = _csv("zh", True)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8 (Chinese Windows)
    assert data.count(b"\r\n") == 4  # header and 3 rows; a newline inside a quoted note stays
    text = data.decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    assert header[0] == "记录编号" and header[-1] == "作废原因"
    assert rows[0][header.index("开始（本地时间，ISO 8601）")] == "2025-10-07T23:40:00+08:00"
    assert rows[0][header.index("内容")] == '老板要PPT "终稿"\n今晚'  # quoted, newline kept
    assert rows[2][-1] == "logged twice"


def test_formula_cells_are_neutralised() -> None:
    text = _csv("en", False).decode("utf-8-sig")
    header, _, formula = list(csv.reader(io.StringIO(text, newline="")))
    cell = dict(zip(header, formula, strict=True))
    assert cell["Note"] == '\'=HYPERLINK("http://x")'
    assert cell["Tags"] == "'-1; @me"
    assert cell["Counterpart"] == "'+86 138"
    assert cell["Statutory holiday (min)"] == "20.5"  # numbers stay numbers


_cell_text = st.text(alphabet=st.sampled_from(list('a,"\r\n =+-@\t老 ;')), max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.none() | _cell_text,
            st.integers(-5, 10**6) | st.floats(0, 1e4, allow_nan=False) | st.none(),
            st.booleans(),
            st.lists(_cell_text, max_size=3),
        ),
        max_size=5,
    )
)
def test_csv_lines_are_what_csv_writer_writes(cells: list[tuple[Any, ...]]) -> None:
    """csv_chunks writes unquoted lines itself (issue 7): byte for byte csv.writer's output."""
    base = list(_rows()[0])
    rows, expected = [], io.StringIO()
    writer = csv.writer(expected, lineterminator="\r\n")
    columns = csv_columns(True)
    writer.writerow(columns)
    for text, number, voided, tags in cells:
        row = list(base)
        row[COLUMNS.index("text")] = text
        row[COLUMNS.index("counterpart")] = text
        row[COLUMNS.index("inside_minutes")] = number
        row[COLUMNS.index("voided")] = voided
        row[COLUMNS.index("tags")] = tags
        rows.append(tuple(row))
        picked: dict[str, Any] = {c: row[COLUMNS.index(c)] for c in columns}
        picked["tags"] = "; ".join(tags)
        picked["attachments"] = "; ".join(picked["attachments"])
        for name in ("text", "counterpart", "tags", "attachments"):
            picked[name] = neutralise(picked[name] or "")
        picked["late_entry"] = "late" if picked["late_entry"] else ""
        writer.writerow([picked[c] for c in columns])
    data = b"".join(csv_chunks(columns, rows, columns))
    assert data == ("\ufeff" + expected.getvalue()).encode("utf-8")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("a=1", "a=1"),
        ("", ""),
        ("老板", "老板"),
    ],
)
def test_neutralise(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


def test_json_has_every_column_and_typed_values() -> None:
    meta = {"format": "offline_tracker.records", "version": 1}
    data = json.loads(b"".join(json_chunks(meta, _rows())))
    assert data["format"] == "offline_tracker.records"
    first, _, voided = data["records"]
    assert list(first) == list(COLUMNS)
    assert first["tags"] == ["slides", "urgent"] and first["attachments"] == [SHA]
    assert first["text"] == '老板要PPT "终稿"\n今晚'  # raw: no CSV neutralising in JSON
    assert (first["rest_day_minutes"], first["late_night_minutes"]) == (40, 40)
    assert voided["voided"] is True and voided["void_reason"] == "logged twice"
    assert json.loads(b"".join(json_chunks(meta, [])))["records"] == []


ZONES = [
    "Asia/Shanghai",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ZONES), st.integers(-5, 5), st.sampled_from([2024, 2025, 2026]), st.data())
def test_local_iso_equals_isoformat_around_dst_changes(
    zone: str, jitter: int, year: int, data: st.DataObject
) -> None:
    # RULES T1/T2: the offset must be the one in force at that second, also next to a change.
    tz = ZoneInfo(zone)
    month = data.draw(st.sampled_from([3, 4, 10, 11]))
    day = data.draw(st.integers(1, 28))
    base = int(datetime(year, month, day, tzinfo=tz).timestamp())
    moment = base + data.draw(st.integers(0, 3)) * 3600 + jitter * 60 * 29
    assert local_iso(moment, zone) == datetime.fromtimestamp(moment, tz).isoformat()
