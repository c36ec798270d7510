"""`ot export csv|json|evidence` and `ot verify PACK` end to end, against a real ledger file."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import stat
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from offline_tracker.domain.breakdowns import classify_record
from tests.conftest import FIXED_NOW, Ot

# RULES J7: the day-type header names the statute of the pack in force (China's here).
DAY_TYPE = "Day type (rules: PRC Labour Law and the State Council working-hours rules)"


@pytest.fixture
def filled(ledger: Ot, tmp_path: Path) -> Ot:
    """Records 3-6 and 8 (7 voids 5): a rest day, statutory holidays, a formula, a workday."""
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG a screenshot of the chat")
    for args in [
        ("log", "Boss wants the slides", "--at", "2025-10-07 23:40", "--minutes", "40",
         "--channel", "wechat", "--who", "王经理", "--role", "supervisor", "--kind",
         "instruction", "--attach", str(shot)),
        ("log", "=cmd|' /C calc'!A0", "--at", "2025-10-06 21:00", "--minutes", "20"),
        ("log", "收到", "--at", "2025-10-01 10:00", "--kind", "ack"),
        ("add", "National day fix", "--from", "2025-10-02 10:00", "--to", "2025-10-02 12:30"),
        ("void", "5", "--reason", "logged twice"),
        ("log", "standup", "--at", "2025-09-30 10:00", "--minutes", "20"),
    ]:  # fmt: skip
        assert ledger(*args).code == 0
    return ledger


def _csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def _hash(ot: Ot, seq: int) -> str:
    with sqlite3.connect(ot.db) as conn:
        return str(conn.execute("SELECT hash FROM ledger WHERE seq = ?", (seq,)).fetchone()[0])


def test_csv_rows_carry_their_classification_and_entry_hash(filled: Ot) -> None:
    result = filled("export", "csv")  # default: from the first record's date to today
    assert result.code == 0, result.err
    rows = {int(r["Record ID"]): r for r in _csv(result.out)}
    assert sorted(rows) == [3, 4, 6, 8]  # the voided acknowledgement is left out
    slides = rows[3]
    assert (slides["Start (local, ISO 8601)"], slides["End (local, ISO 8601)"]) == (
        "2025-10-07T23:40:00+08:00",
        "2025-10-08T00:20:00+08:00",
    )
    # RULES C4: 2025-10-07 is a day of the National Day break; T4: late night is an overlay.
    assert (slides["Rest day (min)"], slides["Late night (min)"], slides[DAY_TYPE]) == (
        "40",
        "40",
        "rest_day",
    )
    assert rows[4]["Statutory holiday (min)"] == "20"  # RULES C2: 2025-10-06 (Mid-Autumn)
    assert rows[8]["Inside hours (min)"] == "20" and rows[8][DAY_TYPE] == "workday"
    assert slides["Counterpart"] == "王经理" and len(slides["Attachments (SHA-256)"]) == 64
    for record_id, row in rows.items():
        assert row["Ledger entry"] == str(record_id)
        assert row["Entry hash (SHA-256)"] == _hash(filled, record_id)


def test_csv_minutes_equal_classify_record(filled: Ot) -> None:
    from offline_tracker.app import open_app, terms

    now = datetime.fromisoformat(FIXED_NOW)
    with open_app(str(filled.db), lambda: now) as app:
        listed, _ = app.list_records("2025-09-30", "2025-10-08")
        with app.db.read() as tx:
            history, calendars = terms.history(tx), terms.calendars(tx)
    rows = {int(r["Record ID"]): r for r in _csv(filled("export", "csv").out)}
    assert sorted(rows) == sorted(int(r.id) for r in listed)
    for record in listed:
        own = classify_record(record, history, now=now, calendars=calendars)
        row = rows[int(record.id)]
        for column, seconds in [
            ("Inside hours (min)", own.seconds.inside),
            ("Outside hours, workday (min)", own.seconds.outside_workday),
            ("Rest day (min)", own.seconds.rest_day),
            ("Statutory holiday (min)", own.seconds.statutory_holiday),
            ("Late night (min)", own.seconds.late_night),
        ]:
            assert float(row[column]) * 60 == seconds, (record.id, column)


def test_csv_file_is_private_and_neutralises_formulas(filled: Ot, tmp_path: Path) -> None:
    out = tmp_path / "october.csv"
    result = filled("export", "csv", "-o", str(out))
    assert result.code == 0 and "4 records" in result.out
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == 5
    notes = [r["Note"] for r in _csv(data.decode("utf-8"))]
    assert "'=cmd|' /C calc'!A0" in notes  # OWASP CSV injection: never a formula in Excel


def test_voided_records_come_with_their_reason(filled: Ot) -> None:
    rows = _csv(filled("export", "csv", "--include-voided").out)
    voided = [r for r in rows if r["Void reason"]]
    assert [(r["Record ID"], r["Void reason"]) for r in voided] == [("5", "logged twice")]
    assert voided[0]["Statutory holiday (min)"] == "0"  # voided time is never claimed


def test_headers_follow_the_language(filled: Ot) -> None:
    for args, lang in [(("--lang", "zh"), "en"), ((), "zh")]:
        header = filled("export", "csv", *args, lang=lang).out.splitlines()[0]
        assert header.startswith("\ufeff记录编号,类型,渠道,对方")


def test_codes_are_shown_as_words_in_chinese_and_stay_codes_in_english(filled: Ot) -> None:
    """Issue 16: a zh reader meets 微信 and 休息日, not wechat and rest_day; English keeps the
    codes (they are English words, and scripts read them)."""
    zh = {int(r["记录编号"]): r for r in _csv(filled("export", "csv", lang="zh").out)}
    en = {int(r["Record ID"]): r for r in _csv(filled("export", "csv").out)}
    slides = zh[3]
    assert (slides["类型"], slides["渠道"], slides["对方身份"]) == ("工作指令", "微信", "上级")
    assert next(v for k, v in slides.items() if k.startswith("日期类型")) == "休息日"
    assert (en[3]["Kind"], en[3]["Channel"], en[3]["Role"]) == (
        "instruction",
        "wechat",
        "supervisor",
    )
    assert en[3][DAY_TYPE] == "rest_day"
    assert all(
        not re.search(r"[a-z]_[a-z]|wechat|supervisor", ",".join(r.values())) for r in zh.values()
    )


def test_a_chinese_pack_with_words_still_verifies(filled: Ot, tmp_path: Path) -> None:
    """The pack's CSV is remade in the pack's language when it is checked (app/pack_check)."""
    out = tmp_path / "zh.zip"
    assert filled("export", "evidence", "-o", str(out), lang="zh").code == 0
    assert "微信" in _members(out)["records.csv"].decode("utf-8-sig")
    checked = filled("verify", str(out))
    assert checked.code == 0, checked.out + checked.err


def test_json_has_the_same_rows_and_the_chain_head(filled: Ot, tmp_path: Path) -> None:
    data = filled("export", "json", "--include-voided").json()
    assert data["format"] == "offline_tracker.records" and data["version"] == 1
    assert data["period"] == {"from": "2025-09-30", "to": "2025-10-08"}  # first record to today
    head = filled("verify", "--json").json()["head"]
    assert data["chain_head"]["hash"] == head
    assert data["chain_head"]["anchor"] == f"OT1-{data['chain_head']['seq']}-{head[:16]}"
    rows = {r["id"]: r for r in data["records"]}
    assert rows[3]["tags"] == [] and rows[3]["rest_day_minutes"] == 40
    assert rows[4]["text"] == "=cmd|' /C calc'!A0"  # JSON keeps the text as typed
    assert rows[5]["voided"] is True and rows[5]["void_reason"] == "logged twice"
    out = tmp_path / "records.json"
    assert filled("export", "json", "-o", str(out)).code == 0
    assert (
        stat.S_IMODE(out.stat().st_mode) == 0o600
        and len(json.loads(out.read_text())["records"]) == 4
    )


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("--from", "2025-10-08", "--to", "2025-10-01"), 2, "before"),
        (("--from", "someday"), 2, "accepted"),
    ],
)
def test_bad_periods_are_refused(filled: Ot, args: tuple[str, ...], code: int, needle: str) -> None:
    result = filled("export", "csv", *args)
    assert result.code == code and needle in result.err and "Traceback" not in result.err


@pytest.mark.parametrize("form", ["csv", "json"])
def test_a_history_longer_than_ten_years_exports_in_one_command(filled: Ot, form: str) -> None:
    """Issue 19: any range (the default is the whole ledger; it was refused past 3,700 days)."""
    old = filled("add", "fixed the old server", "--from", "2012-03-05 20:00", "--to", "21:00")
    assert old.code == 0, old.err
    whole = filled("export", form)
    assert whole.code == 0, whole.err
    assert "fixed the old server" in whole.out and "2012-03-05T20:00:00+08:00" in whole.out
    wide = filled("export", form, "--from", "1990-01-01", "--to", "2040-12-31")
    if form == "json":  # the same records; the period says what was asked
        assert wide.json()["records"] == whole.json()["records"]
        assert wide.json()["period"] == {"from": "1990-01-01", "to": "2040-12-31"}
    else:
        assert wide.out == whole.out


def test_export_before_init_explains(ot: Ot) -> None:
    result = ot("export", "csv")
    assert result.code == 1 and "ot init" in result.err


# -- the evidence pack ---------------------------------------------------------------------------
@pytest.fixture
def packed(filled: Ot, tmp_path: Path) -> Path:
    out = tmp_path / "pack.zip"
    result = filled("export", "evidence", "--from", "2025-09-30", "-o", str(out))
    assert result.code == 0, result.err
    assert "5 records, 8 ledger entries, 1 attachments" in result.out
    return out


def packed_en(ot: Ot, tmp_path: Path) -> Path:
    out = tmp_path / "en.zip"
    assert ot("export", "evidence", "-o", str(out), "--lang", "en").code == 0
    return out


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_pack_holds_everything_a_dispute_needs(filled: Ot, packed: Path) -> None:
    files = _members(packed)
    sha = next(n for n in files if n.startswith("attachments/")).split("/")[1]
    assert set(files) == {
        "README.txt", "records.csv", "report.html", "ledger/entries.jsonl",
        "ledger/head.json", "manifest.json", "SHA256SUMS", f"attachments/{sha}",
    }  # fmt: skip
    assert stat.S_IMODE(packed.stat().st_mode) == 0o600
    manifest = json.loads(files["manifest.json"])
    assert manifest["counts"] == {
        "records": 5, "voided": 1, "entries": 8, "attachments": 1, "attachments_missing": 0,
    }  # fmt: skip
    assert manifest["chain_head"]["hash"] == _hash(filled, 8) and manifest["tool"].startswith(
        "offline_tracker "
    )
    entries = [json.loads(line) for line in files["ledger/entries.jsonl"].decode().splitlines()]
    assert [e["seq"] for e in entries] == list(range(1, 9))
    with sqlite3.connect(filled.db) as conn:
        stored = dict(conn.execute("SELECT seq, body FROM ledger").fetchall())
    assert all(e["body"] == stored[e["seq"]] for e in entries)  # bodies exactly as stored
    html = files["report.html"].decode()
    assert "Evidence report" in html and "statutory maximum" in html and "@page" in html
    assert "Labour Law art. 44" in html and "SPC Provisions on Evidence" in html  # E3, E5
    assert "=cmd|&#x27; /C calc&#x27;!A0" in html  # escaped, never markup


def test_pack_readme_and_report_follow_the_language(filled: Ot, tmp_path: Path) -> None:
    out = tmp_path / "zh.zip"
    assert filled("export", "evidence", "-o", str(out), "--lang", "zh").code == 0
    files = _members(out)
    assert (
        "sha256sum -c SHA256SUMS" in files["README.txt"].decode()
        and "证据包" in files["README.txt"].decode()
    )
    assert "证据报告" in files["report.html"].decode()
    for html in (
        files["report.html"].decode(),
        _members(packed_en(filled, tmp_path))["report.html"].decode(),
    ):
        assert not re.findall(r"\b(?:ev|export|day_type|kind|role)\.[a-z_]+", html)  # no raw keys
    assert files["records.csv"].decode("utf-8-sig").startswith("记录编号")
    zh_html = files["report.html"].decode()
    assert "微信" in zh_html and "wechat" not in zh_html  # the records table's channel too


def test_an_intact_pack_verifies_against_the_ledger(filled: Ot, packed: Path) -> None:
    result = filled("verify", str(packed))
    assert result.code == 0, result.out
    assert "Pack intact: 8 files" in result.out and "agree with the ledger" in result.out
    data = filled("verify", str(packed), "--json").json()
    assert data["ok"] and data["ledger_checked"] and data["head"]["seq"] == 8


@pytest.mark.parametrize(
    "name", ["records.csv", "report.html", "ledger/entries.jsonl", "README.txt"]
)
def test_a_changed_byte_in_the_pack_is_named(filled: Ot, packed: Path, name: str) -> None:
    files = _members(packed)
    data = files[name]
    index = len(data) // 2
    files[name] = data[:index] + bytes([data[index] ^ 0x20]) + data[index + 1 :]
    with zipfile.ZipFile(packed, "w") as archive:
        for member, content in files.items():
            archive.writestr(member, content)
    result = filled("verify", str(packed))
    assert result.code == 1 and f"{name}: changed" in result.out


def test_a_pack_that_disagrees_with_the_ledger_is_caught(filled: Ot, packed: Path) -> None:
    with sqlite3.connect(filled.db) as conn:
        conn.execute("DROP TRIGGER ledger_no_update")
        conn.execute("UPDATE ledger SET hash = ? WHERE seq = 3", ("0" * 64,))
    result = filled("verify", str(packed))
    assert result.code == 1 and "ledger entry 3 of the pack differs" in result.out


def test_without_a_ledger_only_the_pack_is_checked(packed: Path, tmp_path: Path) -> None:
    elsewhere = Ot(tmp_path / "none" / "ledger.sqlite")
    result = elsewhere("verify", str(packed))
    assert result.code == 0 and "only the pack itself" in result.out


def test_a_missing_attachment_is_listed_not_a_crash(filled: Ot, tmp_path: Path) -> None:
    for stored in (filled.db.parent / "evidence").rglob("*"):
        if stored.is_file():
            stored.unlink()
    out = tmp_path / "pack.zip"
    result = filled("export", "evidence", "-o", str(out))
    assert result.code == 0 and "missing from the evidence store" in result.err
    manifest = json.loads(_members(out)["manifest.json"])
    assert manifest["counts"]["attachments_missing"] == 1
    assert manifest["missing_attachments"][0]["problem"] == "missing"
    assert filled("verify", str(out)).code == 0


def test_pack_and_anchor_together_are_refused(packed: Path, filled: Ot) -> None:
    result = filled("verify", str(packed), "--anchor", "OT1-1-0000000000000000")
    assert result.code == 2 and "two runs" in result.err


@pytest.mark.parametrize("to_file", [False, True])
def test_a_csv_made_in_two_processes_is_the_one_made_in_one(
    filled: Ot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, to_file: bool
) -> None:
    """Issue 7: long exports split their rows between two processes (app/parallel.py)."""
    from offline_tracker.app import parallel

    def export(name: str) -> bytes:
        out = tmp_path / name
        result = filled("export", "csv", "--include-voided", *(["-o", str(out)] if to_file else []))
        assert result.code == 0, result.err
        return out.read_bytes() if to_file else result.out.encode("utf-8")

    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    alone = export("alone.csv")
    monkeypatch.undo()
    monkeypatch.setattr(parallel, "MINIMUM_ITEMS", 2)
    split = export("split.csv")
    assert split == alone and alone.count(b"\r\n") == 6  # the header and five records
