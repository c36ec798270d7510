"""Database connections: SQLite files through the stdlib driver, other URLs through SQLAlchemy.

Both run the same SQL (named `:params`, the portable subset of SQLite and PostgreSQL). SQLite, the
default, goes through `sqlite3` directly because importing SQLAlchemy alone costs ~230 ms of the
300 ms budget of `ot log` (issue 7); SQLAlchemy and Alembic are imported only to migrate a file and
to talk to a server.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from offline_tracker.domain.errors import Failure

BUSY_TIMEOUT_MS = 30_000
_RETRIES = 5


class StorageError(Failure):
    """The database cannot be used; the message says why and what to do."""


class Tx:
    """One transaction: run SQL with named parameters, get tuples back."""

    def __init__(self, run: Any, dialect: str) -> None:
        self._run = run
        self.dialect = dialect

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        return self._run(sql, params or {})

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
        conn.execute("BEGIN")
        try:
            yield Tx(conn.execute, "sqlite")
        finally:
            conn.execute("COMMIT")

    @contextmanager
    def write(self) -> Iterator[Tx]:
        conn = self.connection()
        _begin_immediate(conn)
        try:
            yield Tx(conn.execute, "sqlite")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise StorageError(f"could not save: {exc}") from exc

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _begin_immediate(conn: sqlite3.Connection) -> None:
    # The busy timeout waits for the lock; a retry covers the rare SQLITE_BUSY it still returns.
    for attempt in range(_RETRIES):
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            time.sleep(0.05 * (attempt + 1))
    raise StorageError("the database stayed locked by another program; try again")


def _connect_sqlite(path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit that was reported saved survives a crash or a power cut (evidence).
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"{path} is not a readable ledger database ({exc}); run 'ot doctor' to find a backup"
        ) from exc
    return conn


class SQLAlchemyDatabase(Database):
    """Any other SQLAlchemy URL (PostgreSQL for pooled ledgers)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        from sqlalchemy import create_engine

        try:
            self.engine = create_engine(url, pool_pre_ping=True)
        except Exception as exc:  # a bad URL or a missing driver
            raise StorageError(f"cannot use the database URL {url!r}: {exc}") from exc
        self.dialect = self.engine.dialect.name

    def _tx(self, conn: Any) -> Tx:
        from sqlalchemy import text

        return Tx(lambda sql, params: conn.execute(text(sql), params), self.dialect)

    @contextmanager
    def read(self) -> Iterator[Tx]:
        with self._connect() as conn, conn.begin():
            yield self._tx(conn)

    @contextmanager
    def write(self) -> Iterator[Tx]:
        with self._connect() as conn, conn.begin():
            yield self._tx(conn)

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        from sqlalchemy.exc import OperationalError

        try:
            conn = self.engine.connect()
        except OperationalError as exc:
            raise StorageError(f"cannot connect to the database: {exc.orig}") from exc
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
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def executemany(tx: Tx, sql: str, rows: Sequence[dict[str, Any]]) -> None:
    """Run one statement for many parameter sets."""
    for row in rows:
        tx.execute(sql, row)
