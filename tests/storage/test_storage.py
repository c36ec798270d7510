"""The SQLite ledger: append-only triggers, projections in step, rebuild, schema and backups."""

from __future__ import annotations

import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from offline_tracker.app import open_app
from offline_tracker.domain import facts
from offline_tracker.storage import ledger, queries
from offline_tracker.storage.schema import HEAD_REVISION, auto_backup, revision

NOW = datetime(2025, 10, 8, 1, 30, tzinfo=UTC)


def _add(tx, start: str, end: str | None, text: str = "x") -> int:  # type: ignore[no-untyped-def]
    data = {
        "type": "session",
        "start": start,
        "end": end,
        "zone": "Asia/Shanghai",
        "offset": "+08:00",
        "text": text,
        "tags": [],
        "attachments": [],
        "emergency": False,
    }
    return ledger.append(tx, facts.RECORD_ADD, data, "2025-10-08T01:30:00Z").seq


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "l.sqlite"


def test_append_projects_and_rebuild_reproduces(db_path: Path) -> None:
    with open_app(str(db_path), lambda: NOW, create=True) as app:
        with app.db.write() as tx:
            rid = _add(tx, "2025-10-07T15:00:00Z", "2025-10-07T16:00:00Z")
            ledger.append(
                tx,
                facts.RECORD_AMEND,
                {"record": rid, "changes": {"text": "y"}, "reason": "typo"},
                "2025-10-08T01:31:00Z",
                ref=rid,
            )
        with app.db.read() as tx:
            before = queries.all_records(tx)
        assert before[rid]["text"] == "y"
        assert app.rebuild() == 2
        with app.db.read() as tx:
            assert queries.all_records(tx) == before


def test_ledger_refuses_update_and_delete(db_path: Path) -> None:
    with open_app(str(db_path), lambda: NOW, create=True) as app, app.db.write() as tx:
        _add(tx, "2025-10-07T15:00:00Z", "2025-10-07T16:00:00Z")
    conn = sqlite3.connect(db_path)
    for sql in ("UPDATE ledger SET kind = 'x'", "DELETE FROM ledger"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    conn.close()


def test_period_query_reads_only_overlapping_records(db_path: Path) -> None:
    with open_app(str(db_path), lambda: NOW, create=True) as app:
        with app.db.write() as tx:
            _add(tx, "2025-01-01T10:00:00Z", "2025-01-01T11:00:00Z", "old")
            _add(tx, "2025-10-06T23:00:00Z", "2025-10-07T01:00:00Z", "crosses")
            _add(tx, "2025-10-07T10:00:00Z", None, "running")
        lo = datetime(2025, 10, 7, tzinfo=UTC)
        with app.db.read() as tx:
            found = queries.records_between(tx, lo, datetime(2025, 10, 8, tzinfo=UTC))
    assert [r.text for r in found] == ["crosses", "running"]


def test_schema_is_at_alembic_head(db_path: Path) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", "offline_tracker.storage:migrations")
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION
    with open_app(str(db_path), lambda: NOW, create=True) as app:
        assert revision(app.db) == HEAD_REVISION


def test_files_are_private_and_backups_copy_the_data(db_path: Path) -> None:
    with open_app(str(db_path), lambda: NOW, create=True) as app:
        with app.db.write() as tx:
            _add(tx, "2025-10-07T15:00:00Z", "2025-10-07T16:00:00Z")
        copy = auto_backup(app.db, "test", NOW)
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert copy is not None and stat.S_IMODE(copy.stat().st_mode) == 0o600
    rows = sqlite3.connect(copy).execute("SELECT count(*) FROM ledger").fetchone()
    assert rows == (1,)
