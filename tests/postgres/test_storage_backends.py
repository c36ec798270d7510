"""The storage layer on both backends: append-only, projections, rebuild, period queries, and one
linear chain under concurrent writers (BEGIN IMMEDIATE on SQLite, a table lock on PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from offline_tracker.app import RecordInput, open_app
from offline_tracker.domain import facts
from offline_tracker.domain.errors import InputError
from offline_tracker.storage import ledger, queries
from offline_tracker.storage.schema import HEAD_REVISION, revision
from tests.postgres.conftest import BackendOt
from tests.reliability.support import logged_ids, spawn_writer

NOW = datetime(2025, 10, 8, 1, 30, tzinfo=UTC)


def _clock() -> datetime:
    return NOW


def _add(tx: Any, start: str, end: str | None, text: str = "x") -> int:
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


def test_append_projects_and_rebuild_reproduces(location: str) -> None:
    with open_app(location, _clock, create=True) as app:
        assert revision(app.db) == HEAD_REVISION
        with app.db.write() as tx:
            rid = _add(tx, "2025-10-07T15:00:00Z", "2025-10-07T16:00:00Z")
            change = {"record": rid, "changes": {"text": "y"}, "reason": "typo"}
            ledger.append(tx, facts.RECORD_AMEND, change, "2025-10-08T01:31:00Z", ref=rid)
        with app.db.read() as tx:
            before = queries.all_records(tx)
        assert before[rid]["text"] == "y"
        assert app.rebuild() == 2
        with app.db.read() as tx:
            assert queries.all_records(tx) == before
        assert app.verify().ok


@pytest.mark.parametrize("statement", ["UPDATE ledger SET kind = 'x'", "DELETE FROM ledger"])
def test_the_database_refuses_to_change_the_ledger(location: str, statement: str) -> None:
    with open_app(location, _clock, create=True) as app:
        with app.db.write() as tx:
            _add(tx, "2025-10-07T15:00:00Z", "2025-10-07T16:00:00Z")
        with pytest.raises(Exception, match="append-only"), app.db.write() as tx:
            tx.execute(statement)
        with app.db.read() as tx:
            assert tx.scalar("SELECT count(*) FROM ledger") == 1


def test_period_query_reads_only_overlapping_records(location: str) -> None:
    with open_app(location, _clock, create=True) as app:
        with app.db.write() as tx:
            _add(tx, "2025-01-01T10:00:00Z", "2025-01-01T11:00:00Z", "old")
            _add(tx, "2025-10-06T23:00:00Z", "2025-10-07T01:00:00Z", "crosses")
            _add(tx, "2025-10-07T10:00:00Z", None, "running")
        lo, hi = datetime(2025, 10, 7, tzinfo=UTC), datetime(2025, 10, 8, tzinfo=UTC)
        with app.db.read() as tx:
            found = queries.records_between(tx, lo, hi)
            assert [r.text for r in queries.running(tx)] == ["running"]
    assert [r.text for r in found] == ["crosses", "running"]


def test_concurrent_processes_keep_one_chain_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    # SQLite's counterpart, with 8 writers, is tests/reliability/test_concurrency.py.
    ot = BackendOt(pg_url, tmp_path)
    ot.init()
    procs = [spawn_writer(pg_url, 12, f"w{k}") for k in range(4)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in results]
    ids = sorted(i for out, _ in results for i in logged_ids(out))
    assert ids == list(range(3, 3 + 48))
    verified = ot("verify", "--json").json()
    assert verified["ok"] and verified["entries"] == 50


def _race(location: str, count: int, action: Callable[[Any, int], object]) -> list[object]:
    """Run `action(app, k)` in `count` threads released at the same moment; results or errors."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def one(k: int) -> None:
        with open_app(location, _clock) as app:
            app.initialised()  # connected and migrated before the start line
            barrier.wait()
            try:
                results[k] = action(app, k)
            except Exception as exc:  # the outcome under test
                results[k] = exc

    threads = [threading.Thread(target=one, args=(k,)) for k in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_only_one_session_starts_under_a_race(any_ledger: BackendOt) -> None:
    # The check "nothing is running" and the append must be one step, on every backend.
    results = _race(
        str(any_ledger.db), 6, lambda app, k: app.start(RecordInput(text=f"s{k}", at="08:00"))
    )
    refused = [r for r in results if isinstance(r, InputError)]
    assert len(refused) == 5, results
    assert len(any_ledger("status", "--json").json()["running"]) == 1
    assert any_ledger("verify").code == 0


_OLD_TABLES = (
    "ledger",
    "records",
    "contracts",
    "calendar_days",
    "official_calendars",
    "comp_time",
    "anchors",
    "meta",
)


def test_an_old_server_ledger_upgrades_and_says_what_it_said(pg_url: str, tmp_path: Path) -> None:
    """Schema 0002 on PostgreSQL: the rows of tests/storage/data/ledger-0001.sqlite (written by
    the program at schema 0001) put in a server database at 0001, then used by today's code."""
    import sqlite3

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from offline_tracker.storage.schema import MIGRATIONS
    from tests.storage.test_migration import OLD, SAID

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(pg_url)
    source = sqlite3.connect(OLD)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        for table in _OLD_TABLES:
            cursor = source.execute(f"SELECT * FROM {table}")
            names = [c[0] for c in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor]
            if "voided" in names:
                rows = [{**row, "voided": bool(row["voided"])} for row in rows]
            insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES (:{', :'.join(names)})"
            if rows:
                conn.execute(text(insert), rows)
    source.close()
    engine.dispose()
    old = BackendOt(pg_url, tmp_path / "home")
    old.now = SAID["now"]
    for name, args in SAID["commands"].items():
        result = old(*args)
        assert result.code == 0, (name, result.err)
        assert result.out == SAID["said"][name], name
    with open_app(pg_url, _clock) as app, app.db.read() as tx:
        assert revision(app.db) == HEAD_REVISION
        copies = tx.all("SELECT id FROM records WHERE data IS NOT NULL ORDER BY id")
        assert copies == tx.all("SELECT id FROM records WHERE last_seq <> id ORDER BY id")
        assert len(copies) == 3
    assert old("log", "after the upgrade", "--at", "2025-10-10 08:30", "--minutes", "5").code == 0
    assert old("verify", "--json").json()["ok"]
