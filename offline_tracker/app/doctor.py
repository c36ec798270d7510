"""`ot doctor`: check a ledger's file, chain, projections, attachments and backups, read-only."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from offline_tracker.app.core import App
from offline_tracker.app.integrity import (
    PROJECTION_KEYS,
    Verification,
    schema_messages,
)
from offline_tracker.clock import Clock
from offline_tracker.domain import facts
from offline_tracker.domain.errors import Message
from offline_tracker.domain.problems import Problem
from offline_tracker.ledger.chain import verify_chain
from offline_tracker.paths import default_data_dir, shown
from offline_tracker.storage import ledger, schema_check
from offline_tracker.storage.db import (
    Database,
    ReadOnlySQLiteDatabase,
    hot_journal,
    open_database,
)
from offline_tracker.storage.evidence import EvidenceStore
from offline_tracker.storage.schema import BACKUP_DIR_NAME, HEAD_REVISION, newer, revision

# The newest schema revision this program knows (doctor says so for a newer ledger).
KNOWN_REVISION = HEAD_REVISION

# Problems that make the ledger itself untrustworthy (a backup is the way out, not a rebuild).
LEDGER_KEYS = (
    "verify.entry",
    "verify.damaged",
    "verify.schema_missing",
    "verify.schema_extra",
    "verify.schema_changed",
)


@dataclass(frozen=True)
class DatabaseState:
    """The database itself: can it be opened, is the file sound, is it a ledger."""

    location: str
    is_file: bool
    exists: bool
    size: int | None = None
    readable: bool = False
    integrity: tuple[str, ...] = ()
    schema: str | None = None
    error: str | None = None
    newer: bool = False  # a schema newer than this program knows: upgrade, nothing is wrong

    @property
    def known_revision(self) -> str:
        """The newest schema revision this program knows."""
        return KNOWN_REVISION

    @property
    def sound(self) -> bool:
        return self.exists and self.readable and not self.integrity and self.schema is not None


# An attachment missing from the store or changed: the one Problem shape, `code` "missing" or
# "mismatch", `where` the seq of the entry naming it, `params` its sha256, name, seq and path.
AttachmentProblem = Problem


@dataclass(frozen=True)
class BackupState:
    """One automatic backup: whether it can be read and its chain verifies, and up to where."""

    path: Path
    modified: datetime
    readable: bool = False
    entries: int | None = None
    chain_ok: bool = False
    head: str | None = None
    error: str | None = None

    @property
    def intact(self) -> bool:
        return self.readable and self.chain_ok and self.error is None


@dataclass(frozen=True)
class Diagnosis:
    database: DatabaseState
    verification: Verification | None
    attachments_checked: int
    attachment_problems: tuple[AttachmentProblem, ...]
    backups: tuple[BackupState, ...]

    def _problems(self, *keys: str) -> list[Message]:
        v = self.verification
        return [p for p in v.problems if p.key in keys] if v is not None else []

    @property
    def chain_problems(self) -> list[Message]:
        """What makes the ledger itself untrustworthy (a backup is the way out)."""
        return self._problems(*LEDGER_KEYS)

    @property
    def table_problems(self) -> list[Message]:
        """Projections that differ from a replay of the ledger (`ot db rebuild` mends them)."""
        return self._problems(*PROJECTION_KEYS)

    @property
    def chain_ok(self) -> bool:
        """The chain verifies, and the file and its schema are what the program made."""
        return self.verification is not None and not self.chain_problems

    @property
    def projections_ok(self) -> bool:
        return self.verification is not None and not self.table_problems

    @property
    def damaged(self) -> bool:
        """The ledger itself cannot be trusted: a backup is the way out, not a rebuild."""
        return not self.database.newer and (not self.database.sound or not self.chain_ok)

    @property
    def ok(self) -> bool:
        return not self.damaged and self.projections_ok and not self.attachment_problems

    @property
    def restore_from(self) -> BackupState | None:
        """The newest intact backup, when the ledger needs one."""
        if not self.damaged:
            return None
        return next((b for b in self.backups if b.intact), None)


def diagnose(location: str, now: Clock) -> Diagnosis:
    """Look at everything without writing anything; never raises for a damaged file."""
    db, error = _open(location)
    if db is None:
        state = DatabaseState(shown(location), "://" not in location, False, error=error)
        return Diagnosis(state, None, 0, (), ())
    try:
        state, verification, checked, missing = _examine(location, db, now)
    finally:
        db.close()
    folder = db.path.parent / BACKUP_DIR_NAME if db.path is not None else None
    backups = tuple(backup_states(folder)) if folder is not None else ()
    return Diagnosis(state, verification, checked, tuple(missing), backups)


def _examine(
    location: str, db: Database, now: Clock
) -> tuple[DatabaseState, Verification | None, int, list[AttachmentProblem]]:
    state = _database_state(location, db)
    if not state.readable or state.schema is None or state.newer:
        return state, None, 0, []
    # Not one of this program's revisions (an older one is checked as it is, read-only).
    if state.schema not in schema_check.known_revisions():
        error = f"schema revision {state.schema or '(empty)'} is not one this program knows"
        return replace(state, error=error), None, 0, []
    data_dir = db.path.parent if db.path is not None else default_data_dir()
    # Every failure to read is a finding about the ledger, never a crash of the doctor.
    try:
        verification = App(db, now, data_dir).verify()
        if verification.problems:
            return state, verification, 0, []
        checked, missing = check_attachments(db, EvidenceStore(data_dir / "evidence"))
    except Exception as exc:
        return replace(state, error=_reason(exc)), None, 0, []
    return state, verification, checked, missing


def _open(location: str) -> tuple[Database | None, str | None]:
    try:
        db = open_database(location)
    except Exception as exc:  # a bad URL or a missing driver: the message says which
        return None, str(exc)
    if db.path is not None:
        db.close()
        return ReadOnlySQLiteDatabase(db.path, live=True), None
    return db, None


def _database_state(location: str, db: Database) -> DatabaseState:
    if db.path is None:
        return _probe(shown(location), db, is_file=False, size=None)
    if not db.path.is_file():
        return DatabaseState(str(db.path), True, False)
    return _probe(str(db.path), db, is_file=True, size=db.path.stat().st_size)


def _probe(location: str, db: Database, is_file: bool, size: int | None) -> DatabaseState:
    # Every failure to read is a finding about the file, never a crash of the doctor.
    integrity: tuple[str, ...] = ()
    try:
        if isinstance(db, ReadOnlySQLiteDatabase):
            journal = hot_journal(db.path)  # type: ignore[arg-type]
            if journal is not None:
                integrity = (f"hot journal {journal}: an interrupted write not rolled back",)
            integrity += tuple(db.integrity_problems())
        schema = revision(db)
    except Exception as exc:
        return DatabaseState(location, is_file, True, size, error=_reason(exc))
    later = schema is not None and newer(schema) is True
    return DatabaseState(location, is_file, True, size, True, integrity, schema, newer=later)


def _reason(exc: BaseException) -> str:
    # The driver's own words ("file is not a database"), not the advice to run `ot doctor`.
    return str(exc.__cause__ or exc)


def attachments(db: Database) -> Iterator[tuple[int, dict[str, object]]]:
    """(seq, attachment) for every file the ledger refers to, by the entry that added it."""
    with db.read() as tx:
        for entry in ledger.iter_entries(tx):
            if entry.kind not in (facts.RECORD_ADD, facts.RECORD_AMEND):
                continue
            data = json.loads(entry.body)["data"]
            if entry.kind == facts.RECORD_AMEND:
                data = data.get("changes") or {}
            for item in data.get("attachments") or ():
                if isinstance(item, dict) and item.get("sha256"):
                    yield entry.seq, item


def check_attachments(db: Database, store: EvidenceStore) -> tuple[int, list[AttachmentProblem]]:
    """Every attachment is in the evidence store (`<sha[:2]>/<sha>`) and still has its hash."""
    problems: list[AttachmentProblem] = []
    seen: set[str] = set()
    for seq, item in attachments(db):
        sha = str(item["sha256"])
        if sha in seen:
            continue
        seen.add(sha)
        problem = store.problem(sha)
        if problem:
            name, path = str(item.get("name", "")), str(store.path(sha))
            params: dict[str, str | int] = {"sha256": sha, "name": name, "seq": seq, "path": path}
            problems.append(Problem(problem, seq, params))
    return len(seen), problems


def backup_states(folder: Path) -> Iterator[BackupState]:
    """Each `*.sqlite` in the backup folder, newest first."""
    try:
        files = [p for p in folder.glob("*.sqlite") if p.is_file()]
    except OSError:
        return
    for path in sorted(files, key=lambda p: (p.stat().st_mtime, p.name), reverse=True):
        yield backup_state(path)


def backup_state(path: Path) -> BackupState:
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    journal = hot_journal(path)
    if journal is not None:  # never "intact": its pages are not what was committed
        return BackupState(
            path, modified, error=f"hot journal {journal.name}: an interrupted write"
        )
    db = ReadOnlySQLiteDatabase(path, live=False)
    try:
        if db.integrity_problems():
            return BackupState(path, modified, True, error="integrity check failed")
        if revision(db) is None:
            return BackupState(path, modified, True, error="not a ledger")
        with db.read() as tx:
            schema = schema_messages(tx)
            if schema:  # a restore would refuse it (a trigger that deletes new rows, ...)
                return BackupState(path, modified, True, error=_schema_text(schema))
            report = verify_chain(ledger.iter_entries(tx))
    except Exception as exc:  # an unreadable backup is a finding, not a crash
        return BackupState(path, modified, error=_reason(exc))
    finally:
        db.close()
    return BackupState(path, modified, True, report.count, report.ok, report.head_hash)


def _schema_text(found: list[Message]) -> str:
    from offline_tracker.i18n import t

    return "; ".join(t(m.key, **m.params) for m in found[:3])


def advice(diag: Diagnosis, now: datetime, restore: str | None) -> list[Message]:
    """What to do, most important first. `restore` is how to call `ot restore` (None: copy)."""
    found: list[Message] = []
    state, path = diag.database, Path(diag.database.location)
    if not state.exists and not diag.backups:
        return [Message("doctor.advice.no_ledger", {"path": state.location})]
    if state.newer:
        return [Message("doctor.advice.upgrade", {"schema": state.schema, "known": HEAD_REVISION})]
    if diag.damaged and not state.is_file:
        found.append(Message("doctor.advice.server", {"location": state.location}))
    elif diag.damaged:
        best = diag.restore_from
        if best is not None:
            command = restore_command(path, best.path, now, restore)
            found.append(Message("doctor.advice.restore", {"path": best.path, "command": command}))
        elif state.exists:
            found.append(Message("doctor.advice.recover", {"path": state.location}))
        else:
            found.append(Message("doctor.advice.no_ledger", {"path": state.location}))
    if diag.verification is not None and not diag.projections_ok and diag.chain_ok:
        found.append(Message("doctor.advice.rebuild"))
    found += [p.message("doctor.advice.attachment_") for p in diag.attachment_problems]
    return found


def restore_command(db: Path, backup: Path, now: datetime, restore: str | None) -> str:
    """The exact shell command that puts `backup` in place of `db`, keeping the damaged files."""
    if restore is not None:
        # --yes: the doctor found the ledger damaged; restore still lists what it replaces.
        return f"{restore} --yes {shlex.quote(str(backup))}"
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    # The WAL and shared-memory files belong to the damaged file: left in place, SQLite would
    # replay the old WAL into the restored copy. They are moved aside too, never deleted.
    moves = [
        f"mv {shlex.quote(str(f))} {shlex.quote(f'{f}.damaged-{stamp}')}"
        for f in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"))
        if f.exists()
    ]
    return " && ".join([*moves, f"cp {shlex.quote(str(backup))} {shlex.quote(str(db))}"])
