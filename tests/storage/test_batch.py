"""storage.batch.append_many: the bytes, hashes and projection rows of ledger.append, in bulk."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from offline_tracker.app import App, open_app
from offline_tracker.domain import facts
from offline_tracker.ledger.canonical import EncodingError, decode_body, entry_body
from offline_tracker.ledger.chain import GENESIS, entry_hash, verify_chain
from offline_tracker.storage import batch, ledger, queries

NOW = datetime(2025, 10, 8, 1, 30, tzinfo=UTC)
AT = "2025-10-08T01:30:00Z"


def _session(n: int, **extra: Any) -> dict[str, Any]:
    data = {
        "type": "session",
        "start": f"2025-10-0{1 + n % 7}T1{n % 10}:00:00Z",
        "end": f"2025-10-0{1 + n % 7}T1{n % 10}:{10 + n % 50}:00Z",
        "zone": "Asia/Shanghai",
        "offset": "+08:00",
        "text": f"任务 {n}",
        "tags": ["a", "标签"],
        "attachments": [],
        "emergency": False,
        "channel": None,
        "counterpart": None,
        "role": None,
        "direction": None,
        "kind": None,
        "source_id": f"test:{n}",
    }
    data.update(extra)
    return data


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    with open_app(str(tmp_path / "l.sqlite"), lambda: NOW, create=True) as opened:
        yield opened


def _ledger_rows(app: App) -> list[tuple[Any, ...]]:
    with app.db.read() as tx:
        return tx.all(
            "SELECT seq, entry_id, recorded_at, kind, ref, body, hash FROM ledger ORDER BY seq"
        )


def _projection(app: App) -> tuple[list[tuple[Any, ...]], str | None]:
    with app.db.read() as tx:
        rows = tx.all("SELECT * FROM records ORDER BY id")
        return rows, queries.meta(tx, queries.MAX_SPAN)


def _assert_reference_bytes(app: App) -> None:
    """Every stored body is entry_body of its own columns, and the chain links up."""
    prev = GENESIS
    for seq, entry_id, at, kind, _ref, body, digest in _ledger_rows(app):
        data = decode_body(body)["data"]
        assert body.encode() == entry_body(seq, entry_id, at, kind, data)
        assert digest == entry_hash(prev, body.encode())
        prev = digest


def test_batch_writes_reference_bytes_and_rebuild_reproduces_the_projection(app: App) -> None:
    with app.db.write() as tx:
        ledger.append(tx, facts.RECORD_ADD, _session(100), AT)  # a chain that already exists
        entries: list[batch.Entry] = [(facts.RECORD_ADD, _session(n), None) for n in range(50)]
        appended = batch.append_many(tx, entries, AT)
    assert [a.seq for a in appended] == list(range(2, 52))
    _assert_reference_bytes(app)
    with app.db.read() as tx:
        assert verify_chain(ledger.iter_entries(tx)).ok
    before = _projection(app)
    assert before[1] is not None and len(before[0]) == 51
    app.rebuild()
    assert _projection(app) == before


def test_mixed_facts_project_in_order(app: App) -> None:
    """A stop, an amend and a void of records added earlier in the same batch, and a contract."""
    with app.db.write() as tx:
        seq, _ = ledger.head(tx)
        entries: list[batch.Entry] = [
            (facts.RECORD_ADD, _session(1, end=None), None),
            (facts.RECORD_STOP, {"record": seq + 1, "end": "2025-10-02T13:00:00Z"}, seq + 1),
            (facts.RECORD_ADD, _session(2), None),
            (
                facts.RECORD_AMEND,
                {"record": seq + 3, "changes": {"text": "fixed"}, "reason": "typo"},
                seq + 3,
            ),
            (facts.RECORD_VOID, {"record": seq + 3, "reason": "twice"}, seq + 3),
            (facts.CONTRACT, {"effective": None, "timezone": "Asia/Shanghai"}, None),
            (facts.RECORD_ADD, _session(3), None),
        ]
        batch.append_many(tx, entries, AT)
    before = _projection(app)
    with app.db.read() as tx:
        stopped = queries.record(tx, seq + 1)
        amended = queries.record(tx, seq + 3)
        contracts = queries.fact_rows(tx, "contracts")
    assert stopped is not None and stopped.end == datetime(2025, 10, 2, 13, tzinfo=UTC)
    assert amended is not None and amended.text == "fixed" and amended.voided
    assert len(contracts) == 1
    app.rebuild()
    assert _projection(app) == before
    _assert_reference_bytes(app)


def test_batch_continues_a_chain_written_one_by_one(app: App) -> None:
    with app.db.write() as tx:
        batch.append_many(tx, [(facts.RECORD_ADD, _session(1), None)], AT)
        ledger.append(tx, facts.RECORD_ADD, _session(2), AT)
        batch.append_many(tx, [(facts.RECORD_ADD, _session(n), None) for n in (3, 4)], AT)
    rows = _ledger_rows(app)
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    _assert_reference_bytes(app)


def test_empty_batch_writes_nothing(app: App) -> None:
    with app.db.write() as tx:
        assert batch.append_many(tx, [], AT) == []
    assert _ledger_rows(app) == []


@pytest.mark.parametrize(
    "bad",
    [{"minutes": 1.5}, {"ключ": "non-ASCII key"}, {"big": 2**60}],
    ids=["float", "non_ascii_key", "big_int"],
)
def test_values_the_canonical_encoding_refuses_are_refused(app: App, bad: dict[str, Any]) -> None:
    with pytest.raises(EncodingError), app.db.write() as tx:
        batch.append_many(tx, [(facts.RECORD_ADD, _session(1, **bad), None)], AT)
    assert _ledger_rows(app) == []


def test_subclassed_values_take_the_reference_path(app: App) -> None:
    class Text(str):
        pass

    with app.db.write() as tx:
        batch.append_many(tx, [(facts.RECORD_ADD, _session(1, text=Text("x")), None)], AT)
    _assert_reference_bytes(app)


def test_a_changed_canonical_encoding_is_followed_not_guessed(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the fast path ever disagrees with entry_body, the batch uses entry_body."""
    monkeypatch.setattr(batch, "FORMAT_VERSION", 99)
    with app.db.write() as tx:
        batch.append_many(tx, [(facts.RECORD_ADD, _session(n), None) for n in range(3)], AT)
    _assert_reference_bytes(app)
    assert all(json.loads(r[5])["v"] == 1 for r in _ledger_rows(app))


