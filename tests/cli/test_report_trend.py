"""`ot report trend`: the last N weeks, or the weeks of a past period (`--from/--to`, issue 16)."""

from __future__ import annotations

from tests.conftest import Ot


def _logged(ledger: Ot) -> Ot:
    # Evenings in June and July 2025 (Shanghai schedule: 09:00-18:00 on weekdays).
    for when, minutes in (
        ("2025-06-03 20:00", "30"),
        ("2025-06-17 21:00", "45"),
        ("2025-07-01 20:00", "60"),
    ):
        assert ledger("log", "evening", "--at", when, "--minutes", minutes).code == 0
    return ledger


def test_a_past_period_is_charted_week_by_week(ledger: Ot) -> None:
    result = _logged(ledger)(
        "report", "trend", "--from", "2025-06-01", "--to", "2025-06-30", "--json"
    )
    assert result.code == 0, result.err
    weeks = result.json()["weeks"]
    assert weeks[0]["week_start"] == "2025-05-26"  # the week holding 1 June (weeks start Monday)
    assert weeks[-1]["week_end"] == "2025-07-06"
    assert [w["off_hours_minutes"] for w in weeks] == [
        0,
        30,
        0,
        45,
        0,
        0,
    ]  # 1 July is in the last week, outside the period


def test_the_text_chart_names_the_weeks(ledger: Ot) -> None:
    text = _logged(ledger)("report", "trend", "--from", "2025-06-01", "--to", "2025-06-30").out
    assert "6 weeks" in text and "2025-06-02" in text and "45m" in text
    one = ledger("report", "trend", "--from", "2025-06-02", "--to", "2025-06-08").out
    assert "1 week " in one
    zh = ledger("report", "trend", "--from", "2025-06-01", "--to", "2025-06-30", lang="zh").out
    assert "共 6 周" in zh and "45分钟" in zh


def test_from_alone_runs_to_today_and_to_alone_is_refused(ledger: Ot) -> None:
    weeks = _logged(ledger)("report", "trend", "--from", "2025-09-01", "--json").json()["weeks"]
    assert weeks[-1]["week_start"] == "2025-10-06"  # today is 2025-10-08
    alone = ledger("report", "trend", "--to", "2025-06-30")
    assert alone.code == 2 and "--to needs --from" in alone.err
    both = ledger("report", "trend", "--weeks", "4", "--from", "2025-06-01")
    assert both.code == 2 and "not both" in both.err
    reversed_ = ledger("report", "trend", "--from", "2025-06-30", "--to", "2025-06-01")
    assert reversed_.code == 2 and "before --from" in reversed_.err


def test_weeks_still_count_back_from_this_week(ledger: Ot) -> None:
    weeks = _logged(ledger)("report", "trend", "--weeks", "3", "--json").json()["weeks"]
    assert [w["week_start"] for w in weeks] == ["2025-09-22", "2025-09-29", "2025-10-06"]
