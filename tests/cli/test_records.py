"""`ot` end to end through the real typer app: writes, reads, corrections, errors and exit codes."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from tests.conftest import Ot


def _entries(ot: Ot) -> int:
    return sqlite3.connect(ot.db).execute("SELECT count(*) FROM ledger").fetchone()[0]


def test_init_twice_says_what_to_use(ledger: Ot) -> None:
    result = ledger("init", "--timezone", "Asia/Shanghai")
    assert result.code == 2
    assert "ot contract set" in result.err and "Traceback" not in result.err


def test_commands_before_init_explain(ot: Ot) -> None:
    result = ot("list")
    assert result.code == 1 and "ot init" in result.err
    assert not ot.db.exists()


def test_log_late_night_message(ledger: Ot) -> None:
    result = ledger(
        "log",
        "Boss wants the slides",
        "--at",
        "23:40",
        "--minutes",
        "40",
        "--channel",
        "wechat",
        "--who",
        "Wang",
        "--role",
        "supervisor",
        "--kind",
        "instruction",
        "--tag",
        "slides",
    )
    assert result.code == 0, result.err
    assert "2025-10-07 23:40" in result.out and "40m" in result.out
    assert "yesterday" in result.out
    records = ledger("list", "--json").json()["records"]
    assert records[0]["start"] == "2025-10-07T23:40:00+08:00"
    assert records[0]["end"] == "2025-10-08T00:20:00+08:00"
    assert records[0]["channel"] == "wechat" and records[0]["tags"] == ["slides"]


def test_log_default_minutes_follow_the_kind(ledger: Ot) -> None:
    ledger("log", "ok", "--at", "08:00", "--kind", "ack")
    ledger("log", "call", "--at", "07:00", "--kind", "call")
    minutes = {r["text"]: r["minutes"] for r in ledger("list", "--json").json()["records"]}
    assert minutes == {"ok": 1, "call": 15}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["log", "x", "--at", "25:99"], "not a time of day"),
        (["log", "x", "--at", "blah"], "accepted"),
        (["log", "x", "--minutes", "0"], "more than zero"),
        (["log", "x", "--channel", "pigeon"], "wechat"),
        (["log", "x", "--at", "2025-10-09 10:00"], "future"),
        (["log", "x", "--at", "09:00", "--until", "08:00"], "after the start"),
        (["log", "x", "--at", "09:00", "--until", "09:40", "--minutes", "5"], "not both"),
        (["add", "x", "--from", "2025-10-07 10:00", "--to", "2025-10-07 09:00"], "after the start"),
        (["list", "--from", "2025-10-07", "--to", "2025-10-01"], "before"),
        (["amend", "999", "--text", "y", "--reason", "r"], "no record 999"),
        (["--lang", "fr", "list"], "en, zh"),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(
    ledger: Ot, args: list[str], needle: str
) -> None:
    before = _entries(ledger)
    result = ledger(*args)
    assert result.code == 2, (result.out, result.err)
    assert needle in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert _entries(ledger) == before


def test_allow_future(ledger: Ot) -> None:
    assert ledger("log", "x", "--at", "2025-10-09 10:00", "--allow-future").code == 0


def test_start_stop_status(ledger: Ot) -> None:
    assert ledger("start", "Fix the client report", "--at", "08:00").code == 0
    again = ledger("start", "another")
    assert again.code == 2 and "ot stop" in again.err
    status = ledger("status", "--json").json()
    assert status["running"][0]["text"] == "Fix the client report"
    assert ledger("stop", "--at", "09:10").code == 0
    assert ledger("stop").code == 2
    assert ledger("status", "--json").json()["today_minutes"] == 70


def test_add_session_after_the_fact(ledger: Ot) -> None:
    result = ledger(
        "add",
        "Weekend release",
        "--from",
        "2025-10-04 10:00",
        "--to",
        "2025-10-04 13:30",
        "--kind",
        "deliverable",
    )
    assert result.code == 0, result.err
    listed = ledger("list", "--from", "2025-10-04", "--to", "2025-10-04", "--json").json()
    assert [r["minutes"] for r in listed["records"]] == [210]


def test_amend_and_void_are_new_entries_with_history(ledger: Ot) -> None:
    ledger("log", "call", "--at", "2025-10-07 21:00", "--minutes", "20")
    rid = ledger("list", "--json").json()["records"][0]["id"]
    assert ledger("amend", str(rid), "--minutes", "50", "--reason", "call ran long").code == 0
    assert ledger("list", "--json").json()["records"][0]["minutes"] == 50
    assert ledger("void", str(rid), "--reason", "logged twice").code == 0
    assert ledger("list", "--json").json()["records"] == []
    voided = ledger("list", "--include-voided", "--json").json()["records"]
    assert voided[0]["voided"] and voided[0]["void_reason"] == "logged twice"
    history = ledger("show", str(rid), "--json").json()["history"]
    assert [h["kind"] for h in history] == ["record.add", "record.amend", "record.void"]
    assert history[1]["data"]["reason"] == "call ran long"
    assert ledger("amend", str(rid), "--text", "z", "--reason", "r").code == 2
    assert "call ran long" in ledger("show", str(rid)).out


def test_amend_needs_a_reason_and_a_change(ledger: Ot) -> None:
    ledger("log", "call", "--at", "08:00")
    assert ledger("amend", "3", "--text", "x").code == 2
    assert ledger("amend", "3", "--reason", "nothing").code == 2


def test_attachment_is_stored_by_hash_privately(ledger: Ot, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG fake screenshot")
    assert ledger("log", "screenshot", "--at", "08:00", "--attach", str(shot)).code == 0
    digest = ledger("list", "--json").json()["records"][0]["attachments"][0]
    stored = ledger.db.parent / "evidence" / digest[:2] / digest
    assert stored.read_bytes() == shot.read_bytes()
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    missing = ledger("log", "x", "--attach", str(tmp_path / "nope.png"))
    assert missing.code == 2


def test_corrupt_database_is_a_clear_failure(ot: Ot) -> None:
    ot.db.write_bytes(b"this is not a database at all" * 100)
    result = ot("list")
    assert result.code == 1 and "ot doctor" in result.err and "Traceback" not in result.err
    assert ot.db.read_bytes().startswith(b"this is not")


def test_chinese_messages(ledger: Ot) -> None:
    result = ledger("log", "x", "--at", "25:00", lang="zh")
    assert result.code == 2 and "不是" in result.err
