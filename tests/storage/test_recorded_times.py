"""queries.latest_recorded: the latest recorded time up to each entry, read from the bodies."""

from __future__ import annotations

from pathlib import Path

from offline_tracker.storage import queries
from offline_tracker.storage.db import SQLiteDatabase
from tests.conftest import Ot


def test_latest_recorded_up_to_each_head(tmp_path: Path) -> None:
    ot = Ot(tmp_path / "ledger.sqlite", now="2025-10-08T09:30:00+08:00")
    ot.init()  # entries 1 and 2 at 01:30Z
    ot.now = "2025-10-09T09:30:00+08:00"
    assert ot("log", "a", "--at", "2025-10-08 21:00").code == 0  # entry 3, the next day
    ot.now = "2025-10-08T10:00:00+08:00"
    assert ot("log", "b", "--at", "2025-10-08 09:00").code == 0  # entry 4, earlier again
    database = SQLiteDatabase(ot.db)
    try:
        with database.read() as tx:
            found = queries.latest_recorded(tx, [4, 2, 1, 9, 2])
            bodies = queries.entry_bodies(tx, [4, 1, 99])
    finally:
        database.close()
    assert found == {
        1: "2025-10-08T01:30:00Z",
        2: "2025-10-08T01:30:00Z",
        4: "2025-10-09T01:30:00Z",  # entry 3's, not entry 4's own
        9: "2025-10-09T01:30:00Z",  # beyond the last entry: all of them
    }
    assert [seq for seq, _ in bodies] == [1, 4]
