"""Appending entries to the ledger table and keeping the projection tables in step with it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple

from offline_tracker.domain import facts
from offline_tracker.ledger.canonical import Stamp, as_stamp, canonical_text, entry_body
from offline_tracker.ledger.chain import GENESIS, EntryRow, StoredEntry, entry_hash, verify_chain
from offline_tracker.storage import queries
from offline_tracker.storage.db import StorageError, Tx

# Projection tables with one row per fact, keyed by the entry's sequence number.
_SIMPLE_PROJECTIONS = {
    facts.CONTRACT: ("contracts", "effective", "effective"),
    facts.CALENDAR_SET: ("calendar_days", "day", "date"),
    facts.COMP_TIME: ("comp_time", "day", "date"),
    facts.CALENDAR_IMPORT: ("official_calendars", "year", "year"),
}
# The columns of each fact projection, in the order `fact_row` gives them (`ot verify`).
FACT_COLUMNS = {
    **{table: ("seq", column, "data") for table, column, _ in _SIMPLE_PROJECTIONS.values()},
    "anchors": ("seq", "head_seq", "head_hash"),
}
PROJECTION_TABLES = (
    "records",
    "contracts",
    "calendar_days",
    "official_calendars",
    "comp_time",
    "anchors",
)


class HeadRefused(StorageError):
    """The entry a write would chain to does not verify: nothing is written."""


class Appended(NamedTuple):
    """An entry just written (a tuple: a bulk import makes one per record)."""

    seq: int
    entry_id: str
    hash: str
    at: str = ""  # when it was recorded


def dumps(data: Any) -> str:
    """A projection row's payload: the canonical JSON of the ledger (`ot verify` compares it)."""
    return canonical_text(data)


def head(tx: Tx) -> tuple[int, str]:
    """The sequence number and hash of the last entry (0 and the genesis hash when empty)."""
    row = tx.one("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1")
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def checked_head(tx: Tx) -> tuple[int, str]:
    """`head`, refused when that entry does not verify on its own (its hash, body and columns).

    A write chains to the head: one that no longer verifies (edited behind the program's back)
    must not get a valid-looking successor. Only the head is checked, against the stored hash
    of the row before it (cheap); `ot verify` and `ot doctor` check the rest.
    """
    rows = tx.all(
        "SELECT seq, entry_id, kind, body, hash, recorded_at, ref FROM ledger "
        "ORDER BY seq DESC LIMIT 2"
    )
    if not rows:
        return 0, GENESIS
    seq, entry_id, kind, body, digest, recorded_at, ref = rows[0]
    prev = str(rows[1][4]) if len(rows) > 1 else GENESIS
    entry = (int(seq), entry_id, kind, str(body).encode("utf-8"), digest, recorded_at, ref)
    report = verify_chain([entry], start=(prev, int(seq)))
    if not report.ok:
        raise HeadRefused("error.head_unsound", seq=seq, code=report.problems[0].code)
    return int(seq), str(digest)


def append(
    tx: Tx, kind: str, data: dict[str, Any], stamp: Stamp | str, ref: int | None = None
) -> Appended:
    """Add one entry at the head of the chain and apply it to the projections, in `tx`."""
    stamp = as_stamp(stamp)
    if tx.dialect == "postgresql":
        # Writers queue here, so the chain stays one line (SQLite's BEGIN IMMEDIATE does this).
        tx.execute("LOCK TABLE ledger IN SHARE ROW EXCLUSIVE MODE")
    last_seq, prev = checked_head(tx)
    seq, entry_id = last_seq + 1, uuid4_texts(os.urandom(16))[0]
    body = entry_body(seq, entry_id, stamp, kind, data)
    digest = entry_hash(prev, body)
    tx.execute(INSERT_ENTRY, entry_row(seq, entry_id, stamp.at, kind, ref, body, digest))
    project(tx, seq, kind, data)
    return Appended(seq, entry_id, digest, stamp.at)


def uuid4_texts(random: bytes) -> list[str]:
    """`str(uuid.UUID(bytes=chunk, version=4))` for each 16 bytes of `random`, 4x faster.

    Version 4 sets the 13th hex digit to 4 and the top two bits of the 17th to 10 (RFC 9562).
    """
    digits = random.hex()
    out = []
    for i in range(0, len(digits), 32):
        h = digits[i : i + 32]
        variant = "89ab"[int(h[16], 16) & 3]
        out.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}")
    return out


INSERT_ENTRY = (
    "INSERT INTO ledger (seq, entry_id, recorded_at, kind, ref, body, hash) "
    "VALUES (:seq, :entry_id, :at, :kind, :ref, :body, :hash)"
)
INSERT_RECORD = (
    "INSERT INTO records (id, type, start_utc, end_utc, voided, source_id, last_seq, data) "
    "VALUES (:id, :type, :start, :end, :voided, :source_id, :last_seq, :data)"
)


def entry_row(
    seq: int,
    entry_id: str,
    recorded_at: str,
    kind: str,
    ref: int | None,
    body: bytes,
    digest: str,
) -> dict[str, Any]:
    """The parameters of INSERT_ENTRY (here and in storage.batch)."""
    return {
        "seq": seq,
        "entry_id": entry_id,
        "at": recorded_at,
        "kind": kind,
        "ref": ref,
        "body": body.decode("utf-8"),
        "hash": digest,
    }


def record_row(record_id: int, seq: int, merged: dict[str, Any]) -> dict[str, Any]:
    """The `records` row of a record's payload after the fact `seq`.

    `data` is NULL until a correction changes the record: the payload is then its `record.add`
    entry's data (the ledger row whose seq is the record's id; queries.payload_columns), not a
    copy of it (issue 19: the copy was a quarter of the file).
    """
    return {
        "id": record_id,
        "type": merged["type"],
        "start": epoch(merged["start"]),
        "end": epoch(merged["end"]) if merged.get("end") else None,
        "voided": bool(merged.get("voided", False)),
        "source_id": merged.get("source_id"),
        "last_seq": seq,
        "data": None if seq == record_id else dumps(merged),
    }


