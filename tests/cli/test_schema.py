"""The database itself: SQLite's quick_check, and the schema against what the migrations create
(issue 13: `ot verify`, `ot doctor` and `ot restore`; docs/reliability.md, "Attacks")."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from offline_tracker.storage import schema_check
from offline_tracker.storage.db import SQLiteDatabase
from offline_tracker.storage.schema import backup_sqlite
from tests.conftest import Ot

pytestmark = pytest.mark.usefixtures("walks")


@pytest.fixture
def filled(ledger: Ot) -> Ot:
    for i, at in enumerate(("2025-10-06 21:00", "2025-10-06 22:00", "2025-10-07 23:00")):
        assert ledger("log", f"task {i}", "--at", at, "--minutes", "20").code == 0
    return ledger


def _run(ot: Ot | Path, *sql: str) -> None:
    conn = sqlite3.connect(ot.db if isinstance(ot, Ot) else ot)
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


# The attack of the issue: a trigger that quietly deletes every new record.
ERASER = (
    "CREATE TRIGGER keep_nothing AFTER INSERT ON records "
    "BEGIN DELETE FROM records WHERE id = NEW.id; END"
)


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("DROP TRIGGER ledger_no_update", "schema: trigger ledger_no_update is missing"),
        ("DROP TRIGGER ledger_no_delete", "schema: trigger ledger_no_delete is missing"),
        (ERASER, "schema: trigger keep_nothing is not one the migrations create"),
        (
            "CREATE VIEW everything AS SELECT * FROM records",
            "schema: view everything is not one the migrations create",
        ),
        ("DROP INDEX ix_records_start_utc", "schema: index ix_records_start_utc is missing"),
        ("CREATE INDEX ix_extra ON records (type)", "schema: index ix_extra is not one"),
        ("CREATE TABLE notes (x TEXT)", "schema: table notes is not one"),
        ("ALTER TABLE records ADD COLUMN hidden TEXT", "schema: table records differs"),
    ],
)
def test_verify_compares_the_schema_with_the_migrations(filled: Ot, sql: str, problem: str) -> None:
    _run(filled, sql)
    result = filled("verify", "--json")
    assert result.code == 1
    problems = result.json()["problems"]
    assert len(problems) == 1 and problems[0].startswith(problem), problems
    doctor = filled("doctor")
    assert doctor.code == 1 and problem in doctor.out, doctor.out


def test_a_trigger_that_does_nothing_under_the_same_name_is_found(filled: Ot) -> None:
    _run(
        filled,
        "DROP TRIGGER ledger_no_update",
        "CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN SELECT 1; END",
    )
    problems = filled("verify", "--json").json()["problems"]
    assert problems == ["schema: trigger ledger_no_update differs from what the migrations create"]


def _damage_index(path: Path, index: str) -> None:
    """Garbage over the pages of one index: what the chain walk never reads."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)).fetchone()
    (size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * size + 8)
        handle.write(b"\xff" * (size - 8))


def test_a_damaged_page_fails_verify_before_anything_else(filled: Ot) -> None:
    _damage_index(filled.db, "ix_records_start_utc")
    assert filled("report", "week").code == 1  # "database disk image is malformed"
    result = filled("verify", "--json")
    assert result.code == 1
    problems = result.json()["problems"]
    assert problems and all(
        p.startswith("the file is damaged (SQLite's quick_check") for p in problems
    )


def test_restore_refuses_a_backup_with_a_trigger_that_deletes_new_rows(filled: Ot) -> None:
    bad = backup_sqlite(filled.db, filled.db.parent / "poisoned.sqlite")
    _run(bad, ERASER)
    before = bad.read_bytes()
    result = filled("restore", str(bad))
    assert result.code == 1 and "keep_nothing" in result.err, result.err
    assert bad.read_bytes() == before
    assert filled("log", "after", "--at", "2025-10-08 08:00").code == 0
    assert any(r["text"] == "after" for r in filled("list", "--json").json()["records"])


def test_doctor_does_not_offer_a_backup_with_a_foreign_trigger(filled: Ot) -> None:
    folder = filled.db.parent / "backups"
    bad = backup_sqlite(filled.db, folder / "ledger-poisoned.sqlite")
    _run(bad, ERASER)
    _run(filled, "DROP TRIGGER ledger_no_delete")
    result = filled("doctor")
    assert result.code == 1
    assert "unusable: schema: trigger keep_nothing is not one" in result.out
    assert "no intact backup" in result.out and f"restore {bad}" not in result.out


@pytest.mark.usefixtures("ledger")
def test_the_snapshot_is_what_the_migrations_create(ot: Ot) -> None:
    """expected_schema.json against a ledger the migrations just made (PostgreSQL's: in
    tests/postgres/test_storage_backends.py)."""
    db = SQLiteDatabase(ot.db)
    with db.read() as tx:
        described = schema_check.describe(tx)
    db.close()
    snapshot = json.loads(schema_check.EXPECTED.read_text(encoding="utf-8"))
    assert described == snapshot["sqlite"]
    assert schema_check.compare(described, snapshot["sqlite"]) == []
