"""A full disk or a read-only ledger: one clear line, exit 1, and not a byte of a half-done write.

CI runs as root, for whom chmod stops nothing, and mounts are not available. So the two conditions
are produced inside SQLite itself, on the connection the command opens (a fixture swaps the
storage layer's connect function, nothing else):
- full disk: `PRAGMA max_page_count` pinned at the file's size; the next page SQLite needs fails
  with SQLITE_FULL, the very error a full disk gives it;
- read-only: the file opened with `mode=ro`, which is what SQLite does when the kernel says EROFS
  or EACCES; writes fail with SQLITE_READONLY.
The evidence store is plain file I/O: an ENOSPC raised half-way through copying an attachment.
Paths that fail for root too (a file where a folder should be, /proc) run through the real kernel.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from offline_tracker.storage import db as storage_db
from tests.conftest import Ot
from tests.reliability.support import one_line_failure


def _connect_with(monkeypatch: pytest.MonkeyPatch, tweak: Callable[[Path], Any]) -> None:
    monkeypatch.setattr(storage_db, "_connect_sqlite", tweak)


def _full(original: Callable[[Path], sqlite3.Connection]) -> Callable[[Path], sqlite3.Connection]:
    def connect(path: Path) -> sqlite3.Connection:
        conn = original(path)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    return connect


def _read_only(path: Path) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    return sqlite3.connect(uri, uri=True, isolation_level=None)


def _entries(ot: Ot) -> int:
    result = ot("verify", "--json").json()
    assert result["ok"], result
    return int(result["entries"])


def test_full_disk_saves_nothing(ledger: Ot, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _entries(ledger)
    _connect_with(monkeypatch, _full(storage_db._connect_sqlite))
    # A long text needs new pages; the schedule of a new contract version as well.
    result = ledger("log", "x" * 9_000, "--at", "21:00")
    line = one_line_failure(result.code, result.err)
    assert "disk is full" in line and "nothing was saved" in line
    monkeypatch.undo()
    assert _entries(ledger) == before
    assert ledger("log", "after", "--at", "21:00").code == 0


def test_read_only_ledger_refuses_writes_but_still_reads(
    ledger: Ot, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ledger("log", "one", "--at", "21:00").code == 0
    _connect_with(monkeypatch, _read_only)
    for args in (("log", "two", "--at", "21:05"), ("void", "3", "--reason", "test")):
        result = ledger(*args)
        line = one_line_failure(result.code, result.err)
        assert "cannot write" in line and "nothing was saved" in line, line
    listed = ledger("list", "--json")
    assert listed.code == 0 and [r["text"] for r in listed.json()["records"]] == ["one"]
    monkeypatch.undo()
    assert _entries(ledger) == 3  # init, contract, "one"


def test_full_disk_while_copying_an_attachment(
    ledger: Ot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"x" * 10_000)

    def disk_full(_fd: int) -> None:  # the copy was written, flushing it to disk fails
        raise OSError(errno.ENOSPC, "No space left on device")

    before = _entries(ledger)
    monkeypatch.setattr("offline_tracker.storage.evidence.os.fsync", disk_full)
    result = ledger("log", "with a screenshot", "--at", "21:00", "--attach", str(shot))
    assert "No space left on device" in one_line_failure(result.code, result.err)
    monkeypatch.undo()
    assert _entries(ledger) == before
    # No half-copied file is left behind, and the store stays consistent.
    assert not list((ledger.db.parent / "evidence").rglob("*.part"))
    assert ledger("doctor").code == 0


@pytest.mark.parametrize(
    "where", ["a-file/ledger.sqlite", "/proc/offline-tracker-test/ledger.sqlite"]
)
def test_a_folder_that_cannot_be_made(tmp_path: Path, where: str) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    ot = Ot(tmp_path / where)
    result = ot("init", "--timezone", "Asia/Shanghai")
    assert "cannot create" in one_line_failure(result.code, result.err)
    assert (tmp_path / "a-file").read_text() == "not a folder"
