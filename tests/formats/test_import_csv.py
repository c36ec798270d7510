"""CSV import through a column mapping: encodings, delimiters, date shapes, bad rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from offline_tracker.formats.importers import (
    ImportFormatError,
    ImportOptions,
    load_mapping,
    parse,
    parse_data,
    parse_mapping,
    parse_mapping_lines,
)
from offline_tracker.formats.importers.csvmap import parse_csv, row_id
from offline_tracker.formats.importers.csvspec import FIELDS
from offline_tracker.formats.importers.datetimes import parse_instant
from tests.conftest import refused, said

DATA = Path(__file__).parent / "data"
SHANGHAI = "Asia/Shanghai"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def opts(spec: str, **extra: object) -> ImportOptions:
    return ImportOptions(zone=SHANGHAI, mapping=parse_mapping(spec), **extra)  # type: ignore[arg-type]


def test_gb18030_chat_export_with_title_line_multiline_bad_and_duplicate_rows() -> None:
    mapping = load_mapping(DATA / "wechat.map")
    assert mapping == {"time": "发送时间", "counterpart": "发送人", "text": "内容"}
    result = parse(
        "csv",
        DATA / "wechat_gb18030.csv",
        ImportOptions(zone=SHANGHAI, mapping=mapping, channel="wechat"),
    )
    first, second, third = result.records
    assert (first.start, first.end, first.line) == (
        at("2025-10-01 15:40:05"),
        at("2025-10-01 15:45:05"),
        3,
    )
    assert first.text == "今晚把报表改一下, 明早要" and first.counterpart == "张经理"
    assert second.text == "收到\n马上改" and second.line == 4  # quoted, over two lines
    assert third.start == at("2025-10-01 16:15:30") and third.line == 6
    assert {r.channel for r in result.records} == {"wechat"}
    assert [(p.line, p.severity) for p in result.problems] == [
        (7, "error"),
        (8, "error"),
        (9, "skipped"),  # the same row as line 3
    ]
    assert "昨天晚上" in said(result.problems[0])


def test_bom_semicolon_sessions_with_tags_and_vocabulary_errors() -> None:
    spec = "time=开始时间,end=结束时间,text=事项,tags=标签,channel=渠道"
    result = parse("csv", DATA / "dingtalk_bom.csv", opts(spec))
    (duty,) = result.records
    assert duty.type == "session" and duty.channel == "dingtalk"
    assert (duty.start, duty.end) == (at("2025-10-01 13:30"), at("2025-10-01 14:45"))
    assert duty.tags == ("上线", "值班")
    assert [p.line for p in result.problems] == [3, 4]
    assert "dingtalk" in said(result.problems[1])  # lists what is accepted


def test_tab_separated_iso_with_minutes_and_vocabularies() -> None:
    spec = (
        "time=timestamp,minutes=duration,text=note,counterpart=who,"
        "kind=kind,direction=direction,role=role"
    )
    result = parse("csv", DATA / "tool_export.tsv", opts(spec))
    fixed, call = result.records
    assert (fixed.start, fixed.end) == (at("2025-10-01 15:40"), at("2025-10-01 16:25"))  # 0:45
    assert (fixed.kind, fixed.direction, fixed.role) == ("deliverable", "replied", "supervisor")
    assert call.end is not None
    assert call.end - call.start == at("2025-01-01 00:15") - at("2025-01-01 00:00")
    assert [p.line for p in result.problems] == [4]


def test_utf8_without_bom_and_lf_crlf_give_the_same_ids() -> None:
    text = 'time,text\n2025-10-01 23:40,"two\nlines"\n'
    lf = parse_data("csv", text.encode(), opts("time=time,text=text"))
    crlf = parse_data(
        "csv", text.replace("\n", "\r\n").encode("gb18030"), opts("time=time,text=text")
    )
    assert [r.source_id for r in lf.records] == [r.source_id for r in crlf.records]


def test_date_format_option_and_zone() -> None:
    data = b"when,what\n01.10.2025 23:40,x\n"
    result = parse_data("csv", data, opts("time=when,text=what", date_format="%d.%m.%Y %H:%M"))
    assert result.records[0].start == at("2025-10-01 15:40")
    berlin = ImportOptions(
        zone="Europe/Berlin", mapping={"time": "when"}, date_format="%d.%m.%Y %H:%M"
    )
    assert parse_data("csv", data, berlin).records[0].start == at("2025-10-01 21:40")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-01T23:40:00+08:00", "2025-10-01 15:40:00"),
        ("2025-10-01T15:40:00Z", "2025-10-01 15:40:00"),
        ("2025-10-01 23:40", "2025-10-01 15:40:00"),
        ("2025/10/1 23:40:05", "2025-10-01 15:40:05"),
        ("2025年10月1日 23:40", "2025-10-01 15:40:00"),
        ("2025年10月1日 23时40分05秒", "2025-10-01 15:40:05"),
        ("2025.10.01 23:40", "2025-10-01 15:40:00"),
        ("1759333200", "2025-10-01 15:40:00"),
        ("1759333200000", "2025-10-01 15:40:00"),
    ],
)
def test_detected_date_shapes(text: str, expected: str) -> None:
    from zoneinfo import ZoneInfo

    assert parse_instant(text, ZoneInfo(SHANGHAI)) == at(expected)


@pytest.mark.parametrize(
    "text", ["2025-10-01", "2025年10月1日", "tomorrow", "2025-13-01 10:00", ""]
)
def test_unreadable_times(text: str) -> None:
    from zoneinfo import ZoneInfo

    with pytest.raises(ValueError):
        parse_instant(text, ZoneInfo(SHANGHAI))


def test_dst_gap_is_refused_and_fold_takes_the_first() -> None:
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    with pytest.raises(ValueError, match="dst_gap"):
        parse_instant("2025-03-30 02:30", berlin)
    assert parse_instant("2025-10-26 02:30", berlin) == at("2025-10-26 00:30")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("time=a,colour=b,size=c", "mapping keys not known: 'colour', 'size'"),
        ("text=a", "needs time="),
        ("time=a,end=b,minutes=c", "either end= or minutes="),
        ("time=a,time=b", "given twice"),
        ("time", "key=column"),
        ("time=", "no column name"),
        ("", "needs time="),
    ],
)
def test_mapping_errors(spec: str, message: str) -> None:
    with refused(message):
        parse_mapping(spec)


def test_mapping_lines_allow_commas_in_column_names() -> None:
    assert parse_mapping_lines("# comment\n\nTime = Date, time\ntext=Body\n") == {
        "time": "Date, time",
        "text": "Body",
    }


def test_missing_columns_is_one_error_that_shows_the_header() -> None:
    with refused(r"columns missing from the CSV: '发送时间', '内容'.*'when'"):
        parse_data("csv", b"when,what\n2025-10-01 23:40,x\n", opts("time=发送时间,text=内容"))
    with refused("no rows"):
        parse_data("csv", b"\n\n", opts("time=a"))
    with refused("GB18030"):
        parse_data("csv", b"\xff\xff\xff", opts("time=a"))


def test_header_case_and_spaces_and_short_rows() -> None:
    data = b" Time ;Text\n2025-10-01 23:40;hello\n2025-10-01 23:50\n"
    result = parse_data("csv", data, opts("time=time,text=TEXT"))
    assert [r.text for r in result.records] == ["hello", ""]


def test_row_id_normalises() -> None:
    assert row_id(["a ", "b\r\nc", "", ""]) == row_id(["a", "b\nc"])
    assert row_id(["a", "b"]) != row_id(["a", "", "b"])


mapping_text = st.lists(
    st.sampled_from([*FIELDS, "=", ",", " ", "x", "时间", "\n", "#", "TIME", "\x00"])
).map("".join)


@settings(max_examples=300, deadline=None)
@given(spec=st.one_of(st.text(), mapping_text))
def test_arbitrary_mapping_strings_raise_only_import_format_error(spec: str) -> None:
    for parser in (parse_mapping, parse_mapping_lines):
        try:
            mapping = parser(spec)
        except ImportFormatError:
            continue
        assert "time" in mapping and set(mapping) <= set(FIELDS)


csv_bytes = st.one_of(
    st.binary(max_size=400),
    st.text(
        alphabet=st.sampled_from(list('t,;\t"\r\n 2025-10:0/年月日x\x00\ufeff')), max_size=200
    ).map(lambda s: ("t,x\n" + s).encode("utf-8")),
)


@settings(max_examples=400, deadline=None)
@given(
    data=csv_bytes,
    spec=st.sampled_from(
        ["time=t", "time=t,text=x,tags=x", "time=t,end=x", "time=t,minutes=x,kind=x"]
    ),
)
def test_arbitrary_csv_bytes_raise_only_import_format_error(data: bytes, spec: str) -> None:
    try:
        result = parse_csv(data, opts(spec))
    except ImportFormatError:
        return
    for rec in result.records:
        assert rec.start.tzinfo is UTC and rec.end is not None and rec.end >= rec.start
