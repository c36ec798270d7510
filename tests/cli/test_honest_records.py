"""Issue 12, honest records: a record ends when it is logged, the recorded time comes from the
system clock (a simulated one only where the ledger was made under it, and marked), records
entered later are marked (补记) wherever shown, and every write answers in JSON."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from tests.conftest import Ot
from tests.reliability.support import one_line_failure

REAL_CLOCK = {"OFFLINE_TRACKER_NOW": ""}  # an empty variable is no simulated clock


def _entries(ot: Ot) -> int:
    return int(sqlite3.connect(ot.db).execute("SELECT count(*) FROM ledger").fetchone()[0])


def _bodies(ot: Ot) -> list[dict[str, object]]:
    rows = sqlite3.connect(ot.db).execute("SELECT body FROM ledger ORDER BY seq").fetchall()
    return [json.loads(body) for (body,) in rows]


# -- what a record's times mean ----------------------------------------------------------------
def test_log_without_at_ends_now(ledger: Ot) -> None:
    logged = ledger("log", "Replied to Wang", "--minutes", "5", "--json").json()
    assert logged["record"]["start"] == "2025-10-08T09:25:00+08:00"
    assert logged["record"]["end"] == "2025-10-08T09:30:00+08:00"  # FIXED_NOW
    plain = ledger("log", "收到一个任务", "--kind", "instruction", "--json").json()
    assert (plain["record"]["start"], plain["record"]["end"]) == (
        "2025-10-08T09:15:00+08:00",
        "2025-10-08T09:30:00+08:00",
    )


def test_an_end_after_now_is_cut_with_a_note_or_kept_when_asked(tmp_path: Path) -> None:
    ot = Ot(tmp_path / "l.sqlite", now="2025-10-08T23:50:00+08:00")
    ot.init()
    cut = ot("log", "slides", "--at", "23:40", "--minutes", "40")
    assert cut.code == 0 and "ends now (2025-10-08 23:50), not 2025-10-09 00:20" in cut.out
    assert "23:40 – 23:50" in cut.out
    kept = ot("log", "plan", "--at", "23:40", "--minutes", "40", "--allow-future", "--json")
    assert kept.json()["record"]["end"] == "2025-10-09T00:20:00+08:00"


@pytest.mark.parametrize(
    "args",
    [
        ["log", "x", "--until", "2025-10-08 10:00"],
        ["log", "x", "--at", "2025-10-08 09:00", "--until", "2025-10-08 10:00"],
        ["add", "x", "--from", "2025-10-08 09:00", "--to", "2025-10-08 10:00"],
        ["start", "x", "--at", "2025-10-08 10:00"],
        ["log", "x", "--at", "2025-10-09 10:00"],
    ],
)
def test_typed_future_times_are_refused_in_one_line(ledger: Ot, args: list[str]) -> None:
    before = _entries(ledger)
    line = one_line_failure(*_code_err(ledger(*args)), expected=2)
    assert "after now (2025-10-08 09:30)" in line and "--allow-future" in line
    assert _entries(ledger) == before


def test_stop_and_amend_never_end_after_now(ledger: Ot) -> None:
    assert ledger("start", "call", "--at", "09:00").code == 0
    stopped = ledger("stop", "--at", "2025-10-08 10:00")
    assert stopped.code == 2 and "after now" in stopped.err
    assert ledger("stop").code == 0
    logged = ledger("log", "x", "--at", "08:00", "--minutes", "10", "--json").json()
    amended = ledger("amend", str(logged["id"]), "--minutes", "120", "--reason", "longer", "--json")
    assert amended.json()["record"]["end"] == "2025-10-08T09:30:00+08:00"
    assert any("ends now" in note for note in amended.json()["notes"])


def test_log_reads_the_text_from_standard_input(ledger: Ot) -> None:
    pasted = "老板：明早九点前把方案发我\n我：好的，今晚改完"
    logged = ledger("log", "-", "--minutes", "30", "--json", input=pasted)
    assert logged.code == 0, logged.err
    assert ledger("show", str(logged.json()["id"]), "--json").json()["record"]["text"] == pasted


@pytest.mark.parametrize(
    ("args", "stdin", "needle"),
    [
        (["log", "   "], None, "empty"),
        (["log", "-"], " \n ", "empty"),
        (["log", "x" * 10_001], None, "10000"),
        (["log", "-"], "y" * 20_000, "--attach"),
        (["amend", "3", "--text", " ", "--reason", "r"], None, "empty"),
    ],
)
def test_blank_and_overlong_texts_are_refused(
    ledger: Ot, args: list[str], stdin: str | None, needle: str
) -> None:
    ledger("log", "first", "--minutes", "5")
    before = _entries(ledger)
    line = one_line_failure(*_code_err(ledger(*args, input=stdin)), expected=2)
    assert needle in line
    assert _entries(ledger) == before


# -- the recorded time and its clock -----------------------------------------------------------
def test_simulated_clock_entries_say_so_and_real_ones_do_not(tmp_path: Path, ledger: Ot) -> None:
    ledger("log", "x", "--minutes", "5")
    assert {b.get("clock") for b in _bodies(ledger)} == {"simulated"}
    real = Ot(tmp_path / "real.sqlite")
    assert real("init", "--timezone", "Asia/Shanghai", env=REAL_CLOCK).code == 0
    assert real("log", "x", "--minutes", "5", env=REAL_CLOCK).code == 0
    assert all("clock" not in b for b in _bodies(real))


def test_a_simulated_clock_is_refused_on_a_real_ledger(tmp_path: Path) -> None:
    real = Ot(tmp_path / "real.sqlite")
    assert real("init", "--timezone", "Asia/Shanghai", env=REAL_CLOCK).code == 0
    before = _entries(real)
    for args in (["log", "backdated", "--minutes", "5"], ["report", "week"], ["list"]):
        line = one_line_failure(*_code_err(real(*args)), expected=2)
        assert "OFFLINE_TRACKER_NOW" in line and "unset it" in line
    assert _entries(real) == before
    assert real("log", "fine", "--minutes", "5", env=REAL_CLOCK).code == 0


@pytest.mark.usefixtures("walks")
def test_verify_reports_a_clock_set_back_with_the_entry_numbers(tmp_path: Path) -> None:
    ot = Ot(tmp_path / "l.sqlite", now="2025-10-08T09:30:00+08:00")
    ot.init()  # entries 1 and 2
    ot.now = "2025-10-08T09:20:00+08:00"  # ten minutes back: entry 3
    ot("log", "a", "--minutes", "5")
    ot.now = "2025-10-08T09:17:00+08:00"  # three more: within the tolerance
    ot("log", "b", "--minutes", "5")
    result = ot("verify", "--json")
    assert result.code == 0  # the chain is intact; the times are findings, not breakage
    found = result.json()["warnings"]
    back = [w for w in found if w["code"] == "clock_back"]
    assert [(w["seq"], w["before"], w["minutes"]) for w in back] == [(3, 2, 10)]
    simulated = [w for w in found if w["code"] == "simulated"]
    assert simulated[0]["count"] == 4 and simulated[0]["seqs"] == "1-4"
    text = ot("verify")
    assert "entry 3 was recorded" in text.out and "simulated clock" in text.out
    doctor = ot("doctor", "--json").json()
    assert [w["code"] for w in doctor["ledger"]["warnings"]] == ["clock_back", "simulated"]


def test_a_forged_earlier_recorded_time_is_reported(tmp_path: Path) -> None:
    """A rewritten chain whose entry claims an earlier time still shows the step back."""
    from offline_tracker.ledger.canonical import entry_body
    from offline_tracker.ledger.chain import entry_hash

    real = Ot(tmp_path / "real.sqlite")
    assert real("init", "--timezone", "Asia/Shanghai", env=REAL_CLOCK).code == 0
    assert real("log", "x", "--minutes", "5", env=REAL_CLOCK).code == 0
    con = sqlite3.connect(real.db)
    seq, entry_id, kind, body = con.execute(
        "SELECT seq, entry_id, kind, body FROM ledger ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    (prev,) = con.execute("SELECT hash FROM ledger WHERE seq = ?", (seq - 1,)).fetchone()
    fields = json.loads(body)
    forged_at = "2020-01-01T00:00:00Z"
    new_body = entry_body(seq, entry_id, forged_at, kind, fields["data"])
    con.execute("DROP TRIGGER IF EXISTS ledger_no_update")
    triggers = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
    for name in triggers:
        con.execute(f"DROP TRIGGER {name}")
    con.execute(
        "UPDATE ledger SET body = ?, recorded_at = ?, hash = ? WHERE seq = ?",
        (new_body.decode(), forged_at, entry_hash(prev, new_body), seq),
    )
    con.commit()
    found = real("verify", "--json", env=REAL_CLOCK).json()["warnings"]
    assert [(w["code"], w["seq"]) for w in found] == [("clock_back", seq)]


# -- entered later (补记) ------------------------------------------------------------------------
def _late_and_on_time(ledger: Ot) -> tuple[int, int]:
    late = ledger("add", "weekend fix", "--from", "2025-10-04 10:00", "--to", "2025-10-04 12:00")
    on_time = ledger("log", "reply", "--minutes", "5", "--json")
    return int(late.out.split("record ")[1].split(":")[0]), on_time.json()["id"]


def test_late_entries_are_marked_in_list_and_show(ledger: Ot) -> None:
    late, on_time = _late_and_on_time(ledger)
    listed = ledger("list", "--from", "2025-10-01", "--json").json()["records"]
    marks = {r["id"]: (r["entered_late"], r["entered_at"]) for r in listed}
    assert marks[late] == (True, "2025-10-08T09:30:00+08:00")
    assert marks[on_time][0] is False
    text = ledger("list", "--from", "2025-10-01").out
    assert "entered later 2025-10-08 09:30" in text
    shown = ledger("show", str(late)).out
    assert "entered later (补记): entered 2025-10-08 09:30, 3 days after it ended" in shown
    assert "entered later" not in ledger("show", str(on_time)).out
    assert "补记" in ledger("show", str(late), lang="zh").out


def test_late_entries_are_marked_in_the_csv_and_the_pack(ledger: Ot, tmp_path: Path) -> None:
    late, on_time = _late_and_on_time(ledger)
    out = tmp_path / "r.csv"
    assert ledger("export", "csv", "-o", str(out), "--from", "2025-10-01", lang="zh").code == 0
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    by_id = {int(r["记录编号"]): r for r in rows}
    assert by_id[late]["补记"] == "补记" and by_id[on_time]["补记"] == ""
    assert by_id[late]["录入时间"] == "2025-10-08T09:30:00+08:00"
    pack = tmp_path / "p.zip"
    assert ledger("export", "evidence", "-o", str(pack), "--from", "2025-10-01").code == 0
    with zipfile.ZipFile(pack) as z:
        html = z.read("report.html").decode()
        packed_csv = z.read("records.csv").decode("utf-8-sig")
    assert html.count("entered later (补记)") == 1
    assert "entered later" in packed_csv


# -- --json on every writing command -----------------------------------------------------------
def test_every_write_answers_in_json(ledger: Ot, tmp_path: Path) -> None:
    logged = ledger("log", "x", "--minutes", "5", "--json").json()
    assert logged["entry"]["seq"] == logged["id"] and len(logged["entry"]["hash"]) == 64
    assert logged["classification"]["rest_day_minutes"] == 5
    rid = str(logged["id"])
    for args, action in [
        (["add", "y", "--from", "08:00", "--to", "08:30"], "added"),
        (["amend", rid, "--text", "x2", "--reason", "typo"], "amended"),
        (["void", rid, "--reason", "twice"], "voided"),
        (["start", "s", "--at", "09:00"], "started"),
        (["stop"], "stopped"),
    ]:
        data = ledger(*args, "--json").json()
        assert data["action"] == action and data["entry"]["seq"] > 0, args
    assert ledger("contract", "set", "--monthly-wage", "12000", "--json").json()["entry"]
    day = ledger("calendar", "set", "2025-10-10", "--as", "rest-day", "--json").json()
    assert day["day"]["day_type"] == "rest_day" and day["entry"]["seq"] > 0
    comp = ledger("comp-time", "2025-09-30", "--hours", "2", "--json").json()
    assert comp["minutes"] == 120 and comp["entry"]["seq"] > 0
    backed = ledger("backup", str(tmp_path / "b.sqlite"), "--json").json()
    assert backed["action"] == "backup" and backed["ok"] and len(backed["head"]) == 64
    restored = ledger("restore", str(tmp_path / "b.sqlite"), "--json").json()
    assert restored["ok"] and restored["replaced"] == [] and restored["entries"] > 0
    anchored = ledger("anchor", "--json").json()
    assert anchored["digest"].startswith(f"OT1-{anchored['head_seq']}-")
    assert anchored["entry"]["seq"] == anchored["head_seq"] + 1
    fresh = Ot(tmp_path / "fresh.sqlite")
    made = fresh("init", "--timezone", "Asia/Shanghai", "--json").json()
    assert [e["seq"] for e in made["entries"]] == [1, 2]


def _code_err(result: object) -> tuple[int, str]:
    return result.code, result.err  # type: ignore[attr-defined]


def test_many_clock_steps_back_are_summed_up_in_text(tmp_path: Path) -> None:
    ot = Ot(tmp_path / "l.sqlite", now="2025-10-08T12:00:00+08:00")
    ot.init()
    for hour in range(11, -1, -1):  # each entry an hour before the one before: 12 steps back
        ot.now = f"2025-10-07T{hour:02d}:00:00+08:00"
        assert ot("log", "x", "--minutes", "5").code == 0
    assert (
        len([w for w in ot("verify", "--json").json()["warnings"] if w["code"] == "clock_back"])
        == 12
    )
    text = ot("verify").out
    assert text.count("was recorded at") == 12 and "more entries" not in text
    from offline_tracker.render import text as shared

    shared.SHOWN_BACK, saved = 5, shared.SHOWN_BACK
    try:
        text = ot("verify").out
    finally:
        shared.SHOWN_BACK = saved
    assert text.count("was recorded at") == 5 and "and 7 more entries" in text
