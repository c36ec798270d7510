"""Opening a ledger: check its schema version, back the file up, and apply pending migrations."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from offline_tracker.domain.errors import Message
from offline_tracker.storage.db import (
    Database,
    SQLiteDatabase,
    StorageError,
    create_private_file,
    without_passwords,
)

# The newest migration in storage/migrations/versions; a test keeps it equal to Alembic's head.
HEAD_REVISION = "0001"
BACKUP_DIR_NAME = "backups"


def revision(db: Database) -> str | None:
    """The schema revision of the database, or None when it has no ledger yet (an empty
    `alembic_version` is "", which `newer` refuses: never "schema None")."""
    with db.read() as tx:
        if tx.dialect == "sqlite":
            exists = tx.scalar(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            )
        else:
            exists = tx.scalar(
                "SELECT 1 FROM information_schema.tables WHERE table_name = 'alembic_version'"
            )
        if not exists:
            return None
        value = tx.scalar("SELECT version_num FROM alembic_version")
        return "" if value is None else str(value)


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
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    if isinstance(db, SQLiteDatabase):
        db.close()
        engine = create_engine(db.url)
    else:
        engine = db.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    if isinstance(db, SQLiteDatabase):
        engine.dispose()