def test_sqlite_executemany_is_used(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch reaches the driver's executemany: two calls, whatever the number of entries."""
    calls: list[int] = []
    with app.db.write() as tx:
        original = tx._run_many
        assert original is not None

        def counting(sql: str, rows: Any) -> Any:
            calls.append(len(rows))
            return original(sql, rows)

        monkeypatch.setattr(tx, "_run_many", counting)
        batch.append_many(tx, [(facts.RECORD_ADD, _session(n), None) for n in range(300)], AT)
    assert calls == [300, 300]


def test_ledger_stays_append_only_after_a_batch(app: App) -> None:
    with app.db.write() as tx:
        batch.append_many(tx, [(facts.RECORD_ADD, _session(1), None)], AT)
    assert app.db.path is not None
    conn = sqlite3.connect(app.db.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE ledger SET kind = 'x'")
    conn.close()


def test_entry_ids_are_the_uuid4_texts_of_the_standard_library() -> None:
    """uuid4_texts formats ids itself (issue 7); each must be what the uuid module writes."""
    random = os.urandom(16 * 500) + bytes(16) + b"\xff" * 16
    expected = [
        str(uuid.UUID(bytes=random[i : i + 16], version=4)) for i in range(0, len(random), 16)
    ]
    assert ledger.uuid4_texts(random) == expected
