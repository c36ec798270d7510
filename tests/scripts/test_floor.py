"""scripts/floor.py, the floor the benchmark compares `ot log` with, does the same append."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from pathlib import Path
from types import ModuleType

from tests.conftest import Ot

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
BENCH_NOW = "2025-11-26T20:00:00+08:00"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bodies(db: Path) -> list[dict[str, object]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT body FROM ledger ORDER BY seq").fetchall()
    return [json.loads(body) for (body,) in rows]


def test_floor_appends_the_entry_ot_log_appends(tmp_path: Path) -> None:
    floor = load("floor")
    ot = Ot(tmp_path / "ledger.sqlite", now=BENCH_NOW)
    ot.init()
    assert floor.append(str(ot.db), floor.NOW) == 3
    args = ["log", "bench: reply to the manager", "--minutes", "10", "--channel", "wechat"]
    result = ot(*args, "--counterpart", "Manager Li", "--kind", "instruction")
    assert result.code == 0, result.err
    by_floor, by_ot = bodies(ot.db)[-2:]
    for body in (by_floor, by_ot):
        body.pop("id"), body.pop("seq")
    assert by_floor == by_ot
    with sqlite3.connect(ot.db) as conn:
        rows = conn.execute("SELECT type, start_utc, end_utc, data FROM records").fetchall()
    assert rows[0] == rows[1]
    assert rows[0][3] is None  # a new record's payload is its entry's data, not a copy
    verified = ot("verify", "--json")
    assert verified.code == 0, verified.out
    assert verified.json()["ok"] is True


def test_floor_refuses_a_head_that_does_not_verify(tmp_path: Path) -> None:
    floor = load("floor")
    ot = Ot(tmp_path / "ledger.sqlite", now=BENCH_NOW)
    ot.init()
    with sqlite3.connect(ot.db) as conn:
        conn.execute("DROP TRIGGER IF EXISTS ledger_no_update")
        conn.execute("UPDATE ledger SET hash = ? WHERE seq = 2", ("f" * 64,))
    try:
        floor.append(str(ot.db), floor.NOW)
    except SystemExit as exc:
        assert "does not verify" in str(exc)
    else:
        raise AssertionError("the floor chained to a damaged head")
