"""Schema 0002 (issue 19): a ledger written by the program at schema 0001 upgrades on its first
use, backed up first, verifies, and says exactly what the old program said about it.

`data/ledger-0001.sqlite` and `data/ledger-0001.json` were made by the program at schema 0001
(data/make_old_ledger.py says how): corrections, a void, a stopped and a running session, an
import, time off in lieu, a calendar day and an anchor. PostgreSQL's migration of the same rows:
tests/postgres/test_storage_backends.py.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from offline_tracker.storage.schema import HEAD_REVISION
from tests.conftest import Ot

DATA = Path(__file__).parent / "data"
OLD = DATA / "ledger-0001.sqlite"
SAID: dict[str, Any] = json.loads((DATA / "ledger-0001.json").read_text(encoding="utf-8"))


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def old(tmp_path: Path) -> Ot:
    db = tmp_path / "ledger.sqlite"
    shutil.copyfile(OLD, db)
    return Ot(db, now=SAID["now"])


def test_the_fixture_is_at_schema_0001() -> None:
    assert _rows(OLD, "SELECT version_num FROM alembic_version") == [("0001",)]
    assert "prev_hash" in [c[1] for c in _rows(OLD, "PRAGMA table_info(ledger)")]


@pytest.mark.usefixtures("walks")
def test_an_old_ledger_upgrades_after_a_backup_and_says_what_it_said(old: Ot) -> None:
    entries = _rows(old.db, "SELECT seq, entry_id, recorded_at, kind, ref, body, hash FROM ledger")
    # The first command migrates; each then says what the program at 0001 said, byte for byte.
    for name, args in SAID["commands"].items():
        result = old(*args)
        assert result.code == 0, (name, result.err)
        assert result.out == SAID["said"][name], name
    assert _rows(old.db, "SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
    # The backup was written before the change: the old schema and every old row.
    (backup,) = (old.db.parent / "backups").glob(f"*-before-{HEAD_REVISION}.sqlite")
    assert _rows(backup, "SELECT version_num FROM alembic_version") == [("0001",)]
    assert _rows(backup, "SELECT * FROM ledger") == _rows(OLD, "SELECT * FROM ledger")
    assert _rows(backup, "SELECT * FROM records") == _rows(OLD, "SELECT * FROM records")
    # Every entry is kept as it was, byte for byte; only the copies went.
    after = "SELECT seq, entry_id, recorded_at, kind, ref, body, hash FROM ledger"
    assert _rows(old.db, after) == entries
    assert "prev_hash" not in [c[1] for c in _rows(old.db, "PRAGMA table_info(ledger)")]
    copies = _rows(old.db, "SELECT id FROM records WHERE data IS NOT NULL ORDER BY id")
    assert copies == _rows(old.db, "SELECT id FROM records WHERE last_seq <> id ORDER BY id")
    assert len(copies) == 3  # the amended, the voided and the stopped record
    assert _rows(old.db, "PRAGMA freelist_count") == [(0,)]  # the freed pages went back


def test_an_upgraded_ledger_takes_new_entries_and_its_backup_is_still_sound(old: Ot) -> None:
    assert old("log", "after the upgrade", "--at", "2025-10-10 08:30", "--minutes", "5").code == 0
    assert old("amend", "3", "--text", "changed after the upgrade", "--reason", "typo").code == 0
    verified = old("verify", "--json").json()
    assert verified["ok"] and verified["entries"] == 20, verified
    # `ot doctor` checks the backup made before the migration against the schema it has.
    doctor = old("doctor", "--json").json()
    assert doctor["ok"], doctor
    (backup,) = (old.db.parent / "backups").glob("*-before-*.sqlite")
    listed = [b for b in doctor["backups"] if b["path"] == str(backup)]
    assert listed and listed[0]["intact"], doctor["backups"]
    # Restoring it migrates the restored copy again (and it says what it said then).
    restored = old("restore", str(backup), "--yes")
    assert restored.code == 0, restored.err
    assert old(*SAID["commands"]["week"]).out == SAID["said"]["week"]


def _recipe() -> str:
    """The Python of docs/ledger-format.md, "How to verify", as a reader would copy it."""
    doc = (Path(__file__).parents[2] / "docs" / "ledger-format.md").read_text(encoding="utf-8")
    section = doc.split("## How to verify", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_recipe_by_hand_checks_files_of_both_schemas(
    old: Ot, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(old.db.parent)  # the recipe opens ledger.sqlite where it runs
    head = json.loads(SAID["said"]["verify"])["head"]
    exec(_recipe(), {})  # schema 0001, as the old program left it
    assert capsys.readouterr().out == f"intact; head {head}\n"
    assert old("verify").code == 0  # migrated to 0002
    exec(_recipe(), {})
    assert capsys.readouterr().out == f"intact; head {head}\n"
    conn = sqlite3.connect(old.db)
    conn.execute("DROP TRIGGER ledger_no_update")
    conn.execute("UPDATE ledger SET body = replace(body, 'on call', 'on cal')")
    conn.commit()
    conn.close()
    with pytest.raises(AssertionError, match="altered"):
        exec(_recipe(), {})
