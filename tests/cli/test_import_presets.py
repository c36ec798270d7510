"""CSV presets (Toggl, Clockify) and mapping extensions: id=, value maps, --where, joins."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Ot
from tests.formats import chatdata as c

TOGGL = (
    "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,"
    "Duration,Tags,Amount ()\n"
    "王五,wang@example.com,客户A,官网改版,,改首页,No,2025-10-01,21:00:00,2025-10-01,22:30:00,"
    "01:30:00,加班,\n"
    "王五,wang@example.com,,内部,,周报,No,2025-10-02,23:30:00,2025-10-03,00:15:00,00:45:00,,\n"
)
CLOCKIFY = (
    "Project,Client,Description,Task,User,Group,Email,Tags,Billable,Start Date,Start Time,"
    "End Date,End Time,Duration (h),Duration (decimal)\n"
    '官网改版,客户A,改首页,,王五,,wang@example.com,"加班, 紧急",No,10/01/2025,09:00:00 PM,'
    "10/01/2025,10:30:00 PM,01:30:00,1.50\n"
)


def _records(ot: Ot) -> list[dict[str, Any]]:
    found = ot("list", "--from", "2025-09-01", "--to", "2025-10-08", "--json").json()["records"]
    return sorted(found, key=lambda r: r["start"])


def _file(tmp_path: Path, name: str, data: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def test_toggl_preset_joins_date_and_time(ledger: Ot, tmp_path: Path) -> None:
    path = _file(tmp_path, "Toggl_time_entries.csv", TOGGL)
    result = ledger("import", "csv", path, "--preset", "toggl")
    assert result.code == 0, result.err
    first, second = _records(ledger)
    assert (first["start"], first["end"]) == (
        "2025-10-01T21:00:00+08:00",
        "2025-10-01T22:30:00+08:00",
    )
    assert first["type"] == "session" and first["text"] == "改首页"
    assert first["tags"] == ["加班", "官网改版"]
    assert second["end"] == "2025-10-03T00:15:00+08:00"


def test_clockify_preset_reads_its_us_dates(ledger: Ot, tmp_path: Path) -> None:
    path = _file(tmp_path, "Clockify_Time_Report_Detailed.csv", CLOCKIFY)
    assert ledger("import", "csv", path, "--preset", "clockify").code == 0
    (record,) = _records(ledger)
    assert (record["start"], record["end"]) == (
        "2025-10-01T21:00:00+08:00",
        "2025-10-01T22:30:00+08:00",
    )
    assert record["tags"] == ["加班", "紧急", "官网改版"]


MAP = "time=CreateTime,text=StrContent,direction=IsSender:1=replied,0=received,id=localId"


def test_value_map_where_and_id(ledger: Ot, tmp_path: Path) -> None:
    path = _file(tmp_path, "m.csv", c.wechatmsg_csv(c.messages()))
    options = ("--map", MAP, "--where", "Type=1", "--where", "TalkerId=7", "--channel", "wechat")
    result = ledger("import", "csv", path, *options, "--json")
    assert result.code == 0, result.err
    assert (result.json()["added"], result.json()["ignored"]) == (2, 8)
    records = _records(ledger)
    assert [r["direction"] for r in records] == ["received", "replied"]
    assert [r["source_id"] for r in records] == ["csv:id:201", "csv:id:202"]
    # An edited row of a re-export keeps its id: nothing new.
    edited = c.wechatmsg_csv([m._replace(text=m.text + "!") for m in c.messages()])
    again = ledger("import", "csv", _file(tmp_path, "n.csv", edited), *options, "--json").json()
    assert (again["added"], again["duplicate"]) == (0, 2)


def test_a_value_outside_the_map_rejects_the_row(ledger: Ot, tmp_path: Path) -> None:
    data = "t,who\n2025-10-01 21:00,1\n2025-10-01 22:00,2\n"
    spec = "time=t,direction=who:1=received"
    summary = ledger(
        "import", "csv", _file(tmp_path, "x.csv", data), "--map", spec, "--json"
    ).json()
    assert (summary["added"], summary["rejected"]) == (1, 1)
    assert "not in its value map" in summary["problems"][0]["message"]


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (("--map", "time=t,direction=who:1=sideways"), "not one of"),
        (("--map", "time=t,text=who:1=received"), "value map is only for"),
        (("--map", "time=t", "--where", "no-equals"), "COLUMN=VALUE"),
        (("--preset", "toggl", "--map", "time=t"), "not two"),
        (("--map", "time=t+nope"), "columns missing from the CSV: 'nope'"),
    ],
)
def test_bad_mappings_are_one_line_exit_2(
    ledger: Ot, tmp_path: Path, options: tuple[str, ...], words: str
) -> None:
    result = ledger(
        "import", "csv", _file(tmp_path, "x.csv", "t,who\n2025-10-01 21:00,1\n"), *options
    )
    assert result.code == 2 and words in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1
