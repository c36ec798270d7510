"""Damaged ledgers: one error line, exit 1, the file left alone, and `ot doctor` for the way out.

Each case damages a real ledger file that has an automatic backup beside it (made by the same
code as the backups before a migration), then checks what every kind of command says, that the
damaged bytes were not touched, and that the exact command `ot doctor` prints brings back a
ledger that verifies and takes new entries.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from offline_tracker.app.doctor import restore_command
from offline_tracker.storage.schema import backup_sqlite
from tests.conftest import PAYLOAD_SQL, Ot
from tests.reliability.support import OT, env, fingerprint, one_line_failure

AT = ("2025-10-06 21:00", "2025-10-06 22:00", "2025-10-07 23:00")


def _backup(ot: Ot, name: str, mtime: float) -> Path:
    path = backup_sqlite(ot.db, ot.db.parent / "backups" / f"ledger-{name}.sqlite")
    os.utime(path, (mtime, mtime))
    return path


@pytest.fixture
def kept(ledger: Ot, tmp_path: Path) -> Ot:
    """A ledger of 5 entries (one record has an attachment), an older and a newer backup."""
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG evidence")
    assert ledger("log", "task 0", "--at", AT[0], "--attach", str(shot)).code == 0
    _backup(ledger, "older", 1_700_000_000)
    for i, at in enumerate(AT[1:], start=1):
        assert ledger("log", f"task {i}", "--at", at).code == 0
    _backup(ledger, "newer", 1_700_000_100)
    return ledger


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))


def _truncate(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def _smash_pages(path: Path) -> None:
    # Every page but the first (header and schema): the tables are there, unreadable.
    data = bytearray(path.read_bytes())
    data[4096:] = os.urandom(len(data) - 4096)
    path.write_bytes(bytes(data))


def _checkpoint(ot: Ot) -> None:
    # Fold the WAL into the file, as the last writer closing does, so damage to the file counts.
    conn = sqlite3.connect(ot.db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm"):
        ot.db.with_name(ot.db.name + suffix).unlink(missing_ok=True)


def _same_pages(a: bytes, b: bytes) -> bool:
    # `ot restore` switches a damaged file it can still open out of WAL mode before keeping it
    # aside, which rewrites the 100-byte database header (journal mode, change counter); every
    # page after it must be the damaged file's own.
    return len(a) == len(b) and a[100:] == b[100:]


@pytest.mark.parametrize("damage", [_garbage, _truncate, _smash_pages])
def test_damaged_file_is_left_alone_and_doctor_restores_a_backup(kept: Ot, damage) -> None:  # type: ignore[no-untyped-def]
    _checkpoint(kept)
    damage(kept.db)
    before, damaged = fingerprint(kept.db), kept.db.read_bytes()
    for args in (
        ("log", "more", "--at", "21:00"),
        ("list", "--from", "2025-10-01"),
        ("verify",),
        ("report", "range", "--from", "2025-10-01", "--to", "2025-10-08", "--json"),
        ("init", "--timezone", "Asia/Shanghai"),
    ):
        result = kept(*args)
        line = one_line_failure(result.code, result.err)
        assert "ot doctor" in line, line
    assert fingerprint(kept.db) == before

    doctor = kept("doctor", "--json")
    assert doctor.code == 1
    report = doctor.json()
    assert not report["ok"]
    assert report["restore"]["path"].endswith("ledger-newer.sqlite")
    assert [b["intact"] for b in report["backups"]] == [True, True]
    assert [b["entries"] for b in report["backups"]] == [5, 3]
    assert fingerprint(kept.db) == before  # the doctor reads only

    text = kept("doctor")
    assert text.code == 1 and "ledger-newer.sqlite" in text.out
    command = text.out.split("keeping the damaged files beside it: ", 1)[1].splitlines()[0]
    assert str(kept.db) in command  # never a bare `ot restore` that a pasted shell could misdirect
    # The exact command, in a shell, whether it is `ot restore` (when that command exists) or the
    # mv/cp fallback; nothing in the environment points at the ledger.
    subprocess.run(
        command, shell=True, check=True, env=env(PATH=f"{OT.parent}:{os.environ['PATH']}")
    )
    assert kept("verify", "--json").json()["entries"] == 5
    assert kept("log", "after the restore", "--at", "21:00").code == 0
    kept_aside = [p.read_bytes() for p in kept.db.parent.rglob("*") if p.is_file()]
    assert any(_same_pages(damaged, copy) for copy in kept_aside)  # set aside, not deleted


def test_doctor_skips_an_unusable_newer_backup(kept: Ot) -> None:
    _garbage(kept.db)
    newest = kept.db.parent / "backups" / "ledger-newest.sqlite"
    newest.write_bytes(b"not a database" * 100)
    os.utime(newest, (1_700_000_200, 1_700_000_200))
    report = kept("doctor", "--json").json()
    assert [b["intact"] for b in report["backups"]] == [False, True, True]
    assert report["backups"][0]["error"]
    assert report["restore"]["path"].endswith("ledger-newer.sqlite")


def test_broken_chain_is_named_and_a_backup_recommended(kept: Ot) -> None:
    conn = sqlite3.connect(kept.db)
    conn.execute("DROP TRIGGER ledger_no_update")
    conn.execute("UPDATE ledger SET body = replace(body, 'task 2', 'task X') WHERE seq = 5")
    conn.commit()
    conn.close()
    result = kept("doctor")
    assert result.code == 1
    assert "entry 5: its content is not what was hashed" in result.out
    assert "ledger-newer.sqlite" in result.out  # its chain is intact, and it is the newest
    zh = kept("verify", lang="zh")
    assert zh.code == 1 and "条目 5：内容与哈希不符" in zh.out
    assert "hash_mismatch" not in zh.out  # issue 16: a zh reader meets words, not codes
    assert kept("verify", "--json").json()["problems"]  # the JSON keeps the findings


def test_missing_and_changed_attachments_are_named(kept: Ot) -> None:
    assert kept("doctor").code == 0
    store = kept.db.parent / "evidence"
    (stored,) = [p for p in store.rglob("*") if p.is_file()]
    stored.write_bytes(b"edited")
    changed = kept("doctor", "--json")
    assert changed.code == 1
    (problem,) = changed.json()["attachments"]["problems"]
    assert problem["problem"] == "mismatch" and problem["path"] == str(stored)
    stored.unlink()
    missing = kept("doctor")
    assert missing.code == 1
    assert "shot.png of record 3 is missing" in missing.out and str(stored) in missing.out
    assert kept("verify").code == 0  # the ledger itself is intact


def test_projection_drift_advises_rebuild_not_restore(kept: Ot) -> None:
    conn = sqlite3.connect(kept.db)
    conn.execute(f"UPDATE records SET data = replace({PAYLOAD_SQL}, 'task 1', 'task Y')")
    conn.commit()
    conn.close()
    report = kept("doctor", "--json").json()
    assert not report["ok"] and report["restore"] is None
    assert any("ot db rebuild" in line for line in report["advice"])


def test_emptied_file_points_at_the_backups(kept: Ot) -> None:
    _checkpoint(kept)
    kept.db.write_bytes(b"")
    line = one_line_failure(*_code_err(kept("list")))
    assert "backups" in line and "ot doctor" in line
    report = kept("doctor", "--json").json()
    assert report["database"]["schema"] is None
    assert report["restore"]["path"].endswith("ledger-newer.sqlite")


def test_missing_ledger_and_healthy_ledger(kept: Ot, tmp_path: Path) -> None:
    healthy = kept("doctor")
    assert healthy.code == 0 and healthy.out.rstrip().endswith("All is well.")
    assert "5 entries, chain intact" in healthy.out
    nothing = Ot(tmp_path / "nowhere" / "ledger.sqlite")("doctor", "--json")
    assert nothing.code == 1 and "ot init" in nothing.json()["advice"][0]
    assert not (tmp_path / "nowhere").exists()  # the doctor created nothing


def test_doctor_speaks_chinese(kept: Ot) -> None:
    _garbage(kept.db)
    result = kept("doctor", lang="zh")
    assert result.code == 1 and "恢复最新的完好备份" in result.out


def test_restore_command_uses_ot_restore_when_it_exists(tmp_path: Path) -> None:
    db, backup = tmp_path / "l.sqlite", tmp_path / "backups" / "b c.sqlite"
    db.write_bytes(b"x")
    now = datetime(2025, 10, 8, tzinfo=UTC)
    assert restore_command(db, backup, now, "ot restore") == f"ot restore --yes '{backup}'"
    copy = restore_command(db, backup, now, None)
    assert copy == f"mv {db} {db}.damaged-20251008T000000Z && cp '{backup}' {db}"


def _code_err(result) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    return result.code, result.err
