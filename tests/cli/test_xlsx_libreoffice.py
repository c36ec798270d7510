"""The workbook of `ot export xlsx` as LibreOffice reads it: converted headless, dates are date
cells and the claim's totals are the report's.

Needs `soffice` (LibreOffice Calc; .ci/run installs it). Skipped only on a developer machine
without it; under CI=true a missing soffice fails the test instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import Ot

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
if SOFFICE is None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but LibreOffice (soffice) is not installed", pytrace=False)
    pytest.skip("LibreOffice (soffice) is not installed", allow_module_level=True)

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
PERIOD = ("--from", "2025-09-01", "--to", "2025-10-08")


def _convert(book: Path, to: str, tmp_path: Path) -> Path:
    """Headless conversion with a profile of its own (parallel runs do not share one)."""
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation={profile}", "--headless", "--convert-to", to,
         "--outdir", str(tmp_path / "out"), str(book)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return tmp_path / "out" / f"{book.stem}.{to.split(':')[0]}"


def _cells(table: ET.Element) -> list[list[tuple[str | None, str]]]:
    """(value type, value) of each cell of each row; repeated cells expanded (up to 50)."""
    rows = []
    for row in table.iter(f"{TABLE}table-row"):
        cells: list[tuple[str | None, str]] = []
        for cell in row.findall(f"{TABLE}table-cell"):
            kind = cell.get(f"{OFFICE}value-type")
            value = cell.get(f"{OFFICE}date-value") or cell.get(f"{OFFICE}value")
            text = value if value is not None else "".join(cell.itertext()).strip()
            repeat = min(int(cell.get(f"{TABLE}number-columns-repeated", "1")), 50)
            cells += [(kind, text)] * repeat
        rows.append(cells)
    return rows


@pytest.fixture
def workbook(ledger: Ot, tmp_path: Path) -> tuple[Ot, Path]:
    for args in [
        ("log", "slides", "--at", "2025-10-07 23:40", "--minutes", "40", "--channel", "wechat"),
        ("log", "release", "--at", "2025-09-29 19:00", "--minutes", "73"),
        ("add", "National day fix", "--from", "2025-10-02 10:00", "--to", "2025-10-02 12:31"),
    ]:  # fmt: skip
        assert ledger(*args).code == 0
    book = tmp_path / "claim.xlsx"
    assert ledger("export", "xlsx", *PERIOD, "-o", str(book), lang="zh").code == 0
    return ledger, book


def test_libreoffice_reads_dates_as_dates_and_the_claim_totals(
    workbook: tuple[Ot, Path], tmp_path: Path
) -> None:
    ot, book = workbook
    flat = _convert(book, "fods", tmp_path)
    tables = {
        t.get(f"{TABLE}name"): _cells(t) for t in ET.parse(flat).getroot().iter(f"{TABLE}table")
    }
    assert list(tables) == ["记录", "每日", "加班费计算明细", "说明"]
    records = tables["记录"]
    starts = [row[6] for row in records[1:] if row and row[0][0] == "float"]
    assert ("date", "2025-09-29T19:00:00") in starts and ("date", "2025-10-07T23:40:00") in starts
    assert any(("string", "微信") in row for row in records)  # the code in words
    days = [row[0] for row in tables["每日"][1:] if row and row[0][0] == "date"]
    assert days[0] == ("date", "2025-09-01") and len(days) == 38
    claim = tables["加班费计算明细"]
    total = next(row for row in claim if row and row[0] == ("string", "合计"))
    pay = ot("report", "range", *PERIOD, "--json").json()["pay"]
    figures = [Decimal(value) for kind, value in total if kind == "float"]
    assert figures[-1].quantize(Decimal("0.01")) == Decimal(pay["total"])
    months = [row[0] for row in claim if row and row[0][0] == "date"]
    assert months == [("date", "2025-09-01"), ("date", "2025-10-01")]


def test_libreoffice_opens_it_as_csv_with_local_times(
    workbook: tuple[Ot, Path], tmp_path: Path
) -> None:
    _, book = workbook
    text = _convert(book, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path).read_text("utf-8")
    assert "记录编号" in text and "2025-10-07 23:40:00" in text and "+08:00" in text
