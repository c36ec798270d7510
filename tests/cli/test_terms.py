"""Contracts, calendar and comp-time commands, and the report JSON they feed (RULES C, P, T)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Ot


def _range(ot: Ot, first: str, last: str, *extra: str) -> dict:
    result = ot("report", "range", "--from", first, "--to", last, "--json", *extra)
    assert result.code == 0, result.err
    return result.json()


def test_log_prints_its_classification(ledger: Ot) -> None:
    # 2025-10-07 is a rest day of the National Day break (RULES C4); 23:40 is late night (T4).
    result = ledger("log", "slides", "--at", "2025-10-07 23:40", "--minutes", "40")
    assert "rest day 40m" in result.out and "late night 40m" in result.out
    zh = ledger("log", "回复", "--at", "2025-10-07 23:00", "--minutes", "20", lang="zh").out
    # The id is named as an id, not read as a count ("已记录 3" reads "recorded three").
    assert re.match(r"已记录（编号 \d+）：2025-10-07 23:00 – 23:20（20分钟）", zh), zh
    assert "分类：休息日 20分钟，深夜 20分钟" in zh


def test_report_range_schema_and_p4_pay(ledger: Ot) -> None:
    # RULES P4: one hour on a workday evening, a rest day and a statutory holiday, wage 10000.
    ledger("add", "evening", "--from", "2025-09-29 19:00", "--to", "2025-09-29 20:00")
    ledger("add", "saturday", "--from", "2025-10-04 10:00", "--to", "2025-10-04 11:00")
    ledger("add", "national day", "--from", "2025-10-01 10:00", "--to", "2025-10-01 11:00")
    data = _range(ledger, "2025-09-29", "2025-10-05")
    assert data["period"] == {"from": "2025-09-29", "to": "2025-10-05", "timezone": "Asia/Shanghai"}
    totals = data["totals"]
    assert (totals["outside_workday_minutes"], totals["rest_day_minutes"]) == (60, 60)
    assert totals["statutory_holiday_minutes"] == 60 and totals["overtime_minutes"] == 180
    assert data["pay"]["hourly_rate"] == "57.47"
    assert data["pay"]["by_category"] == {
        "outside_workday": "86.21",
        "rest_day": "114.94",
        "statutory_holiday": "172.41",
    }
    assert data["pay"]["total"] == "373.56"
    days = {d["date"]: d for d in data["days"]}
    assert days["2025-10-01"]["day_type"] == "statutory_holiday"
    assert days["2025-10-04"]["day_type"] == "rest_day"
    assert set(days["2025-09-29"]) >= {
        "date",
        "day_type",
        "provisional",
        "inside_minutes",
        "outside_workday_minutes",
        "rest_day_minutes",
        "statutory_holiday_minutes",
        "late_night_minutes",
    }


def test_overlaps_count_once_and_acks_are_kept_out(ledger: Ot) -> None:
    ledger("add", "call", "--from", "2025-09-29 20:00", "--to", "2025-09-29 21:00")
    ledger("log", "message during the call", "--at", "2025-09-29 20:30", "--minutes", "20")
    ledger("log", "收到", "--at", "2025-09-29 22:30", "--kind", "ack")
    data = _range(ledger, "2025-09-29", "2025-09-29")
    assert data["totals"]["outside_workday_minutes"] == 60  # RULES T3
    assert data["totals"]["ack_count"] == 1  # RULES E1
    assert "overlap" in {f["code"] for f in data["flags"]}
    with_ack = _range(ledger, "2025-09-29", "2025-09-29", "--include-ack")
    assert with_ack["totals"]["outside_workday_minutes"] == 61


def test_contract_change_splits_a_period(ledger: Ot) -> None:
    assert (
        ledger("contract", "set", "--monthly-wage", "20000", "--effective", "2025-10-01").code == 0
    )
    ledger("add", "before", "--from", "2025-09-29 19:00", "--to", "2025-09-29 20:00")
    ledger("add", "after", "--from", "2025-10-08 07:00", "--to", "2025-10-08 08:00")
    pay = _range(ledger, "2025-09-29", "2025-10-08")["pay"]
    amounts = sorted(line["amount"] for line in pay["lines"])
    # 10000 / 21.75 / 8 x 1.5 before; 20000 / 21.75 / 8 x 2 on the rest day 2025-10-08 (C4).
    assert amounts == ["229.89", "86.21"]
    history = ledger("contract", "history", "--json").json()["versions"]
    assert [v["effective"] for v in history] == [None, "2025-10-01"]
    shown = ledger("contract", "show", "--at", "2025-09-30", "--json").json()
    assert shown["monthly_wage"] == "10000"
    assert ledger("contract", "show", "--json").json()["monthly_wage"] == "20000"


def test_the_schedule_reads_in_chinese_and_reads_back(ledger: Ot) -> None:
    spec = "mon,wed-fri 09:00-12:00,13:00-18:00; sat 10:00-12:00"
    assert ledger("contract", "set", "--schedule", spec).code == 0
    assert f"schedule: {spec}" in ledger("contract", "show").out  # English: the spec as typed
    zh = ledger("contract", "show", lang="zh").out
    shown = "周一、周三至周五 09:00-12:00、13:00-18:00；周六 10:00-12:00"
    assert f"工作时间: {shown}" in zh and "mon" not in zh
    # What a Chinese reader sees is what they can type: it sets the same schedule.
    assert ledger("contract", "set", "--schedule", shown, "--json").code == 0
    assert ledger("contract", "show", "--json").json()["schedule"] == spec


def test_bad_contract_values_are_usage_errors(ledger: Ot) -> None:
    for args in (
        ["--schedule", "mon-fri 25:00-18:00"],
        ["--timezone", "Mars/Olympus"],
        ["--system", "lazy"],
        ["--monthly-wage", "-5"],
    ):
        result = ledger("contract", "set", *args)
        assert result.code == 2, (args, result.err)
        assert len(result.err.strip().splitlines()) == 1


def test_calendar_set_and_show(ledger: Ot) -> None:
    result = ledger("calendar", "set", "2025-10-09", "--as", "rest-day", "--note", "company day")
    assert result.code == 0 and "company day" in result.out
    ledger("add", "work", "--from", "2025-10-09 10:00", "--to", "2025-10-09 11:00")
    data = _range(ledger, "2025-10-09", "2025-10-09")
    assert data["days"][0]["day_type"] == "rest_day" and data["days"][0]["source"] == "user"
    shown = ledger("calendar", "show", "--year", "2025", "--month", "10", "--json").json()["days"]
    by_date = {d["date"]: d for d in shown}
    assert by_date["2025-10-11"]["day_type"] == "workday"  # RULES C3 make-up workday
    assert by_date["2025-10-09"]["source"] == "user"
    assert (
        ledger("calendar", "set", "2025-10-09", "--as", "rest-day", "--hours", "09:00-12:00").code
        == 2
    )


def test_calendar_import_makes_a_year_official(ledger: Ot, tmp_path: Path) -> None:
    ledger.now = "2027-03-01T09:00:00+08:00"
    assert _range(ledger, "2027-01-04", "2027-01-04")["days"][0]["provisional"] is True  # C6
    schedule = tmp_path / "cn-2027.txt"
    schedule.write_text(
        "jurisdiction: CN\nyear: 2027\nholiday 2027-01-01 New Year's Day | 元旦\n"
        "rest 2027-01-02..2027-01-03\n",
        encoding="utf-8",
    )
    assert ledger("calendar", "import", str(schedule)).code == 0
    assert _range(ledger, "2027-01-04", "2027-01-04")["days"][0]["provisional"] is False
    broken = tmp_path / "broken.txt"
    broken.write_text("year: 2027\nholliday 2027-01-01\n", encoding="utf-8")
    result = ledger("calendar", "import", str(broken))
    assert result.code == 2 and "line 2" in result.err


def test_comp_time_offsets_rest_day_pay_only(ledger: Ot) -> None:
    ledger("add", "saturday", "--from", "2025-10-04 10:00", "--to", "2025-10-04 12:00")
    before = _range(ledger, "2025-10-04", "2025-10-04")["pay"]["by_category"]["rest_day"]
    assert ledger("comp-time", "2025-10-04", "--hours", "1", "--for", "2025-10-04").code == 0
    after = _range(ledger, "2025-10-04", "2025-10-04")["pay"]["by_category"]["rest_day"]
    assert (before, after) == ("229.89", "114.94")  # RULES P3


@pytest.mark.parametrize(
    ("args", "first", "last"),
    [
        (["week", "2025-W40"], "2025-09-29", "2025-10-05"),
        (["week", "--week", "2025-W40"], "2025-09-29", "2025-10-05"),
        (["week", "2025-10-01"], "2025-09-29", "2025-10-05"),
        (["week"], "2025-10-06", "2025-10-12"),
        (["month", "2025-09"], "2025-09-01", "2025-09-30"),
        (["month"], "2025-10-01", "2025-10-31"),
        (["day", "yesterday"], "2025-10-07", "2025-10-07"),
    ],
)
def test_report_periods(ledger: Ot, args: list[str], first: str, last: str) -> None:
    result = ledger("report", *args, "--json")
    assert result.code == 0, result.err
    assert (result.json()["period"]["from"], result.json()["period"]["to"]) == (first, last)


def test_bad_periods_are_usage_errors(ledger: Ot) -> None:
    assert ledger("report", "week", "2025-W60", "--json").code == 2
    assert ledger("report", "month", "2025-13").code == 2
    assert ledger("report", "range", "--from", "2025-10-05", "--to", "2025-10-01").code == 2


def test_days_add_up_to_the_totals(ledger: Ot) -> None:
    spans = (("2025-09-29 17:00", "2025-09-30 02:00"), ("2025-10-03 22:00", "2025-10-04 03:00"))
    for first, last in spans:
        ledger("add", "long", "--from", first, "--to", last)
    data = _range(ledger, "2025-09-29", "2025-10-05")
    cats = ("inside", "outside_workday", "rest_day", "statutory_holiday", "late_night")
    for cat in cats:
        key = f"{cat}_minutes"
        assert sum(d[key] for d in data["days"]) == data["totals"][key]
    worked = sum(data["totals"][f"{c}_minutes"] for c in cats[:4])
    assert worked == data["totals"]["worked_minutes"] == 9 * 60 + 5 * 60


def test_an_ack_says_it_is_not_claimed(ledger: Ot) -> None:
    result = ledger("log", "收到", "--at", "2025-10-07 23:41", "--kind", "ack")
    assert "left out of the claimed time" in result.out  # RULES E1
    shown = ledger("contract", "show")
    assert "week starts: Mon" in shown.out and "approved: yes" in shown.out
