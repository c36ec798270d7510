"""The human report: golden week in en and zh, narrow widths, heatmap marks, trend, empty text.

Golden files live in tests/render/golden/. After a deliberate change to the report, regenerate
them with `UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/render` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.cells import cell_len

from offline_tracker import i18n
from offline_tracker.domain.calendar import CalendarSet
from offline_tracker.domain.contract import ContractHistory
from offline_tracker.domain.offhours import HOURS, WEEKDAYS, WeekTotal
from offline_tracker.domain.records import Record
from offline_tracker.domain.report_view import ReportInput, ReportView, build_view
from offline_tracker.domain.results import Flag
from offline_tracker.render.report import (
    empty_text,
    flag_text,
    heatmap_text,
    report_text,
    trend_text,
)
from tests.domain.engine_builders import at, contract, day, history, rec

GOLDEN = Path(__file__).parent / "golden"
LOCALES = Path(__file__).resolve().parents[2] / "offline_tracker" / "locales"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "classification.md"
NOW = at("2025-10-08 09:30")  # tests/conftest.py FIXED_NOW
SHANGHAI = ZoneInfo("Asia/Shanghai")


def view_of(
    records: tuple[Record, ...],
    contracts: ContractHistory,
    first: str,
    last: str,
    now: datetime = NOW,
) -> ReportView:
    """The app's ReportView of a period, built here without a database."""
    source = ReportInput(records, contracts, CalendarSet())
    return build_view(source, day(first), day(last), now)


def event(rid: str, when: str, minutes: int, **fields: object) -> Record:
    start = at(when)
    return rec(start, start + timedelta(minutes=minutes), rid=rid, **fields)


# The week of National Day 2025: evenings, a lunch break, a holiday call, a 01:20 message,
# acknowledgements, an overlap and a Sunday deliverable (ids fixed: they appear in flags).
WEEK = (
    event("1", "2025-09-29 21:10", 40, counterpart="Wang", channel="wechat", kind="instruction"),
    event("2", "2025-09-29 23:30", 1, counterpart="Wang", channel="wechat", kind="ack"),
    event("3", "2025-09-30 10:00", 60, channel="email", kind="other"),
    event("4", "2025-09-30 12:15", 30, counterpart="Li", channel="email", kind="deliverable"),
    event("5", "2025-09-30 19:00", 150, counterpart="Wang", channel="dingtalk", kind="meeting"),
    event("6", "2025-09-30 21:00", 20, counterpart="Li", channel="wechat", kind="instruction"),
    event("7", "2025-10-01 10:00", 90, counterpart="Client [PM]", channel="phone", kind="call"),
    event("8", "2025-10-02 01:20", 25, counterpart="Wang", channel="wechat", kind="instruction"),
    event("9", "2025-10-04 14:00", 1, counterpart="Li", channel="wechat", kind="ack"),
    event("10", "2025-10-05 20:00", 60, counterpart="Wang", channel="wechat", kind="deliverable"),
)


def week_report(records: tuple[Record, ...] = WEEK, wage: str | None = "10000") -> ReportView:
    contracts = history(contract(wage=wage) if wage else contract())
    return view_of(records, contracts, "2025-09-29", "2025-10-05")


