"""`ot verify` and `ot db rebuild`: an intact chain passes, every kind of tampering is named.

Every test runs twice: with the ledger walked in one process, and in two (app/parallel.py,
which `ot verify` uses for long ledgers): both must find the same problems.
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import PAYLOAD_SQL, Ot

pytestmark = pytest.mark.usefixtures("walks")


@pytest.fixture
def filled(ledger: Ot) -> Ot:
    for i, at in enumerate(("2025-10-06 21:00", "2025-10-06 22:00", "2025-10-07 23:00")):
        assert ledger("log", f"task {i}", "--at", at, "--minutes", "20").code == 0
    return ledger


def _tamper(ot: Ot, *sql: str) -> None:
    conn = sqlite3.connect(ot.db)
    conn.execute("DROP TRIGGER ledger_no_update")
    conn.execute("DROP TRIGGER ledger_no_delete")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_intact_ledger_verifies(filled: Ot) -> None:
    result = filled("verify")
    assert result.code == 0 and "5 entries" in result.out
    data = filled("verify", "--json").json()
    assert data["ok"] and data["entries"] == 5 and len(data["head"]) == 64


@pytest.mark.parametrize("seq", [1, 2, 3, 4, 5])
def test_changed_byte_is_named(filled: Ot, seq: int) -> None:
    _tamper(
        filled,
        f"UPDATE ledger SET body = replace(body, '\"seq\":{seq}', '\"seq\": {seq}') "
        f"WHERE seq = {seq}",
    )
    result = filled("verify", "--json")
    assert result.code == 1
    assert any(p.startswith(f"entry {seq}:") for p in result.json()["problems"])


@pytest.mark.parametrize("seq", [2, 3, 4])
def test_deleted_entry_is_named(filled: Ot, seq: int) -> None:
    _tamper(filled, f"DELETE FROM ledger WHERE seq = {seq}")
    result = filled("verify", "--json")
    assert result.code == 1
    assert any(p.startswith(f"entry {seq + 1}:") for p in result.json()["problems"])


def test_swapped_entries_are_named(filled: Ot) -> None:
    _tamper(
        filled,
        "UPDATE ledger SET seq = -1 WHERE seq = 3",
        "UPDATE ledger SET seq = 3 WHERE seq = 4",
        "UPDATE ledger SET seq = 4 WHERE seq = -1",
    )
    problems = filled("verify", "--json").json()["problems"]
    assert any(p.startswith("entry 3:") for p in problems)
    assert any(p.startswith("entry 4:") for p in problems)


def test_inserted_entry_is_named(filled: Ot) -> None:
    forged = "e" * 64
    _tamper(
        filled,
        "INSERT INTO ledger SELECT 6, 'x', recorded_at, kind, ref, body, "
        f"'{forged}' FROM ledger WHERE seq = 5",
    )
    problems = filled("verify", "--json").json()["problems"]
    assert any(p.startswith("entry 6:") for p in problems)


def test_projection_drift_is_found_and_rebuild_fixes_it(filled: Ot) -> None:
    conn = sqlite3.connect(filled.db)
    conn.execute(f"UPDATE records SET data = replace({PAYLOAD_SQL}, 'task 0', 'task X')")
    conn.commit()
    conn.close()
    result = filled("verify")
    assert result.code == 1 and "ot db rebuild" in result.out
    assert filled("db", "rebuild").code == 0
    assert filled("verify").code == 0


@pytest.fixture
def corrected(filled: Ot) -> Ot:
    """Corrections in the later half about records of the earlier one (the child's facts)."""
    for args in [
        ("amend", "3", "--text", "task zero, amended", "--reason", "typo"),
        ("log", "task 3", "--at", "2025-10-07 21:00", "--minutes", "5"),
        ("void", "4", "--reason", "twice"),
        ("amend", "3", "--minutes", "30", "--reason", "longer"),
        ("start", "on call", "--at", "2025-10-08 08:00"),
        ("stop", "--at", "2025-10-08 09:00"),
    ]:
        assert filled(*args).code == 0, args
    return filled


def test_corrections_across_the_cut_verify(corrected: Ot) -> None:
    data = corrected("verify", "--json").json()
    assert data["ok"] and data["entries"] == 11, data


@pytest.mark.parametrize("record", [3, 4, 5, 7, 10])
def test_drift_is_found_in_either_half(corrected: Ot, record: int) -> None:
    """Entries 1-5 and 6-11 are the halves: 3 and 4 are changed by facts of the later half,
    5 is not; 7 and 10 are added in it."""
    sql = (
        f"UPDATE records SET data = replace({PAYLOAD_SQL}, '\"zone\"', '\"zone \"') "
        f"WHERE id = {record}"
    )
    problems = _problems_after(corrected, sql)
    assert len(problems) == 1 and f"record {record}" in problems[0], problems


def _problems_after(ot: Ot, projection_change: str) -> list[str]:
    """What `ot verify` says after a change to the projection (not the ledger) behind its back."""
    conn = sqlite3.connect(ot.db)
    conn.execute(projection_change)
    conn.commit()
    conn.close()
    return list(ot("verify", "--json").json()["problems"])


def test_a_missing_projection_row_is_found(corrected: Ot) -> None:
    problems = _problems_after(corrected, "DELETE FROM records WHERE id = 3")
    assert len(problems) == 1 and "record 3" in problems[0], problems


@pytest.mark.usefixtures("walks")
def test_the_parent_checks_the_half_a_failed_child_did_not(
    corrected: Ot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from offline_tracker.app import integrity

    def fails(*_args: object) -> None:
        raise RuntimeError("the child's disk went away")

    monkeypatch.setattr(integrity._Half, "check_file", fails)
    sql = f"UPDATE records SET voided = 0, data = replace({PAYLOAD_SQL}, 'twice', 'once')"
    problems = _problems_after(corrected, sql)
    assert len(problems) == 1 and "record 4" in problems[0], problems


def test_the_second_half_leaves_records_changed_after_the_walk_began(corrected: Ot) -> None:
    """A child reads the file in a transaction of its own, possibly after another `ot` wrote:
    a record whose projection a later entry changed is not its to compare."""
    from offline_tracker.app.integrity import _Half
    from offline_tracker.storage.db import SQLiteDatabase
    from offline_tracker.storage.ledger import entries_around

    conn = sqlite3.connect(corrected.db)
    conn.execute(
        f"UPDATE records SET data = replace({PAYLOAD_SQL}, 'on call', 'on cal') WHERE id = 10"
    )
    conn.commit()
    conn.close()
    db = SQLiteDatabase(corrected.db)
    with db.read() as tx:
        (last, last_hash, made), first = entries_around(tx, 5)
        # Entries 6-10 seen by the parent; entry 11 (the stop of record 10) came later.
        before_stop = _Half(5, 5, last_hash, made, last + 1, first, horizon=10).check(tx)
        with_stop = _Half(5, 6, last_hash, made, last + 1, first, horizon=11).check(tx)
    db.close()
    assert before_stop.chain.ok and before_stop.drifted == []
    assert with_stop.chain.ok and with_stop.drifted == [10]
