"""Opening a ledger: check its schema version, back the file up, and apply pending migrations."""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from offline_tracker.domain.errors import Message
from offline_tracker.storage.db import (
    BUSY_TIMEOUT_MS,
    Database,
    SQLiteDatabase,
    StorageError,
    create_private_file,
    without_passwords,
)
from offline_tracker.storage.schema_check import version_in

# The newest migration in storage/migrations/versions; a test keeps it equal to Alembic's head.
HEAD_REVISION = "0002"
BACKUP_DIR_NAME = "backups"
MIGRATIONS = Path(__file__).parent / "migrations"


def revision(db: Database) -> str | None:
    """The schema revision of the database, or None when it has no ledger yet (an empty
    `alembic_version` is "", which `newer` refuses: never "schema None")."""
    with db.read() as tx:
        return version_in(tx)


def revision_number(text: str) -> int | None:
    """A revision as a number ("0002" -> 2): revisions compare as numbers, never as text."""
    return int(text) if text.isascii() and text.isdecimal() else None


def newer(current: str) -> bool | None:
    """Whether `current` is newer than HEAD_REVISION; None for a revision this program cannot
    place (not one of its numbers: another program's schema, or an emptied version table)."""
    number = revision_number(current)
    return None if number is None else number > int(HEAD_REVISION)


def has_foreign_tables(db: Database) -> bool:
    if db.dialect != "sqlite":
        return False
    with db.read() as tx:
        return bool(tx.scalar("SELECT count(*) FROM sqlite_master WHERE type='table'"))


def backup_dir(db: Database) -> Path | None:
    return db.path.parent / BACKUP_DIR_NAME if db.path is not None else None


def backup_sqlite(source: Path, dest: Path, read_only: bool = False) -> Path:
    """Copy a live SQLite file with the online backup API (safe while others write).

    The copy is made under a temporary name and renamed when complete, so an interrupted
    backup never sits at `dest`. `read_only` opens `source` without the right to write, so a
    hot journal beside it is never rolled back into it (a backup being restored).
    """
    temp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    create_private_file(temp)
    try:
        src = (
            sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
            if read_only
            else sqlite3.connect(source)
        )
        try:
            out = sqlite3.connect(temp)
            try:
                src.backup(out)
            finally:
                out.close()
        finally:
            src.close()
        os.replace(temp, dest)
    finally:
        for leftover in (temp, temp.with_name(temp.name + "-journal")):
            leftover.unlink(missing_ok=True)
    return dest


def auto_backup(db: Database, reason: str, now: datetime) -> Path | None:
    """Back the file up before a schema change; servers are backed up by their own tools."""
    folder = backup_dir(db)
    if db.path is None or folder is None or not db.path.exists():
        return None
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return backup_sqlite(db.path, folder / f"{db.path.stem}-{stamp}-{reason}.sqlite")


def ensure_schema(db: Database, create: bool, now: datetime) -> None:
    """Bring the schema to HEAD_REVISION; `create` allows making a new, empty ledger."""
    current = revision(db)
    if current == HEAD_REVISION:
        return
    if current is None:
        if has_foreign_tables(db):
            shown = without_passwords(db.url)
            raise StorageError("storage.foreign", location=shown)
        if not create:
            raise _no_ledger(db)
    elif newer(current) is None:
        named: str | Message = current or Message("storage.empty")
        raise StorageError("storage.unknown_schema", current=named, head=HEAD_REVISION)
    elif newer(current):
        raise StorageError("storage.newer_schema", current=current, head=HEAD_REVISION)
    else:
        auto_backup(db, f"before-{HEAD_REVISION}", now)
    _upgrade(db)
    _compact(db)


def _no_ledger(db: Database) -> StorageError:
    # An emptied file beside backups is a lost ledger, not a new one: point at the way back.
    folder = backup_dir(db)
    if folder is not None and any(folder.glob("*.sqlite")):
        return StorageError("storage.no_ledger_but_backups", path=str(db.path), folder=str(folder))
    return StorageError("storage.no_ledger_yet")


def _upgrade(db: Database) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if isinstance(db, SQLiteDatabase):
        db.close()
        engine = create_engine(db.url)
        _one_transaction(engine)
    else:
        engine = db.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    if isinstance(db, SQLiteDatabase):
        engine.dispose()


def _one_transaction(engine: Any) -> None:
    """Run a SQLite migration as one transaction, its DDL included: the driver would commit each
    CREATE or DROP on its own, and a migration cut short would leave a half-made schema."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _compact(db: Database) -> None:
    """Give the pages a migration freed back to the file system (SQLite's VACUUM, once).

    A migration that copies the tables (0002) leaves their old pages free inside the file,
    which would stay as large as before until later writes reuse them; a new ledger, made by
    every migration in turn, would start with free pages. A VACUUM that fails (a full disk)
    changes nothing, and the ledger is sound either way: it is not an error.
    """
    if not isinstance(db, SQLiteDatabase) or db.path is None:
        return
    conn = sqlite3.connect(db.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        with suppress(sqlite3.Error):
            conn.execute("VACUUM")
    finally:
        conn.close()
