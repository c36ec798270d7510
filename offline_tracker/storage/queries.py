"""Read queries over the ledger and its projections, returning domain values or plain rows."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from offline_tracker.domain.facts import record_from_payload
from offline_tracker.domain.records import Record
from offline_tracker.storage.db import Tx

_RECORD_COLUMNS = "id, last_seq, data"
MAX_SPAN = "max_span"


def _record(row: tuple[Any, ...]) -> Record:
    return record_from_payload(int(row[0]), json.loads(row[2]), seq=int(row[0]))


def record(tx: Tx, record_id: int) -> Record | None:
    row = tx.one(f"SELECT {_RECORD_COLUMNS} FROM records WHERE id = :id", {"id": record_id})
    return _record(row) if row else None


def max_span(tx: Tx) -> int:
    """The longest closed record in seconds: bounds how far back a period query must look."""
    return int(meta(tx, MAX_SPAN) or 0)


def records_between(
    tx: Tx, start: datetime, end: datetime, include_voided: bool = False
) -> list[Record]:
    """Records that overlap [start, end), read through the start index (cost follows the period)."""
    lo, hi = int(start.timestamp()), int(end.timestamp())
    lookback = lo - max_span(tx) - 1
    voided = "" if include_voided else "AND voided = :false"
    rows = tx.all(
        f"SELECT {_RECORD_COLUMNS} FROM records "
        "WHERE start_utc < :hi AND start_utc >= :lookback "
        f"AND (end_utc IS NULL OR end_utc > :lo) {voided} ORDER BY start_utc, id",
        {"hi": hi, "lo": lo, "lookback": lookback, "false": False},
    )
    rows += tx.all(
        f"SELECT {_RECORD_COLUMNS} FROM records WHERE end_utc IS NULL AND start_utc < :lookback "
        f"{voided} ORDER BY start_utc, id",
        {"lookback": lookback, "false": False},
    )
    return [_record(r) for r in rows]


def running(tx: Tx) -> list[Record]:
    rows = tx.all(
        f"SELECT {_RECORD_COLUMNS} FROM records WHERE end_utc IS NULL AND type = 'session' "
        "AND voided = :false ORDER BY start_utc",
        {"false": False},
    )
    return [_record(r) for r in rows]


HistoryRow = tuple[int, str, str, dict[str, Any], str]


def record_history(tx: Tx, record_id: int) -> list[HistoryRow]:
    """(seq, recorded_at, kind, data, hash) of every entry about one record, oldest first."""
    rows = tx.all(
        "SELECT seq, recorded_at, kind, body, hash FROM ledger "
        "WHERE seq = :id OR ref = :id ORDER BY seq",
        {"id": record_id},
    )
    return [(int(s), at, kind, json.loads(body)["data"], h) for s, at, kind, body, h in rows]


def entry_hash_of(tx: Tx, seq: int) -> str | None:
    value = tx.scalar("SELECT hash FROM ledger WHERE seq = :seq", {"seq": seq})
    return str(value) if value is not None else None


def fact_rows(tx: Tx, table: str) -> list[tuple[int, dict[str, Any]]]:
    """(seq, data) of a small fact projection (contracts, calendar days, comp time, ...)."""
    rows = tx.all(f"SELECT seq, data FROM {table} ORDER BY seq")
    return [(int(seq), json.loads(data)) for seq, data in rows]


def source_ids(tx: Tx, candidates: list[str]) -> set[str]:
    """Which of these import source ids are already in the ledger."""
    found: set[str] = set()
    for i in range(0, len(candidates), 500):
        chunk = candidates[i : i + 500]
        names = {f"s{n}": value for n, value in enumerate(chunk)}
        marks = ", ".join(f":{name}" for name in names)
        rows = tx.all(f"SELECT source_id FROM records WHERE source_id IN ({marks})", names)
        found.update(str(r[0]) for r in rows)
    return found


def all_records(tx: Tx) -> dict[int, dict[str, Any]]:
    """Every record's projected payload, for checking the projection against the ledger."""
    return {int(i): json.loads(d) for i, d in tx.all("SELECT id, data FROM records")}


def meta(tx: Tx, key: str) -> str | None:
    value = tx.scalar("SELECT value FROM meta WHERE key = :key", {"key": key})
    return str(value) if value is not None else None


def set_meta(tx: Tx, key: str, value: str) -> None:
    tx.execute("DELETE FROM meta WHERE key = :key", {"key": key})
    tx.execute("INSERT INTO meta (key, value) VALUES (:key, :value)", {"key": key, "value": value})
