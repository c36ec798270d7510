"""Database connections: SQLite files through the stdlib driver, other URLs through SQLAlchemy.

Both run the same SQL (named `:params`, the portable subset of SQLite and PostgreSQL). SQLite, the
default, goes through `sqlite3` directly because importing SQLAlchemy alone costs ~230 ms of the
300 ms budget of `ot log` (issue 7); SQLAlchemy and Alembic are imported only to migrate a file and
to talk to a server.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from offline_tracker.domain.errors import Message, Refusal, os_reason

BUSY_TIMEOUT_MS = 30_000
_RETRIES = 5


class StorageError(Refusal):
    """The database cannot be used; the message (storage.*) says why and what to do."""


_PASSWORD = re.compile(r"(://[^:/@\s'\"]*:)[^@\s'\"]*@")


def without_passwords(text: str) -> str:
    """`text` with the password of every URL in it masked (a message gets pasted; a driver's
    error may quote the URL it was given)."""
    return _PASSWORD.sub(r"\1***@", text)


class Tx:
    """One transaction: run SQL with named parameters, get tuples back."""

    def __init__(self, run: Any, dialect: str, run_many: Any = None) -> None:
        self._run = run
        self._run_many = run_many
        self.dialect = dialect

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        return self._run(sql, params or {})

    def executemany(self, sql: str, rows: Sequence[dict[str, Any]]) -> None:
        """One statement for many parameter sets (the driver's executemany when it has one)."""
        if self._run_many is None:
            for row in rows:
                self._run(sql, row)
        elif rows:
            self._run_many(sql, rows)

    def one(self, sql: str, params: dict[str, Any] | None = None) -> tuple[Any, ...] | None:
        row = self.execute(sql, params).fetchone()
        return tuple(row) if row is not None else None

    def all(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.execute(sql, params).fetchall()]

    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        row = self.one(sql, params)
        return row[0] if row else None


class Database:
    """A ledger database. `read()` and `write()` each give one transaction."""

    dialect = "sqlite"
    path: Path | None = None

    def __init__(self, url: str) -> None:
        self.url = url

    @contextmanager
    def read(self) -> Iterator[Tx]:
        raise NotImplementedError

    @contextmanager
    def write(self) -> Iterator[Tx]:
        raise NotImplementedError

    def close(self) -> None:
        """Release connections."""


class SQLiteDatabase(Database):
    """A SQLite file: WAL, foreign keys, a busy timeout; writes take `BEGIN IMMEDIATE`."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"sqlite:///{path}")
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = _connect_sqlite(self.path)  # type: ignore[arg-type]
        return self._conn

    @contextmanager
    def read(self) -> Iterator[Tx]:
        conn = self.connection()
        try:
            conn.execute("BEGIN")
            yield Tx(conn.execute, "sqlite")
        except sqlite3.DatabaseError as exc:
            _reraise(exc, self.path, writing=False)
        finally:
            _end(conn, "COMMIT")

    @contextmanager
    def write(self) -> Iterator[Tx]:
        conn = self.connection()
        _begin_immediate(conn, self.path)
        try:
            yield Tx(conn.execute, "sqlite", conn.executemany)
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            _end(conn, "ROLLBACK")
            _reraise(exc, self.path, writing=True)
        except BaseException:
            _end(conn, "ROLLBACK")
            raise

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _end(conn: sqlite3.Connection, statement: str) -> None:
    # SQLite rolls back by itself on SQLITE_FULL and some I/O errors; a second ROLLBACK would then
    # raise "no transaction is active" and hide the real cause (tests/reliability/test_corruption).
    if conn.in_transaction:
        try:
            conn.execute(statement)
        except sqlite3.Error:
            conn.rollback()


def _begin_immediate(conn: sqlite3.Connection, path: Path | None = None) -> None:
    # The busy timeout waits for the lock; a retry covers the rare SQLITE_BUSY it still returns.
    for attempt in range(_RETRIES):
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                _reraise(exc, path, writing=True)
            time.sleep(0.05 * (attempt + 1))
    raise StorageError("storage.locked")


def _reraise(exc: sqlite3.DatabaseError, path: Path | None, writing: bool) -> NoReturn:
    explained = explain(exc, path, writing)
    if explained is None:
        raise exc
    raise explained from exc


def explain(exc: sqlite3.DatabaseError, path: Path | None, writing: bool) -> StorageError | None:
    """A StorageError that says what failed and the way out; None for a program bug."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    # SQLite's own words (exc) are quoted in the message: they have no translation.
    lost: Message | str = Message("storage.nothing_saved") if writing else ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return StorageError("storage.damaged", path=str(path), reason=str(exc), lost=lost)
    if name.startswith("SQLITE_FULL"):
        return StorageError("storage.disk_full", lost=lost)
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
        return StorageError("storage.cannot_write", path=str(path), reason=str(exc), lost=lost)
    if name.startswith("SQLITE_IOERR"):
        return StorageError("storage.io_error", path=str(path), reason=str(exc), lost=lost)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StorageError("storage.locked")
    return None


def _connect_sqlite(path: Path) -> sqlite3.Connection:
    try:
        return _connect_writable(path)
    except StorageError as exc:
        name = getattr(exc.__cause__, "sqlite_errorname", "") or ""
        if not name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or not path.is_file():
            raise
    # A read-only file or folder (a court's copy, a write-protected stick): read it as it is;
    # a write then fails with SQLite's own "readonly database" (explain() words it).
    try:
        return open_read_only(path)
    except sqlite3.DatabaseError as exc:
        _reraise(exc, path, writing=False)


def _connect_writable(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit that was reported saved survives a crash or a power cut (evidence).
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        explained = explain(exc, path, writing=False)
        if explained is not None:
            raise explained from exc
        raise StorageError("storage.unreadable", path=str(path), reason=str(exc)) from exc
    return conn


def open_read_only(path: Path, live: bool = True) -> sqlite3.Connection:
    """A connection that cannot write (for `ot doctor`); may raise sqlite3.Error.

    A live ledger is opened with `mode=ro`, which still takes SQLite's locks so that a writer in
    another process is seen consistently. A backup without a WAL file beside it is opened
    `immutable`, which leaves no -wal/-shm files behind in the backup folder.
    """
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if live or wal.exists() else "immutable=1"
    try:
        return _connect_uri(path, mode)
    except sqlite3.OperationalError as exc:
        name = getattr(exc, "sqlite_errorname", "") or ""
        if not name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")) or mode != "mode=ro":
            raise
        # A read-only folder cannot hold the -shm file that `mode=ro` needs for a WAL ledger;
        # `immutable` reads the file alone, which is whole only without a WAL beside it.
        if wal.exists() and wal.stat().st_size > 0:
            raise StorageError("storage.read_only_wal", path=str(path)) from exc
        return _connect_uri(path, "immutable=1")


# The first bytes of a rollback journal that SQLite would replay (sqlite.org/fileformat.html).
_JOURNAL_MAGIC = b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7"


def hot_journal(path: Path) -> Path | None:
    """The `-journal` beside a file when it holds an interrupted write (a hot journal).

    Such a file's pages are not what was committed: read as it is (`immutable`) it would look
    whole, and opened for writing SQLite would roll the journal back into it.
    """
    journal = path.with_name(path.name + "-journal")
    try:
        with journal.open("rb") as handle:
            return journal if handle.read(8) == _JOURNAL_MAGIC else None
    except OSError:
        return None


def _connect_uri(path: Path, mode: str) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?{mode}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


class ReadOnlySQLiteDatabase(SQLiteDatabase):
    """A ledger file that nothing here can write to: `ot doctor` on a damaged file or a backup."""

    def __init__(self, path: Path, live: bool = True) -> None:
        super().__init__(path)
        self.live = live

    def connection(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                self._conn = open_read_only(self.path, self.live)  # type: ignore[arg-type]
            except sqlite3.DatabaseError as exc:
                _reraise(exc, self.path, writing=False)
        return self._conn

    @contextmanager
    def write(self) -> Iterator[Tx]:
        raise StorageError("storage.read_only", path=str(self.path))
        yield  # pragma: no cover

    def integrity_problems(self, limit: int = 20) -> list[str]:
        """What `PRAGMA integrity_check` finds (empty when the file is sound)."""
        with self.read() as tx:
            rows = [str(r[0]) for r in tx.all(f"PRAGMA integrity_check({int(limit)})")]
        lines = [line for row in rows for line in row.splitlines() if not line.startswith("***")]
        return [] if lines == ["ok"] else lines


class SQLAlchemyDatabase(Database):
    """Any other SQLAlchemy URL (PostgreSQL for pooled ledgers)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        from sqlalchemy import create_engine

        try:
            self.engine = create_engine(url, pool_pre_ping=True)
        except Exception as exc:  # a bad URL or a missing driver
            shown, reason = without_passwords(url), without_passwords(str(exc))
            raise StorageError("storage.bad_url", url=shown, reason=reason) from exc
        self.dialect = self.engine.dialect.name

    def _tx(self, conn: Any) -> Tx:
        from sqlalchemy import text

        return Tx(
            lambda sql, params: conn.execute(text(sql), params),
            self.dialect,
            lambda sql, rows: conn.execute(text(sql), list(rows)),
        )

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """One snapshot: `ot verify` and a pack read the ledger in pages, then the projections;
        under READ COMMITTED each statement would see other writers' new commits (false
        drift). REPEATABLE READ, read only, never waits for a writer nor blocks one."""
        with self._connect() as conn:
            if self.dialect == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                yield self._tx(conn)

    @contextmanager
    def write(self) -> Iterator[Tx]:
        with self._connect() as conn, conn.begin():
            tx = self._tx(conn)
            if self.dialect == "postgresql":
                # One writer at a time for the whole transaction, as SQLite's BEGIN IMMEDIATE:
                # a check such as "no session is running" and the append it guards must not
                # interleave with another writer's (tests/postgres: the start race).
                tx.execute("LOCK TABLE ledger IN SHARE ROW EXCLUSIVE MODE")
            yield tx

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        from sqlalchemy.exc import OperationalError

        try:
            conn = self.engine.connect()
        except OperationalError as exc:
            reason = without_passwords(str(exc.orig))
            raise StorageError("storage.cannot_connect", reason=reason) from exc
        with conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()


def open_database(url_or_path: str) -> Database:
    """A Database for a file path, a `sqlite:///` URL or any other SQLAlchemy URL."""
    if "://" not in url_or_path:
        return SQLiteDatabase(Path(url_or_path).expanduser())
    if url_or_path.startswith("sqlite:///"):
        return SQLiteDatabase(Path(url_or_path.removeprefix("sqlite:///")).expanduser())
    return SQLAlchemyDatabase(url_or_path)


def create_private_file(path: Path) -> None:
    """Create an empty file readable by the owner only (the ledger is personal evidence)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    except OSError as exc:
        # "File exists /x" alone does not tell that a file stands where a folder should be.
        raise StorageError(
            "storage.cannot_create", path=str(path), reason=os_reason(exc), at=str(exc.filename)
        ) from exc
    os.close(fd)
