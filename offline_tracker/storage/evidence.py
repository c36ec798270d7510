"""The evidence store: original files (screenshots, mail) kept once each under their SHA-256.

Layout `<root>/<sha[:2]>/<sha>`, files readable by the owner only. A ledger entry keeps the digest,
so a file can be checked against it at any time (RULES E4, E5). Writes go through a temporary
file and an atomic rename, so a crash never leaves a half-written original under its name.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any, BinaryIO

from offline_tracker.domain.errors import InputError, os_reason

_BLOCK = 1 << 20


class EvidenceStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha: str) -> Path:
        return self.root / sha[:2] / sha

    def put_bytes(self, name: str, data: bytes) -> dict[str, Any]:
        """Keep `data`; returns the attachment as the ledger records it."""
        digest = hashlib.sha256(data).hexdigest()
        self._write(digest, lambda handle: handle.write(data))
        return {"sha256": digest, "name": name, "size": len(data)}

    def put_file(self, source: Path) -> dict[str, Any]:
        """Keep a copy of `source` (read twice: once to hash, once to copy; files may be large).

        A source that cannot be read is the user's input (exit 2); a store that cannot be
        written (a full disk) is a failed operation, raised as the OSError it is (exit 1).
        """
        try:
            digest, size = _digest(source)
        except OSError as exc:
            raise InputError("error.attachment", path=str(source), reason=os_reason(exc)) from exc

        def copy(handle: Any) -> None:
            with _open_regular(source) as src:
                for block in iter(lambda: src.read(_BLOCK), b""):
                    handle.write(block)

        self._write(digest, copy)
        return {"sha256": digest, "name": source.name, "size": size}

    def read(self, sha: str) -> bytes:
        return self.path(sha).read_bytes()

    def problem(self, sha: str) -> str | None:
        """None when the file is there with its hash; else "missing" or "mismatch"."""
        try:
            digest, _ = _digest(self.path(sha))
        except OSError:
            return "missing"
        return None if digest == sha else "mismatch"

    def _write(self, digest: str, fill: Any) -> None:
        target = self.path(digest)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = target.with_name(f"{digest}.{os.getpid()}.part")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                fill(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)


class NotAFile(InputError):
    """An attachment that is a FIFO, a device or a folder: refused at once, never read."""


def _open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading, refused unless it is a regular file (after links).

    Opened without blocking, then checked on the open descriptor: a FIFO would otherwise make
    the command wait forever for a writer, a device read without end (`/dev/zero`).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotAFile("error.attachment_not_file", path=str(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _digest(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with _open_regular(path) as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
