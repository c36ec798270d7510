"""A SQLite ledger as a file: consistent copies, one self-contained file, the WAL folded in."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from offline_tracker.storage.schema import backup_sqlite


class CopyError(Exception):
    """Why SQLite could not copy a ledger file: `why` is "disk_full", "hot_journal", "io" (the
    copy's place cannot be written) or "not_a_ledger" (the source cannot be read)."""

    def __init__(self, why: str, reason: str) -> None:
        super().__init__(reason)
        self.why = why
        self.reason = reason


class LedgerInUse(Exception):
    """Another program has the ledger open."""


def copy_ledger(source: Path, dest: Path, read_only: bool = False) -> None:
    """`backup_sqlite`, with SQLite's errors said as a CopyError (OSError passes through)."""
    try:
        backup_sqlite(source, dest, read_only)
    except sqlite3.DatabaseError as exc:
        raise CopyError(_why(exc), str(exc)) from exc


def _why(exc: sqlite3.DatabaseError) -> str:
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith("SQLITE_FULL"):
        return "disk_full"
    if name.startswith("SQLITE_READONLY_ROLLBACK"):
        return "hot_journal"
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_READONLY")):
        return "io"
    return "not_a_ledger"


def single_file(path: Path) -> None:
    """Leave the file self-contained (no WAL to carry over)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()


def release(path: Path, wait_s: float) -> bool:
    """Fold the WAL into the file; LedgerInUse while another program has it open (after
    waiting `wait_s`).

    Returns False when the file cannot be read as a database (it is then kept byte for byte).
    """
    try:
        conn = sqlite3.connect(path, timeout=wait_s)
    except sqlite3.DatabaseError:
        return False
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise LedgerInUse(str(exc)) from exc
        return False
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()
    return True
