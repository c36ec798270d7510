"""`ot export xlsx` end to end: the sheets read back with openpyxl, and the claim's totals
against `ot report range --json` for the same dates (RULES P3, P4, E5)."""

from __future__ import annotations

import stat
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Ot

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture
def filled(ledger: Ot) -> Ot:
    """Records 3-8 over two months (7 voids 5, 8 amends 4): workday, rest day, holidays."""
    for args in [
        ("log", "Boss wants the slides", "--at", "2025-10-07 23:40", "--minutes", "40",
         "--channel", "wecom", "--who", "王经理", "--role", "supervisor", "--kind",
         "instruction"),
        ("log", "=cmd|' /C calc'!A0", "--at", "2025-10-06 21:00", "--minutes", "20",
         "--channel", "dingtalk"),
        ("log", "收到", "--at", "2025-09-30 21:00", "--minutes", "7", "--kind", "ack"),
        ("add", "release", "--from", "2025-09-29 19:00", "--to", "2025-09-29 20:13"),
        ("void", "5", "--reason", "logged twice"),
        ("amend", "4", "--minutes", "25", "--reason", "longer"),
        ("add", "National day fix", "--from", "2025-10-02 10:00", "--to", "2025-10-02 12:31"),
    ]:  # fmt: skip
        assert ledger(*args).code == 0, args
    return ledger


PERIOD = ("--from", "2025-09-01", "--to", "2025-10-08")


def _book(ot: Ot, path: Path, *extra: str, lang: str = "en") -> Any:
    result = ot("export", "xlsx", *PERIOD, "-o", str(path), *extra, lang=lang)
    assert result.code == 0, result.err
    return openpyxl.load_workbook(path)


def _rows(sheet: Any) -> list[dict[str, Any]]:
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_sheets_are_named_in_the_language(filled: Ot, tmp_path: Path) -> None:
    assert _book(filled, tmp_path / "en.xlsx").sheetnames == [
        "Records",
        "Days",
        "Overtime claim",
        "About",
    ]
    zh = _book(filled, tmp_path / "zh.xlsx", lang="zh")
    assert zh.sheetnames == ["记录", "每日", "加班费计算明细", "说明"]


