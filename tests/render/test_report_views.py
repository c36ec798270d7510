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
    assert "1小时55分 × 57.47 × 300% = ¥330.46" in text
    assert "¥761.49" in text and "<dd>¥761.49</dd>" in html
    assert "3小时40分" in html and "h40m" not in html
