"""The same `ot` commands on a SQLite file and on PostgreSQL: same answers, same checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import PAYLOAD_SQL, PAYLOAD_SQL_PG
from tests.postgres.conftest import BackendOt


def _log(ot: BackendOt, text: str, at: str, minutes: str = "20") -> int:
    result = ot("log", text, "--at", at, "--minutes", minutes)
    assert result.code == 0, result.err
    return int(result.out.split("Logged record ", 1)[1].split(":", 1)[0])


def test_init_log_list_show(any_ot: BackendOt) -> None:
    assert any_ot("list").code == 1  # no ledger yet
    any_ot.init()
    assert any_ot("init", "--timezone", "Asia/Shanghai").code == 2
    result = any_ot(
        "log", "Boss wants the slides", "--at", "23:40", "--minutes", "40",
        "--channel", "wechat", "--who", "Wang", "--role", "supervisor", "--tag", "slides",
    )  # fmt: skip
    assert result.code == 0, result.err
    (record,) = any_ot("list", "--json").json()["records"]
    assert record["id"] == 3 and record["start"] == "2025-10-07T23:40:00+08:00"
    assert record["minutes"] == 40 and record["tags"] == ["slides"] and not record["voided"]
    assert any_ot("show", "3", "--json").json()["history"][0]["kind"] == "record.add"


def test_amend_and_void(any_ledger: BackendOt) -> None:
    rid = _log(any_ledger, "call", "2025-10-07 21:00")
    assert any_ledger("amend", str(rid), "--minutes", "50", "--reason", "ran long").code == 0
    assert any_ledger("list", "--json").json()["records"][0]["minutes"] == 50
    assert any_ledger("void", str(rid), "--reason", "logged twice").code == 0
    assert any_ledger("list", "--json").json()["records"] == []
    (voided,) = any_ledger("list", "--include-voided", "--json").json()["records"]
    assert voided["voided"] and voided["void_reason"] == "logged twice"
    history = any_ledger("show", str(rid), "--json").json()["history"]
    assert [h["kind"] for h in history] == ["record.add", "record.amend", "record.void"]
    assert any_ledger("amend", str(rid), "--text", "z", "--reason", "r").code == 2


def test_start_stop_and_status(any_ledger: BackendOt) -> None:
    assert any_ledger("start", "report", "--at", "08:00").code == 0
    assert any_ledger("start", "another").code == 2
    assert any_ledger("stop", "--at", "09:10").code == 0
    assert any_ledger("status", "--json").json()["today_minutes"] == 70


def test_report_range_json(any_ledger: BackendOt) -> None:
    for text, day in (("evening", "2025-09-29 19:00"), ("holiday", "2025-10-01 10:00")):
        _log(any_ledger, text, day, "60")
    result = any_ledger("report", "range", "--from", "2025-09-29", "--to", "2025-10-05", "--json")
    assert result.code == 0, result.err
    totals = result.json()["totals"]
    assert (totals["outside_workday_minutes"], totals["statutory_holiday_minutes"]) == (60, 60)
    assert result.json()["pay"]["total"] == "258.62"  # 86.21 + 172.41 (RULES P4)


def test_verify_and_doctor_on_an_intact_ledger(any_ledger: BackendOt) -> None:
    _log(any_ledger, "x", "2025-10-07 21:00")
    verified = any_ledger("verify", "--json").json()
    assert verified["ok"] and verified["entries"] == 3
    doctor = any_ledger("doctor", "--json")
    assert doctor.code == 0, doctor.out
    assert doctor.json()["ledger"]["entries"] == 3
    password = urlsplit(str(any_ledger.db)).password
    assert not password or f":{password}@" not in doctor.out + any_ledger("doctor").out


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        ("UPDATE ledger SET body = replace(body, 'task 1', 'task X') WHERE seq = 4", "entry 4:"),
        ("DELETE FROM ledger WHERE seq = 3", "entry 4:"),
    ],
)
def test_tampering_is_detected(any_ledger: BackendOt, statement: str, named: str) -> None:
    for i in range(3):
        _log(any_ledger, f"task {i}", f"2025-10-07 2{i}:00")
    any_ledger.sql(statement)
    result = any_ledger("verify", "--json")
    assert result.code == 1
    assert any(p.startswith(named) for p in result.json()["problems"])
    doctor = any_ledger("doctor")
    assert doctor.code == 1 and named in doctor.out


def test_projection_drift_and_rebuild(any_ledger: BackendOt) -> None:
    _log(any_ledger, "task 0", "2025-10-07 21:00")
    payload = PAYLOAD_SQL if any_ledger.backend == "sqlite" else PAYLOAD_SQL_PG
    any_ledger.sql(f"UPDATE records SET data = replace({payload}, 'task 0', 'task Y')")
    assert any_ledger("verify").code == 1
    assert any_ledger("db", "rebuild").code == 0
    assert any_ledger("verify").code == 0


def test_time_stamp_tokens(any_ledger: BackendOt, tsa: Any, tmp_path: Path) -> None:
    """RFC 3161 tokens on anchors: attached, listed, verified, and entries recorded later."""
    _log(any_ledger, "call", "2025-10-07 21:00")
    request = tmp_path / "request.tsq"
    assert any_ledger("anchor", "--tsq", str(request)).code == 0
    reply = tsa.reply(request, tmp_path / "reply.tsr")
    result = any_ledger("anchor", "attach", str(reply), "--ca", str(tsa.ca))
    assert result.code == 0, result.err
    assert any_ledger("verify").code == 0
    (anchor,) = any_ledger("anchor", "list", "--json").json()["anchors"]
    assert [t["ok"] for t in anchor["tokens"]] == [True]
    assert any_ledger("db", "rebuild").code == 0 and any_ledger("verify").code == 0
    # The same ledger, later entries up to a head stamped now, but recorded in 2099.
    any_ledger.now = "2099-01-05T09:30:00+08:00"
    _log(any_ledger, "late", "2099-01-04 21:00")
    later = tmp_path / "later.tsq"
    assert any_ledger("anchor", "--tsq", str(later)).code == 0
    result = any_ledger("anchor", "attach", str(tsa.reply(later, tmp_path / "later.tsr")))
    assert (
        result.code == 0
        and "entries up to entry 6 were recorded after the token's time (count: 1;" in result.err
    )
    problems = any_ledger("verify", "--json").json()["problems"]
    assert (
        len(problems) == 1
        and "the first is entry 6, recorded at 2099-01-05T01:30:00Z" in problems[0]
    )


def test_the_schema_snapshot_is_what_the_migrations_create(any_ledger: BackendOt) -> None:
    """storage/expected_schema.json against a database the migrations just made (issue 13)."""
    from offline_tracker.storage import schema_check
    from offline_tracker.storage.db import open_database

    db = open_database(str(any_ledger.db))
    with db.read() as tx:
        assert schema_check.describe(tx) == schema_check.expected(tx.dialect)
        assert schema_check.problems(tx) == []
    db.close()


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        ("SELECT 1", "schema: trigger ledger_no_update is missing"),
        (
            "CREATE VIEW everything AS SELECT * FROM records",
            "schema: view everything is not one the migrations create",
        ),
        (
            "CREATE TABLE notes (x TEXT)",
            "schema: table notes is not one the migrations create",
        ),
    ],
)
def test_schema_changes_are_found(any_ledger: BackendOt, statement: str, problem: str) -> None:
    _log(any_ledger, "task 0", "2025-10-07 21:00")
    any_ledger.sql(statement, put_back=statement != "SELECT 1")
    problems = any_ledger("verify", "--json").json()["problems"]
    assert any(p.startswith(problem) for p in problems), problems


def test_a_disabled_or_emptied_trigger_function_is_found(pg_url: str, tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    ot = BackendOt(pg_url, tmp_path / "home")
    ot.init()
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE ledger DISABLE TRIGGER ledger_no_update"))
    problems = ot("verify", "--json").json()["problems"]
    assert problems == ["schema: trigger ledger_no_update differs from what the migrations create"]
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE ledger ENABLE TRIGGER ledger_no_update"))
        conn.execute(
            text(
                "CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$ "
                "BEGIN RETURN NULL; END $$ LANGUAGE plpgsql"
            )
        )
        conn.execute(text("CREATE RULE quiet AS ON INSERT TO records DO INSTEAD NOTHING"))
    engine.dispose()
    problems = ot("verify", "--json").json()["problems"]
    assert "schema: trigger ledger_no_update differs from what the migrations create" in problems
    assert (
        "schema: rule quiet is not one the migrations create (added behind the program's back)"
        in problems
    )


@pytest.mark.parametrize("form", ["csv", "json"])
def test_exports_read_in_pages_give_every_row_once(
    any_ledger: BackendOt, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    """Issue 19: exports stream the rows in keyset pages, on both backends."""
    from offline_tracker.storage import queries

    for n in range(5):  # two share a start: the page key is (start, id)
        _log(any_ledger, f"task {n}", f"2025-10-0{1 + min(n, 3)} 21:00")
    whole = any_ledger("export", form)
    monkeypatch.setattr(queries, "PAGE", 2)
    paged = any_ledger("export", form)
    assert paged.code == 0, paged.err
    assert paged.out == whole.out and all(f"task {n}" in paged.out for n in range(5))