def fact_row(seq: int, kind: str, data: dict[str, Any]) -> tuple[str, tuple[Any, ...]] | None:
    """The table and row (in FACT_COLUMNS order) that a fact other than a record's projects to."""
    if kind in _SIMPLE_PROJECTIONS:
        table, _, key = _SIMPLE_PROJECTIONS[kind]
        return table, (seq, data.get(key), dumps(data))
    if kind == facts.ANCHOR:
        return "anchors", (seq, data["head_seq"], data["head_hash"])
    return None


def project(tx: Tx, seq: int, kind: str, data: dict[str, Any]) -> None:
    """Apply one fact to the projection tables (the same code serves writes and rebuilds)."""
    if kind in facts.RECORD_KINDS:
        _project_record(tx, seq, kind, data)
        return
    row = fact_row(seq, kind, data)
    if row is not None:
        table, values = row
        columns = FACT_COLUMNS[table]
        tx.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES (:v0, :v1, :v2)",
            {f"v{n}": value for n, value in enumerate(values)},
        )


def _project_record(tx: Tx, seq: int, kind: str, data: dict[str, Any]) -> None:
    if kind == facts.RECORD_ADD:
        record_id, current = seq, None
    else:
        record_id = int(data["record"])
        current = queries.record_payload(tx, record_id)
    merged = facts.apply_fact(current, kind, data)
    params = record_row(record_id, seq, merged)
    if params["end"] is not None:
        _widen_max_span(tx, params["end"] - params["start"])
    if current is None:
        tx.execute(INSERT_RECORD, params)
    else:
        tx.execute(
            "UPDATE records SET type = :type, start_utc = :start, end_utc = :end, "
            "voided = :voided, source_id = :source_id, last_seq = :last_seq, data = :data "
            "WHERE id = :id",
            params,
        )


def _widen_max_span(tx: Tx, span: int) -> None:
    if span > queries.max_span(tx):
        queries.set_meta(tx, queries.MAX_SPAN, str(span))


def epoch(text: str) -> int:
    """POSIX seconds of a stored instant (the `start_utc`/`end_utc` columns; `ot verify`).

    The instant facts.parse_utc reads from the canonical 2025-10-01T13:30:00Z, through
    fromisoformat (in C): strptime alone would be a tenth of a large import.
    """
    return int(datetime.fromisoformat(text).timestamp())


def iter_entries(tx: Tx) -> Iterator[StoredEntry]:
    """Every ledger entry in sequence order, streamed (constant memory)."""
    return map(StoredEntry._make, entry_rows(tx))


def entry_rows(
    tx: Tx, offset: int = 0, limit: int | None = None, batch: int = 5000
) -> Iterator[EntryRow]:
    """iter_entries as plain tuples in StoredEntry's order (`ot verify`: 100k a second).

    `offset` and `limit` count positions in sequence order (SQLite only: `ot verify` cuts the
    ledger of a file in two).
    """
    if tx.dialect == "sqlite":
        # The cursor streams; CAST gives the UTF-8 bytes that were hashed without a decode.
        return iter(
            tx.execute(
                "SELECT seq, entry_id, kind, CAST(body AS BLOB), hash, recorded_at, ref "
                "FROM ledger ORDER BY seq LIMIT :limit OFFSET :offset",
                {"limit": -1 if limit is None else limit, "offset": offset},
            )
        )
    if offset or limit is not None:
        raise ValueError("entry ranges are read from SQLite files only")
    return _batched_entries(tx, batch)


def entries_around(tx: Tx, position: int) -> tuple[tuple[int, str, str], int]:
    """Where a walk from `position` (0-based, in sequence order; SQLite files) starts: the entry
    before it as (seq, stored hash, the hash its body gives chained to the stored hash before
    it), and the seq of the entry at `position` (verify_chain's `start` and `made`)."""
    rows = tx.all(
        "SELECT seq, CAST(body AS BLOB), hash FROM ledger ORDER BY seq LIMIT 3 OFFSET :offset",
        {"offset": max(position - 2, 0)},
    )
    if position < 2:
        rows.insert(0, (0, b"", GENESIS))
    (_, _, before), (seq, body, digest), (first, _, _) = rows[:3]
    return (int(seq), str(digest), entry_hash(str(before), bytes(body))), int(first)


def _batched_entries(tx: Tx, batch: int) -> Iterator[EntryRow]:
    """entry_rows for servers, whose drivers buffer a whole result: keyset pages."""
    after = 0
    while True:
        rows = tx.all(
            "SELECT seq, entry_id, kind, body, hash, recorded_at, ref FROM ledger "
            "WHERE seq > :after ORDER BY seq LIMIT :n",
            {"after": after, "n": batch},
        )
        for seq, entry_id, kind, body, digest, at, ref in rows:
            yield int(seq), entry_id, kind, body.encode("utf-8"), digest, at, ref
        if len(rows) < batch:
            return
        after = int(rows[-1][0])


def rebuild(tx: Tx) -> int:
    """Empty the projections and replay every entry into them; returns the entries replayed."""
    for table in PROJECTION_TABLES:
        tx.execute(f"DELETE FROM {table}")
    tx.execute("DELETE FROM meta")  # every meta value is derived from the ledger (ot verify)
    count = 0
    for entry in iter_entries(tx):
        fields = json.loads(entry.body)
        project(tx, entry.seq, entry.kind, fields["data"])
        count += 1
    return count
