"""Watson frames and `timew export` files, from samples the real tools wrote (data/README.txt)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from offline_tracker.formats.importers import ImportOptions, parse
from offline_tracker.formats.importers.timew import parse_timew
from offline_tracker.formats.importers.watson import parse_watson
from tests.conftest import refused

DATA = Path(__file__).parent / "data"
OPTS = ImportOptions(zone="Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_watson_frames_become_sessions() -> None:
    result = parse("watson", DATA / "watson_frames.json", OPTS)
    assert result.problems == ()
    first, second, third = result.records
    assert (first.type, first.start, first.end) == (
        "session",
        at("2025-10-01 13:30"),
        at("2025-10-01 14:45"),
    )
    assert (first.text, first.tags, first.zone) == (
        "release-hotfix",
        ("deploy", "oncall"),
        OPTS.zone,
    )
    assert second.text == "客户报表" and second.tags == ("周报",)
    assert second.end == at("2025-10-02 16:20")  # crosses local midnight; the app splits it
    assert third.tags == ()
    assert [r.line for r in result.records] == [1, 2, 3]
    frame_ids = [f[3] for f in json.loads((DATA / "watson_frames.json").read_text())]
    assert [r.source_id for r in result.records] == [f"watson:{i}" for i in frame_ids]


def test_watson_bad_frames_are_problems_not_exceptions() -> None:
    frames = [
        [1759325400, 1759329900, "ok", "a1", [], 1759329900],
        [1759325400, None, "open", "a2", [], 0],
        [1759329900, 1759325400, "backwards", "a3", [], 0],
        ["yesterday", 1759325400, "text time", "a4", [], 0],
        [True, 1759325400, "bool time", "a5", [], 0],
        [1759325400, 1759329900, "no tags list", "a6", "tag", 0],
        [1759325400, 1759329900, "dup", "a1", [], 0],
        [1, 2],
        "not a frame",
        [1e300, 1e301, "huge", "a7", [], 0],
    ]
    result = parse_watson(json.dumps(frames).encode(), OPTS)
    assert [r.source_id for r in result.records] == ["watson:a1"]
    assert [p.line for p in result.problems] == [2, 3, 4, 5, 6, 8, 9, 10, 7]
    assert result.problems[-1].severity == "skipped"


@pytest.mark.parametrize("data", [b"", b"{", b'{"frames": []}', b"\xff\xfe", b"null"])
def test_watson_unreadable_file_is_one_clear_error(data: bytes) -> None:
    with refused("expected Watson's frames file"):
        parse_watson(data, OPTS)


def test_timew_export_becomes_sessions_with_an_open_one() -> None:
    result = parse("timewarrior", DATA / "timew_export.json", OPTS)
    assert result.problems == ()
    deploy, report, untagged, running = result.records
    assert (deploy.source_id, deploy.start, deploy.end) == (
        "timew:20251001T133000Z",
        at("2025-10-01 13:30"),
        at("2025-10-01 14:45"),
    )
    assert report.tags == ("周报", "客户 报表") and report.text == 'fixed the "prod" bug'
    assert untagged.tags == () and untagged.text == ""
    assert running.end is None and running.tags == ("late call",)


def test_timew_bad_intervals_are_problems() -> None:
    items = [
        {"id": 1, "start": "20251001T133000Z", "end": "20251001T120000Z"},
        {"id": 2, "start": "2025-10-01"},
        {"id": 3, "start": "20251001T133000"},
        {"id": 4, "start": "20251001T133000Z", "tags": "x"},
        {"id": 5, "start": "20251001T133000Z", "annotation": 5},
        {"id": 6},
        [],
        {"id": 7, "start": "2025-10-01T15:30:00+02:00"},
    ]
    result = parse_timew(json.dumps(items).encode(), OPTS)
    assert [p.line for p in result.problems] == [1, 2, 3, 4, 5, 6, 7]
    assert [r.start for r in result.records] == [at("2025-10-01 13:30")]


def test_reimporting_gives_the_same_source_ids() -> None:
    for source, name in (("watson", "watson_frames.json"), ("timewarrior", "timew_export.json")):
        first = parse(source, DATA / name, OPTS)
        again = parse(source, DATA / name, OPTS)
        assert first == again


def test_a_large_frames_file_reads_whole() -> None:
    # Speed is measured by `make bench` (issue 7), not here: this checks the fast JSON path.
    start = 1759325400
    frames = [
        [start + i * 600, start + i * 600 + 300, "p", f"{i:032x}", ["a", "b"], start]
        for i in range(20_000)
    ]
    result = parse_watson(json.dumps(frames, indent=1).encode(), OPTS)
    assert len(result.records) == 20_000 and not result.problems
    assert result.records[-1].end == datetime.fromtimestamp(start + 19_999 * 600 + 300, UTC)


def test_json_the_fast_reader_refuses_is_read_by_the_standard_library() -> None:
    frames = [[1759325400, 1759325700, "项目", "a1", [], 1759325700]]
    for data in (json.dumps(frames).encode("utf-16"), json.dumps(frames).encode("utf-32")):
        assert [r.text for r in parse_watson(data, OPTS).records] == ["项目"]
    with refused(r"line 2 column 1"):
        parse_watson(b"[\n", OPTS)