@pytest.fixture(autouse=True)
def no_color(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("NO_COLOR", "1")
    yield
    i18n.set_language("en")


def widths(text: str) -> list[int]:
    return [cell_len(line) for line in text.splitlines()]


# -- golden files ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [80, 100])
def test_week_report_matches_golden(lang: str, width: int) -> None:
    i18n.set_language(lang)
    text = report_text(week_report(), width=width) + "\n"
    path = GOLDEN / f"week_{lang}_{width}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


# -- width and language ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [60, 80, 100, 120, 160])
def test_no_line_exceeds_the_width(lang: str, width: int) -> None:
    i18n.set_language(lang)
    assert max(widths(report_text(week_report(), width=width))) <= width


def test_narrow_terminal_drops_low_value_columns_not_numbers() -> None:
    narrow = report_text(week_report(), width=80)
    wide = report_text(week_report(), width=120)
    narrow_head = next(line for line in narrow.splitlines() if line.startswith("Date"))
    wide_head = next(line for line in wide.splitlines() if line.startswith("Date"))
    assert "Late" not in narrow_head and "Contacts" not in narrow_head
    assert "Late" in wide_head and "Contacts" in wide_head
    # A duration is never broken over two lines: each day row still shows whole values.
    for text in (narrow, wide):
        assert re.search(r"^2025-09-30\s+Tue\s+workday\s+1h00m\s+3h00m", text, re.M)
    very_narrow = report_text(week_report(), width=60)
    assert re.search(r"^2025-09-30\s+workday\s+1h00m\s+3h00m", very_narrow, re.M)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_label_is_translated(lang: str) -> None:
    i18n.set_language(lang)
    text = report_text(week_report(), width=120)
    assert not re.search(r"\b(report|flag)\.[a-z_]+", text)  # a missing key prints itself


def test_holiday_names_follow_the_language() -> None:
    assert "National Day" in report_text(week_report(), width=120)
    i18n.set_language("zh")
    text = report_text(week_report(), width=120)
    assert "国庆节" in text and "National Day" not in text


def test_user_text_is_not_read_as_markup() -> None:
    # rich markup would swallow "[PM]"; counterparts print as typed.
    assert "Client [PM] (1)" in report_text(week_report(), width=120)


# -- pay, flags, provisional -------------------------------------------------------------------


def test_pay_is_labelled_the_statutory_maximum_with_the_hourly_rate() -> None:
    text = report_text(week_report(), width=120)
    assert "statutory maximum" in text  # RULES E3
    assert "57.47 CNY (monthly wage / 21.75 / 8)" in text  # RULES P4
    assert "An estimate, not legal advice" in text


def test_without_a_wage_the_report_says_how_to_set_one() -> None:
    text = report_text(week_report(wage=None), width=120)
    assert "--monthly-wage" in text and "Hourly wage used" not in text


def flag_codes() -> list[str]:
    table = DOCS.read_text(encoding="utf-8").split("## Flags", 1)[1]
    return re.findall(r"^\| `([a-z0-9_]+)` \|", table, re.M)


def test_every_documented_flag_has_a_message_in_both_languages() -> None:
    codes = flag_codes()
    assert len(codes) >= 15
    for lang in ("en", "zh"):
        catalog = i18n.catalog(lang)
        assert [c for c in codes if f"flag.{c}" not in catalog] == [], lang


def test_report_catalogs_have_the_same_keys_and_fields() -> None:
    en = json.loads((LOCALES / "en" / "report.json").read_text(encoding="utf-8"))
    zh = json.loads((LOCALES / "zh" / "report.json").read_text(encoding="utf-8"))
    assert set(en) == set(zh)
    fields = re.compile(r"\{(\w+)\}")
    assert {k: set(fields.findall(v)) for k, v in en.items()} == {
        k: set(fields.findall(v)) for k, v in zh.items()
    }


def test_flag_text_shows_durations_and_translated_words() -> None:
    limit = Flag(
        "overtime_over_3h_day", day("2025-09-30"), {"seconds": 12600, "limit_seconds": 10800}
    )
    assert flag_text(limit).startswith("3h30m outside the schedule") and "3h00m a day" in flag_text(
        limit
    )
    provisional = Flag("provisional_day", day("2027-01-02"), {"day_type": "rest_day"})
    i18n.set_language("zh")
    assert "休息日" in flag_text(provisional)
    assert flag_text(Flag("brand_new_code", None, {"x": 1})) == "brand_new_code x=1"


def test_provisional_days_are_marked_and_explained() -> None:
    records = (event("1", "2027-01-02 10:00", 60),)
    now = at("2027-01-06 09:00")
    view = view_of(records, history(), "2027-01-01", "2027-01-05", now)
    text = report_text(view, width=100)
    assert "rest day *" in text and "* provisional day type" in text
    assert "4 days of this period fall in a year without a published holiday schedule" in text


# -- empty period ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_empty_period_prints_what_to_log_not_an_empty_table(lang: str) -> None:
    i18n.set_language(lang)
    # Records just outside the period (the app hands a margin over) leave it empty.
    outside = (event("1", "2025-09-28 20:00", 30),)
    text = report_text(week_report(records=outside), width=80)
    assert empty_text() in text and "ot log" in text
    assert "2025-09-29" in text.splitlines()[0]
    assert t_col(lang) not in text
    assert max(widths(text)) <= 80


def t_col(lang: str) -> str:
    return i18n.t("report.col.inside", lang=lang)


def test_voided_records_alone_leave_the_period_empty() -> None:
    voided = (event("1", "2025-09-30 20:00", 30, voided=True),)
    assert empty_text() in report_text(week_report(records=voided), width=80)


# -- heatmap -----------------------------------------------------------------------------------


def matrix(**cells: int) -> tuple[tuple[int, ...], ...]:
    """`matrix(d1h19=1800)`: seconds for weekday 1 (Tuesday), hour 19."""
    grid = [[0] * HOURS for _ in range(WEEKDAYS)]
    for name, seconds in cells.items():
        weekday, hour = map(int, name[1:].split("h"))
        grid[weekday][hour] = seconds
    return tuple(tuple(row) for row in grid)


def test_heatmap_reads_without_colour() -> None:
    text = heatmap_text(matrix(d1h19=3600, d1h20=900, d6h10=1800))
    assert "\x1b" not in text
    lines = text.splitlines()
    tuesday = next(line for line in lines if line.startswith("Tue"))
    # Two marks an hour after a 5-cell label: hour 19 is the busiest (█), 20 the lightest (░).
    assert tuesday[5 + 2 * 19 : 5 + 2 * 21] == "██░░"
    assert tuesday.endswith("1h15m")
    assert lines[-1] == "Minutes per cell: · 0  ░ 1-15  ▒ 16-30  ▓ 31-45  █ 46-60"
    assert lines[1].startswith("Mon  ····")


def test_heatmap_legend_scales_to_the_busiest_cell() -> None:
    # A month adds four Mondays into a cell: up to 4 h, so each shade spans an hour.
    text = heatmap_text(matrix(d0h21=4 * 3600, d0h22=60))
    assert text.splitlines()[-1].endswith("░ 1-60  ▒ 61-120  ▓ 121-180  █ 181-240")
    assert "██░░" in text


def test_heatmap_keeps_its_grid_on_a_narrow_terminal() -> None:
    text = heatmap_text(matrix(d1h19=3600), width=60)
    assert max(widths(text)) <= 60
    assert text.splitlines()[2].startswith("Tue  " + "·" * 19 + "█")


def test_heatmap_without_off_hours_time_says_so() -> None:
    assert heatmap_text(matrix()) == "No off-hours time in this period."


# -- trend -------------------------------------------------------------------------------------


def weeks(*hours: float) -> tuple[WeekTotal, ...]:
    first = day("2025-09-01")
    return tuple(
        WeekTotal(
            first + timedelta(weeks=i), first + timedelta(weeks=i, days=6), 7, int(h * 3600), 0, 0
        )
        for i, h in enumerate(hours)
    )


def test_trend_bars_scale_to_the_busiest_week() -> None:
    text = trend_text(weeks(8, 4, 0, 1), width=80)
    lines = text.splitlines()
    assert lines[0].startswith("Off-hours time per week, 4 weeks")
    bars = [line.split("  ")[1] for line in lines[1:]]
    assert bars[0] == "█" * 50 and bars[1] == "█" * 25 and bars[2] == "·"
    assert lines[3].endswith("  -") and lines[4].endswith("1h00m")
    assert max(widths(text)) <= 80


def test_trend_fits_a_narrow_terminal() -> None:
    text = trend_text(weeks(10, 3), width=40)
    assert max(widths(text)) <= 40


def test_trend_without_off_hours_time_says_what_to_log() -> None:
    text = trend_text(weeks(0, 0), width=80)
    assert "No off-hours time in these weeks" in text and "ot log" in text
    assert trend_text((), width=80) == empty_text()


def test_overlaps_are_one_finding_per_group_naming_its_records() -> None:
    """RULES T3: one finding per group of overlapping records (issue 19), its ids shortened."""
    session = event("100", "2025-09-30 19:00", 180, kind="meeting")
    messages = tuple(event(str(200 + n), "2025-09-30 19:30", 5 + n) for n in range(7))
    report = week_report((*WEEK, session, *messages))
    (overlap,) = [f for f in report.result.flags if f.code == "overlap"]
    assert overlap.params["records"] == "5,100,200,201,202,203,204,205,206,6"
    text = report_text(report, width=120)
    assert "10 records overlap (5, 100, 200–206, 6) for 2h30m in all" in text
    few = report_text(week_report(), width=100)
    assert "2 records overlap (5, 6) for 20m in all" in few and "Overlapping records" not in few


def test_many_overlap_groups_are_counted_not_listed() -> None:
    """Past OVERLAPS_LISTED groups, one line says how many (--json lists every group)."""
    start = at("2025-10-03 00:00")
    pairs = tuple(
        event(f"{k}{n}", (start + timedelta(hours=n)).strftime("%Y-%m-%d %H:%M"), 30 + 10 * k)
        for n in range(21)
        for k in (1, 2)
    )
    report = week_report((*WEEK, *pairs))
    overlaps = [f for f in report.result.flags if f.code == "overlap"]
    assert len(overlaps) == 22  # the 21 pairs and records 5 and 6
    text = report_text(report, width=100)
    assert "Overlapping records: 22 groups over 2 days;" in text
    assert "records overlap" not in text
    assert "outside the schedule on a workday" in text  # other findings are still listed
