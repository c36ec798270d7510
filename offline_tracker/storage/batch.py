"""Appending many ledger entries at once: one head read, executemany, the rows append writes."""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from typing import Any

from offline_tracker.domain import facts
from offline_tracker.ledger.canonical import (
    FORMAT_VERSION,
    Stamp,
    as_stamp,
    entry_body,
    plain_bytes,
)
from offline_tracker.ledger.chain import entry_hash
from offline_tracker.storage import ledger, queries
from offline_tracker.storage.db import Tx

Entry = tuple[str, dict[str, Any], int | None]
_Fact = tuple[int, str, dict[str, Any]]  # (seq, kind, data)

_SCALARS = frozenset({str, bool, type(None)})


def append_many(tx: Tx, entries: Sequence[Entry], stamp: Stamp | str) -> list[ledger.Appended]:
    """Append `(kind, data, ref)` entries in order at the head of the chain, in `tx`.

    The bytes, hashes and projection rows are exactly those that `ledger.append` once per
    entry would write (tests compare them, and `ot db rebuild` reproduces the projection);
    only the cost differs: the head is read once and rows go in with executemany.
    """
    if not entries:
        return []
    stamp = as_stamp(stamp)
    if tx.dialect == "postgresql":
        # Writers queue here, so the chain stays one line (as in ledger.append).
        tx.execute("LOCK TABLE ledger IN SHARE ROW EXCLUSIVE MODE")
    seq, prev = ledger.checked_head(tx)
    fast = _fast_agrees(seq + 1, stamp, entries[0])
    entry_ids = ledger.uuid4_texts(os.urandom(16 * len(entries)))
    rows: list[dict[str, Any]] = []
    appended: list[ledger.Appended] = []
    projected: list[_Fact] = []
    for n, (kind, data, ref) in enumerate(entries):
        seq += 1
        entry_id = entry_ids[n]
        body = _encode(seq, entry_id, stamp, kind, data, fast)
        digest = entry_hash(prev, body)
        rows.append(ledger.entry_row(seq, entry_id, stamp.at, kind, ref, body, digest))
        appended.append(ledger.Appended(seq, entry_id, digest, stamp.at))
        projected.append((seq, kind, data))
        prev = digest
    tx.executemany(ledger.INSERT_ENTRY, rows)
    _project_many(tx, projected)
    return appended


def _encode(
    seq: int, entry_id: str, stamp: Stamp, kind: str, data: dict[str, Any], fast: bool
) -> bytes:
    """entry_body's bytes.

    The envelope's keys in sorted order (at, clock, data, id, kind, seq, v) around `data` give the
    same bytes as canonical_bytes without its validating walk. Only plain values take this path;
    anything else goes to entry_body.
    """
    if not (fast and _plain(data)):
        return entry_body(seq, entry_id, stamp, kind, data)
    return b"".join(
        (
            b'{"at":',
            plain_bytes(stamp.at),
            b"" if stamp.clock is None else b',"clock":' + plain_bytes(stamp.clock),
            b',"data":',
            plain_bytes(data),
            b',"id":',
            plain_bytes(entry_id),
            b',"kind":',
            plain_bytes(kind),
            b',"seq":%d,"v":%d}' % (seq, FORMAT_VERSION),
        )
    )


def _fast_agrees(seq: int, stamp: Stamp, entry: Entry) -> bool:
    """Whether the fast path gives entry_body's bytes for a real entry.

    If canonical.py ever changes its encoding, the batch falls back to it instead of writing
    different bytes.
    """
    kind, data, _ = entry
    entry_id = str(uuid.UUID(int=0, version=4))
    return _encode(seq, entry_id, stamp, kind, data, True) == entry_body(
        seq, entry_id, stamp, kind, data
    )


def _plain(value: Any) -> bool:
    """True for exactly typed JSON values the canonical encoding accepts (no floats, ASCII keys).

    Stricter than canonical._check: subclasses go the slow way, which also names an error.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind in _SCALARS:
            continue
        if kind is dict:
            try:
                if not "".join(item).isascii():
                    return False
            except TypeError:  # a key that is not a string
                return False
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
        elif kind is not int or abs(item) > 2**53:
            return False
    return True


def _project_many(tx: Tx, facts_in_order: Sequence[_Fact]) -> None:
    """Apply facts to the projections in order: runs of `record.add` batched, others one by one.

    A later fact may refer to a record added earlier in the batch, so a run of adds is
    written before any other fact is projected (by ledger.project itself).
    """
    run: list[_Fact] = []
    for fact in facts_in_order:
        if fact[1] == facts.RECORD_ADD:
            run.append(fact)
            continue
        _project_adds(tx, run)
        run = []
        ledger.project(tx, fact[0], fact[1], fact[2])
    _project_adds(tx, run)


def _project_adds(tx: Tx, run: Sequence[_Fact]) -> None:
    """The `records` rows of new records, as ledger.project writes them for `record.add`."""
    if not run:
        return
    rows: list[dict[str, Any]] = []
    widest = 0
    for seq, _, data in run:
        # A record.add's payload is its data as it is (apply_fact would only copy it).
        row = ledger.record_row(seq, seq, data)
        if row["end"] is not None:
            widest = max(widest, row["end"] - row["start"])
        rows.append(row)
    tx.executemany(ledger.INSERT_RECORD, rows)
    # ledger.append widens the span record by record; the largest wins either way.
    if widest > queries.max_span(tx):
        queries.set_meta(tx, queries.MAX_SPAN, str(widest))
