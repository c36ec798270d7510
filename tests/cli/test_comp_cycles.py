"""`ot comp-time` by its day (RULES P3) and comprehensive-hours cycles (P5), end to end."""

from __future__ import annotations

from tests.conftest import Ot


def _range(ot: Ot, first: str, last: str, *extra: str) -> dict:
    result = ot("report", "range", "--from", first, "--to", last, "--json", *extra)
    assert result.code == 0, result.err
    return result.json()


def test_comp_time_for_a_day_offsets_it_in_the_week_and_the_month(ledger: Ot) -> None:
    # 2 h on Saturday 2025-09-20, time off on Wednesday the 24th: outside the week of the 20th.
    ledger("add", "saturday", "--from", "2025-09-20 10:00", "--to", "2025-09-20 12:00")
    assert ledger("comp-time", "2025-09-24", "--hours", "2", "--for", "2025-09-20").code == 0
    week = _range(ledger, "2025-09-15", "2025-09-21")
    month = _range(ledger, "2025-09-01", "2025-09-30")
    assert week["pay"]["by_category"]["rest_day"] == month["pay"]["by_category"]["rest_day"]
    assert week["totals"]["overtime_minutes"] == 0
    (shown,) = week["comp_time"]
    assert shown == {
        "taken": "2025-09-24",
        "for_date": "2025-09-20",
        "minutes": 120,
        "explicit": True,
        "planned": False,
        "for_date_in_period": True,
    }
    text = ledger("report", "range", "--from", "2025-09-15", "--to", "2025-09-21").out
    assert "2h00m taken 2025-09-24 offsets rest day 2025-09-20" in text


def test_comp_time_without_for_takes_the_earliest_rest_day(ledger: Ot) -> None:
    ledger("add", "saturday", "--from", "2025-09-20 10:00", "--to", "2025-09-20 12:00")
    ledger("add", "sunday", "--from", "2025-09-21 10:00", "--to", "2025-09-21 12:00")
    result = ledger("comp-time", "2025-09-30", "--hours", "3")
    assert result.code == 0 and "earliest rest-day work" in result.out
    saturday = _range(ledger, "2025-09-20", "2025-09-20")["totals"]["overtime_minutes"]
    sunday = _range(ledger, "2025-09-21", "2025-09-21")["totals"]["overtime_minutes"]
    assert (saturday, sunday) == (0, 60)


def test_future_time_off_needs_planned(ledger: Ot) -> None:
    ledger("add", "saturday", "--from", "2025-09-20 10:00", "--to", "2025-09-20 12:00")
    refused = ledger("comp-time", "2025-10-09", "--hours", "2", "--for", "2025-09-20")
    assert refused.code == 2 and "--planned" in refused.err and "Traceback" not in refused.err
    planned = ledger("comp-time", "2025-10-09", "--hours", "2", "--for", "2025-09-20", "--planned")
    assert planned.code == 0 and "planned" in planned.out
    data = _range(ledger, "2025-09-20", "2025-09-20")
    assert data["totals"]["overtime_minutes"] == 120  # not yet taken (now is 2025-10-08)
    assert data["comp_time"][0]["planned"] is True
    text = ledger("report", "range", "--from", "2025-09-20", "--to", "2025-09-20").out
    assert "planned, not yet applied" in text


def test_time_off_above_the_day_length_is_refused(ledger: Ot) -> None:
    too_long = ledger("comp-time", "2025-09-24", "--hours", "9")
    assert too_long.code == 2 and "8 h" in too_long.err
    assert ledger("comp-time", "2025-09-24", "--hours", "6").code == 0
    again = ledger("comp-time", "2025-09-24", "--hours", "3")
    assert again.code == 2 and "6 h already" in again.err
    zh = ledger("comp-time", "2025-09-24", "--hours", "3", lang="zh")
    assert zh.code == 2 and "工作时长" in zh.err


def test_comprehensive_cycles_in_json_and_text(ot: Ot) -> None:
    ot.init("--system", "comprehensive", "--cycle", "month")
    ot("add", "saturday", "--from", "2025-09-20 10:00", "--to", "2025-09-20 18:00")
    data = _range(ot, "2025-09-01", "2025-09-30")
    # September 2025: 23 national workdays (22 weekdays and Sunday the 28th, a make-up day,
    # RULES C3) = 184 h, all rostered, plus 8 h on a Saturday.
    assert data["cycles"] == [
        {
            "cycle": "month",
            "from": "2025-09-01",
            "to": "2025-09-30",
            "partial": False,
            "judged_from": "2025-09-01",
            "judged_to": "2025-09-30",
            "worked_minutes": 192 * 60,
            "standard_minutes": 184 * 60,
            "extended_minutes": 8 * 60,
        }
    ]
    assert data["totals"]["overtime_minutes"] == 8 * 60
    cut = _range(ot, "2025-09-15", "2025-09-21")["cycles"][0]
    assert cut["partial"] is True and cut["from"] == "2025-09-01"
    text = ot("report", "range", "--from", "2025-09-15", "--to", "2025-09-21", lang="zh").out
    assert "综合计算工时" in text and "截断" in text


def test_pooled_time_off_skips_acknowledgements_and_voided_records(ledger: Ot) -> None:
    # RULES E1: a bare acknowledgement is not claimed time, so it is nothing to offset either.
    ledger("add", "ok", "--from", "2025-09-20 10:00", "--to", "2025-09-20 11:00", "--kind", "ack")
    ledger("add", "sunday", "--from", "2025-09-21 10:00", "--to", "2025-09-21 11:00")
    assert ledger("void", "4", "--reason", "typo").code == 0
    assert ledger("comp-time", "2025-09-30", "--hours", "1").code == 0
    (entry,) = _range(ledger, "2025-09-30", "2025-09-30")["comp_time"]
    assert entry["for_date"] is None  # neither the ack nor the voided Sunday


def test_the_html_page_says_which_time_off_offset_which_day(ledger: Ot, tmp_path) -> None:
    import zipfile

    ledger("add", "saturday", "--from", "2025-09-20 10:00", "--to", "2025-09-20 12:00")
    ledger("comp-time", "2025-09-24", "--hours", "2", "--for", "2025-09-20")
    out = tmp_path / "pack.zip"
    made = ledger(
        "export", "evidence", "-o", str(out), "--from", "2025-09-15", "--to", "2025-09-21"
    )
    assert made.code == 0, made.err
    with zipfile.ZipFile(out) as archive:
        html = archive.read("report.html").decode()
    assert "2h00m taken 2025-09-24 offsets rest day 2025-09-20" in html