def test_records_are_typed_cells_with_words_and_marks(filled: Ot, tmp_path: Path) -> None:
    sheet = _book(filled, tmp_path / "a.xlsx", lang="zh")["记录"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    rows = {r["记录编号"]: r for r in _rows(sheet)}
    assert sorted(rows) == [3, 4, 5, 6, 9]  # the voided acknowledgement is listed, marked
    slides = rows[3]
    # Real date-times, in the contract's zone (RULES T1), the offset beside them.
    assert slides["开始（本地时间）"] == datetime(2025, 10, 7, 23, 40)
    assert slides["结束（本地时间）"] == datetime(2025, 10, 8, 0, 20)
    assert slides["UTC 偏移"] == "+08:00"
    assert (slides["渠道"], slides["类型"], slides["对方身份"]) == ("企业微信", "工作指令", "上级")
    assert (slides["日期类型"], slides["休息日（分钟）"], slides["深夜（分钟）"]) == (
        "休息日",
        40,
        40,
    )
    assert rows[4]["渠道"] == "钉钉" and rows[4]["内容"] == "=cmd|' /C calc'!A0"  # text, no formula
    assert (rows[4]["状态"], rows[4]["分钟"]) == ("已更正", 25)
    voided = rows[5]
    assert voided["状态"] == "已作废" and voided["作废原因"] == "logged twice"
    minutes = [k for k in voided if "分钟" in k]
    assert len(minutes) == 6 and all(voided[k] == 0 for k in minutes)  # counts nothing (E5)
    assert voided["补记"] == "补记" and slides["补记"] is None  # entered a week later


def test_a_formula_note_is_a_text_cell(filled: Ot, tmp_path: Path) -> None:
    sheet = _book(filled, tmp_path / "a.xlsx")["Records"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == "=cmd|' /C calc'!A0"]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_days_has_one_row_per_day(filled: Ot, tmp_path: Path) -> None:
    rows = _rows(_book(filled, tmp_path / "a.xlsx")["Days"])
    assert len(rows) == 38  # 2025-09-01 .. 2025-10-08
    assert rows[0]["Date"] == datetime(2025, 9, 1)
    by_day = {r["Date"].date(): r for r in rows}
    assert by_day[date(2025, 10, 2)]["Day type"] == "statutory holiday"
    assert by_day[date(2025, 10, 2)]["Statutory holiday (min)"] == 151
    assert by_day[date(2025, 9, 29)]["Outside hours, workday (min)"] == 73
    assert by_day[date(2025, 9, 30)]["Worked (min)"] == 0  # voided: nothing


def _claim(sheet: Any) -> tuple[list[str], list[tuple[Any, ...]], tuple[Any, ...]]:
    values = [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
    header = next(i for i, row in enumerate(values) if row[0] == "Month")
    total = next(i for i, row in enumerate(values) if row[0] == "Total")
    return list(values[header]), values[header + 2 : total], values[total]


def _money(value: float | None) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def test_claim_totals_equal_the_report(filled: Ot, tmp_path: Path) -> None:
    header, months, total = _claim(_book(filled, tmp_path / "a.xlsx")["Overtime claim"])
    pay = filled("report", "range", *PERIOD, "--json").json()["pay"]
    assert [m[0] for m in months] == [datetime(2025, 9, 1), datetime(2025, 10, 1)]
    assert all(m[1] == float(pay["hourly_rate"]) for m in months)
    columns = {"Workday overtime": "outside_workday", "Rest-day work": "rest_day",
               "Statutory-holiday work": "statutory_holiday"}  # fmt: skip
    for label, key in columns.items():
        at = header.index(f"{label}: hours")
        assert _money(total[at + 2]) == Decimal(pay["by_category"][key])
        # The months add up to the total, cent for cent (RULES P4).
        assert sum(_money(m[at + 2]) for m in months) == Decimal(pay["by_category"][key])
    assert months[1][header.index("Statutory-holiday work: hours") + 1] == 3  # multiplier
    assert _money(total[-1]) == Decimal(pay["total"])
    assert sum(_money(m[-1]) for m in months) == Decimal(pay["total"])
    hours = header.index("Statutory-holiday work: hours")
    assert total[hours] == round((25 + 151) / 60, 4)


def test_months_are_shares_of_the_total_in_cents(ledger: Ot, tmp_path: Path) -> None:
    """20 min of workday overtime in each of three months: 28.7356 each, 86.2069 in all. Rounded
    month by month they would add up to 86.22; the claim's months add up to the report's 86.21."""
    for day in ("2025-07-01", "2025-08-05", "2025-09-02"):
        assert ledger("log", "fix", "--at", f"{day} 20:00", "--minutes", "20").code == 0
    period = ("--from", "2025-07-01", "--to", "2025-09-30")
    out = tmp_path / "a.xlsx"
    assert ledger("export", "xlsx", *period, "-o", str(out)).code == 0
    header, months, total = _claim(openpyxl.load_workbook(out)["Overtime claim"])
    pay = ledger("report", "range", *period, "--json").json()["pay"]
    assert pay["total"] == "86.21" and _money(total[-1]) == Decimal("86.21")
    amounts = [_money(m[-1]) for m in months]
    assert sorted(amounts) == [Decimal("28.73"), Decimal("28.74"), Decimal("28.74")]
    assert sum(amounts) == Decimal("86.21")
    assert [m[header.index("Workday overtime: hours")] for m in months] == [0.3333] * 3


def test_claim_names_the_statute_and_the_maximum(filled: Ot, tmp_path: Path) -> None:
    sheet = _book(filled, tmp_path / "a.xlsx", lang="zh")["加班费计算明细"]
    text = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "《劳动法》第四十四条第（一）项" in text and "《劳动法》第四十四条第（三）项" in text
    assert any("法定最高额" in v for v in text) and any("21.75" in v for v in text)


def test_about_names_the_head_and_how_to_verify(filled: Ot, tmp_path: Path) -> None:
    assert filled("anchor").code == 0
    sheet = _book(filled, tmp_path / "a.xlsx")["About"]
    lines = dict(row for row in sheet.iter_rows(values_only=True) if row[0])
    head = filled("verify", "--json").json()
    assert lines["Ledger verified before export"] == "yes"
    assert lines["Ledger head (entry, SHA-256)"] == f"{head['entries']}  {head['head']}"
    assert "10  OT1-9-" in str(lines["Anchors recorded (entry, digest, recorded at)"])
    assert "ot verify" in str(lines["How to verify"])


def test_a_forced_workbook_says_the_ledger_failed(filled: Ot, tmp_path: Path) -> None:
    from tests.cli.test_export_rules import HIDE, _behind_its_back

    _behind_its_back(filled, HIDE)
    out = tmp_path / "a.xlsx"
    result = filled("export", "xlsx", *PERIOD, "-o", str(out), "--force")
    assert result.code == 0 and "fails verification" in result.err
    lines = dict(row for row in openpyxl.load_workbook(out)["About"].iter_rows(values_only=True))
    assert str(lines["Ledger verified before export"]).startswith("NO: 1 problems")


def test_output_follows_the_private_file_rules(filled: Ot, tmp_path: Path) -> None:
    out = tmp_path / "a.xlsx"
    _book(filled, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    again = filled("export", "xlsx", *PERIOD, "-o", str(out))
    assert again.code != 0 and "--force" in again.err and "Traceback" not in again.err
    assert filled("export", "xlsx", *PERIOD, "-o", str(out), "--force").code == 0


def test_a_reversed_period_is_one_line(filled: Ot, tmp_path: Path) -> None:
    result = filled("export", "xlsx", "--from", "2025-10-08", "--to", "2025-10-01", "-o",
                    str(tmp_path / "a.xlsx"))  # fmt: skip
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1
    assert not (tmp_path / "a.xlsx").exists()


def test_a_history_longer_than_ten_years_exports_in_one_workbook(
    filled: Ot, tmp_path: Path
) -> None:
    """Issue 19: any range (the default, the whole ledger, was refused past 3,700 days)."""
    old = filled("add", "fixed the old server", "--from", "2012-03-05 20:00", "--to", "21:00")
    assert old.code == 0, old.err
    out = tmp_path / "all.xlsx"
    result = filled("export", "xlsx", "-o", str(out))
    assert result.code == 0, result.err
    book = openpyxl.load_workbook(out)
    texts = [row.get("Note") for row in _rows(book["Records"])]
    assert "fixed the old server" in texts and "National day fix" in texts
    assert filled("report", "range", "--from", "2012-03-05", "--to", "2025-10-08").code == 2
