"""Backup and restore that cannot be turned against the user (issue 13; docs/reliability.md,
"Attacks"): a copy made under a temporary name, a full disk named, a hot journal never
trusted nor rolled back into a backup."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from offline_tracker.storage import schema
from tests.conftest import Ot


@pytest.fixture
def logged(ledger: Ot) -> Ot:
    for i, at in enumerate(("2025-10-06 21:00", "2025-10-06 22:00", "2025-10-07 23:00")):
        assert ledger("log", f"task {i}", "--at", at, "--minutes", "20").code == 0
    return ledger


def test_a_backup_appears_at_its_name_only_when_complete(
    logged: Ot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "copy.sqlite"
    seen: list[bool] = []
    real_replace = os.replace

    def watched(src: str, dst: str) -> None:
        seen.append(Path(dst).exists())
        real_replace(src, dst)

    monkeypatch.setattr(schema.os, "replace", watched)
    assert logged("backup", str(target)).code == 0
    assert seen == [False] and target.is_file()

    def killed(_src: str, _dst: str) -> None:
        raise KeyboardInterrupt  # the user pressed Ctrl-C just before the copy was complete

    monkeypatch.setattr(schema.os, "replace", killed)
    second = tmp_path / "second.sqlite"
    assert logged("backup", str(second)).code != 0
    assert not second.exists() and not list(tmp_path.glob(".*part*"))


def test_a_full_disk_during_a_backup_names_the_disk(
    logged: Ot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_args: object, **_kw: object) -> None:
        exc = sqlite3.OperationalError("database or disk is full")
        exc.sqlite_errorname = "SQLITE_FULL"  # type: ignore[attr-defined]
        raise exc

    from offline_tracker.storage import files

    monkeypatch.setattr(files, "backup_sqlite", full)
    target = tmp_path / "usb.sqlite"
    result = logged("backup", str(target))
    assert result.code == 1
    assert f"the disk that holds {target} is full" in result.err
    assert "not a ledger" not in result.err


_CRASH = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode = DELETE")
conn.execute("PRAGMA cache_size = 1")
conn.execute("BEGIN")
for n in range(2000):
    conn.execute("INSERT INTO meta VALUES (?, ?)", (f"k{n}", "x" * 500))
os._exit(0)  # killed in the middle of the write: the journal stays hot
"""


def _hot_backup(ot: Ot, folder: Path) -> Path:
    backup = schema.backup_sqlite(ot.db, folder / "ledger-hot.sqlite")
    conn = sqlite3.connect(backup)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    subprocess.run([sys.executable, "-c", _CRASH, str(backup)], check=True)
    assert Path(f"{backup}-journal").stat().st_size > 0
    return backup


def test_restore_never_changes_a_backup_with_a_hot_journal(logged: Ot, tmp_path: Path) -> None:
    backup = _hot_backup(logged, tmp_path)
    before = backup.read_bytes(), Path(f"{backup}-journal").read_bytes()
    result = logged("restore", str(backup), "--yes")
    assert result.code == 1 and "hot journal" in result.err
    assert (backup.read_bytes(), Path(f"{backup}-journal").read_bytes()) == before
    assert logged("verify").code == 0


def test_doctor_never_calls_a_file_with_a_hot_journal_intact(logged: Ot) -> None:
    folder = logged.db.parent / "backups"
    folder.mkdir()
    backup = _hot_backup(logged, folder)
    before = backup.read_bytes()
    result = logged("doctor", "--json")
    listed = {b["path"]: b for b in result.json()["backups"]}
    assert listed[str(backup)]["intact"] is False, listed
    assert backup.read_bytes() == before
