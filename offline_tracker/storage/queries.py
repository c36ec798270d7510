"""Read queries over the ledger and its projections, returning domain values or plain rows."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from offline_tracker.domain.facts import parse_utc, record_from_payload
from offline_tracker.domain.records import Record
from offline_tracker.domain.values import replace
from offline_tracker.ledger.canonical import body_data
from offline_tracker.ledger.chain import GENESIS
from offline_tracker.storage.db import StorageError, Tx

MAX_SPAN = "max_span"


def entered_sql(table: str) -> str:
    """When a record's end was entered: the record.stop entry that closed it, else the
    record.add entry (a record's id is that entry's seq); read by the primary key and ref index."""
    return (
        "COALESCE((SELECT max(s.recorded_at) FROM ledger s "
        f"WHERE s.ref = {table}.id AND s.kind = 'record.stop'), "
        f"(SELECT a.recorded_at FROM ledger a WHERE a.seq = {table}.id))"
    )


def payload_columns(table: str) -> str:
    """The two columns that give a record's payload (payload_text): its `data`, a copy made
    when a correction changed it, else NULL and the body of its record.add entry (the ledger
    row whose seq is the record's id, read by the primary key; storage/ledger.record_row)."""
    return (
        f"{table}.data, CASE WHEN {table}.data IS NULL THEN "
        f"(SELECT e.body FROM ledger e WHERE e.seq = {table}.id) END"
    )


def payload_text(record_id: int, data: str | None, body: str | None) -> str:
    """A record's payload as canonical JSON, from the two columns of payload_columns."""
    if data is not None:
        return str(data)
    if body is None:  # no record.add entry under the record's id: `ot verify` names it
        raise StorageError("error.record_without_entry", id=record_id)
    return body_data(str(body))


_RECORD_COLUMNS = f"id, last_seq, {payload_columns('records')}"
# With when each record was entered (lists and `ot show`; reports need not read the ledger).
_ENTERED_COLUMNS = f"{_RECORD_COLUMNS}, {entered_sql('records')}"


def _record(row: tuple[Any, ...]) -> Record:
    payload = json.loads(payload_text(int(row[0]), row[2], row[3]))
    record = record_from_payload(int(row[0]), payload, seq=int(row[0]))
    if record.end is None or len(row) < 5 or not row[4]:
        return record
    return replace(record, entered=parse_utc(str(row[4])))


def record_payload(tx: Tx, record_id: int) -> dict[str, Any] | None:
    """The current payload of one record (None: no such record)."""
    sql = f"SELECT {payload_columns('records')} FROM records WHERE id = :id"
    row = tx.one(sql, {"id": record_id})
    return json.loads(payload_text(record_id, row[0], row[1])) if row else None


def record(tx: Tx, record_id: int) -> Record | None:
    if not -(2**63) <= record_id < 2**63:
        return None  # no such id, and the driver would overflow on it (`ot show 1e20`, fuzzing)
    row = tx.one(f"SELECT {_ENTERED_COLUMNS} FROM records WHERE id = :id", {"id": record_id})
    return _record(row) if row else None


def max_span(tx: Tx) -> int:
    """The longest closed record in seconds: bounds how far back a period query must look."""
    return int(meta(tx, MAX_SPAN) or 0)


def records_between(
    tx: Tx, start: datetime, end: datetime, include_voided: bool = False, entered: bool = False
) -> list[Record]:
    """Records that overlap [start, end), read through the start index (cost follows the period);
    with `entered`, each knows when it was entered (Record.entered)."""
    lo, hi = int(start.timestamp()), int(end.timestamp())
    lookback = lo - max_span(tx) - 1
    voided = "" if include_voided else "AND voided = :false"
    columns = _ENTERED_COLUMNS if entered else _RECORD_COLUMNS
    rows = tx.all(
        f"SELECT {columns} FROM records "
        "WHERE start_utc < :hi AND start_utc >= :lookback "
        f"AND (end_utc IS NULL OR end_utc > :lo) {voided} ORDER BY start_utc, id",
        {"hi": hi, "lo": lo, "lookback": lookback, "false": False},
    )
    rows += tx.all(
        f"SELECT {columns} FROM records WHERE end_utc IS NULL AND start_utc < :lookback "
        f"{voided} ORDER BY start_utc, id",
        {"lookback": lookback, "false": False},
    )
    return [_record(r) for r in rows]


def claimed_spans(tx: Tx, start: datetime, end: datetime) -> list[tuple[int, int, int]]:
    """(id, start_utc, end_utc) of the closed, kept, claimed records overlapping [start, end),
    without decoding a payload: the cheap read behind time off in lieu (RULES P3, E1). An
    acknowledgement is found by its `"kind":"ack"` in the canonical JSON of the projection, or
    of the record's entry while it has no copy (docs/ledger-format.md: no spaces; a quote inside
    a text is escaped, so never matches; the entry's own kind is "record.add")."""
    lo, hi = int(start.timestamp()), int(end.timestamp())
    rows = tx.all(
        "SELECT id, start_utc, end_utc FROM records WHERE start_utc < :hi "
        "AND start_utc >= :lookback AND end_utc > :lo AND voided = :false "
        "AND COALESCE(data, (SELECT e.body FROM ledger e WHERE e.seq = records.id)) "
        "NOT LIKE :ack ORDER BY start_utc, id",
        {
            "hi": hi,
            "lo": lo,
            "lookback": lo - max_span(tx) - 1,
            "false": False,
            "ack": '%"kind":"ack"%',
        },
    )
    return [(int(r[0]), int(r[1]), int(r[2])) for r in rows]


def recent_records(tx: Tx, limit: int) -> list[Record]:
    rows = tx.all(
        f"SELECT {_RECORD_COLUMNS} FROM records WHERE voided = :false ORDER BY id DESC LIMIT :n",
        {"false": False, "n": limit},
    )
    return [_record(r) for r in rows]


def running(tx: Tx) -> list[Record]:
    rows = tx.all(
        f"SELECT {_RECORD_COLUMNS} FROM records WHERE end_utc IS NULL AND type = 'session' "
        "AND voided = :false ORDER BY start_utc",
        {"false": False},
    )
    return [_record(r) for r in rows]


HistoryRow = tuple[int, str, str, dict[str, Any], str, str | None]


def record_history(tx: Tx, record_id: int) -> list[HistoryRow]:
    """(seq, recorded_at, kind, data, hash, clock) of every entry about one record, oldest
    first; `clock` is "simulated" for an entry a simulated clock dated."""
    rows = tx.all(
        "SELECT seq, recorded_at, kind, body, hash FROM ledger "
        "WHERE seq = :id OR ref = :id ORDER BY seq",
        {"id": record_id},
    )
    history = []
    for seq, at, kind, body, digest in rows:
        fields = json.loads(body)
        history.append((int(seq), at, kind, fields["data"], digest, fields.get("clock")))
    return history


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
    for marks, names in _in_lists(candidates):
        rows = tx.all(f"SELECT source_id FROM records WHERE source_id IN ({marks})", names)
        found.update(str(r[0]) for r in rows)
    return found


def _in_lists(values: Sequence[Any], size: int = 500) -> Iterator[tuple[str, dict[str, Any]]]:
    """`values` as (":v0, :v1, ...", parameters) for `IN (...)`, `size` at a time (SQLite limits
    the host parameters of a statement)."""
    for i in range(0, len(values), size):
        names = {f"v{n}": value for n, value in enumerate(values[i : i + size])}
        yield ", ".join(f":{name}" for name in names), names


# The `records` columns `ot verify` compares with a replay, after the id and the payload.
RECORD_CHECKED = "last_seq, type, start_utc, end_utc, voided, source_id"
StoredRecord = tuple[int, bytes | None, int, str, int, int | None, Any, str | None]


def record_payloads(
    tx: Tx, at_least: int | None = None, below: int | None = None, batch: int = 5000
) -> Iterator[StoredRecord]:
    """(id, stored `data` as UTF-8 JSON or None, then the RECORD_CHECKED columns) of the records
    with ids in [at_least, below), in id order, streamed (None: the payload is the record.add
    entry's data, which `ot verify` has checked in the chain walk)."""
    low, high = -(2**63) if at_least is None else at_least, 2**63 - 1 if below is None else below
    if tx.dialect == "sqlite":
        yield from tx.execute(
            f"SELECT id, CAST(data AS BLOB), {RECORD_CHECKED} FROM records "
            "WHERE id >= :low AND id < :high ORDER BY id",
            {"low": low, "high": high},
        )
        return
    while True:  # servers' drivers buffer a whole result: keyset pages
        rows = tx.all(
            f"SELECT id, data, {RECORD_CHECKED} FROM records WHERE id >= :low AND id < :high "
            "ORDER BY id LIMIT :n",
            {"low": low, "high": high, "n": batch},
        )
        yield from map(_stored_record, rows)
        if len(rows) < batch:
            return
        low = int(rows[-1][0]) + 1


def _stored_record(row: tuple[Any, ...]) -> StoredRecord:
    record_id, text, *columns = row
    return (int(record_id), None if text is None else str(text).encode("utf-8"), *columns)


def record_payloads_of(tx: Tx, ids: list[int]) -> Iterator[StoredRecord]:
    """record_payloads for the records `ids` (those that exist)."""
    for marks, names in _in_lists(ids):
        sql = f"SELECT id, data, {RECORD_CHECKED} FROM records WHERE id IN ({marks})"
        yield from map(_stored_record, tx.all(sql, names))


def projection_rows(tx: Tx, table: str, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """Every row of a fact projection (`storage.ledger.FACT_COLUMNS`), by seq."""
    return tx.all(f"SELECT {', '.join(columns)} FROM {table} ORDER BY seq")


def meta_rows(tx: Tx) -> dict[str, str]:
    return {str(k): str(v) for k, v in tx.all("SELECT key, value FROM meta")}


def all_records(tx: Tx) -> dict[int, dict[str, Any]]:
    """Every record's projected payload, for checking the projection against the ledger."""
    rows = tx.all(f"SELECT id, {payload_columns('records')} FROM records")
    return {int(i): json.loads(payload_text(int(i), d, b)) for i, d, b in rows}


def meta(tx: Tx, key: str) -> str | None:
    value = tx.scalar("SELECT value FROM meta WHERE key = :key", {"key": key})
    return str(value) if value is not None else None


def set_meta(tx: Tx, key: str, value: str) -> None:
    tx.execute("DELETE FROM meta WHERE key = :key", {"key": key})
    tx.execute("INSERT INTO meta (key, value) VALUES (:key, :value)", {"key": key, "value": value})


# -- evidence (exports, packs, anchors) ----------------------------------------------------------
EntryRow = tuple[int, str, str, str, str, str, str]


def entry_hashes(tx: Tx, seqs: list[int]) -> dict[int, str]:
    """seq -> hash of those ledger entries (a record's creating entry has the record's id)."""
    found: dict[int, str] = {}
    for marks, names in _in_lists(sorted(set(seqs))):
        rows = tx.all(f"SELECT seq, hash FROM ledger WHERE seq IN ({marks})", names)
        found.update((int(seq), str(digest)) for seq, digest in rows)
    return found


def first_record_start(tx: Tx) -> int | None:
    """POSIX seconds of the earliest record's start (voided ones included), None if none."""
    value = tx.scalar("SELECT min(start_utc) FROM records")
    return int(value) if value is not None else None


# An entry's prev_hash (docs/ledger-format.md) is the stored hash of the row before it: the table
# keeps no copy of it since schema 0002; evidence packs show it beside each entry.
PREV_HASH = (
    "COALESCE((SELECT p.hash FROM ledger p WHERE p.seq < ledger.seq "
    f"ORDER BY p.seq DESC LIMIT 1), '{GENESIS}')"
)
_ENTRY_COLUMNS = f"seq, entry_id, recorded_at, kind, body, {PREV_HASH}, hash"


def _entry_row(row: tuple[Any, ...]) -> EntryRow:
    seq, entry_id, at, kind, body, prev_hash, digest = row
    return (int(seq), str(entry_id), str(at), str(kind), str(body), str(prev_hash), str(digest))


def entries_about(tx: Tx, record_ids: list[int], kinds: tuple[str, ...]) -> list[EntryRow]:
    """Entries that create or correct these records, and every entry of `kinds`, by seq."""
    found: dict[int, EntryRow] = {}
    for marks, names in _in_lists(sorted(set(record_ids))):
        sql = f"SELECT {_ENTRY_COLUMNS} FROM ledger WHERE seq IN ({marks}) OR ref IN ({marks})"
        found.update((row[0], row) for row in map(_entry_row, tx.all(sql, names)))
    for marks, names in _in_lists(kinds):
        sql = f"SELECT {_ENTRY_COLUMNS} FROM ledger WHERE kind IN ({marks})"
        found.update((row[0], row) for row in map(_entry_row, tx.all(sql, names)))
    return [found[seq] for seq in sorted(found)]


def entry_bodies(tx: Tx, seqs: Sequence[int]) -> list[tuple[int, str]]:
    """(seq, body) of those ledger entries, by seq."""
    found: list[tuple[int, str]] = []
    for marks, names in _in_lists(sorted(set(seqs))):
        rows = tx.all(f"SELECT seq, body FROM ledger WHERE seq IN ({marks})", names)
        found += [(int(seq), str(body)) for seq, body in rows]
    return sorted(found)


# A canonical body starts with `{"at":"` and the 20 characters of the recorded time (its keys are
# sorted, docs/ledger-format.md): read without decoding the body.
RECORDED_AT = "substr(body, 8, 20)"


def latest_recorded(tx: Tx, heads: Sequence[int]) -> dict[int, str]:
    """For each h of `heads`, the latest recorded time of the entries 1..h.

    One range of the primary key between consecutive heads at a time: the ledger is read once,
    whatever the number of heads.
    """
    found, latest, previous = {}, "", 0
    for head in sorted(set(heads)):
        value = tx.scalar(
            f"SELECT max({RECORDED_AT}) FROM ledger WHERE seq > :lo AND seq <= :hi",
            {"lo": previous, "hi": head},
        )
        latest = max(latest, str(value or ""))
        found[head], previous = latest, head
    return found


def entries_of_kind(tx: Tx, kind: str) -> list[tuple[int, str]]:
    """(seq, body) of every ledger entry of one kind, read from the ledger itself."""
    rows = tx.all("SELECT seq, body FROM ledger WHERE kind = :kind ORDER BY seq", {"kind": kind})
    return [(int(seq), str(body)) for seq, body in rows]


RecordRow = tuple[int, int, int | None, bool, str, str, str | None]


class RecordRange(NamedTuple):
    """The records overlapping [lo, hi) (POSIX seconds) that `records_between` returns, as an
    export reads them: in pages, in (start_utc, id) order, then the sessions still running
    that began before the look-back (`lookback`: the earliest start a closed record of the
    period can have)."""

    lo: int
    hi: int
    lookback: int
    include_voided: bool


def record_range(
    tx: Tx, start: datetime, end: datetime, include_voided: bool = False
) -> RecordRange:
    lo, hi = int(start.timestamp()), int(end.timestamp())
    return RecordRange(lo, hi, lo - max_span(tx) - 1, include_voided)


_EXPORT_SELECT = (
    "SELECT r.id, r.start_utc, r.end_utc, r.voided, r.data, "
    f"CASE WHEN r.data IS NULL THEN l.body END, l.hash, {entered_sql('r')} "
    "FROM records r LEFT JOIN ledger l ON l.seq = r.id "
)
# Every bound on start_utc is one `>=` and one `<` (a second lower bound would leave SQLite
# free to search the index by the wrong one): the key of a page lifts `floor`.
_MAIN = (
    "WHERE r.start_utc < :hi AND r.start_utc >= :floor AND (r.end_utc IS NULL OR r.end_utc > :lo)"
)
_TAIL = "WHERE r.end_utc IS NULL AND r.start_utc < :lookback AND r.start_utc >= :floor"
_AFTER = " AND (r.start_utc > :floor OR r.id > :after_id)"  # with floor = the key's start
_BEFORE = " AND (r.start_utc < :before_s OR r.id < :before_id)"  # with hi = its start + 1
_EARLIEST = -(2**62)


def _range_params(span: RecordRange, tail: bool = False) -> tuple[str, dict[str, Any]]:
    voided = "" if span.include_voided else " AND r.voided = :false"
    floor = _EARLIEST if tail else span.lookback
    params = {"hi": span.hi, "lo": span.lo, "lookback": span.lookback, "floor": floor}
    return voided, {**params, "false": False}


def range_extent(tx: Tx, span: RecordRange, now: int) -> tuple[int, int, int]:
    """(rows, earliest start, latest end or start) of the range; a running session ends `now`
    (but never before its start): what the classifier's timeline must cover. (0, 0, 0): none."""
    count, first, last = 0, None, None
    for where, tail in ((_MAIN, False), (_TAIL, True)):
        voided, params = _range_params(span, tail)
        n, lo, hi = tx.one(
            "SELECT count(*), min(r.start_utc), "
            "max(CASE WHEN r.end_utc IS NOT NULL THEN r.end_utc "
            "WHEN r.start_utc > :now THEN r.start_utc ELSE :now END) "
            f"FROM records r {where}{voided}",
            {**params, "now": now},
        ) or (0, None, None)
        if n:
            count += int(n)
            first = int(lo) if first is None else min(first, int(lo))
            last = int(hi) if last is None else max(last, int(hi))
    return (count, first or 0, last or 0) if count else (0, 0, 0)


def range_key(tx: Tx, span: RecordRange, position: int) -> tuple[int, int] | None:
    """The (start_utc, id) of the row at `position` of the range's first part (None: past it)."""
    voided, params = _range_params(span)
    row = tx.one(
        f"SELECT r.start_utc, r.id FROM records r {_MAIN}{voided} "
        "ORDER BY r.start_utc, r.id LIMIT 1 OFFSET :n",
        {**params, "n": position},
    )
    return (int(row[0]), int(row[1])) if row else None


def range_rows(
    tx: Tx,
    span: RecordRange,
    split: tuple[int, int] | None = None,
    first_half: bool = True,
) -> Iterator[RecordRow]:
    """(id, start_utc, end_utc, voided, data, hash of the creating entry, when the end was
    entered) of the range's records, undecoded, a page at a time (memory does not grow with
    the rows). With `split`: the rows before that key (`first_half`), or from it to the end.

    Bulk exports read these: decoding 50k payloads into Record values costs more than the
    export itself. The hash comes by the primary keys (a record's id is its entry's seq).
    """
    voided, params = _range_params(span)
    if split is None:
        yield from _pages(tx, _MAIN + voided, params)
    elif first_half:
        params.update(hi=min(span.hi, split[0] + 1), before_s=split[0], before_id=split[1])
        yield from _pages(tx, _MAIN + voided + _BEFORE, params)
        return
    else:
        yield from _pages(tx, _MAIN + voided, params, (split[0], split[1] - 1))
    voided, params = _range_params(span, tail=True)
    yield from _pages(tx, _TAIL + voided, params)


PAGE = 2000  # rows a page of range_rows: a few MB at most


def _pages(
    tx: Tx, where: str, params: dict[str, Any], after: tuple[int, int] | None = None
) -> Iterator[RecordRow]:
    """Keyset pages in (start_utc, id) order, from after the key `after` (start, id): a
    server's driver buffers a whole result, so pages keep the memory flat on both."""
    page = PAGE
    while True:
        keyed = dict(params, page=page)
        if after is not None:
            keyed.update(floor=max(params["floor"], after[0]), after_id=after[1])
        rows = tx.all(
            f"{_EXPORT_SELECT}{where}{_AFTER if after else ''} ORDER BY r.start_utc, r.id "
            "LIMIT :page",
            keyed,
        )
        for i, s, e, v, d, b, h, n in rows:
            yield (
                int(i),
                int(s),
                int(e) if e is not None else None,
                bool(v),
                payload_text(int(i), d, b),
                str(h or ""),
                str(n) if n is not None and e is not None else None,
            )
        if len(rows) < page:
            return
        after = (int(rows[-1][1]), int(rows[-1][0]))
