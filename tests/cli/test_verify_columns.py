"""`ot verify` compares every projection table and column that reports, lists and packs read,
and every ledger column, with the ledger (issue 13; docs/reliability.md, "Attacks").

Each test changes the database behind the program's back as an adversary with the file would,
and runs in one process and in two (app/parallel.py).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import PAYLOAD_SQL, Ot

pytestmark = pytest.mark.usefixtures("walks")


@pytest.fixture
def full(ledger: Ot, tmp_path: Path) -> Ot:
    """A ledger with a fact of every kind: records and their corrections, a contract change,
    calendar days, an official calendar, time off in lieu and an anchor."""
    schedule = tmp_path / "cn-2027.txt"
    schedule.write_text("jurisdiction: CN\nyear: 2027\nholiday 2027-01-01 New Year\n", "utf-8")
    for args in [
        ("log", "task 0", "--at", "2025-10-06 21:00", "--minutes", "20"),
        ("log", "task 1", "--at", "2025-10-06 22:00", "--minutes", "20"),
        ("log", "task 2", "--at", "2025-10-07 23:00", "--minutes", "20"),
        ("amend", "3", "--minutes", "30", "--reason", "longer"),
        ("void", "4", "--reason", "twice"),
        ("contract", "set", "--monthly-wage", "12000", "--effective", "2025-10-01"),
        ("calendar", "set", "2025-10-09", "--as", "rest-day", "--note", "company day"),
        ("calendar", "import", str(schedule)),
        ("comp-time", "2025-10-04", "--hours", "1", "--for", "2025-10-04"),
        ("anchor",),
        ("start", "on call", "--at", "2025-10-08 08:00"),
        ("stop", "--at", "2025-10-08 09:00"),
    ]:
        assert ledger(*args).code == 0, args
    assert ledger("verify").code == 0
    return ledger


def _problems_after(ot: Ot, *sql: str) -> list[str]:
    """What `ot verify` says after `sql`, run by a careful adversary who puts the append-only
    trigger back (a missing one is a problem of its own: tests/cli/test_schema.py)."""
    conn = sqlite3.connect(ot.db)
    trigger = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'ledger_no_update'")
    (create,) = trigger.fetchone()
    conn.execute("DROP TRIGGER ledger_no_update")
    for statement in sql:
        conn.execute(statement)
    conn.execute(create)
    conn.commit()
    conn.close()
    result = ot("verify", "--json")
    assert result.code == 1, result.out
    return list(result.json()["problems"])


@pytest.mark.parametrize(
    ("change", "record"),
    [
        ("voided = 1", 3),  # the record disappears from every report
        ("voided = 0", 4),  # a voided record comes back
        ("voided = 2", 5),
        ("voided = 'yes'", 5),
        ("type = 'session'", 5),
        ("start_utc = start_utc - 3600", 5),  # an hour longer in reports
        ("start_utc = start_utc + 0.5", 5),
        ("end_utc = end_utc + 36000", 5),
        ("end_utc = NULL", 3),  # runs until now
        ("source_id = 'mail:x'", 5),  # imports would skip the real message as a duplicate
        ("last_seq = 99", 5),
    ],
)
def test_every_records_column_is_compared(full: Ot, change: str, record: int) -> None:
    problems = _problems_after(full, f"UPDATE records SET {change} WHERE id = {record}")
    assert problems == [
        f"record {record}: the table does not match the ledger (run 'ot db rebuild')"
    ]


def test_an_extra_record_row_is_found(full: Ot) -> None:
    problems = _problems_after(
        full,
        "INSERT INTO records SELECT 99, type, start_utc, end_utc, voided, NULL, 99, data "
        "FROM records WHERE id = 3",
    )
    assert problems == ["record 99: the table does not match the ledger (run 'ot db rebuild')"]


def test_a_contract_with_another_wage_is_found(full: Ot) -> None:
    before = full("report", "range", "--from", "2025-10-06", "--to", "2025-10-07", "--json").json()
    problems = _problems_after(
        full, "UPDATE contracts SET data = replace(data, '\"12000\"', '\"120000\"')"
    )
    assert problems == [
        "contracts row 8: the table does not match the ledger (run 'ot db rebuild')"
    ]
    assert full("db", "rebuild").code == 0 and full("verify").code == 0
    assert (
        full("report", "range", "--from", "2025-10-06", "--to", "2025-10-07", "--json").json()
        == before
    )


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE contracts SET effective = '2025-11-01' WHERE seq = 8", "contracts row 8"),
        ("DELETE FROM contracts WHERE seq = 2", "contracts row 2"),
        ("UPDATE calendar_days SET day = '2025-10-10'", "calendar_days row 9"),
        (
            "UPDATE calendar_days SET data = replace(data, 'rest_day', 'workday')",
            "calendar_days row 9",
        ),
        ("INSERT INTO calendar_days VALUES (77, '2025-10-13', '{}')", "calendar_days row 77"),
        ("UPDATE official_calendars SET year = 2026", "official_calendars row 10"),
        ("DELETE FROM official_calendars", "official_calendars row 10"),
        ("UPDATE comp_time SET data = replace(data, '3600', '36000')", "comp_time row 11"),
        ("UPDATE anchors SET head_seq = 1", "anchors row 12"),
    ],
)
def test_every_fact_table_is_compared(full: Ot, sql: str, expected: str) -> None:
    problems = _problems_after(full, sql)
    assert len(problems) == 1 and problems[0].startswith(expected + ":"), problems


@pytest.mark.parametrize(
    ("sql", "key"),
    [
        # A smaller look-back hides a long record from the period queries of reports.
        ("UPDATE meta SET value = '60' WHERE key = 'max_span'", "max_span"),
        ("DELETE FROM meta", "max_span"),
        ("INSERT INTO meta VALUES ('zone', 'UTC')", "zone"),
    ],
)
def test_meta_is_compared(full: Ot, sql: str, key: str) -> None:
    problems = _problems_after(full, sql)
    assert len(problems) == 1 and problems[0].startswith(f"meta value {key}:"), problems


def test_a_forged_recorded_at_is_found(full: Ot) -> None:
    problems = _problems_after(
        full, "UPDATE ledger SET recorded_at = '2025-10-06T13:01:00Z' WHERE seq = 3"
    )
    assert problems == ["entry 3: its columns disagree with its hashed body"]


@pytest.mark.parametrize("ref", ["NULL", "3", "'x'"])
def test_a_changed_ref_is_found(full: Ot, ref: str) -> None:
    """A nulled ref hid the void from `ot show` and from the pack."""
    problems = _problems_after(full, f"UPDATE ledger SET ref = {ref} WHERE seq = 7")
    assert problems == ["entry 7: its columns disagree with its hashed body"]


def test_a_ref_on_an_entry_about_no_record_is_found(full: Ot) -> None:
    problems = _problems_after(full, "UPDATE ledger SET ref = 3 WHERE seq = 9")
    assert problems == ["entry 9: its columns disagree with its hashed body"]


def test_doctor_names_fact_table_drift_and_advises_a_rebuild(full: Ot) -> None:
    _problems_after(full, "UPDATE contracts SET data = replace(data, '\"12000\"', '\"120000\"')")
    result = full("doctor")
    assert result.code == 1 and "ot db rebuild" in result.out, result.out
    assert full("db", "rebuild").code == 0 and full("doctor").code == 0


# Schema 0002 keeps no copy of a record's payload until a correction changes it (`data` NULL:
# the payload is its record.add entry's data). The ways an adversary could use that:
DRIFT = "the table does not match the ledger (run 'ot db rebuild')"


@pytest.mark.parametrize(
    ("sql", "record"),
    [
        # A corrected record made to read its original entry again...
        ("UPDATE records SET data = NULL WHERE id = 3", 3),
        # ... and made to look as if no correction had come.
        ("UPDATE records SET data = NULL, last_seq = 3 WHERE id = 3", 3),
        ("UPDATE records SET data = NULL, last_seq = 4, voided = 0 WHERE id = 4", 4),
        # A copy that says something else, for a record never corrected.
        (f"UPDATE records SET data = replace({PAYLOAD_SQL}, 'task 2', 'task X') WHERE id = 5", 5),
    ],
)
def test_a_payload_that_is_not_the_ledgers_is_found(full: Ot, sql: str, record: int) -> None:
    assert _problems_after(full, sql) == [f"record {record}: {DRIFT}"]


def test_a_record_row_moved_onto_another_entry_is_found(full: Ot) -> None:
    """Its payload would be read from the body of whatever entry has its new id."""
    problems = _problems_after(full, "UPDATE records SET id = 12, last_seq = 12 WHERE id = 5")
    assert problems == [f"record 5: {DRIFT}", f"record 12: {DRIFT}"]


def test_an_exact_copy_of_the_entry_data_is_the_same_projection(full: Ot) -> None:
    """A copy of exactly the bytes the NULL stands for (what schema 0001 wrote) shows nothing
    else anywhere: it verifies, and `ot db rebuild` drops it again."""
    before = full("list", "--json").json()
    conn = sqlite3.connect(full.db)
    (body,) = conn.execute("SELECT body FROM ledger WHERE seq = 5").fetchone()
    copy = body[body.find(',"data":') + 8 : body.rfind(',"id":"')]
    conn.execute("UPDATE records SET data = ? WHERE id = 5", (copy,))
    conn.commit()
    conn.close()
    assert full("verify").code == 0
    assert full("list", "--json").json() == before
    assert full("db", "rebuild").code == 0
    conn = sqlite3.connect(full.db)
    assert conn.execute("SELECT data FROM records WHERE id = 5").fetchone() == (None,)
    conn.close()
