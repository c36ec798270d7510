"""Every view of one ReportView (issue 14): golden JSON (version 2) and HTML in en and zh, the
version-1 fields unchanged, and durations that read alike in the terminal and the HTML.

Regenerate the golden files on purpose, then review the diff:
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/render/test_report_views.py
"""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest

from offline_tracker import __version__, i18n
from offline_tracker.domain.report_view import ReportView
from offline_tracker.formats import html_report
from offline_tracker.formats.report_json import report_dict
from offline_tracker.i18n import t
from offline_tracker.render.report import flag_text, report_text
from tests.domain.engine_builders import at, history, rec
from tests.render.test_report import view_of, week_report

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "report-schema.md"
# Version 1 (docs/report-schema.md before issue 14): these names keep their meaning.
V1_TOP = {"period", "totals", "days", "pay", "flags", "provisional_days", "rule_packs", "cycles"}
V1_TOTALS = {
    "inside_minutes",
    "outside_workday_minutes",
    "rest_day_minutes",
    "statutory_holiday_minutes",
    "overtime_minutes",
    "late_night_minutes",
    "worked_minutes",
    "comp_time_applied_minutes",
    "days_in_period",
    "days_worked",
    "days_off_hours",
    "ack_count",
    "ack_minutes",
    "record_count",
}


@pytest.fixture(autouse=True)
def english_after() -> object:
    yield None
    i18n.set_language("en")


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed: UPDATE_GOLDEN=1 to accept"


def _json(view: ReportView) -> str:
    return json.dumps(report_dict(view, flag_text), ensure_ascii=False, indent=2) + "\n"


def _html(view: ReportView, lang: str) -> str:
    head = {"seq": 12, "hash": "ab" * 32, "anchor": "OT1-12-abababababababab"}
    page = html_report.HtmlPage(view, (), head, flag_text)
    return html_report.render(page, t, lang).replace(__version__, "VERSION")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_json_version_2_golden(lang: str) -> None:
    i18n.set_language(lang)
    _golden(f"week_{lang}.json", _json(week_report()))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_golden(lang: str) -> None:
    i18n.set_language(lang)
    _golden(f"week_{lang}.html", _html(week_report(), lang))


def test_json_keeps_version_1_and_shows_what_the_text_shows() -> None:
    view = week_report()
    data = report_dict(view, flag_text)
    assert data["schema_version"] == 2
    assert set(data) >= V1_TOP and set(data["totals"]) >= V1_TOTALS
    off = data["off_hours"]
    figures = view.off_hours
    assert (off["contacts"], off["late_night_contacts"]) == (9, 2)
    assert off["ack_percent"] == figures.ack_percent == 22
    assert off["longest_rest"]["minutes"] == 60 * 60 + 15  # the text's 60h15m
    assert off["counterparts"][0] == {"name": "Wang", "count": 5}
    assert sum(d["contacts"] for d in data["days"]) == off["contacts"]
    assert sum(map(sum, data["heatmap"]["minutes"])) * 60 == sum(map(sum, view.heatmap))
    assert [w["off_hours_minutes"] for w in data["weeks"]] == [
        data["totals"]["outside_workday_minutes"]
        + data["totals"]["rest_day_minutes"]
        + data["totals"]["statutory_holiday_minutes"]
    ]
    text = report_text(view, width=120)
    assert "9 (2 late at night)" in text and "60h15m" in text


def test_the_schema_documents_every_field() -> None:
    data = report_dict(week_report(), flag_text)
    doc = SCHEMA.read_text(encoding="utf-8")
    assert "version 2" in doc
    for key in (*data, *data["off_hours"], *data["provenance"], *data["contract"]):
        # `key`, `key.x`, `key[]`, `x.key` or `x.key[]` in the field table
        assert re.search(rf"[`.]{key}(\[\])?[`.]", doc), key


def test_html_and_terminal_write_durations_alike() -> None:
    """30 s was `0m` in the HTML and 3599 s `1h00m`; the terminal said `30s` and `59m`."""
    start = at("2025-09-29 20:00")
    records = (
        rec(start, start + timedelta(seconds=30), rid="1"),
        rec(start + timedelta(days=1), start + timedelta(days=1, seconds=3599), rid="2"),
    )
    view = view_of(records, history(), "2025-09-29", "2025-09-30")
    html = _html(view, "en")
    text = report_text(view, width=120)
    for shown in ("30s", "59m"):
        assert f'<td class="n">{shown}</td>' in html and f" {shown} " in f" {text} "
    assert '<td class="n">0m</td>' in html  # inside the schedule: nothing
    assert "<dd>1h00m</dd>" in html  # 3629 s worked in all: whole minutes passed


