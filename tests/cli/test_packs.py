"""Each rule pack end to end from `ot init --jurisdiction X` (RULES J1-J7): own law only."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.conftest import Ot

CHINA = ("Labour Law", "《劳动法》", "21.75", "art. 44", "Rest-day work", "Statutory-holiday work")


def _init(ot: Ot, code: str, tz: str, *extra: str) -> None:
    result = ot("init", "--jurisdiction", code, "--timezone", tz, *extra)
    assert result.code == 0, result.err


def _report(ot: Ot, *extra: str, lang: str = "en") -> str:
    result = ot("report", "range", "--from", "2025-09-22", "--to", "2025-10-05", *extra, lang=lang)
    assert result.code == 0, result.err
    return result.out


@pytest.mark.parametrize(
    ("code", "tz", "statute", "statute_zh"),
    [
        ("DE-BE", "Europe/Berlin", "Arbeitszeitgesetz (ArbZG)", "德国《工作时间法》"),
        ("FR", "Europe/Paris", "Code du travail", "法国《劳动法典》"),
        ("PT", "Europe/Lisbon", "Código do Trabalho", "葡萄牙《劳动法典》"),
        ("EU", "Europe/Brussels", "Working Time Directive 2003/88/EC", "欧盟《工作时间指令》"),
        ("AU-NSW", "Australia/Sydney", "Fair Work Act 2009", "澳大利亚《2009 年公平工作法》"),
        ("US", "America/New_York", "Fair Labor Standards Act", "美国《公平劳动标准法》"),
        (
            "US-CA",
            "America/Los_Angeles",
            "California Labor Code § 510",
            "加州《劳动法典》第 510 条",
        ),
    ],
)
def test_a_worker_sees_only_their_own_law(
    ot: Ot, code: str, tz: str, statute: str, statute_zh: str
) -> None:
    _init(ot, code, tz, "--monthly-wage", "4000", "--currency", "EUR")
    ot("add", "call", "--from", "2025-09-29 18:00", "--to", "2025-09-29 23:30")
    ot("add", "sunday", "--from", "2025-09-28 10:00", "--to", "2025-09-28 12:00")
    ot("log", "boss", "--at", "2025-09-30 21:00", "--role", "supervisor", "--direction", "received")
    text, zh = _report(ot), _report(ot, lang="zh")
    assert statute in text and statute_zh in zh
    assert not [word for word in CHINA if word in text or word in zh]
    assert "standard hours" not in text and "标准工时" not in zh
    shown = ot("contract", "show").out
    assert "21.75" not in shown and code in shown


def test_german_findings_cite_the_arbzg_and_berlin_holidays(ot: Ot) -> None:
    _init(ot, "DE-BE", "Europe/Berlin")
    ot("add", "call", "--from", "2025-09-29 18:00", "--to", "2025-09-29 23:30")
    ot("add", "unity day", "--from", "2025-10-03 10:00", "--to", "2025-10-03 11:00")
    data = ot("report", "range", "--from", "2025-09-29", "--to", "2025-10-05", "--json").json()
    days = {d["date"]: d for d in data["days"]}
    assert days["2025-10-03"]["day_type"] == "statutory_holiday"  # German Unity Day
    assert data["rule_packs"] == ["DE"] and data["pay"]["total"] is None
    codes = {f["code"]: f for f in data["flags"]}
    assert {"daily_over_10h", "no_break_over_6h", "sunday_or_holiday_work"} <= set(codes)
    assert "ArbZG § 3" in codes["daily_over_10h"]["message"]
    zh = ot("report", "range", "--from", "2025-09-29", "--to", "2025-10-05", lang="zh").out
    assert "德国《工作时间法》第 9 条" in zh


def test_french_pay_above_35_hours_by_151_67(ot: Ot) -> None:
    _init(ot, "FR", "Europe/Paris", "--monthly-wage", "3000", "--currency", "EUR")
    for day in range(22, 27):  # five evenings of 1 h on a 40 h roster: 45 h in the week
        ot("add", "soir", "--from", f"2025-09-{day} 18:00", "--to", f"2025-09-{day} 19:00")
    data = ot("report", "range", "--from", "2025-09-22", "--to", "2025-09-28", "--json").json()
    assert data["pay"]["total"] == "257.14" and data["pay"]["hourly_rate"] == "19.78"
    text = ot("report", "range", "--from", "2025-09-22", "--to", "2025-09-28").out
    assert "monthly wage / 151.67 h" in text and "Code du travail L3121-36" in text


def test_multipliers_are_recorded_in_the_contract_version(ot: Ot) -> None:
    _init(ot, "DE", "Europe/Berlin", "--monthly-wage", "4000", "--currency", "EUR")
    set_ = ot("contract", "set", "--multipliers", "rest_day=1.5", "--effective", "2025-09-01")
    assert set_.code == 0, set_.err
    history = ot("contract", "history", "--json").json()["versions"]
    assert history[-1]["multipliers"] == "rest_day=1.5"
    ot("add", "sunday", "--from", "2025-09-28 10:00", "--to", "2025-09-28 12:00")
    data = ot("report", "range", "--from", "2025-09-22", "--to", "2025-09-28", "--json").json()
    assert data["pay"]["total"] == "69.23"  # 4000 x 12 / 52 / 40 = 23.08; 2 h x 1.5
    bad = ot("contract", "set", "--multipliers", "sunday=2")
    assert bad.code == 2 and "rest_day" in bad.err and "Traceback" not in bad.err


def test_a_code_without_a_pack_says_so_in_one_line(ot: Ot) -> None:
    _init(ot, "JP", "Asia/Tokyo", "--monthly-wage", "300000", "--currency", "JPY")
    ot("add", "evening", "--from", "2025-09-22 18:00", "--to", "2025-09-22 21:00")
    text = _report(ot)
    assert text.count("No rule pack for JP") == 1  # one line, in the header
    assert "Overtime pay" not in text
    data = ot("report", "range", "--from", "2025-09-22", "--to", "2025-09-28", "--json").json()
    assert data["pay"]["total"] is None and data["rule_packs"] == ["J6"]
    assert [f["code"] for f in data["flags"]] == ["no_rule_pack"]
    days = {d["date"]: d for d in data["days"]}
    assert days["2025-09-23"]["day_type"] == "statutory_holiday"  # Autumnal Equinox Day


def test_the_html_page_names_the_pack_and_no_chinese_rule(ot: Ot, tmp_path: Path) -> None:
    _init(ot, "US-CA", "America/Los_Angeles", "--hourly-wage", "30", "--currency", "USD")
    ot("add", "late", "--from", "2025-09-22 17:00", "--to", "2025-09-22 23:00")
    out = tmp_path / "pack.zip"
    made = ot("export", "evidence", "-o", str(out), "--from", "2025-09-22", "--to", "2025-09-28")
    assert made.code == 0, made.err
    with zipfile.ZipFile(out) as archive:
        html = archive.read("report.html").decode()
    assert "California Labor Code § 510" in html and "240.00" in html and "counted once" in html
    assert not [word for word in (*CHINA, "SPC", "P3") if word in html]


def test_the_csv_names_the_statute_in_the_chosen_language(ot: Ot, tmp_path: Path) -> None:
    _init(ot, "FR", "Europe/Paris")
    ot("add", "soir", "--from", "2025-09-22 18:00", "--to", "2025-09-22 19:00")
    for lang, name in (("en", "Code du travail"), ("zh", "法国《劳动法典》")):
        out = tmp_path / f"records-{lang}.csv"
        made = ot("export", "csv", "-o", str(out), "--from", "2025-09-22", lang=lang)
        assert made.code == 0, made.err
        header = out.read_text(encoding="utf-8-sig").splitlines()[0]
        assert name in header and "Labour Law" not in header
    exported = ot("export", "json", "--from", "2025-09-22").out
    assert '"rule_packs":["FR"]' in exported.replace(" ", "").replace("\n", "")
