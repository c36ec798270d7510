"""`ot verify` and `ot db rebuild`: an intact chain passes, every kind of tampering is named."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import Ot


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
        "INSERT INTO ledger SELECT 6, 'x', recorded_at, kind, ref, body, prev_hash, "
        f"'{forged}' FROM ledger WHERE seq = 5",
    )
    problems = filled("verify", "--json").json()["problems"]
    assert any(p.startswith("entry 6:") for p in problems)


def test_projection_drift_is_found_and_rebuild_fixes_it(filled: Ot) -> None:
    conn = sqlite3.connect(filled.db)
    conn.execute("UPDATE records SET data = replace(data, 'task 0', 'task X')")
    conn.commit()
    conn.close()
    result = filled("verify")
    assert result.code == 1 and "ot db rebuild" in result.out
    assert filled("db", "rebuild").code == 0
    assert filled("verify").code == 0