def test_chinese_durations_and_yuan_in_both_views() -> None:
    i18n.set_language("zh")
    view = week_report()
    text, html = report_text(view, width=120), _html(view, "zh")
    assert "1小时55分 = 1.91667 小时 × 57.47126 × 300% = ¥330.46" in text
    assert "¥761.49" in text and "<dd>¥761.49</dd>" in html
    assert "3小时40分" in html and "h40m" not in html


# -- the HTML report of issue 16 ----------------------------------------------------------------
def _months_view() -> ReportView:
    start = at("2025-08-04 20:00")
    records = tuple(
        rec(start + timedelta(days=d), start + timedelta(days=d, minutes=30 + d), rid=str(d))
        for d in (0, 1, 15, 29, 36, 58)
    )
    return view_of(records, history(), "2025-08-01", "2025-10-05")


def test_runs_of_empty_days_collapse_into_one_line() -> None:
    html = _html(_months_view(), "en")
    assert '<td colspan="2">2025-08-06 – 2025-08-18</td>' in html
    assert "13 days without recorded work" in html
    assert '<td colspan="2">2025-08-01 – 2025-08-03</td>' in html  # before the first record
    assert "<td>2025-08-04</td>" in html and "<td>2025-08-05</td>" in html  # worked: own rows
    days = html.split('<section id="days">')[1].split("</section>")[0]
    assert days.count("<tr") < 20  # 66 days, six of them worked


def test_a_month_table_when_the_period_spans_months() -> None:
    html = _html(_months_view(), "en")
    months = html.split('<section id="months">')[1].split("</section>")[0]
    assert [m for m in ("2025-08", "2025-09", "2025-10") if f"<td>{m}</td>" in months] == [
        "2025-08",
        "2025-09",
        "2025-10",
    ]
    assert "3 of 31 days" in months  # days with off-hours work of the month's days
    assert 'id="months"' not in _html(week_report(), "en")  # a week across two months: no table


def test_the_weekly_chart_is_inline_svg_without_script() -> None:
    view = _months_view()
    html = _html(view, "en")
    chart = html.split('<section id="chart">')[1].split("</section>")[0]
    assert chart.count("<rect ") == len(view.weeks) and "<script" not in html.lower()
    assert "<title>2025-08-04: 1h01m</title>" in chart  # Mon 30m + Tue 31m, week of 4 August
    assert ">2h00m</text>" in chart  # an hour mark


def test_no_rule_ids_in_the_page_and_hashes_stay_whole() -> None:
    for lang in ("en", "zh"):
        i18n.set_language(lang)
        html = _html(week_report(), lang)
        body = html.split("</style>")[1]
        assert "RULES" not in body and "<td>E1</td>" not in body and "<td>C1</td>" not in body
        assert "Labour Law art. 44" in body or "《劳动法》第四十四条" in body
    css = html.split("<style>")[1].split("</style>")[0]
    rule = css.split(".hash {")[1].split("}")[0]
    assert "white-space: nowrap" in rule and "break-all" not in rule


def test_many_overlap_groups_are_counted_in_the_html_as_in_the_terminal() -> None:
    start = at("2025-10-03 00:00")
    pairs = tuple(
        rec(
            start + timedelta(hours=n),
            start + timedelta(hours=n, minutes=30 + 10 * k),
            rid=f"{k}{n}",
        )
        for n in range(21)
        for k in (1, 2)
    )
    view = view_of(pairs, history(), "2025-09-29", "2025-10-05")
    groups = sum(1 for f in view.result.flags if f.code == "overlap")
    html, text = _html(view, "en"), report_text(view, width=120)
    assert groups == 21
    assert "Overlapping records: 21 groups over 1 day;" in html
    assert "Overlapping records: 21 groups over 1 day;" in " ".join(text.split())
    assert "records overlap" not in html and "records overlap" not in text  # none one by one
    few = _html(week_report(), "en")
    assert "2 records overlap (5, 6) for 20m in all" in few and "Overlapping records:" not in few
