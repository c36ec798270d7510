"""Backup and restore of a SQLite ledger file; a copy is verified before it is trusted (E5)."""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from offline_tracker.domain.errors import Failure, InputError, Refusal, os_reason
from offline_tracker.i18n import t
from offline_tracker.storage.db import hot_journal
from offline_tracker.storage.files import CopyError, LedgerInUse, copy_ledger, release, single_file
from offline_tracker.storage.schema import BACKUP_DIR_NAME

# A restore must be the only user of the ledger: wait this long for others to let go.
_LOCK_WAIT_S = 2.0


@dataclass(frozen=True)
class FileCheck:
    """A backup copy (or a restored file), the verification of its chain, the file kept aside."""

    path: Path
    verification: Any
    kept: Path | None = None
    # What a restore replaces: the current ledger's entries (seq, recorded_at, kind) that the
    # backup lacks or has otherwise, or why the current ledger could not be compared.
    replaced: tuple[tuple[int, str, str], ...] = ()
    uncompared: str | None = None
    needs_yes: bool = False

    @property
    def ok(self) -> bool:
        return bool(self.verification.ok) and not self.needs_yes


def sqlite_file(location: str) -> Path:
    """The ledger's file; a server has its own tools (pg_dump), which know its consistency."""
    if "://" in location and not location.startswith("sqlite:///"):
        raise Failure(t("error.backup_server"))
    return Path(location.removeprefix("sqlite:///")).expanduser()


def _stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def verify_file(path: Path, now: datetime) -> Any:
    """`ot verify` on another ledger file (a backup copy; its tokens' files are not beside it)."""
    from offline_tracker.app.core import open_app

    with open_app(str(path), lambda: now) as copy:
        return copy.verify(tokens=False)


def _copy(source: Path, dest: Path, read_only: bool = False) -> None:
    """A consistent copy through SQLite's online backup API (safe while others write).

    A full disk or an unwritable folder names the copy's place; only a source that SQLite
    cannot read is "not a ledger".
    """
    try:
        copy_ledger(source, dest, read_only)
    except CopyError as exc:
        if exc.why == "disk_full":
            raise Refusal("error.copy_disk_full", path=str(dest)) from exc
        if exc.why == "hot_journal":
            raise Refusal("error.hot_journal", path=str(source)) from exc
        if exc.why == "io":
            raise Refusal("error.copy_failed", path=str(dest), reason=exc.reason) from exc
        raise Failure(t("error.not_a_ledger", path=str(source), reason=exc.reason)) from exc
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise Refusal("error.copy_disk_full", path=str(dest)) from exc
        raise Refusal("error.copy_failed", path=str(dest), reason=os_reason(exc)) from exc


def backup(location: str, dest: Path | None, now: datetime, parents: bool = False) -> FileCheck:
    """Copy the live ledger (default: backups/<stem>-<UTC stamp>-manual.sqlite), then verify it.

    A folder given by the user must exist (a USB stick that is not mounted must not become a
    local folder) unless `parents`.
    """
    source = sqlite_file(location)
    if not source.is_file():
        raise InputError("error.no_ledger_file", path=str(source))
    name = f"{source.stem}-{_stamp(now)}-manual.sqlite"
    if dest is not None and not dest.parent.is_dir() and not parents:
        raise Refusal("error.backup_no_folder", folder=str(dest.parent), path=str(dest))
    dest = dest or source.parent / BACKUP_DIR_NAME / name
    if dest.exists() or dest.is_symlink():
        raise InputError("error.backup_exists", path=str(dest))
    _copy(source, dest)
    return FileCheck(dest, verify_file(dest, now))


def restore(location: str, backup_file: Path, now: datetime, yes: bool = False) -> FileCheck:
    """Verify `backup_file`, keep the current file aside, then swap the backup in atomically.

    When the current ledger has entries the backup lacks (or another chain), or cannot be
    compared, they are listed in the answer and nothing is done without `yes`.
    """
    target = sqlite_file(location)
    if not backup_file.is_file():
        raise InputError("error.no_ledger_file", path=str(backup_file))
    if hot_journal(backup_file) is not None:  # its pages are not what was committed
        raise Refusal("error.hot_journal", path=str(backup_file))
    stamp = _stamp(now)
    staged = target.with_name(f".{target.stem}-restore-{stamp}.sqlite")
    try:
        # A copy, read without the right to write: verifying (and migrating) never touches the
        # backup, and a hot journal beside it is refused, never rolled back into it.
        _copy(backup_file, staged, read_only=True)
        verification = verify_file(staged, now)
        if not verification.ok:
            return FileCheck(backup_file, verification)  # a chain that fails is never restored
        replaced, uncompared = _replaced(target, staged)
        if (replaced or uncompared) and not yes:
            return FileCheck(backup_file, verification, None, replaced, uncompared, True)
        single_file(staged)
        kept = _set_aside(target, f"{target.stem}-{stamp}-before-restore.sqlite")
        os.replace(staged, target)
    finally:
        for path in (staged, *_sidecars(staged)):
            path.unlink(missing_ok=True)
    return FileCheck(target, verification, kept, replaced, uncompared)


def _replaced(target: Path, staged: Path) -> tuple[tuple[tuple[int, str, str], ...], str | None]:
    """The current ledger's entries that the backup lacks or has with another hash (a chain
    that diverges differs from there on), or why the two cannot be compared."""
    from offline_tracker.storage.db import ReadOnlySQLiteDatabase

    if not target.exists() or target.stat().st_size == 0:
        return (), None  # nothing there to lose
    sql = "SELECT seq, hash, recorded_at, kind FROM ledger ORDER BY seq"
    found: list[list[tuple[Any, ...]]] = []
    for path, live in ((staged, False), (target, True)):
        db = ReadOnlySQLiteDatabase(path, live=live)
        try:
            with db.read() as tx:
                found.append(tx.all(sql))
        except Exception as exc:  # a damaged current file: said, and --yes asked for
            return (), str(exc.__cause__ or exc)
        finally:
            db.close()
    kept = {int(seq): str(digest) for seq, digest, _, _ in found[0]}
    lost = [(int(s), str(at), str(k)) for s, h, at, k in found[1] if kept.get(int(s)) != h]
    return tuple(lost), None


def _set_aside(target: Path, name: str) -> Path | None:
    """Keep the current file as a backup; stale -wal/-shm must go, or SQLite would replay them
    into the restored file."""
    if not target.exists():
        return None
    try:
        healthy = release(target, _LOCK_WAIT_S)
    except LedgerInUse as exc:
        raise Failure(t("error.ledger_in_use", path=str(target))) from exc
    kept = target.parent / BACKUP_DIR_NAME / name
    kept.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "wb") as out, target.open("rb") as source:
        shutil.copyfileobj(source, out)
    for sidecar in _sidecars(target):
        if sidecar.exists() and not healthy and sidecar.name.endswith("-wal"):
            shutil.copyfile(sidecar, kept.with_name(kept.name + "-wal"))  # unreadable: keep all
        sidecar.unlink(missing_ok=True)
    return kept
